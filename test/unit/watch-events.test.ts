import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertEvent, responseEvent, type WatchEvent } from '../../src/watch/events.js';
import { validate } from '../../src/generated/watch-event.js';
import { OwnAddresses } from '../../src/watch/own-addresses.js';
import { bpfSpecFor } from '../../src/capture/bpf.js';
import { createPacket } from '../../src/packet/packet.js';

const detection = {
  address: '192.0.2.66',
  family: 4 as const,
  port: 80,
  protocol: 'tcp' as const,
  mode: 'atcp' as const,
  scanType: 'TCP SYN/Normal scan',
};

test('alert events carry the detection, the verdict and a time from the packet timestamp', () => {
  const ev = alertEvent({
    ts: 1_700_000_000_123_456,
    verdict: 'never-ban',
    detection,
    hits: 1,
    sourceIndex: 0,
    reason: 'gateway',
  });
  assert.deepEqual(ev, {
    event: 'alert',
    time: '2023-11-14T22:13:20.123Z',
    verdict: 'never-ban',
    hits: 1,
    reason: 'gateway',
    ...detection,
  });
});

test('response events list every planned action, with outcomes for those that ran', () => {
  const ev = responseEvent(
    {
      detection,
      actions: [
        { kind: 'hosts-deny', file: '/etc/hosts.deny', line: 'ALL: 192.0.2.66 : DENY', text: 'append' },
        { kind: 'run', command: 'true', text: 'run true' },
      ],
      outcomes: [{ kind: 'hosts-deny', text: 'append', ok: true, detail: 'appended', ms: 0.1234 }],
      blocked: true,
      dryRun: false,
    },
    1.23456,
  );
  assert.deepEqual(ev, {
    event: 'response',
    address: '192.0.2.66',
    dryRun: false,
    blocked: true,
    sinceProbeMs: 1.235,
    actions: [
      { kind: 'hosts-deny', text: 'append', ok: true, detail: 'appended', ms: 0.123 },
      { kind: 'run', text: 'run true' },
    ],
  });
});

test('own addresses: loopback is ours, a TEST-NET broadcast is not', () => {
  const own = new OwnAddresses();
  const p = createPacket();
  p.family = 4;
  p.dst4 = 0x7f000001;
  assert.equal(own.isProtected(p), true);
  p.dst4 = 0xc00002ff;
  assert.equal(own.isProtected(p), false);
});

test('the capture filter follows the modes: advanced by range, stealth by list, classic tcp not at all', () => {
  const cfg = { tcpPorts: [1, 2000], udpPorts: [7], advancedPortsTcp: 1024, advancedPortsUdp: 1024 };
  assert.deepEqual(bpfSpecFor(cfg, ['atcp', 'audp']), { tcp: { below: 1024 }, udp: { below: 1024 } });
  assert.deepEqual(bpfSpecFor(cfg, ['stcp', 'sudp']), { tcp: { ports: [1, 2000] }, udp: { ports: [7] } });
  assert.deepEqual(bpfSpecFor(cfg, ['atcp', 'stcp']), { tcp: { below: 2001 }, udp: undefined });
  assert.deepEqual(bpfSpecFor(cfg, ['tcp', 'udp']), { tcp: undefined, udp: { ports: [7] } });
});

test('every kind of watch --json event matches schemas/watch-event.schema.json', () => {
  const events: WatchEvent[] = [
    {
      event: 'ready',
      capture: 'nflog',
      backend: 'nftables',
      modes: ['atcp', 'audp'],
      addresses: ['192.0.2.10'],
      restored: [],
      seeded: 0,
      dryRun: false,
    },
    alertEvent({ ts: 1_700_000_000_123_456, verdict: 'banned', detection, hits: 1, sourceIndex: 0 }),
    alertEvent({
      ts: 1_700_000_000_123_456,
      verdict: 'ignored',
      detection,
      hits: 0,
      sourceIndex: 0,
      reason: '192.0.2.0/24',
    }),
    responseEvent(
      {
        detection,
        actions: [{ kind: 'ban-set', backend: 'nftables', target: '192.0.2.66', family: 4, text: 'ban' }],
        outcomes: [{ kind: 'ban-set', text: 'ban', ok: true, detail: 'added', ms: 0.2 }],
        blocked: true,
        dryRun: false,
      },
      0.9,
    ),
    { event: 'reload', ok: true, message: 'reloaded' },
    { event: 'notice', message: 'NFLOG receive queue overflowed' },
    { event: 'stopped', capture: { received: 3, decoded: 3, dropped: 0, restarts: 0 }, alerts: 1, bans: 1 },
  ];
  for (const e of events)
    assert.ok(
      validate(e),
      `${JSON.stringify(e)}: ${JSON.stringify((validate as unknown as { errors?: unknown }).errors)}`,
    );
  assert.equal(validate({ event: 'alert', verdict: 'banned' }), false);
  assert.equal(validate({ event: 'unknown' }), false);
});
