// Regenerates the command reference in README.md (between the `<!-- commands -->` markers) from
// oclif.manifest.json, so the README cannot drift from the flags the CLI really takes. Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'));
const check = process.argv.includes('--check');

function usage(cmd) {
  const args = Object.values(cmd.args ?? {}).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  if (cmd.strict === false && args.length) args[args.length - 1] += '...';
  return ['portsentinel', cmd.id.replaceAll(':', ' '), ...args, '[FLAGS]'].join(' ');
}

function flagLine(name, f) {
  const short = f.char ? `-${f.char}, ` : '';
  const value = f.type === 'option' ? `=${f.helpValue ?? (f.options ? f.options.join('|') : 'VALUE')}` : '';
  const def = f.default !== undefined && f.type === 'option' ? ` (default: ${f.default})` : '';
  return `  ${short}--${name}${value}`.padEnd(40) + ` ${f.summary ?? f.description ?? ''}${def}`.trimEnd();
}

const sections = Object.values(manifest.commands)
  .filter((c) => !c.hidden)
  .sort((a, b) => a.id.localeCompare(b.id))
  .map((c) => {
    const flags = Object.entries(c.flags ?? {})
      .filter(([, f]) => !f.hidden)
      .map(([n, f]) => flagLine(n, f));
    const examples = (c.examples ?? []).map((e) =>
      (typeof e === 'string' ? e : e.command)
        .replaceAll('<%= config.bin %>', 'portsentinel')
        .replaceAll('<%= command.id %>', c.id.replaceAll(':', ' ')),
    );
    return [
      `### \`portsentinel ${c.id.replaceAll(':', ' ')}\``,
      '',
      c.summary ?? c.description ?? '',
      '',
      '```',
      usage(c),
      '',
      ...flags,
      ...(examples.length ? ['', 'Examples:', ...examples.map((e) => `  $ ${e}`)] : []),
      '```',
      '',
    ].join('\n');
  });

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- commands -->';
const stop = '<!-- commandsstop -->';
const i = readme.indexOf(start);
const j = readme.indexOf(stop);
if (i < 0 || j < 0) throw new Error('README.md lacks the <!-- commands --> / <!-- commandsstop --> markers');
const next = `${readme.slice(0, i + start.length)}\n${sections.join('\n')}${readme.slice(j)}`;
if (check) {
  if (next !== readme) {
    console.error('README.md command reference is out of date: run `node scripts/readme-commands.mjs`');
    process.exit(1);
  }
} else writeFileSync(readmePath, next);
