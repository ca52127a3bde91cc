// parseConfigText: every key's mapping onto PortSentryConfig, both dialects, and every error class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/parse.js';
import { KEY_SPECS } from '../../src/config/schema.js';
import type { ConfigProblem } from '../../src/config/problem.js';

const errorsOf = (text: string): ConfigProblem[] =>
  parseConfigText(text, 't.conf').problems.filter((p) => p.severity === 'error');
const warningsOf = (text: string): ConfigProblem[] =>
  parseConfigText(text, 't.conf').problems.filter((p) => p.severity === 'warning');

// [key, value in the file, config field, what the field must hold, a value the key must refuse]
const KEY_CASES: Array<[string, string, string, unknown, string | null]> = [
  ['TCP_PORTS', '1,11,512-515', 'tcpPorts', [1, 11, 512, 513, 514, 515], '1,65536'],
  ['UDP_PORTS', '9,7,7', 'udpPorts', [7, 9], '7,x'],
  ['ADVANCED_PORTS_TCP', '2048', 'advancedPortsTcp', 2048, '0'],
  ['ADVANCED_PORTS_UDP', '65535', 'advancedPortsUdp', 65535, '65536'],
  ['ADVANCED_EXCLUDE_TCP', '113,139', 'advancedExcludeTcp', [113, 139], '139-113'],
  ['ADVANCED_EXCLUDE_UDP', '520,138,137,67', 'advancedExcludeUdp', [67, 137, 138, 520], '67,x68'],
  ['IGNORE_FILE', '/etc/portsentry/portsentry.ignore', 'ignoreFile', '/etc/portsentry/portsentry.ignore', null],
  ['HISTORY_FILE', '/var/lib/portsentry/h', 'historyFile', '/var/lib/portsentry/h', null],
  ['BLOCKED_FILE', '/var/lib/portsentry/b', 'blockedFile', '/var/lib/portsentry/b', null],
  ['RESOLVE_HOST', '1', 'resolveHost', true, '2'],
  ['BLOCK_TCP', '1', 'blockTcp', 1, '3'],
  ['BLOCK_UDP', '0', 'blockUdp', 0, '-1'],
  [
    'KILL_ROUTE',
    '/sbin/ip route add blackhole $TARGET$',
    'killRoute',
    '/sbin/ip route add blackhole $TARGET$',
    '/sbin/x',
  ],
  ['KILL_HOSTS_DENY', 'ALL: $TARGET$', 'killHostsDeny', 'ALL: $TARGET$', 'ALL: EVERYONE'],
  ['KILL_RUN_CMD', '/bin/true $TARGET$ $PORT$', 'killRunCmd', '/bin/true $TARGET$ $PORT$', null],
  ['KILL_RUN_CMD_FIRST', '1', 'killRunCmdFirst', true, 'yes'],
  ['SCAN_TRIGGER', '3', 'scanTrigger', 3, '-1'],
  ['PORT_BANNER', 'go away', 'portBanner', 'go away', null],
  ['TCP_MODE', 'stcp', 'tcpMode', 'stcp', 'audp'],
  ['UDP_MODE', 'udp', 'udpMode', 'udp', 'atcp'],
  ['BAN_BACKEND', 'route', 'banBackend', 'route', 'iptables'],
  ['BAN_TIMEOUT', '30m', 'banTimeout', 1800, '1y'],
  ['NFT_HOOKS', 'input,forward', 'nftHooks', ['input', 'forward'], 'output'],
  ['NFT_PRIORITY', '-150', 'nftPriority', -150, 'first'],
  ['COMMAND_TIMEOUT', '5', 'commandTimeout', 5, '0'],
  ['MAX_BANS_PER_MINUTE', '0', 'maxBansPerMinute', 0, '-5'],
  ['HOSTS_DENY_FILE', '/tmp/hosts.deny', 'hostsDenyFile', '/tmp/hosts.deny', null],
  ['CROWDSEC_LAPI_URL', 'http://192.0.2.1:8080/', 'crowdsecLapiUrl', 'http://192.0.2.1:8080/', 'lapi:8080'],
  ['CROWDSEC_MACHINE_CREDENTIALS', '/etc/m.yaml', 'crowdsecMachineCredentials', '/etc/m.yaml', null],
  ['CROWDSEC_BOUNCER_KEY_FILE', '', 'crowdsecBouncerKeyFile', undefined, null],
  ['CROWDSEC_POLL_INTERVAL', '2s', 'crowdsecPollInterval', 2, 'often'],
  ['CROWDSEC_ORIGINS', 'cscli,CAPI', 'crowdsecOrigins', ['cscli', 'CAPI'], 'a b'],
  ['CROWDSEC_SCENARIO', 'acme/scan', 'crowdsecScenario', 'acme/scan', 'scan'],
  ['METRICS_LISTEN', '127.0.0.1:9613', 'metricsListen', '127.0.0.1:9613', ':9613'],
];

