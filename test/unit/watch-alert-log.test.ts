// Alert lines reach syslog the way PortSentry's did (facility daemon, notice: <29>), through a real Unix datagram
// socket standing in for /dev/log; and fall back to the stream when there is no socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openAlertLog } from '../../src/watch/alert-log.js';
import { toolSkipReason } from '../helpers/tools.js';

// A one-file syslog daemon: binds the socket, appends every datagram to a file, exits on SIGTERM.
const SYSLOGD = `
import socket, sys, signal
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
out = open(sys.argv[2], 'ab', buffering=0)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
while True: out.write(s.recv(65536) + b'\\n')
`;

test(
  'attackalert lines go to the syslog socket, facility daemon, tag portsentinel',
  { skip: toolSkipReason('logger', 'python3') },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pst-syslog-'));
    const sock = join(dir, 'log');
    const received = join(dir, 'received');
    const daemon = spawn('python3', ['-c', SYSLOGD, sock, received], { stdio: 'ignore' });
    try {
      // python3 starts in tens of milliseconds, in seconds on a loaded machine.
      for (let i = 0; i < 1000 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      const fallback = new PassThrough();
      let fellBack = '';
      fallback.on('data', (c: Buffer) => (fellBack += c.toString()));
      const log = openAlertLog({ stream: fallback, devLog: sock });
      assert.equal(log.target, `syslog (${sock})`);
      log.line('attackalert: TCP SYN/Normal scan from host: 192.0.2.66/192.0.2.66 to TCP port: 53');
      log.line('attackalert: Host 192.0.2.66 has been blocked via wrappers with string: "ALL: 192.0.2.66 : DENY"');
      await log.close();
      let text = '';
      for (let i = 0; i < 100; i++) {
        text = existsSync(received) ? readFileSync(received, 'utf8') : '';
        if (text.split('\n').filter(Boolean).length >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const lines = text.split('\n').filter(Boolean);
      assert.equal(lines.length, 2, text);
      assert.match(lines[0], /^<29>.*portsentinel\[\d+\]: attackalert: TCP SYN\/Normal scan from host: 192\.0\.2\.66/);
      assert.match(lines[1], /^<29>.*has been blocked via wrappers/);
      assert.equal(fellBack, '', 'nothing fell back to the stream');
    } finally {
      daemon.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('without a syslog socket the lines go to the stream', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const log = openAlertLog({ stream: out, devLog: '/nonexistent/dev/log' });
  log.line('attackalert: UDP scan from host: 192.0.2.67/192.0.2.67 to UDP port: 7');
  await log.close();
  assert.equal(text, 'attackalert: UDP scan from host: 192.0.2.67/192.0.2.67 to UDP port: 7\n');
});
