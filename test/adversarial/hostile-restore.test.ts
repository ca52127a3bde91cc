// A journal that would lock the host out (the whole IPv4 internet in two halves, loopback, the host's own address,
// its gateway, an ignored address, a prefix holding the host) is screened on restore like a manual `ban`: by
// `setup --restore` and by `watch` at start, only the legitimate ban reaches the kernel and the rest is counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { GATEWAY, HOST, kernelTargets, makeLab, ok, spawnCli } from './lab.js';

const skip = kernelSkipReason();

const HOSTILE = ['0.0.0.0/1', '128.0.0.0/1', '127.0.0.1', HOST, GATEWAY, '192.0.2.20', '192.0.2.0/24'];
const GOOD = '198.51.100.7';

function writeJournal(stateDir: string): void {
  const line = (target: string) =>
    JSON.stringify({ op: 'ban', target, family: 4, at: Date.now(), origin: 'manual', reason: 'x' });
  writeFileSync(join(stateDir, 'journal.jsonl'), [...HOSTILE, GOOD].map(line).join('\n') + '\n', { mode: 0o600 });
}

test('setup --restore refuses never-ban entries and restores the rest', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  writeJournal(lab.stateDir);
  const out = JSON.parse(ok(lab.cli(['setup', '--restore', '--json'])));
  assert.equal(out.restored, 1);
  assert.deepEqual(out.refused.map((r: { address: string }) => r.address).sort(), [...HOSTILE].sort());
  assert.deepEqual([...kernelTargets(lab)], [GOOD]);
  const text = lab.cli(['setup', '--restore']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`refused ${HOSTILE.length} \\(never-ban rules\\)`));
  assert.deepEqual([...kernelTargets(lab)], [GOOD], 'a second restore changes nothing');
});

test('watch start-up restores through the same screen', { skip }, async (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  writeJournal(lab.stateDir);
  const child = spawnCli(lab, [
    'watch',
    '--json',
    '--no-syslog',
    '--capture',
    'nflog',
    '--state-dir',
    lab.stateDir,
    '--config',
    lab.config,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch never became ready: ${stderr}`)), 30_000);
    child.stdout.on('data', () => {
      const line = stdout.split('\n').find((l) => l.includes('"event":"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => reject(new Error(`watch exited ${code}: ${stderr}`)));
  });
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  assert.deepEqual(ready.restored, [GOOD]);
  assert.equal(stderr.match(/not restored from the journal/g)?.length, HOSTILE.length, stderr);
  assert.deepEqual([...kernelTargets(lab)], [GOOD]);
});
