// Banning: never-ban check, one add of the whole batch to the BanSet, then the journal (one append, one fsync) and
// the PortSentry history file, all under the state lock. The same call serves `ban` and the live `watch`.
import type { BanSetKind } from '../config/backends.js';
import { OperationError, PortsentinelError } from '../errors.js';
import { buildNeverBanMatcher, gatherNeverBanLists, type NeverBanMatcher } from '../firewall/never-ban.js';
import { appendHistory } from '../state/history.js';
import { formatHistoryBatch } from '../state/history-batch.js';
import { appendBlocked } from '../state/blocked-file.js';
import { formatPackedBanLines, type Origin, type Trigger } from '../state/record.js';
import type { BanContext } from './context.js';
import { uint32ToIPv4 } from '../net/address.js';
import { withSession } from './session.js';
import { applyBans, type Progress } from './apply.js';
import { prefixOf, TargetList, type Target } from '../net/targets.js';

export interface BanRequest {
  targets: TargetList;
  /** Seconds; 0 = permanent. */
  timeout: number;
  reason?: string;
  origin: Origin;
  trigger?: Trigger;
  /** Ban never-ban addresses anyway (each is still reported in `forced`). */
  force?: boolean;
  /** A cached matcher (`watch`); gathered fresh when absent. */
  matcher?: NeverBanMatcher;
  now?: number;
  /** Told as slices of a large ban reach the kernel (a progress bar). */
  progress?: Progress;
}

export interface Refusal {
  address: string;
  /** The rule that refused, as a sentence: "192.0.2.1 is this host's default gateway (eth0)". */
  rule: string;
}

export interface BanOutcome {
  backend: BanSetKind;
  /** What was banned, packed; it serialises as an array of canonical texts (TargetList.toJSON). */
  banned: TargetList;
  refused: Refusal[];
  forced: Refusal[];
  /** Seconds, null = permanent. */
  timeout: number | null;
  /** When the bans end (ISO 8601), null = permanent. */
  until: string | null;
  reason: string | null;
  /** What went wrong after the bans were made (e.g. HISTORY_FILE not writable). */
  warnings: string[];
}

/**
 * Splits targets into those that may be banned and those the never-ban rules refuse, keeping input order in all
 * three. Pure given the matcher. When nothing is dropped, `allowed` is `targets` itself.
 */
export function screenTargets(
  targets: TargetList,
  matcher: NeverBanMatcher,
  force = false,
): { allowed: TargetList; refused: Refusal[]; forced: Refusal[] } {
  const refused: Refusal[] = [];
  const forced: Refusal[] = [];
  const { v4, v4len, others, otherAt } = targets;
  // The sentence for v4[i]: made only for the few entries refused.
  const rule4 = (i: number): string | undefined => {
    const v = v4[i];
    if (targets.lengthAt(i) === 32) {
      return matcher.refusal4
        ? matcher.refusal4(v)
        : matcher.refusal(prefixOf({ target: '', family: 4, isPrefix: false, v4: v }), uint32ToIPv4(v));
    }
    const t = targets.v4Target(i);
    return matcher.refusal(prefixOf(t), t.target);
  };
  let hits: number[];
  if (matcher.refusedAt4) hits = matcher.refusedAt4(v4, v4len);
  else {
    hits = [];
    for (let i = 0; i < v4.length; i++) if (rule4(i) !== undefined) hits.push(i);
  }
  // Whether the target stays; a refusal is recorded either way.
  const judge = (rule: string, address: string): boolean => {
    (force ? forced : refused).push({ address, rule });
    return force;
  };
  const dropped: number[] = [];
  const keptOthers: Target[] = [];
  const keptAt: number[] = [];
  // In input order: the refused IPv4 entries before each other target, then that target.
  for (let j = 0, h = 0; j <= others.length; j++) {
    const at = j < others.length ? otherAt[j] : v4.length;
    for (; h < hits.length && hits[h] < at; h++) {
      if (!judge(rule4(hits[h]) ?? '', targets.v4Text(hits[h]))) dropped.push(hits[h]);
    }
    if (j === others.length) break;
    const t = others[j];
    const rule = matcher.refusal(prefixOf(t), t.target);
    if (rule === undefined || judge(rule, t.target)) {
      keptOthers.push(t);
      keptAt.push(at);
    }
  }
  if (dropped.length === 0 && keptOthers.length === others.length) return { allowed: targets, refused, forced };
  const keep = dropEntries(v4, dropped);
  const keepLen = v4len && dropEntries(v4len, dropped);
  // Each kept target's place moves back by the dropped addresses before it.
  for (let k = 0, d = 0; k < keptAt.length; k++) {
    while (d < dropped.length && dropped[d] < keptAt[k]) d++;
    keptAt[k] -= d;
  }
  return { allowed: new TargetList(keep, keptOthers, keptAt, keepLen), refused, forced };
}

