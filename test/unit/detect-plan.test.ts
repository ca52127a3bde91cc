// From an engine event to what would run and what would be logged: BLOCK_* 0/1/2, KILL_RUN_CMD_FIRST 0/1, and
// PortSentry 1.2's exact log wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortSentryConfig } from '../../src/config/types.js';
import { Detector } from '../../src/detect/engine.js';
import { formatAlertLines, formatDetectionLine } from '../../src/detect/log-lines.js';
import type { DetectorEvent } from '../../src/detect/types.js';
import { ipv4ToUint32, parseAddress } from '../../src/net/address.js';
import { createPacket } from '../../src/packet/packet.js';
import { IPPROTO_TCP, IPPROTO_UDP, TCP_FIN, TCP_PSH, TCP_SYN, TCP_URG } from '../../src/packet/types.js';
import { planActions } from '../../src/respond/plan.js';
import { testConfig } from '../helpers/config.js';

function makeConfig(over: Partial<PortSentryConfig> = {}): PortSentryConfig {
  return testConfig({
    udpPorts: [7],
    advancedExcludeTcp: [],
    advancedExcludeUdp: [],
    killRoute: '/sbin/route add -host $TARGET$ reject',
    killHostsDeny: 'ALL: $TARGET$ : DENY',
    killRunCmd: '/usr/bin/logger scan $TARGET$ $PORT$ $MODE$',
    ...over,
  });
}

const HOST = ipv4ToUint32(parseAddress('192.0.2.10')!.bytes);

function hit(config: PortSentryConfig, opts: { udp?: boolean; flags?: number; src?: string } = {}): DetectorEvent {
  const d = new Detector({
    config,
    ignore: [],
    modes: ['atcp', 'audp'],
    isProtected: (p) => p.dst4 === HOST,
    isListening: () => false,
  });
  const p = createPacket();
  p.family = 4;
  p.src4 = ipv4ToUint32(parseAddress(opts.src ?? '192.0.2.66')!.bytes);
  p.dst4 = HOST;
  p.proto = opts.udp ? IPPROTO_UDP : IPPROTO_TCP;
  p.tcpFlags = opts.udp ? 0 : (opts.flags ?? TCP_SYN);
  p.srcPort = 40000;
  p.dstPort = 53;
  const ev = d.process(p);
  assert.ok(ev);
  return ev;
}

test('BLOCK 1, KILL_RUN_CMD_FIRST 0: hosts.deny, then the block step, then KILL_RUN_CMD', () => {
  const config = makeConfig();
  const ev = hit(config);
  assert.equal(ev.verdict, 'banned');
  const nft = planActions(config, ev.detection, 'nftables');
  assert.deepEqual(
    nft.map((a) => a.kind),
    ['hosts-deny', 'ban-set', 'run'],
  );
  assert.equal(nft[1].text, 'ban-set add 192.0.2.66 to inet portsentinel banned4 timeout 1h');
  assert.equal(nft[2].text, 'run /usr/bin/logger scan 192.0.2.66 53 atcp');
  const cmd = planActions(config, ev.detection, 'command');
  assert.deepEqual(
    cmd.map((a) => a.text),
    [
      'append "ALL: 192.0.2.66 : DENY" to /etc/hosts.deny',
      'run /sbin/route add -host 192.0.2.66 reject',
      'run /usr/bin/logger scan 192.0.2.66 53 atcp',
    ],
  );
});

test('BLOCK 1, KILL_RUN_CMD_FIRST 1: KILL_RUN_CMD first, then hosts.deny, then the block step', () => {
  const config = makeConfig({ killRunCmdFirst: true });
  const plan = planActions(config, hit(config).detection, 'command');
  assert.deepEqual(
    plan.map((a) => a.kind),
    ['run', 'hosts-deny', 'kill-route'],
  );
});

