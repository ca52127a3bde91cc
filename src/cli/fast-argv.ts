// The argument parser of the fast path: the plain argument lists of the hot commands (flags by long name or
// one-letter alias, values after a space or `=`, positional arguments), parsed from the flag specs the build
// extracts from the oclif command classes. It answers only where oclif's parser would give the same result;
// anything else — help, an unknown or repeated flag, a value that looks like a flag, a bad option value, `--` —
// returns undefined and the full CLI takes over, with its own messages. Pure.

export interface FastFlagSpec {
  name: string;
  char?: string;
  type: 'boolean' | 'option';
  multiple?: boolean;
  /** Each occurrence of a multiple flag takes exactly one value. */
  nonGreedy?: boolean;
  options?: string[];
  default?: string | boolean;
}

export interface FastArgSpec {
  name: string;
  required?: boolean;
  default?: string;
}

export interface FastCommandSpec {
  id: string;
  strict: boolean;
  flags: FastFlagSpec[];
  args: FastArgSpec[];
}

export interface FastParsed {
  flags: Record<string, string | boolean | string[]>;
  args: Record<string, string>;
  argv: string[];
}

/** The parse of `tokens` (the words after the command id), or undefined when oclif must judge them. */
export function parseFastArgv(spec: FastCommandSpec, tokens: readonly string[]): FastParsed | undefined {
  const byName = new Map<string, FastFlagSpec>();
  const byChar = new Map<string, FastFlagSpec>();
  for (const f of spec.flags) {
    byName.set(f.name, f);
    if (f.char !== undefined) byChar.set(f.char, f);
  }
  const flags: FastParsed['flags'] = {};
  const positional: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === '-' || !token.startsWith('-')) {
      positional.push(token);
      continue;
    }
    let flag: FastFlagSpec | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      flag = byName.get(name);
      if (eq >= 0) inline = token.slice(eq + 1);
    } else if (token.length === 2) {
      flag = byChar.get(token[1]);
    }
    if (flag === undefined) return undefined;
    if (flag.type === 'boolean') {
      if (inline !== undefined || flag.name in flags) return undefined;
      flags[flag.name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= tokens.length) return undefined;
      value = tokens[++i];
    }
    // A value that looks like a flag is where parsers differ most; leave it to oclif.
    if (value === '' || (value.startsWith('-') && value !== '-')) return undefined;
    if (flag.options !== undefined && !flag.options.includes(value)) return undefined;
    if (flag.multiple) {
      if (!flag.nonGreedy) return undefined;
      const list = (flags[flag.name] as string[] | undefined) ?? [];
      list.push(value);
      flags[flag.name] = list;
    } else {
      if (flag.name in flags) return undefined;
      flags[flag.name] = value;
    }
  }
  if (spec.strict && positional.length > spec.args.length) return undefined;
  // oclif orders argv by each word's first position in the command line, so a repeated word joins its first
  // occurrence (`a b a` → `a a b`); the same order here keeps both paths alike.
  const firstAt = new Map<string, number>();
  tokens.forEach((t, i) => firstAt.has(t) || firstAt.set(t, i));
  positional.sort((a, b) => firstAt.get(a)! - firstAt.get(b)!);
  const args: FastParsed['args'] = {};
  for (let a = 0; a < spec.args.length; a++) {
    const arg = spec.args[a];
    const value = positional[a] ?? arg.default;
    if (value === undefined) {
      if (arg.required) return undefined;
      continue;
    }
    args[arg.name] = value;
  }
  for (const f of spec.flags) {
    if (f.name in flags || f.default === undefined) continue;
    flags[f.name] = f.default;
  }
  return { flags, args, argv: positional };
}
