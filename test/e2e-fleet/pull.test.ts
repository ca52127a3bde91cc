// crowdsec pull against a real Local API, in namespaces joined by a bridge: decisions made with cscli reach host B's
// kernel sets within two poll intervals (1 s) and block a scanner's connections; deletes lift them; IPv6 addresses
// and /24 ranges land in banned6 and bannednet4; short decisions expire cleanly; the gateway is never banned; the
// Local API down at start is caught up with once it is up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { makeLapi } from './lapi.js';
import { validate as validateStatus } from '../../src/generated/crowdsec-status.js';
import { cliIn, connects, listen, openFleet, setElements, startIn, within, writeMemberConfig } from './fleet-lab.js';

const skip = kernelSkipReason('nft', 'ip', 'crowdsec', 'cscli', 'curl');
const PORT = 8088;
/** Two poll intervals of 1 s, plus the time cscli takes to reach the LAPI. */
const TWO_POLLS_MS = 2000;

test(
  'crowdsec pull enforces, lifts and expires Local API decisions on host B',
  { skip, timeout: 180_000 },
  async () => {
    const fleet = openFleet();
    const lapiHost = fleet.host('l', 1);
    const b = fleet.host('b', 20);
    const scanner = fleet.host('s', 66, true);
    const lapi = makeLapi(lapiHost.ns, lapiHost.v4, join(fleet.dir, 'lapi'));
    let pull: ReturnType<typeof startIn> | undefined;
    const server = listen(b.ns, PORT);
    try {
      const keyFile = lapi.addBouncer('host-b');
      const stateDir = join(fleet.dir, 'state-b');
      mkdirSync(stateDir);
      const conf = writeMemberConfig(fleet.dir, 'b', {
        CROWDSEC_LAPI_URL: lapi.url,
        CROWDSEC_BOUNCER_KEY_FILE: keyFile,
        CROWDSEC_POLL_INTERVAL: '1s',
      });
      // B reaches the LAPI's address through a default route: that address is B's gateway, never to be banned.
      b.ns.ip('route', 'add', 'default', 'via', lapiHost.v4);
      assert.equal(cliIn(b.ns, ['config', 'validate', '--config', conf]).status, 0);

      // The Local API is down when B starts: B says so once and keeps going.
      pull = startIn(b.ns, ['crowdsec', 'pull', '--config', conf, '--state-dir', stateDir]);
      await pull.waitFor(/cannot be reached/, 15_000);
      await lapi.start();
      lapi.cscli('decisions', 'add', '--ip', scanner.v4, '--duration', '1h', '--reason', 'fleet test');
      await pull.waitFor(/answers again/, 70_000);
      await within(5000, 'the first decision after the outage', () =>
        setElements(b.ns, 'banned4').includes(scanner.v4),
      );
      assert.equal((pull.output().match(/cannot be reached/g) ?? []).length, 1, pull.output());
      assert.equal(connects(scanner.ns, b.v4, PORT), false, 'the banned scanner still connects to B');
      await within(4000, 'another address of the scanner to connect', () =>
        connects(scanner.ns, b.v4, PORT, scanner.v4b),
      );

      // bans list shows the remote ban with its origin; a local unban warns that it will come back.
      const list = JSON.parse(
        cliIn(b.ns, ['bans', 'list', '--json', '--state-dir', stateDir, '--config', conf]).stdout,
      );
      const row = list.bans.find((r: { address: string }) => r.address === scanner.v4);
      assert.equal(row.origin, 'crowdsec');
      assert.match(row.reason, /^cscli: /);

      // Deleted in the LAPI: lifted on B.
      lapi.cscli('decisions', 'delete', '--ip', scanner.v4);
      await within(TWO_POLLS_MS + 1500, 'the delete', () => !setElements(b.ns, 'banned4').includes(scanner.v4));
      await within(3000, 'the scanner to connect again', () => connects(scanner.ns, b.v4, PORT));

      // IPv6 address and /24 range.
      lapi.cscli('decisions', 'add', '--ip', scanner.v6, '--duration', '1h');
      lapi.cscli('decisions', 'add', '--range', '203.0.113.0/24', '--duration', '1h');
      const t6 = await within(TWO_POLLS_MS + 1500, 'the IPv6 decision', () =>
        setElements(b.ns, 'banned6').includes(scanner.v6),
      );
      await within(TWO_POLLS_MS + 1500, 'the range decision', () =>
        setElements(b.ns, 'bannednet4').includes('203.0.113.0/24'),
      );
      assert.ok(t6 < TWO_POLLS_MS + 1500);
      assert.equal(connects(scanner.ns, b.v6, PORT), false, 'the banned IPv6 scanner still connects');
      assert.equal(connects(scanner.ns, b.v4, PORT, scanner.v4b), false, 'an address of the banned /24 still connects');
      await within(4000, 'an address outside the /24 to connect', () => connects(scanner.ns, b.v4, PORT, scanner.v4));

      // The gateway is refused and reported.
      lapi.cscli('decisions', 'add', '--ip', lapiHost.v4, '--duration', '1h');
      await pull.waitFor(
        new RegExp(`refused a ban of ${lapiHost.v4.replace(/\./g, '\\.')} from origin cscli: .*gateway`),
        5000,
      );
      assert.equal(setElements(b.ns, 'banned4').includes(lapiHost.v4), false);

      // A 3 s decision: in, then out by the kernel's own timeout; the LAPI's later "deleted" is no error.
      lapi.cscli('decisions', 'add', '--ip', '198.51.100.77', '--duration', '3s');
      await within(TWO_POLLS_MS + 1500, 'the 3 s decision', () =>
        setElements(b.ns, 'banned4').includes('198.51.100.77'),
      );
      await within(6000, 'the 3 s decision to expire', () => !setElements(b.ns, 'banned4').includes('198.51.100.77'));
      await new Promise((r) => setTimeout(r, 2500));
      assert.doesNotMatch(pull.output(), /refused the batch|kernel refused|Error/);
      assert.equal(pull.child.exitCode, null, 'crowdsec pull stopped');

      // crowdsec status: the key works, what is enforced by origin, the last pull.
      const st = cliIn(b.ns, ['crowdsec', 'status', '--json', '--config', conf, '--state-dir', stateDir]);
      assert.equal(st.status, 0, st.stderr);
      const status = JSON.parse(st.stdout);
      assert.ok(validateStatus(status), JSON.stringify((validateStatus as unknown as { errors: unknown }).errors));
      assert.equal(status.url, lapi.url);
      assert.deepEqual(status.bouncer, { configured: true, ok: true, message: null });
      assert.equal(status.machine.configured, false);
      assert.deepEqual(status.enforced, { cscli: 2 });
      assert.ok(Date.now() - Date.parse(status.lastPull) < 10_000);
      assert.equal(status.queue, 0);

      // A local unban of a remote ban says that it will return unless deleted in the LAPI.
      const un = cliIn(b.ns, ['unban', scanner.v6, '--state-dir', stateDir, '--config', conf]);
      assert.equal(un.status, 0, un.stderr);
      assert.match(un.stderr + un.stdout, /cscli decisions delete/);
    } catch (e) {
      console.log('crowdsec pull output:', pull?.output());
      throw e;
    } finally {
      await pull?.stop();
      server.stop();
      await lapi.stop();
      fleet.close();
    }
  },
);
