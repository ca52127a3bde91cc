// A full state file system (a small tmpfs in a private mount namespace, filled to the last byte): `ban` still bans
// and says exactly what reached the kernel and that the journal could not record it; `unban` still lifts the ban
// and says the journal could not record that; no torn line is ever left in the journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { binRun } from '../helpers/cli.js';
import { kernelTargets, makeLab } from './lab.js';

const skip = kernelSkipReason('unshare');
const COUNT = 3000;
const SOME = 500;

test('ban and unban on a full disk', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  // `first` is banned before the disk fills, `targets` after; both lines are far larger than a page's slack.
  const first = join(lab.root, 'first');
  const early = Array.from({ length: COUNT }, (_, n) => `198.19.${n >> 8}.${n & 255}`);
  writeFileSync(first, early.join('\n') + '\n');
  // Too few to make the journal worth compacting (a compaction to nothing needs no space): the unban must append.
  const some = join(lab.root, 'some');
  writeFileSync(some, early.slice(0, SOME).join('\n') + '\n');
  const file = join(lab.root, 'list');
  const targets = Array.from({ length: COUNT }, (_, n) => `198.18.${n >> 8}.${n & 255}`);
  writeFileSync(file, targets.join('\n') + '\n');
  const cli = [process.execPath, binRun].map((a) => `'${a}'`).join(' ');
  const flags = lab.flags.map((a) => `'${a}'`).join(' ');
  const inNs = `ip netns exec ${lab.ns.name} ${cli}`;
  // Everything on the small file system happens inside one private mount namespace; what the test needs to see
  // afterwards (outputs, the journal) is copied out to the lab's directory.
  const script = `
    set -u
    mount -t tmpfs -o size=256k,mode=0700 portsentinel-full '${lab.stateDir}'
    ${inNs} ban --file '${first}' ${flags} > '${lab.root}/ban1.out' 2>&1; echo $? > '${lab.root}/ban1.rc'
    dd if=/dev/zero of='${lab.stateDir}/fill' bs=4096 2>/dev/null
    dd if=/dev/zero of='${lab.stateDir}/fill2' bs=1 2>/dev/null
    ${inNs} ban --file '${file}' ${flags} > '${lab.root}/ban2.out' 2>&1; echo $? > '${lab.root}/ban2.rc'
    ${inNs} unban --file '${some}' ${flags} > '${lab.root}/unban.out' 2>&1; echo $? > '${lab.root}/unban.rc'
    cp '${lab.stateDir}/journal.jsonl' '${lab.root}/journal.copy'
    df -k '${lab.stateDir}' | tail -1 > '${lab.root}/df'
    umount '${lab.stateDir}'
  `;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const read = (name: string) => readFileSync(join(lab.root, name), 'utf8');
  assert.equal(read('ban1.rc').trim(), '0', read('ban1.out'));
  t.diagnostic(`state file system when full: ${read('df').trim()}`);

  // The bans are made, and the command says so, and that the journal does not have them.
  assert.equal(read('ban2.rc').trim(), '1');
  assert.match(
    read('ban2.out'),
    new RegExp(
      `banned ${COUNT} target\\(s\\) in the kernel \\(nftables\\), but the journal could not record them: .*ENOSPC`,
    ),
  );
  assert.equal(read('ban2.out').trim().split('\n').length, 1, read('ban2.out'));
  const kernel = kernelTargets(lab);
  for (const x of targets) assert.ok(kernel.has(x), `${x} in the kernel`);

  // unban lifts the kernel ban and names the journal failure.
  assert.equal(read('unban.rc').trim(), '1', read('unban.out'));
  assert.match(
    read('unban.out'),
    new RegExp(
      `unbanned ${SOME} target\\(s\\) in the kernel \\(nftables\\), but the journal could not record it: .*ENOSPC`,
    ),
  );

  // Whole lines only: the first ban's line, nothing torn after it.
  const journal = read('journal.copy');
  assert.ok(journal.endsWith('\n'));
  const lines = journal.trim().split('\n');
  assert.equal(lines.length, 1, journal.slice(0, 500));
  assert.deepEqual(JSON.parse(lines[0]).targets, early);
});
