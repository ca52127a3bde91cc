// The CROWDSEC_* and METRICS_LISTEN keys: decoded values, defaults, what config validate refuses, and the owner and
// mode rules of the two secret files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/parse.js';
import { checkSecretFiles, secretFileProblem, type FileOwnership } from '../../src/config/secret-files.js';
import { loadConfig, type ConfigIo } from '../../src/config/load.js';

const parse = (text: string) => parseConfigText(text, 'p.conf');

test('defaults: no fleet, 10 s poll, every origin, the portsentinel/portscan scenario, no metrics', () => {
  const { config, problems } = parse('');
  assert.deepEqual(problems, []);
  assert.equal(config.crowdsecLapiUrl, undefined);
  assert.equal(config.crowdsecMachineCredentials, undefined);
  assert.equal(config.crowdsecBouncerKeyFile, undefined);
  assert.equal(config.crowdsecPollInterval, 10);
  assert.deepEqual(config.crowdsecOrigins, []);
  assert.equal(config.crowdsecScenario, 'portsentinel/portscan');
  assert.equal(config.metricsListen, undefined);
});

test('every key decoded', () => {
  const { config, problems } = parse(
    [
      'CROWDSEC_LAPI_URL="http://192.0.2.1:8080/"',
      'CROWDSEC_MACHINE_CREDENTIALS="/etc/portsentinel/machine.yaml"',
      'CROWDSEC_BOUNCER_KEY_FILE="/etc/portsentinel/bouncer.key"',
      'CROWDSEC_POLL_INTERVAL="1m30s"',
      'CROWDSEC_ORIGINS="crowdsec,cscli,portsentinel"',
      'CROWDSEC_SCENARIO="acme/scan"',
      'METRICS_LISTEN="127.0.0.1:9613"',
    ].join('\n'),
  );
  assert.deepEqual(problems, []);
  assert.equal(config.crowdsecLapiUrl, 'http://192.0.2.1:8080/');
  assert.equal(config.crowdsecMachineCredentials, '/etc/portsentinel/machine.yaml');
  assert.equal(config.crowdsecBouncerKeyFile, '/etc/portsentinel/bouncer.key');
  assert.equal(config.crowdsecPollInterval, 90);
  assert.deepEqual(config.crowdsecOrigins, ['crowdsec', 'cscli', 'portsentinel']);
  assert.equal(config.crowdsecScenario, 'acme/scan');
  assert.equal(config.metricsListen, '127.0.0.1:9613');
});

for (const [line, key] of [
  ['CROWDSEC_LAPI_URL="ftp://192.0.2.1/"', 'CROWDSEC_LAPI_URL'],
  ['CROWDSEC_LAPI_URL="192.0.2.1:8080"', 'CROWDSEC_LAPI_URL'],
  ['CROWDSEC_POLL_INTERVAL="0"', 'CROWDSEC_POLL_INTERVAL'],
  ['CROWDSEC_POLL_INTERVAL="soon"', 'CROWDSEC_POLL_INTERVAL'],
  ['CROWDSEC_ORIGINS="crowdsec,,cscli"', 'CROWDSEC_ORIGINS'],
  ['CROWDSEC_SCENARIO="portscan"', 'CROWDSEC_SCENARIO'],
  ['METRICS_LISTEN="9613"', 'METRICS_LISTEN'],
] as const) {
  test(`refused: ${line}`, () => {
    const errors = parse(line).problems.filter((p) => p.severity === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].key, key);
    assert.equal(errors[0].line, 1);
  });
}

const file = (uid: number, mode: number): FileOwnership => ({ uid, mode: 0o100000 | mode, isFile: true });

test('secret files as root: root-owned, not group/other-writable; the bouncer key not world-readable', () => {
  assert.equal(secretFileProblem('/k', file(0, 0o600), true, true), undefined);
  assert.equal(secretFileProblem('/m', file(0, 0o644), true, false), undefined);
  assert.match(secretFileProblem('/k', file(0, 0o644), true, true)!, /readable by others \(mode 644\).*chmod o-r/);
  assert.match(secretFileProblem('/m', file(0, 0o664), true, false)!, /writable by group or others.*chmod go-w/);
  assert.match(secretFileProblem('/m', file(1000, 0o600), true, false)!, /owned by uid 1000, not root/);
  // Not root: the file is the user's own business.
  assert.equal(secretFileProblem('/k', file(1000, 0o666), false, true), undefined);
  assert.match(secretFileProblem('/k', undefined, true, true)!, /does not exist/);
});

test('config validate reports a bad secret file on its key line; a bouncer key without a URL is an error', () => {
  const text = 'CROWDSEC_BOUNCER_KEY_FILE="/k"\n';
  const parsed = parse(text);
  const problems = checkSecretFiles(parsed.config, parsed.keys, 'p.conf', () => file(0, 0o666), true);
  assert.deepEqual(
    problems.map((p) => [p.severity, p.line, p.key]),
    [
      ['error', 1, 'CROWDSEC_BOUNCER_KEY_FILE'],
      ['error', 1, 'CROWDSEC_BOUNCER_KEY_FILE'],
    ],
  );
  assert.match(problems[1].message, /CROWDSEC_LAPI_URL is not/);
});

test('loadConfig applies the secret-file checks through its stat', async () => {
  const io: ConfigIo = {
    readFile: async () => Buffer.from('CROWDSEC_LAPI_URL="http://127.0.0.1:8080/"\nCROWDSEC_BOUNCER_KEY_FILE="/k"\n'),
    exists: () => true,
    stat: () => file(process.getuid?.() === 0 ? 0 : 4242, 0o646),
  };
  const loaded = await loadConfig('/p.conf', io);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (process.getuid?.() === 0) assert.equal(errors.length, 1);
  else assert.equal(errors.length, 0);
});
