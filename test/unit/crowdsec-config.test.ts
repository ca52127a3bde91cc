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
  const key = 'bouncer key file';
  const machine = 'machine credentials file';
  assert.equal(secretFileProblem('/k', key, file(0, 0o600), true, true), undefined);
  assert.equal(secretFileProblem('/m', machine, file(0, 0o644), true, false), undefined);
  assert.equal(
    secretFileProblem('/k', key, file(0, 0o644), true, true),
    'refusing the bouncer key file /k: it is owned by uid 0 with mode 0644, so any user could read the secret it ' +
      'holds; run: chmod o-r /k (or set PORTSENTINEL_INSECURE_FILES=1 to accept it)',
  );
  // The same rule, and the same sentence, as for the config file and the journal.
  assert.equal(
    secretFileProblem('/m', machine, file(0, 0o664), true, false),
    'refusing the machine credentials file /m: it is owned by uid 0 with mode 0664, so a user other than root ' +
      'could change what portsentinel does as root; run: chmod go-w /m (or set PORTSENTINEL_INSECURE_FILES=1 to ' +
      'accept it)',
  );
  assert.match(secretFileProblem('/m', machine, file(1000, 0o600), true, false)!, /owned by uid 1000 .*chown root \/m/);
  // Not root (or the rule turned off): the file is the user's own business.
  assert.equal(secretFileProblem('/k', key, file(1000, 0o666), false, true), undefined);
  assert.match(secretFileProblem('/k', key, undefined, true, true)!, /^the bouncer key file \/k does not exist/);
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
