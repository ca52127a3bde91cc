// The dependency rule `npm run lint` enforces (scripts/check-layers.mjs): the real tree passes, and small trees
// with an upward import, a forbidden package or a type-only cycle each fail with a sentence naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

const script = join(repoRoot, 'scripts', 'check-layers.mjs');

function check(root: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/** Checks a small tree made of `files` (path → text), removed afterwards. */
function checkTree(files: Record<string, string>): { status: number | null; stderr: string } {
  const root = mkdtempSync(join(tmpdir(), 'portsentinel-layers-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return check(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('npm run lint runs the layering check', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { lint: string } };
  assert.match(pkg.scripts.lint, /node scripts\/check-layers\.mjs/);
});

test('the source tree follows the layering rule and has no import cycle', () => {
  const r = check(repoRoot);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});

test('an upward import fails, naming the file, line and both layers', () => {
  const r = checkTree({
    'src/cli/output.ts': 'export const x = 1;\n',
    'src/net/address.ts': "// bad\nimport { x } from '../cli/output.js';\nexport const y = x;\n",
  });
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /src\/net\/address\.ts:2: src\/net imports src\/cli \(\.\.\/cli\/output\.js\), a layer above it/,
  );
});

test('netlink may not use the exit-code errors; domain folders may not import @oclif/core', () => {
  const r = checkTree({
    'src/errors.ts': 'export class InputError extends Error {}\n',
    'src/netlink/errors.ts': "import { InputError } from '../errors.js';\nexport const E = InputError;\n",
    'src/bans/flags.ts': "import { Flags } from '@oclif/core';\nexport const f = Flags;\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/netlink\/errors\.ts:1: src\/netlink imports src\/errors/);
  assert.match(r.stderr, /src\/bans\/flags\.ts:1: only src\/commands, src\/cli may import @oclif\/core/);
});

test('a cycle made only of type imports fails', () => {
  const r = checkTree({
    'src/bans/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
    'src/bans/b.ts': "export type B = import('./a.js').A;\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /import cycle: src\/bans\/a\.ts <-> src\/bans\/b\.ts/);
});