test('the key table covers every key of the schema', () => {
  assert.deepEqual(KEY_CASES.map((c) => c[0]).sort(), KEY_SPECS.map((s) => s.name).sort());
});

for (const [key, value, field, want, bad] of KEY_CASES) {
  test(`${key}="${value}" sets ${field}`, () => {
    // BLOCK_*=2 needs KILL_RUN_CMD; a neutral one keeps each case to a single key under test.
    const r = parseConfigText(`${key}="${value}"\n`, 't.conf');
    assert.deepEqual(
      r.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.deepEqual((r.config as unknown as Record<string, unknown>)[field], want);
    assert.deepEqual(r.keys[key], { line: 1, column: 1, value });
  });
  if (bad !== null) {
    test(`${key}="${bad}" is an error naming the key, the value and its line`, () => {
      const errors = errorsOf(`# header\n${key}="${bad}"\n`);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].key, key);
      assert.equal(errors[0].line, 2);
      assert.equal(errors[0].column, 1);
      assert.ok(errors[0].message.includes(bad.split(',').pop()!.replace(/^-/, '')), errors[0].message);
    });
    test(`a refused ${key} leaves its default in the config`, () => {
      const spec = KEY_SPECS.find((s) => s.name === key)!;
      const withBad = parseConfigText(`${key}="${bad}"\n`, 't.conf').config as unknown as Record<string, unknown>;
      const empty = parseConfigText('', 't.conf').config as unknown as Record<string, unknown>;
      assert.deepEqual(withBad[field], empty[field], `default of ${spec.name}`);
    });
  }
}

test('defaults when the file is empty', () => {
  const { config, problems, dialect } = parseConfigText('', 'empty.conf');
  assert.deepEqual(problems, []);
  assert.equal(dialect, '1.2');
  assert.equal(config.tcpMode, 'atcp');
  assert.equal(config.udpMode, 'audp');
  assert.equal(config.banBackend, 'auto');
  assert.equal(config.banTimeout, 3600);
  assert.deepEqual(config.nftHooks, ['input']);
  assert.equal(config.nftPriority, -10);
  assert.equal(config.commandTimeout, 30);
  assert.equal(config.maxBansPerMinute, 60);
  assert.equal(config.hostsDenyFile, '/etc/hosts.deny');
  assert.equal(config.advancedPortsTcp, 1024);
  assert.equal(config.blockTcp, 0);
  assert.equal(config.scanTrigger, 0);
});

test('BAN_TIMEOUT accepts permanent and 0 as no expiry', () => {
  assert.equal(parseConfigText('BAN_TIMEOUT="permanent"', 't').config.banTimeout, 0);
  assert.equal(parseConfigText('BAN_TIMEOUT="0"', 't').config.banTimeout, 0);
  assert.equal(parseConfigText('BAN_TIMEOUT="1h30m"', 't').config.banTimeout, 5400);
});

test('1.2 dialect: spaces around =, key then blank, comments, CRLF line ends', () => {
  const r = parseConfigText(
    '# c\r\nRESOLVE_HOST = "1"\r\nSCAN_TRIGGER "2"\r\n  # indented comment\r\nBLOCK_TCP=\t"1"\r\n',
    't',
  );
  assert.deepEqual(r.problems, []);
  assert.equal(r.config.resolveHost, true);
  assert.equal(r.config.scanTrigger, 2);
  assert.equal(r.config.blockTcp, 1);
  assert.equal(r.dialect, '1.2');
});

test('2.x dialect: ranges in port lists', () => {
  const r = parseConfigText('TCP_PORTS="1,5-7"\nUDP_PORTS="517-518"\n', 't');
  assert.equal(r.dialect, '2.x');
  assert.deepEqual(r.config.tcpPorts, [1, 5, 6, 7]);
  assert.deepEqual(r.config.udpPorts, [517, 518]);
});

