// oclif's parse errors as one sentence: its messages span lines (the reason after "Parsing --flag", the missing
// argument's name and description after "Missing 1 required arg:", then notes and "See more help"), and only the
// first line used to be kept, which named no argument and gave no reason.
interface ArgDef {
  name?: string;
  description?: string;
}

/** One line naming the argument or flag and why it was refused. */
export function describeParseError(err: Error & { args?: ArgDef[] }, commandId?: string): string {
  const help = commandId ? `; see portsentinel ${commandId} --help` : '';
  const lines = err.message.split('\n').map((l) => l.trim());
  if (/^Missing \d+ required args?:/.test(lines[0]) && Array.isArray(err.args) && err.args.length > 0) {
    const names = err.args.map((a) => (a.description ? `${a.name} (${a.description})` : `${a.name}`));
    return `missing argument ${names.join(', ')}${help}`;
  }
  const kept = lines.filter(
    (l) => l !== '' && !/^See more help with/.test(l) && !/^Note:|^Alternatively, you can use/.test(l),
  );
  const parsing = /^Parsing (--?\S+)$/.exec(kept[0] ?? '');
  if (parsing && kept.length > 1) {
    const why = kept.slice(1).join(' ');
    return `${parsing[1]}: ${why.charAt(0).toLowerCase()}${why.slice(1)}${help}`;
  }
  return kept.join(' ') || lines[0];
}
