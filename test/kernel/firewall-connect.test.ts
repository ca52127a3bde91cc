// Real traffic through real bans: a TCP server in the victim namespace, clients from two addresses of the
// attacker namespace; the banned source must fail to connect, the other must get through. Both backends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { makeLink, kernelSkipReason, type Netns } from '../helpers/netns.js';
import { BansetRpc } from '../helpers/banset-rpc.js';

const skip = kernelSkipReason();
const PORT = 8080;

function startServer(ns: Netns): Promise<ChildProcess> {
  const code = `require('net').createServer((s) => s.end('ok')).listen(${PORT}, '::', () => console.log('up'))`;
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

/** True when a TCP connection from `from` to `to` completes; a dropped SYN shows up as the 1.5 s give-up. */
function connects(ns: Netns, from: string, to: string): boolean {
  const code = `const s = require('net').connect({ host: '${to}', port: ${PORT}, localAddress: '${from}' });
s.setTimeout(1500, () => { console.log('timeout'); process.exit(0); });
s.on('data', () => { console.log('connected'); process.exit(0); });
s.on('error', (e) => { console.log(e.code); process.exit(0); });`;
  return ns.exec(process.execPath, ['-e', code]).trim() === 'connected';
}

async function scenario(backend: 'nftables' | 'route'): Promise<void> {
  const link = makeLink(['192.0.2.67']);
  link.attacker.ip('addr', 'add', '2001:db8::67/64', 'dev', 'a0', 'nodad');
  const server = await startServer(link.victim);
  const rpc = new BansetRpc(link.victim.name);
  try {
    await rpc.call('open', backend, {});
    await rpc.call('setup');
    const cases: Array<[string, string, string]> = [
      ['192.0.2.66', '192.0.2.67', '192.0.2.10'],
      ['2001:db8::66', '2001:db8::67', '2001:db8::10'],
    ];
    for (const [banned, other, victim] of cases) {
      assert.ok(connects(link.attacker, banned, victim), `${banned} connects before the ban`);
      await rpc.call('add', [{ target: banned, family: banned.includes(':') ? 6 : 4 }]);
      assert.equal(connects(link.attacker, banned, victim), false, `${banned} is blocked`);
      assert.ok(connects(link.attacker, other, victim), `${other} still connects`);
      assert.deepEqual(await rpc.call('remove', [banned]), [banned]);
      assert.ok(connects(link.attacker, banned, victim), `${banned} connects after removal`);
    }
    // A prefix ban covers both attacker addresses.
    await rpc.call('add', [{ target: '192.0.2.64/30', family: 4 }]);
    assert.equal(connects(link.attacker, '192.0.2.66', '192.0.2.10'), false);
    assert.equal(connects(link.attacker, '192.0.2.67', '192.0.2.10'), false);
    await rpc.call('remove', ['192.0.2.64/30']);
    assert.ok(connects(link.attacker, '192.0.2.67', '192.0.2.10'));
  } finally {
    await rpc.close();
    server.kill();
    link.delete();
  }
}

describe('bans stop real connections (kernel)', { skip }, () => {
  it('nftables backend, IPv4 and IPv6', () => scenario('nftables'));
  it('route backend, IPv4 and IPv6, with no nftables table present', () => scenario('route'));
});
