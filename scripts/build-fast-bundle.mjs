// Bundles the fast path (dist/src/cli/fast-path.js and everything its commands load) into dist/fast/, one file per
// lazily loaded part: reading and linking a handful of files instead of some ninety small modules is a good part of
// a hot command's start-up. Requires made at run time through createRequire (the netlink socket, ajv's runtime
// helpers) stay requires, resolved from the package as before.
import { copyFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/fast');
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist/src/cli/fast-path.js')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: out,
  logLevel: 'warning',
});
copyFileSync(join(root, 'dist/src/cli/fast-path.json'), join(out, 'fast-path.json'));
