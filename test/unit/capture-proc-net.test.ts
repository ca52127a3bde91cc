import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProcNetPorts } from '../../src/capture/proc-net.js';
import { ListenerTable } from '../../src/capture/listeners.js';

// Verbatim lines from a Linux 6.x host (LISTEN on 22 and 2024, one established connection on 22, TIME_WAIT).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21433 1 0000000000000000 100 0 0 10 0
   1: 0100007F:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1678 1 00000000c4a732dc 100 0 0 10 0
   2: 0A0200C0:0016 420200C0:D431 01 00000000:00000000 02:000A7E4B 00000000     0        0 31337 2 0000000000000000 20 4 29 10 -1
   3: 0A0200C0:9C40 420200C0:0050 06 00000000:00000000 03:000016F6 00000000     0        0 0 3 0000000000000000
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  311: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2231 2 0000000000000000 0
  400: 0000000000000000FFFF00000100007F:B0A1 0000000000000000FFFF00000200007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 2232 2 0000000000000000 0
`;

test('TCP: only LISTEN sockets count; the port is the hex after the last colon', () => {
  assert.deepEqual(
    [...parseProcNetPorts(TCP, 'tcp')].sort((a, b) => a - b),
    [22, 2024],
  );
});

test('UDP: every bound socket counts, connected or not; IPv6 addresses parse', () => {
  assert.deepEqual(
    [...parseProcNetPorts(UDP6, 'udp')].sort((a, b) => a - b),
    [53, 45217],
  );
  assert.equal(parseProcNetPorts('header only\n', 'udp').size, 0);
  assert.equal(parseProcNetPorts('h\n garbage line\n 1: nothex:zz x 0A\n', 'tcp').size, 0);
});

test('the live table sees a listener opened now and forgets it once closed', async () => {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const tcpPort = (server.address() as { port: number }).port;
  const udp = createSocket('udp6');
  await new Promise<void>((r) => udp.bind(0, '::', r));
  const udpPort = udp.address().port;
  const table = new ListenerTable();
  assert.equal(table.isListening('tcp', tcpPort), true);
  assert.equal(table.isListening('udp', udpPort), true);
  assert.equal(parseProcNetPorts(readFileSync('/proc/net/tcp', 'latin1'), 'tcp').has(tcpPort), true);
  await new Promise<void>((r) => server.close(() => r()));
  udp.close();
  table.refresh();
  assert.equal(table.isListening('tcp', tcpPort), false);
  assert.equal(table.isListening('udp', udpPort), false);
});

test('cache: lookups read the snapshot until it is older than maxAge; the refresher keeps it current', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-proc-'));
  for (const f of ['tcp', 'tcp6', 'udp', 'udp6']) writeFileSync(join(dir, f), 'header\n');
  let now = 0;
  const table = new ListenerTable({ procNet: dir, maxAgeMs: 1000, now: () => now });
  assert.equal(table.isListening('tcp', 22), false);
  writeFileSync(join(dir, 'tcp'), TCP);
  now = 900; // snapshot still young: no read on the lookup path
  assert.equal(table.isListening('tcp', 22), false);
  now = 1200; // too old: re-read before answering
  assert.equal(table.isListening('tcp', 22), true);
  rmSync(dir, { recursive: true });

  const live = new ListenerTable();
  live.startRefreshing(20);
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const before = live.refreshes;
  while (live.refreshes < before + 2) await new Promise((r) => setTimeout(r, 10));
  assert.equal(live.isListening('tcp', port), true);
  live.stop();
  await new Promise<void>((r) => server.close(() => r()));
});
