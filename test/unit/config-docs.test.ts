// docs/configuration.md stays in step with schemas/config.schema.json: every key has a row with its default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_SPECS } from '../../src/config/schema.js';
import { formatPortList, type PortPair } from '../../src/config/decode.js';
import { repoRoot } from '../helpers/cli.js';

const doc = readFileSync(join(repoRoot, 'docs', 'configuration.md'), 'utf8');

for (const spec of KEY_SPECS) {
  test(`docs/configuration.md documents ${spec.name}`, () => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${spec.name}\` |`));
    assert.ok(row, `no table row for ${spec.name}`);
    assert.ok(row.includes(spec.doc), `row of ${spec.name} does not carry the schema's x-doc`);
    if (spec.default !== undefined) {
      const shown =
        spec.kind === 'port-list' ? formatPortList(spec.default as PortPair[]) || '(empty)' : String(spec.default);
      assert.ok(row.includes(`\`${shown}\``), `row of ${spec.name} does not show default ${shown}`);
    }
  });
}