/** A copy of `from` without the entries at the (increasing) indexes `dropped`. */
function dropEntries<T extends Uint32Array | Uint8Array>(from: T, dropped: readonly number[]): T {
  const keep = new (from.constructor as new (n: number) => T)(from.length - dropped.length);
  let at = 0;
  dropped.forEach((d, k) => {
    keep.set(from.subarray(at, d), at - k);
    at = d + 1;
  });
  keep.set(from.subarray(at), at - dropped.length);
  return keep;
}

/** The never-ban matcher for `targets`: the IPv6 hosts are gathered only when an IPv6 target needs them. */
export function matcherFor(ctx: BanContext, targets?: TargetList): NeverBanMatcher {
  const ipv6 = targets === undefined || targets.others.some((t) => t.family === 6);
  return buildNeverBanMatcher(gatherNeverBanLists(ctx.ignore, { ipv6 }));
}

/** The batch's HISTORY_FILE lines as bytes (formatHistoryBatch): 100k lines cost no more than the kernel batch. */
function historyLines(targets: TargetList, shared: { at: number; trigger?: Trigger }): Buffer {
  const t = shared.trigger;
  return formatHistoryBatch(targets, new Date(shared.at), t ? t.port : 0, t ? t.protocol.toUpperCase() : 'manual');
}

/** The bans are in the kernel, their journal lines are not: said exactly, so nobody believes either half. */
function unjournaled(count: number, backend: BanSetKind, cause: PortsentinelError): OperationError {
  return new OperationError(
    `banned ${count} target(s) in the kernel (${backend}), but the journal could not record them: ${cause.message}; ` +
      'they are in force now but setup --restore will not bring them back after a reboot: free space and ban them again',
    'E_JOURNAL_UNRECORDED',
    cause,
  );
}

export async function banTargets(ctx: BanContext, req: BanRequest): Promise<BanOutcome> {
  const screened = screenTargets(req.targets, req.matcher ?? matcherFor(ctx, req.targets), req.force);
  const { refused, forced } = screened;
  let allowed = screened.allowed;
  const timeout = req.timeout > 0 ? req.timeout : undefined;
  const warnings: string[] = [];
  let journalError: PortsentinelError | undefined;
  return withSession(
    ctx,
    async (s) => {
      const until = timeout === undefined ? undefined : s.now + timeout * 1000;
      if (allowed.length > 0) {
        const shared = { at: s.now, until, reason: req.reason, origin: req.origin, trigger: req.trigger };
        const lines = formatPackedBanLines(allowed, shared);
        const applied = await applyBans(s, allowed, timeout, lines, req.origin, req.progress);
        journalError = applied.journalError;
        if (applied.kernelRefused.length > 0) {
          // Banned are those the kernel took: the refused ones are named, each with the kernel's answer.
          const gone = new Set(applied.kernelRefused.map((r) => r.address));
          allowed = TargetList.from(allowed.toArray().filter((t) => !gone.has(t.target)));
          for (const r of applied.kernelRefused) warnings.push(`the kernel refused ${r.address}: ${r.rule}`);
        }
        // The bans are in the kernel by now: a history file that cannot be written is worth a warning, not a
        // failed command.
        if (ctx.historyFile) {
          try {
            appendHistory(ctx.historyFile, historyLines(allowed, shared));
          } catch (err) {
            if (!(err instanceof PortsentinelError)) throw err;
            warnings.push(err.message);
          }
        }
        if (ctx.blockedFile && req.trigger) {
          try {
            appendBlocked(ctx.blockedFile, req.trigger.mode, historyLines(allowed, shared));
          } catch (err) {
            if (!(err instanceof PortsentinelError)) throw err;
            warnings.push(err.message);
          }
        }
      }
      const outcome: BanOutcome = {
        backend: s.banSet.kind,
        banned: allowed,
        refused,
        forced,
        timeout: timeout ?? null,
        until: until === undefined ? null : new Date(until).toISOString(),
        reason: req.reason ?? null,
        warnings,
      };
      if (journalError) throw unjournaled(allowed.length, s.banSet.kind, journalError);
      return outcome;
    },
    req.now,
  );
}
