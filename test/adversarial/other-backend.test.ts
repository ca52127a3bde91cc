// Every backend's bans are ours: blackhole routes (protocol 153) made while nf_tables was out of use are listed,
// unbanned and torn down while nftables is the backend, and the nftables sets while routes are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSkipReason } from '../helpers/netns.js';
import { runCli } from '../helpers/cli.js';
import { kernelTargets, makeLab, ok, type Lab } from './lab.js';

const skip = kernelSkipReason();

function withBackend(lab: Lab, backend: 'nftables' | 'route', args: string[]) {
  return runCli([...args, '--state-dir', lab.stateDir, '--config', lab.config, '--backend', backend], {
    netns: lab.ns.name,
  });
}

const routes = (lab: Lab) =>
  lab.ns.ip('route', 'show', 'proto', '153') + lab.ns.ip('-6', 'route', 'show', 'proto', '153');

test('route bans are found, unbanned and torn down while nftables is the backend', { skip }, (t) => {
  const lab = makeLab();
  t.after(() => lab.cleanup());
  ok(withBackend(lab, 'route', ['ban', '198.51.100.1', '198.51.100.2', '2001:db8:99::1']));
  assert.match(routes(lab), /198\.51\.100\.1/);
  ok(withBackend(lab, 'nftables', ['setup']));

  const list = JSON.parse(ok(withBackend(lab, 'nftables', ['bans', 'list', '--json'])));
  const rows = list.bans.map((b: { address: string; drift: string | null }) => [b.address, b.drift]).sort();
  assert.deepEqual(rows, [
    ['198.51.100.1', null],
    ['198.51.100.2', null],
    ['2001:db8:99::1', null],
  ]);

  const un = withBackend(lab, 'nftables', ['unban', '198.51.100.1']);
  assert.equal(un.status, 0, un.stderr);
  assert.doesNotMatch(routes(lab), /198\.51\.100\.1 /, 'the route is gone');
  assert.match(routes(lab), /198\.51\.100\.2/);

  ok(withBackend(lab, 'nftables', ['teardown']));
  assert.equal(routes(lab).trim(), '', 'teardown lifted the leftover routes');
});

test('nftables bans are found, unbanned and torn down while routes are the backend', { skip }, (t) => {
  const lab = makeLab();
  t.after(() => lab.cleanup());
  ok(withBackend(lab, 'nftables', ['ban', '198.51.100.1', '198.51.100.2']));
  assert.ok(kernelTargets(lab).has('198.51.100.1'));

  const list = JSON.parse(ok(withBackend(lab, 'route', ['bans', 'list', '--json'])));
  assert.deepEqual(list.bans.map((b: { address: string }) => b.address).sort(), ['198.51.100.1', '198.51.100.2']);
  assert.deepEqual(list.drift.missing, []);

  ok(withBackend(lab, 'route', ['unban', '198.51.100.1']));
  assert.ok(!kernelTargets(lab).has('198.51.100.1'), 'lifted from the nftables set');
  assert.ok(kernelTargets(lab).has('198.51.100.2'));

  ok(withBackend(lab, 'route', ['teardown']));
  assert.notEqual(lab.ns.run('nft', ['list', 'table', 'inet', 'portsentinel']).status, 0, 'the table is gone');
});
