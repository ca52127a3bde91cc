// crowdsec pull against a hostile answerer: malformed JSON, a body cut short and a body over the size bound each
// give a log line naming the problem and a retry, never a crash; the next usable answer is applied, with the
// decisions it cannot use (other scopes and types, bad values, bad durations) counted and skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelSkipReason, Netns } from '../helpers/netns.js';
import { startIn, within, writeMemberConfig } from './fleet-lab.js';

const skip = kernelSkipReason('ip');
const SERVER = fileURLToPath(new URL('./hostile-lapi.js', import.meta.url));

test(
  'malformed, truncated and huge answers: one log line each, a retry, no crash',
  { skip, timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-hostile-'));
    const ns = new Netns('pshl');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = spawn('ip', ['netns', 'exec', ns.name, process.execPath, SERVER, String(port)], { stdio: 'ignore' });
    let pull: ReturnType<typeof startIn> | undefined;
    try {
      const keyFile = join(dir, 'bouncer.key');
      writeFileSync(keyFile, 'not-a-real-key\n', { mode: 0o600 });
      const conf = writeMemberConfig(dir, 'h', {
        CROWDSEC_LAPI_URL: `http://127.0.0.1:${port}/`,
        CROWDSEC_BOUNCER_KEY_FILE: keyFile,
        CROWDSEC_POLL_INTERVAL: '1s',
      });
      await new Promise((r) => setTimeout(r, 500));
      pull = startIn(ns, ['crowdsec', 'pull', '--config', conf, '--state-dir', dir, '--backend', 'file']);
      await pull.waitFor(/1 ban\(s\) enforced/, 60_000);
      const out = pull.output();
      const lines = out.split('\n').filter((l) => l.startsWith('crowdsec: '));
      assert.equal(lines.filter((l) => /not JSON/.test(l)).length, 1, out);
      assert.equal(lines.filter((l) => /broke off its answer/.test(l)).length, 1, out);
      assert.equal(lines.filter((l) => /more than the \d+ bytes accepted/.test(l)).length, 1, out);
      assert.equal(lines.filter((l) => /answers again/.test(l)).length, 1, out);
      assert.doesNotMatch(out, /\n\s+at /, 'a stack trace was printed');
      assert.match(out, /5 decision\(s\) not enforceable here, skipped: scope:Country 1, type:captcha 1, malformed 3/);
      const kernel = JSON.parse(readFileSync(join(dir, 'file-banset.json'), 'utf8')) as {
        bans: Record<string, unknown>;
      };
      assert.deepEqual(Object.keys(kernel.bans), ['198.51.100.99']);
      // It goes on polling after that.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(pull.child.exitCode, null);
      await within(1000, 'still running', () => pull!.child.exitCode === null);
    } finally {
      await pull?.stop();
      server.kill('SIGKILL');
      ns.delete();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
