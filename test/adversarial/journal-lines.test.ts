// Journal lines that are valid JSON but not valid records (a time no date can hold, a target that is no address,
// a family that does not match its address) are skipped and counted; listing, status and restore carry on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { kernelTargets, makeLab, ok, type Lab } from './lab.js';

const skip = kernelSkipReason();

const LINES = [
  '{"op":"ban","target":"192.0.2.77","family":4,"at":1000,"until":99999999999999999999,"origin":"manual"}',
  '{"op":"ban","target":"not-an-ip","family":4,"at":1000,"origin":"manual"}',
  '{"op":"ban","target":"192.0.2.78","family":6,"at":1000,"origin":"manual"}',
  '{"op":"ban","targets":["192.0.2.79","10.0.0.1/8"],"family":4,"at":1000,"origin":"manual"}',
  '{"op":"ban","target":"192.0.2.80","family":4,"at":-5,"origin":"manual"}',
  '{"op":"ban","target":"192.0.2.81","family":4,"at":1000,"origin":"manual","trigger":{"port":"x"}}',
  '{"op":"ban","target":"198.51.100.9","family":4,"at":1000,"origin":"manual","reason":"good line"}',
];

test('invalid journal lines are skipped and counted, never fatal', { skip }, async (t) => {
  const lab: Lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  writeFileSync(join(lab.stateDir, 'journal.jsonl'), LINES.join('\n') + '\n', { mode: 0o600 });
  const bad = LINES.length - 1;

  await t.test('setup --restore restores the one good line', () => {
    const out = ok(lab.cli(['setup', '--restore', '--json']));
    assert.equal(JSON.parse(out).restored, 1);
    assert.deepEqual([...kernelTargets(lab)], ['198.51.100.9']);
  });

  await t.test('bans list shows the good ban and says how many lines it skipped', () => {
    const r = lab.cli(['bans', 'list']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /198\.51\.100\.9/);
    assert.doesNotMatch(r.stdout, /192\.0\.2\.7[789]/);
    assert.match(r.stderr, new RegExp(`${bad} journal line\\(s\\) skipped`));
    const j = lab.cli(['bans', 'list', '--json']);
    assert.equal(j.status, 0, j.stderr);
    assert.equal(JSON.parse(j.stdout).bans.length, 1);
  });

  await t.test('status reports the skipped lines', () => {
    const r = lab.cli(['status']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${bad} invalid line\\(s\\) skipped`));
    const j = JSON.parse(ok(lab.cli(['status', '--json'])));
    assert.equal(j.journal.skipped, bad);
  });
});
