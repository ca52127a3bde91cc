// Child side of BansetRpc: started with `ip netns exec NS node banset-child.js`, so its netlink sockets live in
// that namespace. Reads one JSON request per line on stdin, answers one JSON line on stdout.
import { createInterface } from 'node:readline';
import type { BanSet } from '../../src/firewall/banset.js';
import { targetOf } from '../../src/firewall/targets.js';
import { TargetList } from '../../src/net/targets.js';
import type { BanSetChoice } from '../../src/config/backends.js';
import { openBanSet } from '../../src/firewall/select.js';
import { NftablesBanSet } from '../../src/firewall/nftables/backend.js';
import { NETLINK_NETFILTER } from '../../src/netlink/constants.js';
import { SocketTransport } from '../../src/netlink/transport.js';
import { PausingTransport } from './pausing-transport.js';

let set: BanSet | undefined;
let pausing: PausingTransport | undefined;

/** Resolves once the kernel no longer holds any of `targets` (asked over a socket of its own), or after `seconds`. */
async function untilGone(targets: string[], seconds: number): Promise<void> {
  const witness = new NftablesBanSet();
  try {
    for (let i = 0; i < seconds * 10; i++) {
      let held = false;
      for (const t of targets) held ||= await witness.has(t);
      if (!held) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await witness.close();
  }
}

async function handle(method: string, args: unknown[]): Promise<unknown> {
  if (method === 'open') {
    const [backend, opts] = args as [BanSetChoice, Record<string, unknown>];
    const opened = await openBanSet(backend, opts);
    set = opened.banSet;
    return opened.selection;
  }
  if (method === 'openUnprobed') {
    // No probe: the first request is the one that meets the kernel's permission check.
    set = new NftablesBanSet(args[0] as Record<string, unknown>);
    return null;
  }
  if (method === 'openPausingDeletes') {
    // The first DELSETELEM batch waits until the kernel has expired `expiring`: they were present when remove()
    // looked, and are gone when its delete arrives.
    const [opts, expiring, seconds] = args as [Record<string, unknown>, string[], number];
    pausing = new PausingTransport(new SocketTransport(NETLINK_NETFILTER), () => untilGone(expiring, seconds));
    set = new NftablesBanSet({ ...opts, transport: pausing });
    return null;
  }
  if (method === 'deleteRecord') return pausing?.record ?? null;
  if (!set) throw new Error('open first');
  if (method === 'add') {
    // Bans travel as JSON entries; the set takes them as the packed list and one timeout per target.
    const entries = args[0] as Array<{ target: string; timeout?: number }>;
    const list = TargetList.from(entries.map((e) => targetOf(e.target)));
    await set.add(
      list,
      Uint32Array.from(entries, (e) => e.timeout ?? 0),
    );
    return null;
  }
  const fn = (set as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
  return (await fn.apply(set, args)) ?? null;
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const { id, method, args } = JSON.parse(line) as { id: number; method: string; args: unknown[] };
  handle(method, args).then(
    (result) => process.stdout.write(JSON.stringify({ id, result }) + '\n'),
    (e: unknown) => {
      const err = e as {
        name?: string;
        code?: string;
        exitCode?: number;
        message?: string;
        cause?: { errno?: number };
      };
      process.stdout.write(
        JSON.stringify({
          id,
          error: {
            name: err.name,
            code: err.code,
            exitCode: err.exitCode,
            message: err.message,
            errno: err.cause?.errno,
          },
        }) + '\n',
      );
    },
  );
});
rl.on('close', () => {
  void set?.close().finally(() => process.exit(0));
  if (!set) process.exit(0);
});
