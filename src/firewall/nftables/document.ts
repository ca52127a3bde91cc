// The libnftables JSON document (`nft -j -f`) that creates portsentinel's kernel objects (ARCHITECTURE.md:
// kernel objects). Pure: built from options only. Every verb is `add` (a no-op for what exists) and only our
// chains are flushed before their rules are re-added, so re-running keeps set contents and touches nothing else.

export const TABLE = 'portsentinel';
export const FAMILY = 'inet';
export const SETS = {
  banned4: { type: 'ipv4_addr', flags: ['timeout'] },
  banned6: { type: 'ipv6_addr', flags: ['timeout'] },
  bannednet4: { type: 'ipv4_addr', flags: ['interval', 'timeout'] },
  bannednet6: { type: 'ipv6_addr', flags: ['interval', 'timeout'] },
} as const;
export type SetName = keyof typeof SETS;
export type Hook = 'input' | 'forward';

export interface SetupOptions {
  /** Base chains to create; `input` is always included. */
  hooks?: Hook[];
  /** Base chain priority (default -10: before the usual filter chains at 0). */
  priority?: number;
  /** NFLOG group for scan-candidate logging (the live `watch` reads it); no log rules when undefined. */
  logGroup?: number;
  /** Per-rule kernel rate limit for the log rules, packets per second (default 1000). */
  logRate?: number;
  /** Table name override, for tests only. */
  table?: string;
}

export const DEFAULT_PRIORITY = -10;
export const DEFAULT_LOG_RATE = 1000;

type Json = Record<string, unknown>;

const saddrIn = (protocol: 'ip' | 'ip6', set: SetName): Json => ({
  match: { op: '==', left: { payload: { protocol, field: 'saddr' } }, right: `@${set}` },
});

export function chainsFor(opts: SetupOptions): Hook[] {
  const hooks = new Set<Hook>(['input', ...(opts.hooks ?? [])]);
  return (['input', 'forward'] as const).filter((h) => hooks.has(h));
}

export function buildSetupDocument(opts: SetupOptions = {}): { nftables: Json[] } {
  const table = opts.table ?? TABLE;
  const family = FAMILY;
  const prio = opts.priority ?? DEFAULT_PRIORITY;
  const cmds: Json[] = [{ add: { table: { family, name: table } } }];
  for (const [name, def] of Object.entries(SETS)) {
    cmds.push({ add: { set: { family, table, name, type: def.type, flags: [...def.flags] } } });
  }
  for (const chain of chainsFor(opts)) {
    cmds.push({ add: { chain: { family, table, name: chain, type: 'filter', hook: chain, prio, policy: 'accept' } } });
    cmds.push({ flush: { chain: { family, table, name: chain } } });
    const drop = (protocol: 'ip' | 'ip6', set: SetName): Json => ({
      add: { rule: { family, table, chain, expr: [saddrIn(protocol, set), { counter: null }, { drop: null }] } },
    });
    cmds.push(drop('ip', 'banned4'), drop('ip', 'bannednet4'), drop('ip6', 'banned6'), drop('ip6', 'bannednet6'));
  }
  if (opts.logGroup !== undefined) {
    const rate = { limit: { rate: opts.logRate ?? DEFAULT_LOG_RATE, per: 'second' } };
    const log = { log: { group: opts.logGroup } };
    // Only the input chain: candidates are packets addressed to this host.
    const rule = (expr: Json[]): Json => ({ add: { rule: { family, table, chain: 'input', expr } } });
    cmds.push(
      // A probe opens or pokes: no ACK and no RST (SYN, FIN, NULL, XMAS scans).
      rule([
        {
          match: {
            op: '==',
            left: { '&': [{ payload: { protocol: 'tcp', field: 'flags' } }, { '|': ['ack', 'rst'] }] },
            right: 0,
          },
        },
        rate,
        log,
      ]),
      // New UDP flows only, so answers to our own queries (conntrack: established) are not mistaken for probes.
      rule([
        { match: { op: '==', left: { meta: { key: 'l4proto' } }, right: 'udp' } },
        { match: { op: 'in', left: { ct: { key: 'state' } }, right: 'new' } },
        rate,
        log,
      ]),
    );
  }
  return { nftables: cmds };
}

/** The one command teardown sends: our table and everything in it, nothing else. */
export function buildTeardownDocument(table = TABLE): { nftables: Json[] } {
  return { nftables: [{ delete: { table: { family: FAMILY, name: table } } }] };
}
