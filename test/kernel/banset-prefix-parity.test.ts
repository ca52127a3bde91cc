// A file of IPv4 networks banned with `ban --file` (packed from the file to the kernel batch) against the same
// networks loaded with `nft -f`: every prefix length, networks side by side, one reaching the top of the address
// space, addresses among them. The kernel must end up holding the same elements either way.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, kernelSkipReason } from '../helpers/netns.js';
import { runCli } from '../helpers/cli.js';

const skip = kernelSkipReason();

/** Networks of every length from /4 to /31 in separate places, adjacent ones, the top one, and some addresses. */
function targets(): { networks: string[]; addresses: string[] } {
  const networks = ['224.0.0.0/4', '240.0.0.0/5', '248.0.0.0/6', '252.0.0.0/7', '254.0.0.0/8', '255.255.255.0/24'];
  for (let length = 9; length <= 31; length++) networks.push(`${140 + length}.0.0.0/${length}`);
  // Side by side: one interval's end is the next one's start.
  networks.push('198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/23', '198.18.4.0/30', '198.18.4.4/31');
  return { networks, addresses: ['192.0.2.66', '198.18.4.6', '203.0.113.255'] };
}

describe('ban --file of IPv4 networks, parity with nft -f (kernel)', { skip }, () => {
  let ours: Netns;
  let theirs: Netns;
  let dir: string;
  before(() => {
    ours = new Netns('pspp');
    theirs = new Netns('pspp');
    dir = mkdtempSync(join(tmpdir(), 'pst-pfx-'));
  });
  after(() => {
    ours?.delete();
    theirs?.delete();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the kernel holding what nft -f of the same elements leaves', () => {
    const { networks, addresses } = targets();
    const config = join(dir, 'portsentry.conf');
    writeFileSync(config, 'TCP_PORTS="1"\nUDP_PORTS="1"\n');
    const file = join(dir, 'targets');
    // Addresses among the networks, a comment and a blank line: the file as an operator writes it.
    writeFileSync(file, ['# blocklist', ...networks.slice(0, 10), ...addresses, '', ...networks.slice(10)].join('\n'));
    const cli = (netns: string, ...args: string[]) =>
      runCli([...args, '--state-dir', join(dir, netns), '--config', config, '--backend', 'nftables'], { netns });
    for (const ns of [ours, theirs]) assert.equal(cli(ns.name, 'setup').status, 0);
    // --force: the host's nameservers (read by the never-ban rules) may lie anywhere; parity is the point here.
    const r = cli(ours.name, 'ban', '--file', file, '--timeout', '1h', '--force', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).banned.length, networks.length + addresses.length);
    const element = (t: string) => `${t} timeout 1h`;
    theirs.exec(
      'nft',
      ['-f', '-'],
      `add element inet portsentinel bannednet4 { ${networks.map(element).join(', ')} }\n` +
        `add element inet portsentinel banned4 { ${addresses.map(element).join(', ')} }\n`,
    );
    const normal = (ns: Netns) =>
      JSON.stringify(
        (JSON.parse(ns.exec('nft', ['-j', 'list', 'ruleset'])).nftables as object[]).filter((o) => !('metainfo' in o)),
        (k, v: unknown) => (k === 'handle' || k === 'expires' ? undefined : v),
      );
    const held = normal(ours);
    for (const t of [...networks, ...addresses]) {
      const [addr, len] = t.split('/');
      assert.ok(held.includes(len ? `"addr":"${addr}","len":${len}` : `"${addr}"`), `${t} is held`);
    }
    assert.equal(held, normal(theirs));
    // Listed back as the networks they were banned as.
    const listed = JSON.parse(cli(ours.name, 'bans', 'list', '--json').stdout) as {
      bans: Array<{ address: string }>;
      drift: { missing: unknown[] };
    };
    assert.deepEqual(listed.bans.map((b) => b.address).sort(), [...networks, ...addresses].sort());
    assert.deepEqual(listed.drift.missing, [], 'the journal holds what the kernel holds');
  });
});
