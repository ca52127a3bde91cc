// One decision stream answer into the kernel and the journal, under the state lock: deletes before adds in one
// batch, never-ban rules first, each remote ban journaled with origin "crowdsec" and its Local API origin and
// scenario as the reason. What is held for which decision is kept in memory (`Held`), so that deleting one of two
// decisions on the same address keeps the ban.
import type { BanSet } from '../firewall/banset.js';
import { parseTarget, TargetList, type Target } from '../net/targets.js';
import type { NeverBanMatcher } from '../firewall/never-ban.js';
import { parsePrefix, type Family, type Prefix } from '../net/address.js';
import type { BanContext } from '../bans/context.js';
import { compactIfWorthIt, withSession } from '../bans/session.js';
import { appendRecords } from '../state/journal.js';
import { banBatches, unbanBatches, type JournalRecord } from '../state/record.js';
import type { Decision, StreamBatch } from './decisions.js';

/** Longest kernel timeout written (the nftables backend refuses more). */
// One per target travels to the backend as a Uint32Array element.
const MAX_TIMEOUT_SECONDS = 2 ** 32 - 1;

/** Per target, the decisions that hold it: decision id → end (epoch ms). */
export type Held = Map<string, Map<number, number>>;

export interface Refused {
  target: string;
  origin: string;
  rule: string;
}

export interface ApplyResult {
  added: number;
  /** Of `added`, the IPv4 ones. */
  added4: number;
  removed: number;
  refused: Refused[];
  /** Decisions skipped (type, scope, origin, malformed) plus those already over when received. */
  ignored: Record<string, number>;
  /** Adds that the kernel refused one by one (after the whole batch was refused). */
  failed: string[];
}

export const reasonOf = (d: Pick<Decision, 'origin' | 'scenario'>): string =>
  d.scenario ? `${d.origin}: ${d.scenario}` : d.origin;

interface Plan {
  remove: Set<string>;
  add: Map<string, { decision: Decision; until: number }>;
}

/** What the answer changes, given what is held (which it updates). Pure but for `held`. */
export function planChanges(batch: StreamBatch, held: Held, now: number, ignored: Record<string, number>): Plan {
  const plan: Plan = { remove: new Set(), add: new Map() };
  for (const d of batch.deleted) {
    const ids = held.get(d.target);
    if (ids) {
      ids.delete(d.id);
      for (const [id, until] of ids) if (until <= now) ids.delete(id);
    }
    if (!ids || ids.size === 0) {
      held.delete(d.target);
      plan.remove.add(d.target);
    }
  }
  for (const d of batch.added) {
    if (d.remainingMs <= 0) {
      ignored.expired = (ignored.expired ?? 0) + 1;
      continue;
    }
    const until = now + d.remainingMs;
    let ids = held.get(d.target);
    if (!ids) held.set(d.target, (ids = new Map()));
    ids.set(d.id, until);
    plan.remove.delete(d.target);
    // Several decisions on one target: the kernel keeps the longest.
    let longest = until;
    for (const u of ids.values()) if (u > longest) longest = u;
    const prev = plan.add.get(d.target);
    if (!prev || longest >= prev.until) plan.add.set(d.target, { decision: d, until: longest });
  }
  return plan;
}

function toPrefix(target: string): Prefix {
  return parsePrefix(target) as Prefix;
}

/** The bans for the kernel: each target with its own timeout, and the decision's text for each. */
interface KernelAdds {
  texts: string[];
  targets: Target[];
  timeouts: number[];
}

/** Adds in one call; when the kernel refuses the batch (say, overlapping ranges), one by one, keeping the rest. */
async function applyKernel(set: BanSet, remove: string[], adds: KernelAdds, failed: string[]): Promise<void> {
  const { texts, targets, timeouts } = adds;
  try {
    const list = TargetList.from(targets);
    const perTarget = Uint32Array.from(timeouts);
    if (set.replace && (await set.replace(remove, list, perTarget))) return;
    if (remove.length > 0) await set.remove(remove);
    if (targets.length > 0) await set.add(list, perTarget);
    return;
  } catch (err) {
    if ((err as { code?: string }).code === 'E_NFT_NOT_SET_UP' || targets.length <= 1) throw err;
  }
  for (let i = 0; i < targets.length; i++) {
    try {
      await set.add(TargetList.from([targets[i]]), timeouts[i]);
    } catch {
      failed.push(texts[i]);
    }
  }
}