test('BLOCK 2 runs KILL_RUN_CMD only; BLOCK 0 plans nothing and logs "Ignoring ... response"', () => {
  const two = makeConfig({ blockUdp: 2 });
  const ev2 = hit(two, { udp: true });
  assert.equal(ev2.verdict, 'banned');
  assert.deepEqual(
    planActions(two, ev2.detection, 'nftables').map((a) => a.text),
    ['run /usr/bin/logger scan 192.0.2.66 53 audp'],
  );
  const zero = makeConfig({ blockTcp: 0 });
  const ev0 = hit(zero);
  assert.equal(ev0.verdict, 'logged');
  assert.deepEqual(formatAlertLines(ev0), [
    'attackalert: TCP SYN/Normal scan from host: 192.0.2.66/192.0.2.66 to TCP port: 53',
    'attackalert: Ignoring TCP response per configuration file setting.',
  ]);
});

test('a ban logs the detection, then one PortSentry line per step in run order', () => {
  const config = makeConfig();
  const ev = hit(config);
  assert.deepEqual(formatAlertLines(ev, planActions(config, ev.detection, 'command')), [
    'attackalert: TCP SYN/Normal scan from host: 192.0.2.66/192.0.2.66 to TCP port: 53',
    'attackalert: Host 192.0.2.66 has been blocked via wrappers with string: "ALL: 192.0.2.66 : DENY"',
    'attackalert: Host 192.0.2.66 has been blocked via dropped route using command: "/sbin/route add -host 192.0.2.66 reject"',
    'attackalert: External command run for host: 192.0.2.66 using command: "/usr/bin/logger scan 192.0.2.66 53 atcp"',
  ]);
});

test('detection lines use 1.2’s wording, including the double space before TCP NULL', () => {
  const config = makeConfig({ blockTcp: 0, blockUdp: 0 });
  assert.equal(
    formatDetectionLine(hit(config, { flags: 0 })),
    'attackalert:  TCP NULL scan from host: 192.0.2.66/192.0.2.66 to TCP port: 53',
  );
  assert.equal(
    formatDetectionLine(hit(config, { flags: TCP_FIN | TCP_URG | TCP_PSH })),
    'attackalert: TCP XMAS scan from host: 192.0.2.66/192.0.2.66 to TCP port: 53',
  );
  assert.equal(
    formatDetectionLine(hit(config, { udp: true })),
    'attackalert: UDP scan from host: 192.0.2.66/192.0.2.66 to UDP port: 53',
  );
  const classic: DetectorEvent = {
    ts: 0,
    verdict: 'already-banned',
    hits: 2,
    sourceIndex: 0,
    detection: {
      address: '192.0.2.66',
      family: 4,
      port: 111,
      protocol: 'tcp',
      mode: 'tcp',
      scanType: 'Connect from host',
    },
  };
  assert.deepEqual(formatAlertLines(classic), [
    'attackalert: Connect from host: 192.0.2.66/192.0.2.66 to TCP port: 111',
    'attackalert: Host: 192.0.2.66 is already blocked. Ignoring',
  ]);
});

test('ignored and below-trigger hits log nothing; never-ban says why', () => {
  const below = hit(makeConfig({ scanTrigger: 2 }));
  assert.equal(below.verdict, 'below-trigger');
  assert.deepEqual(formatAlertLines(below), []);
  const never = hit(makeConfig(), { src: '127.0.0.1' });
  assert.equal(never.verdict, 'never-ban');
  assert.match(formatAlertLines(never)[1], /127\.0\.0\.1\/127\.0\.0\.1 is never blocked \(loopback address\)/);
});

test('an IPv6 KILL_HOSTS_DENY line is written in tcpd bracket form, once', () => {
  const d6 = {
    address: '2001:db8::66',
    family: 6 as const,
    port: 1,
    protocol: 'tcp' as const,
    mode: 'stcp' as const,
    scanType: 'TCP SYN/Normal scan',
  };
  const line = (template: string) => {
    const a = planActions(makeConfig({ killHostsDeny: template }), d6, 'nftables')[0];
    return a.kind === 'hosts-deny' ? a.line : undefined;
  };
  assert.equal(line('ALL: $TARGET$ : DENY'), 'ALL: [2001:db8::66] : DENY');
  assert.equal(line('ALL: [$TARGET$] : DENY'), 'ALL: [2001:db8::66] : DENY');
  const v4 = planActions(makeConfig(), { ...d6, address: '192.0.2.66', family: 4 }, 'nftables')[0];
  assert.equal(v4.kind === 'hosts-deny' && v4.line, 'ALL: 192.0.2.66 : DENY');
});