test('a value keeps everything between its quotes; text after the closing quote is a warning', () => {
  const r = parseConfigText('KILL_RUN_CMD="/bin/logger -t ps $TARGET$" # why\nPORT_BANNER="hi" there\n', 't');
  assert.equal(r.config.killRunCmd, '/bin/logger -t ps $TARGET$');
  const w = r.problems.filter((p) => p.severity === 'warning');
  assert.equal(w.length, 1);
  assert.equal(w[0].key, 'PORT_BANNER');
  assert.match(w[0].message, /"there"/);
});

test('warning: an indented key is read, but PortSentry 1.2 would skip it', () => {
  const r = parseConfigText('  SCAN_TRIGGER="2"\n', 't');
  assert.equal(r.config.scanTrigger, 2);
  assert.deepEqual(
    r.problems.map((p) => [p.severity, p.column, p.key]),
    [['warning', 3, 'SCAN_TRIGGER']],
  );
});

test('an empty string leaves a text key unset, as PortSentry 1.2 does', () => {
  const r = parseConfigText('KILL_RUN_CMD=""\n', 't');
  assert.deepEqual(r.problems, []);
  assert.equal(r.config.killRunCmd, undefined);
});

test('error: unknown key suggests the closest known key', () => {
  const [e] = errorsOf('BLOCK_TPC="1"\n');
  assert.equal(e.key, 'BLOCK_TPC');
  assert.match(e.message, /did you mean BLOCK_TCP\?/);
  const [lower] = errorsOf('tcp_ports="1"\n');
  assert.match(lower.message, /upper case; did you mean TCP_PORTS\?/);
  const [far] = errorsOf('COMPLETELY_DIFFERENT="1"\n');
  assert.doesNotMatch(far.message, /did you mean/);
});

test('error: unknown key with an unquoted value is reported as the unknown key', () => {
  const [e] = errorsOf('SCAN_TRIGER=3\n');
  assert.match(e.message, /did you mean SCAN_TRIGGER\?/);
});

test('error: unquoted, single-quoted, unterminated and missing values', () => {
  for (const [line, pattern] of [
    ['SCAN_TRIGGER=3', /not in double quotes; write SCAN_TRIGGER="3"/],
    ["SCAN_TRIGGER='3'", /not in double quotes; write SCAN_TRIGGER="3"/],
    ['SCAN_TRIGGER="3', /no closing double quote/],
    ['SCAN_TRIGGER=', /has no value/],
    ['SCAN_TRIGGER', /has no value/],
    ['SCAN_TRIGGER:"3"', /instead of =/],
  ] as const) {
    const errors = errorsOf(`\n${line}\n`);
    assert.equal(errors.length, 1, line);
    assert.equal(errors[0].key, 'SCAN_TRIGGER', line);
    assert.equal(errors[0].line, 2, line);
    assert.match(errors[0].message, pattern, line);
  }
});

test('error: a line that is not KEY="value" names its column', () => {
  const [e] = errorsOf('   -- nonsense\n');
  assert.equal(e.key, null);
  assert.equal(e.column, 4);
  assert.match(e.message, /not a KEY="value" line/);
});

test('error: ports outside 1-65535 and reversed ranges', () => {
  assert.match(errorsOf('TCP_PORTS="0"')[0].message, /"0".*outside 1-65535/);
  assert.match(errorsOf('TCP_PORTS="1-70000"')[0].message, /"1-70000".*outside 1-65535/);
  assert.match(errorsOf('UDP_PORTS="20-10"')[0].message, /reversed; write 10-20/);
  assert.match(errorsOf('UDP_PORTS="1, 2;3"')[0].message, /"2;3" .*not a port or a range/);
});

test('error: KILL_ROUTE and KILL_HOSTS_DENY without $TARGET$', () => {
  assert.match(errorsOf('KILL_ROUTE="/sbin/route add -host reject"')[0].message, /must contain \$TARGET\$/);
  assert.match(errorsOf('KILL_HOSTS_DENY="ALL: DENY"')[0].message, /must contain \$TARGET\$/);
});