export interface ApplyOptions {
  ctx: BanContext;
  held: Held;
  matcher: NeverBanMatcher;
  /** The first answer after a start or an error: journaled remote bans it no longer names are lifted. */
  startup: boolean;
  now?: number;
}

export async function applyStream(batch: StreamBatch, opts: ApplyOptions): Promise<ApplyResult> {
  const { ctx, held, matcher, startup } = opts;
  return withSession(
    ctx,
    async (s) => {
      const now = s.now;
      const ignored = { ...batch.ignored };
      if (startup) held.clear();
      const plan = planChanges(batch, held, now, ignored);
      const state = s.state();
      if (startup) {
        // Decisions deleted in the Local API while this host was not listening: the startup list no longer names
        // them, and only the journal remembers that they came from there.
        for (const [target, i] of state.live) {
          const r = state.records[i];
          if (r.op === 'ban' && r.origin === 'crowdsec' && !state.isOver(i) && !held.has(target)) {
            plan.remove.add(target);
          }
        }
      }
      const refused: Refused[] = [];
      const failed: string[] = [];
      let unparsed = 0;
      const adds: KernelAdds = { texts: [], targets: [], timeouts: [] };
      const journalAdds = new Map<
        string,
        { until: number; reason: string; targets: Array<{ target: string; family: Family }> }
      >();
      for (const [target, { decision, until }] of plan.add) {
        // This host's own ban coming back from the Local API (pushed by watch): the kernel already holds it as
        // long, and the journal keeps it as the local detection it is.
        const own = state.recordOf(target);
        if (
          own?.origin === 'watch' &&
          state.isActive(target) &&
          (own.until === undefined || own.until >= until - 1000)
        ) {
          ignored.own = (ignored.own ?? 0) + 1;
          continue;
        }
        const rule = matcher.refusal(toPrefix(target), target);
        if (rule) {
          refused.push({ target, origin: decision.origin, rule });
          held.delete(target);
          continue;
        }
        const timeout = Math.min(MAX_TIMEOUT_SECONDS, Math.max(1, Math.ceil((until - now) / 1000)));
        const parsed = parseTarget(target, 'decision');
        if (typeof parsed === 'string') {
          failed.push(target);
          unparsed++;
          continue;
        }
        adds.texts.push(target);
        adds.targets.push(parsed);
        adds.timeouts.push(timeout);
        const untilSec = now + timeout * 1000;
        const reason = reasonOf(decision);
        const key = `${untilSec}\u0000${reason}`;
        let group = journalAdds.get(key);
        if (!group) journalAdds.set(key, (group = { until: untilSec, reason, targets: [] }));
        group.targets.push({ target, family: decision.family });
      }
      const removeList = [...plan.remove];
      await applyKernel(s.banSet, removeList, adds, failed);
      const failedSet = new Set(failed);
      const records: JournalRecord[] = [];
      // Lifts are journaled only for what the journal holds as running: a decision never enforced here (refused,
      // or filtered out) leaves no trace.
      const lifted = removeList.filter((t) => state.isActive(t));
      records.push(...unbanBatches(lifted, now, 'crowdsec'));
      for (const g of journalAdds.values()) {
        const targets = failedSet.size > 0 ? g.targets.filter((t) => !failedSet.has(t.target)) : g.targets;
        records.push(...banBatches(targets, { at: now, until: g.until, reason: g.reason, origin: 'crowdsec' }));
      }
      if (records.length > 0 && !compactIfWorthIt(ctx.stateDir, s.journal(), records, now)) {
        appendRecords(ctx.stateDir, records);
      }
      const added4 = adds.targets.filter((t, i) => t.family === 4 && !failedSet.has(adds.texts[i])).length;
      return {
        added: adds.targets.length - (failed.length - unparsed),
        added4,
        removed: removeList.length,
        refused,
        ignored,
        failed,
      };
    },
    opts.now,
  );
}
