// Kernel truth merged with the journal, row by row, in O(n): the kernel says what is banned and for how long;
// the journal says why, by whom and since when. Disagreements are drift: "external" (kernel only) and
// "missing" (journal only, repaired by `portsentinel setup --restore`).
import type { KernelBan } from '../firewall/banset.js';
import type { Family } from '../net/address.js';
import type { JournalState } from '../state/fold.js';
import type { BanRecord, Origin, Trigger } from '../state/record.js';

export const REPAIR_COMMAND = 'portsentinel setup --restore';

export type DriftKind = 'external' | 'missing';

export interface BanRow {
  address: string;
  family: Family;
  prefix: boolean;
  /** Seconds left (kernel's figure when it has the ban); null = permanent. */
  expiresIn: number | null;
  expiresAt: string | null;
  reason: string | null;
  trigger: Trigger | null;
  bannedAt: string | null;
  origin: Origin | null;
  drift: DriftKind | null;
}

export interface Drift {
  external: string[];
  missing: string[];
  /** The command that puts journal-only bans back in the kernel; null when nothing is missing. */
  repair: string | null;
}

export interface MergedBans {
  bans: BanRow[];
  drift: Drift;
}

/** toISOString for many equal timestamps (a batch shares one), without formatting each again. */
function isoCache(): (ms: number) => string {
  const cache = new Map<number, string>();
  return (ms) => {
    let s = cache.get(ms);
    if (s === undefined) {
      s = new Date(ms).toISOString();
      if (cache.size < 10_000) cache.set(ms, s);
    }
    return s;
  };
}

export function mergeBans(
  kernel: readonly KernelBan[],
  journal: JournalState,
  now: number,
  family?: Family,
): MergedBans {
  const iso = isoCache();
  // Kernel timeouts are whole seconds; round "now" so rows from one second share a cached expiresAt.
  const nowSec = Math.floor(now / 1000) * 1000;
  const bans: BanRow[] = [];
  const external: string[] = [];
  const missing: string[] = [];
  // Journal bans the kernel showed: when that is all of them (no drift, the usual case) no set of 100k kernel
  // targets is needed to find the missing ones.
  let matched = 0;
  for (const k of kernel) {
    if (family !== undefined && k.family !== family) continue;
    let j: BanRecord | undefined = journal.active.get(k.target);
    if (j !== undefined) matched++;
    else j = journal.expired.get(k.target);
    const drift = j === undefined ? 'external' : null;
    if (drift) external.push(k.target);
    bans.push({
      address: k.target,
      family: k.family,
      prefix: k.target.includes('/'),
      expiresIn: k.expiresIn ?? null,
      expiresAt: k.expiresIn === undefined ? null : iso(nowSec + k.expiresIn * 1000),
      reason: j?.reason ?? null,
      trigger: j?.trigger ?? null,
      bannedAt: j ? iso(j.at) : null,
      origin: j?.origin ?? null,
      drift,
    });
  }
  const seen = matched === journal.active.size ? undefined : new Set(kernel.map((k) => k.target));
  for (const [target, j] of seen ? journal.active : []) {
    if (seen?.has(target) || (family !== undefined && j.family !== family)) continue;
    missing.push(target);
    bans.push({
      address: target,
      family: j.family,
      prefix: target.includes('/'),
      expiresIn: j.until === undefined ? null : Math.max(0, Math.ceil((j.until - now) / 1000)),
      expiresAt: j.until === undefined ? null : iso(j.until),
      reason: j.reason ?? null,
      trigger: j.trigger ?? null,
      bannedAt: iso(j.at),
      origin: j.origin,
      drift: 'missing',
    });
  }
  return { bans, drift: { external, missing, repair: missing.length > 0 ? REPAIR_COMMAND : null } };
}
