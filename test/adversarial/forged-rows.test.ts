// Text output escapes control characters in every field a user supplies: a reason holding a newline and an escape
// sequence cannot add a forged row to `bans list` or colour the terminal, nor can a file name in an error; and the
// text listing works at 250,000 bans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { makeLab, ok } from './lab.js';

const skip = kernelSkipReason();
const ESC = '\u001b';

test('a reason cannot forge a row or send an escape sequence', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const reason = `x\n10.4.4.4  permanent  fake${ESC}[31m`;
  ok(lab.cli(['ban', '10.3.3.3', '--reason', reason]));
  const out = ok(lab.cli(['bans', 'list']));
  assert.ok(!out.includes(ESC), 'no raw escape character');
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 2, `a header and one row:\n${out}`);
  assert.match(lines[1], /^10\.3\.3\.3 .*x\\n10\.4\.4\.4 {2}permanent {2}fake\\x1b\[31m/);
  // JSON keeps the reason exactly as given.
  assert.equal(JSON.parse(ok(lab.cli(['bans', 'list', '--json']))).bans[0].reason, reason);

  const badName = join(lab.root, `no-such${ESC}[2J\nfile`);
  const r = lab.cli(['ban', '--file', badName]);
  assert.equal(r.status, 1);
  assert.ok(!r.stderr.includes(ESC), r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /no-such\\x1b\[2J\\nfile/);
});

test('the text listing works at 250,000 bans', { skip, timeout: 600_000 }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const file = join(lab.root, 'many');
  const lines = new Array<string>(250_000);
  for (let n = 0; n < lines.length; n++) lines[n] = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  writeFileSync(file, lines.join('\n') + '\n');
  ok(lab.cli(['ban', '--file', file]));
  const r = lab.cli(['bans', 'list'], { timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr.slice(0, 500));
  assert.equal(r.stdout.trimEnd().split('\n').length, 250_001);
});
