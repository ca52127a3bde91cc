// The libnftables JSON document (`nft -j -f`) that creates portsentinel's kernel objects (docs/kernel-objects.md).
// Pure: built from options only. Every verb is `add` (a no-op for what exists) and only our
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
  /**
   * NFLOG group of the scan-candidate log rules the live `watch` reads (default DEFAULT_LOG_GROUP). The rules are
   * always there, so every way of (re)building the chain — `setup`, `setup --restore`, the automatic setup of
   * `ban`, `watch` itself — leaves the same ruleset; a log rule whose group has no listener costs almost nothing.
   */
  logGroup?: number;
  /** Per-rule kernel rate limit for the log rules, packets per second (default 1000). */
  logRate?: number;
  /**
   * Sets that already exist without element counters (made by an older `setup`): declared as they are, without
   * `counter`, because the kernel refuses (EEXIST) an `add` whose declaration differs from the existing set's.
   * Their bans keep working and are listed without counters; docs/kernel-objects.md says how to convert them.
   */
  uncountedSets?: readonly SetName[];
  /** Table name override, for tests only. */
  table?: string;
}

export const DEFAULT_PRIORITY = -10;
export const DEFAULT_LOG_RATE = 1000;
/**
 * Each destination port gets at most this share of the log rate. A flood aimed at one port (the usual SYN flood,
 * from random sources) then spends only that port's share, and a scanner sweeping many ports during it is still
 * seen on each: without it the flood drains the one token bucket and the scanner's probes are mostly not logged.
 */
export const PORT_SHARE_OF_LOG_RATE = 1 / 20;
/**
 * Seconds of the log rate the kernel lets through at once (nft's own default burst is 5 packets): a fast scanner
 * sends its probes in a burst of a few milliseconds, faster than any steady rate would let them through.
 */
export const LOG_BURST_SECONDS = 0.2;
/** Kernel-side meters (dynamic sets) of the log rules, one per protocol, keyed on the destination port. */
export const PORT_METERS = { tcp: 'logports_tcp', udp: 'logports_udp' } as const;
/** `watch --nflog-group`'s default. */
export const DEFAULT_LOG_GROUP = 4711;

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
  for (const [name, def] of Object.entries(SETS) as Array<[SetName, (typeof SETS)[SetName]]>) {
    const set: Json = { family, table, name, type: def.type, flags: [...def.flags] };
    // A counter on every element (nft: `counter` in the set's declaration): what each ban has dropped.
    if (!opts.uncountedSets?.includes(name)) set.stmt = [{ counter: null }];
    cmds.push({ add: { set } });
  }
  for (const chain of chainsFor(opts)) {
    cmds.push({ add: { chain: { family, table, name: chain, type: 'filter', hook: chain, prio, policy: 'accept' } } });
    cmds.push({ flush: { chain: { family, table, name: chain } } });
    const drop = (protocol: 'ip' | 'ip6', set: SetName): Json => ({
      add: { rule: { family, table, chain, expr: [saddrIn(protocol, set), { counter: null }, { drop: null }] } },
    });
    cmds.push(drop('ip', 'banned4'), drop('ip', 'bannednet4'), drop('ip6', 'banned6'), drop('ip6', 'bannednet6'));
  }
  {
    const logRate = opts.logRate ?? DEFAULT_LOG_RATE;
    const rate = {
      limit: { rate: logRate, per: 'second', burst: Math.max(5, Math.round(logRate * LOG_BURST_SECONDS)) },
    };
    const portRate = Math.max(1, Math.round(logRate * PORT_SHARE_OF_LOG_RATE));
    const perPort = (protocol: 'tcp' | 'udp'): Json => ({
      meter: {
        name: PORT_METERS[protocol],
        size: 65536,
        key: { payload: { protocol, field: 'dport' } },
        stmt: { limit: { rate: portRate, per: 'second', burst: Math.max(5, portRate) } },
      },
    });
    const log = { log: { group: opts.logGroup ?? DEFAULT_LOG_GROUP } };
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
        perPort('tcp'),
        rate,
        log,
      ]),
      // New UDP flows only, so answers to our own queries (conntrack: established) are not mistaken for probes.
      rule([
        { match: { op: '==', left: { meta: { key: 'l4proto' } }, right: 'udp' } },
        { match: { op: 'in', left: { ct: { key: 'state' } }, right: 'new' } },
        perPort('udp'),
        rate,
        log,
      ]),
    );
  }
  return { nftables: cmds };
}

/**
 * The NFLOG group and rate of the log rules in a `nft -j list chain` document, so a rebuild keeps the group a
 * running `watch --nflog-group N` listens on. Undefined when the chain has no log rule.
 */
export function findLogRule(listing: unknown): { logGroup: number; logRate?: number } | undefined {
  const items = (listing as { nftables?: unknown[] } | undefined)?.nftables;
  if (!Array.isArray(items)) return undefined;
  for (const item of items) {
    const expr = (item as { rule?: { expr?: unknown[] } })?.rule?.expr;
    if (!Array.isArray(expr)) continue;
    let group: number | undefined;
    let rate: number | undefined;
    for (const e of expr as Array<Record<string, Record<string, unknown> | undefined>>) {
      if (typeof e?.log?.group === 'number') group = e.log.group;
      if (typeof e?.limit?.rate === 'number' && e.limit.per === 'second') rate = e.limit.rate;
    }
    if (group !== undefined) return rate === undefined ? { logGroup: group } : { logGroup: group, logRate: rate };
  }
  return undefined;
}

/** The one command teardown sends: our table and everything in it, nothing else. */
export function buildTeardownDocument(table = TABLE): { nftables: Json[] } {
  return { nftables: [{ delete: { table: { family: FAMILY, name: table } } }] };
}
