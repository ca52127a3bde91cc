// Writes oclif.manifest.json so that start-up does not import every command to learn its flags.
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true });
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n');

// The fast path's flag specs, taken from the command classes themselves so that the two parsers cannot drift
// apart. A flag or argument with behaviour the fast parser does not model fails the build.
const { FAST_COMMAND_IDS, FAST_SPECS_URL } = await import(join(root, 'dist/src/cli/fast-path.js'));
const FLAG_KEYS = new Set([
  'char',
  'description',
  'helpValue',
  'helpGroup',
  'input',
  'multiple',
  'multipleNonGreedy',
  'options',
  'type',
  'default',
  'allowNo',
  'parse',
  'name',
  'hasDynamicHelp',
]);
const specs = {};
for (const id of FAST_COMMAND_IDS) {
  const entry = plugin.manifest.commands[id];
  if (!entry?.relativePath) throw new Error(`fast path: no command ${id} in the manifest`);
  const { default: Cmd } = await import(join(root, ...entry.relativePath));
  const flags = [];
  const all = { ...Cmd.flags };
  if (Cmd.enableJsonFlag) all.json = { type: 'boolean', allowNo: false };
  for (const [name, f] of Object.entries(all)) {
    const extra = Object.keys(f).filter((k) => !FLAG_KEYS.has(k) && f[k] !== undefined);
    if (extra.length > 0 || f.allowNo || typeof f.default === 'function' || (f.multiple && !f.multipleNonGreedy)) {
      throw new Error(`fast path: ${id} --${name} uses ${extra.join(', ') || 'a feature'} the fast parser lacks`);
    }
    const spec = { name, type: f.type };
    if (f.char) spec.char = f.char;
    if (f.multiple) Object.assign(spec, { multiple: true, nonGreedy: true });
    if (f.options) spec.options = [...f.options];
    if (f.default !== undefined) spec.default = f.default;
    flags.push(spec);
  }
  const args = [];
  for (const [name, a] of Object.entries(Cmd.args ?? {})) {
    if (!a.required && !a.ignoreStdin) throw new Error(`fast path: ${id} <${name}> may be read from stdin`);
    if (typeof a.default === 'function') throw new Error(`fast path: ${id} <${name}> has a computed default`);
    const spec = { name };
    if (a.required) spec.required = true;
    if (a.default !== undefined) spec.default = a.default;
    args.push(spec);
  }
  specs[id] = { id, strict: Cmd.strict !== false, flags, args };
}
writeFileSync(FAST_SPECS_URL, JSON.stringify(specs) + '\n');