test('error: BLOCK_*="2" without KILL_RUN_CMD, reported on the BLOCK line', () => {
  const errors = errorsOf('# x\nBLOCK_TCP="2"\nBLOCK_UDP="2"\n');
  assert.deepEqual(
    errors.map((e) => [e.line, e.key]),
    [
      [2, 'BLOCK_TCP'],
      [3, 'BLOCK_UDP'],
    ],
  );
  assert.match(errors[0].message, /KILL_RUN_CMD, which is not set/);
  assert.deepEqual(errorsOf('BLOCK_TCP="2"\nKILL_RUN_CMD="/bin/true $TARGET$"\n'), []);
});

test('error: a NUL byte makes it a binary file, reported once', () => {
  const errors = errorsOf('TCP_PORTS="1"\nab\u0000cd\nmore\u0000');
  assert.equal(errors.length, 1);
  assert.deepEqual([errors[0].line, errors[0].column], [2, 3]);
  assert.match(errors[0].message, /binary file/);
});

test('error: bytes that were not UTF-8 (decoded as U+FFFD) name their line and column', () => {
  const [e] = errorsOf('KILL_RUN_CMD="caf\uFFFD"\n');
  assert.deepEqual([e.line, e.column, e.key], [1, 18, null]);
  assert.match(e.message, /not UTF-8/);
});

test('warning: a repeated key keeps the first value, as PortSentry 1.2 does', () => {
  const r = parseConfigText('SCAN_TRIGGER="1"\nSCAN_TRIGGER="5"\n', 't');
  assert.equal(r.config.scanTrigger, 1);
  assert.equal(r.keys.SCAN_TRIGGER.line, 1);
  const [w] = r.problems;
  assert.deepEqual([w.severity, w.line, w.key], ['warning', 2, 'SCAN_TRIGGER']);
  assert.match(w.message, /already set on line 1/);
});

test('warning: KILL_ROUTE is not run with a native backend; BAN_BACKEND="command" keeps it', () => {
  for (const backend of ['auto', 'nftables', 'route']) {
    const w = warningsOf(`BAN_BACKEND="${backend}"\nKILL_ROUTE="/sbin/route add -host $TARGET$ reject"\n`);
    assert.equal(w.length, 1, backend);
    assert.equal(w[0].key, 'KILL_ROUTE');
    assert.match(w[0].message, /not run with BAN_BACKEND="\w+".*BAN_BACKEND="command"/);
  }
  assert.deepEqual(warningsOf('BAN_BACKEND="command"\nKILL_ROUTE="/sbin/route add -host $TARGET$ reject"\n'), []);
});

test('warning: unknown macros, over-long 1.2 port lists, empty lists for classic modes', () => {
  assert.match(warningsOf('KILL_RUN_CMD="/bin/x $TARGET$ $HOST$"')[0].message, /\$HOST\$ is not known/);
  const many = Array.from({ length: 65 }, (_, i) => i + 1).join(',');
  assert.match(warningsOf(`TCP_PORTS="${many}"`)[0].message, /65 entries; PortSentry 1.2 reads only the first 64/);
  assert.match(warningsOf('TCP_MODE="stcp"')[0].message, /TCP_PORTS, which is empty/);
  assert.match(warningsOf('UDP_MODE="udp"')[0].message, /UDP_PORTS, which is empty/);
  assert.match(warningsOf('BAN_BACKEND="command"\nBLOCK_TCP="1"')[0].message, /blocks nothing/);
});

test('problems come back in file order', () => {
  const r = parseConfigText('BLOCK_TCP="2"\nX="1"\nSCAN_TRIGGER="-1"\n', 't');
  const lines = r.problems.map((p) => p.line);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
});

test('empty port-list entries are skipped as PortSentry skips them, with a warning', () => {
  for (const [text, ports] of [
    ['TCP_PORTS="1,,11"', [1, 11]],
    ['TCP_PORTS="1,11,"', [1, 11]],
    ['TCP_PORTS=",1,,,11-12"', [1, 11, 12]],
  ] as const) {
    const r = parseConfigText(text, 't.conf');
    assert.deepEqual(errorsOf(text), [], text);
    assert.deepEqual(r.config.tcpPorts, ports, text);
    const w = warningsOf(text);
    assert.equal(w.length, 1, text);
    assert.equal(w[0].key, 'TCP_PORTS');
    assert.match(w[0].message, /empty entr.*skipped as PortSentry skips them/);
  }
});
