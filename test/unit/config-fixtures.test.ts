// Every config fixture against the expectation stored beside it: good/NAME.conf + NAME.expected.json (the exact
// `config validate --json` result), bad/NAME.conf + NAME.expected.json (the errors, by line, column and key).
// Outside fixtures/, the file system is a fixed picture of a stock Debian host without PortSentry installed, so
// results do not depend on the machine the tests run on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadConfig, type ConfigIo } from '../../src/config/load.js';
import { buildValidateResult, type ValidateResult } from '../../src/config/report.js';
import { repoRoot } from '../helpers/cli.js';

const configsDir = join(repoRoot, 'fixtures', 'configs');
const STOCK_HOST = new Set([
  '/',
  '/etc',
  '/tmp',
  '/var',
  '/var/lib',
  '/var/log',
  '/bin/echo',
  '/bin/sh',
  '/sbin/route',
]);
const hermeticIo: ConfigIo = {
  readFile: (p) => readFile(p),
  exists: (p) => (p.startsWith(configsDir) ? existsSync(p) : STOCK_HOST.has(p)),
};

function confs(dir: string): string[] {
  return readdirSync(join(configsDir, dir))
    .filter((f) => f.endsWith('.conf'))
    .sort();
}

async function validateFixture(path: string): Promise<ValidateResult> {
  const result = buildValidateResult(await loadConfig(path, hermeticIo));
  // Stored with paths relative to the repository, so the expectation holds wherever the checkout lives.
  for (const p of [...result.errors, ...result.warnings]) p.file = relative(repoRoot, p.file);
  return result;
}

test('fixture directories hold the configs this suite promises', () => {
  assert.ok(confs('good').length >= 10, 'Debian, 2.x example and the 8 peer-truth configs');
  assert.ok(confs('bad').length >= 20);
});

for (const name of confs('good')) {
  test(`good/${name} validates clean and matches its expected report`, async () => {
    const path = join(configsDir, 'good', name);
    const actual = await validateFixture(path);
    const expectedPath = path.replace(/\.conf$/, '.expected.json');
    if (process.env.PORTSENTINEL_UPDATE_FIXTURES === '1')
      writeFileSync(expectedPath, JSON.stringify(actual, null, 2) + '\n');
    assert.equal(actual.valid, true, JSON.stringify(actual.errors));
    assert.deepEqual(actual.errors, []);
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
}

interface BadExpectation {
  errors: Array<{ file?: string; line: number; column: number; key: string | null; messageIncludes: string }>;
}

for (const name of confs('bad')) {
  test(`bad/${name} fails at the expected line and key`, async () => {
    const path = join(configsDir, 'bad', name);
    const expected = JSON.parse(readFileSync(path.replace(/\.conf$/, '.expected.json'), 'utf8')) as BadExpectation;
    const actual = await validateFixture(path);
    assert.equal(actual.valid, false);
    assert.deepEqual(
      actual.errors.map((e) => ({ file: e.file, line: e.line, column: e.column, key: e.key })),
      expected.errors.map((e) => ({
        file: relative(repoRoot, join(configsDir, 'bad', e.file ?? name)),
        line: e.line,
        column: e.column,
        key: e.key,
      })),
    );
    expected.errors.forEach((e, i) =>
      assert.ok(actual.errors[i].message.includes(e.messageIncludes), actual.errors[i].message),
    );
  });
}
