// The warm-up runs the reader a startup list goes through, not a side path: every made-up decision is read in
// place as a common one (a warm-up the in-place reader refused would compile the general reader instead), over
// several chunks, and each is a ban checkDecision accepts, as a Local API would write it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDecision } from '../../src/crowdsec/decisions.js';
import { madeUpAnswer, warmDecisionReader, WARM_UP_DECISIONS } from '../../src/crowdsec/warm-up.js';

test('the warm-up reads every made-up decision through the in-place reader', () => {
  assert.equal(warmDecisionReader(), WARM_UP_DECISIONS);
  assert.equal(warmDecisionReader(1), 1);
  assert.equal(warmDecisionReader(0), 0);
});

test('the made-up answer is JSON of enforceable IPv4 bans, in chunks', () => {
  const chunks = madeUpAnswer(WARM_UP_DECISIONS);
  assert.ok(chunks.length > 5, `${chunks.length} chunks`);
  const body = JSON.parse(Buffer.concat(chunks).toString('latin1')) as { new: unknown[]; deleted: null };
  assert.equal(body.new.length, WARM_UP_DECISIONS);
  const targets = new Set<string>();
  for (const raw of body.new) {
    const v = checkDecision(raw, undefined);
    assert.ok(!('skip' in v), JSON.stringify(raw));
    assert.equal(v.family, 4);
    assert.ok(v.remainingMs > 0);
    targets.add(v.target);
  }
  assert.equal(targets.size, WARM_UP_DECISIONS, 'no address twice');
});
