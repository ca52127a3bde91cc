// Write-ahead: a 250,000-address `ban --file` killed with SIGKILL at many instants never leaves a kernel ban the
// journal does not know (and one that exited 0 before the kill left all of them in the kernel); after the kernel
// loses everything (a reboot, here the table deleted) `setup --restore` brings back every ban the kernel held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { readJournal } from '../../src/state/journal.js';
import { foldJournal } from '../../src/state/fold.js';
import { kernelTargets, makeLab, ok, spawnCli } from './lab.js';

const skip = kernelSkipReason();
const COUNT = 250_000;
/**
 * When to kill: `start` ms after the command starts (before the lock, while reading the file), or `journal` ms
 * after its journal line appeared (the write-ahead done, the kernel batches under way).
 */
const INSTANTS: Array<{ start?: number; journal?: number }> = [
  { start: 150 },
  { journal: 0 },
  { journal: 40 },
  { journal: 120 },
  { journal: 250 },
  { journal: 400 },
  { journal: 600 },
  { journal: 900 },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`kill -9 of a ${COUNT}-address ban --file leaves the journal knowing every kernel ban`, { skip }, async (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const file = join(lab.root, 'many');
  let text = '';
  for (let n = 0; n < COUNT; n++) text += `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}\n`;
  writeFileSync(file, text);
  const journalLive = () => {
    const read = readJournal(lab.stateDir);
    return new Set(foldJournal(read.records, Date.now()).live.keys());
  };
  let sawPartial = false;
  const journalFile = join(lab.stateDir, 'journal.jsonl');
  const journalSize = () => {
    try {
      return statSync(journalFile).size;
    } catch {
      return 0;
    }
  };
  for (const instant of INSTANTS) {
    const ms =
      instant.start !== undefined ? `${instant.start} ms after start` : `${instant.journal} ms after the journal line`;
    lab.ns.run('nft', ['delete', 'table', 'inet', 'portsentinel']);
    rmSync(journalFile, { force: true });
    const child = spawnCli(lab, ['ban', '--file', file, ...lab.flags]);
    const exited = new Promise((r) => child.once('exit', (c, sig) => r(sig ?? c)));
    if (instant.start !== undefined) await sleep(instant.start);
    else {
      const end = Date.now() + 30_000;
      while (journalSize() === 0 && child.exitCode === null && Date.now() < end) await sleep(2);
      await sleep(instant.journal!);
    }
    child.kill('SIGKILL');
    const code = await exited;
    const kernel = kernelTargets(lab);
    const journal = journalLive();
    const unknown = [...kernel].filter((k) => !journal.has(k));
    t.diagnostic(
      `killed ${ms} (${code}): kernel ${kernel.size}, journal ${journal.size}, kernel-only ${unknown.length}`,
    );
    assert.equal(
      unknown.length,
      0,
      `killed ${ms}, the kernel held bans the journal did not know: ${unknown.slice(0, 3)}`,
    );
    // A ban that finished before the kill said it had banned everything: the kernel must hold all of it.
    if (code === 0)
      assert.equal(kernel.size, COUNT, `the ban exited 0 before the kill (${ms}) but the kernel lacks bans`);
    if (kernel.size > 0 && kernel.size < COUNT) sawPartial = true;
    // A reboot: the kernel forgets, the journal stays; the restore brings back all the kernel had.
    lab.ns.run('nft', ['delete', 'table', 'inet', 'portsentinel']);
    ok(lab.cli(['setup', '--restore']));
    const after = kernelTargets(lab);
    const lost = [...kernel].filter((k) => !after.has(k));
    assert.equal(lost.length, 0, `killed ${ms}, setup --restore did not bring back ${lost.length} ban(s)`);
  }
  t.diagnostic(`a kill landed in the middle of the kernel batches: ${sawPartial}`);
});
