// Banning: never-ban check, one BanSet.add for the whole batch, then the journal (one append, one fsync) and the
// PortSentry history file, all under the state lock. The same call serves `ban` and the live `watch`.
import type { BackendKind, BanEntry, BanSet } from '../firewall/banset.js';
import { PortsentinelError } from '../errors.js';
import { buildNeverBanMatcher, gatherNeverBanLists, type NeverBanMatcher } from '../firewall/never-ban.js';
import { appendLines } from '../state/journal.js';
import { appendHistory, formatHistoryLine } from '../state/history.js';
import { formatBanLines, type Origin, type Trigger } from '../state/record.js';
import type { BanContext } from './context.js';
import { withSession } from './session.js';
import { prefixOf, type Target } from './targets.js';

export interface BanRequest {
  targets: Target[];
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
}

export interface Refusal {
  address: string;
  /** The rule that refused, as a sentence: "192.0.2.1 is this host's default gateway (eth0)". */
  rule: string;
}

export interface BanOutcome {
  backend: BackendKind;
  banned: string[];
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

/** Splits targets into those that may be banned and those the never-ban rules refuse. Pure given the matcher. */
export function screenTargets(
  targets: Target[],
  matcher: NeverBanMatcher,
  force = false,
): { allowed: Target[]; refused: Refusal[]; forced: Refusal[] } {
  const allowed: Target[] = [];
  const refused: Refusal[] = [];
  const forced: Refusal[] = [];
  for (const t of targets) {
    const rule =
      t.v4 !== undefined && matcher.refusal4
        ? matcher.refusal4(t.v4, t.target)
        : matcher.refusal(prefixOf(t), t.target);
    if (rule === undefined) allowed.push(t);
    else if (force) {
      forced.push({ address: t.target, rule });
      allowed.push(t);
    } else refused.push({ address: t.target, rule });
  }
  return { allowed, refused, forced };
}

/** Adds; if the kernel objects are gone (never set up, deleted, flushed), creates them and adds once more. */
async function addCreatingObjects(banSet: BanSet, entries: BanEntry[]): Promise<void> {
  try {
    await banSet.add(entries);
  } catch (err) {
    if (!(err instanceof PortsentinelError) || err.code !== 'E_NFT_NOT_SET_UP') throw err;
    await banSet.setup();
    await banSet.add(entries);
  }
}

export function matcherFor(ctx: BanContext): NeverBanMatcher {
  return buildNeverBanMatcher(gatherNeverBanLists(ctx.ignore));
}

function historyLines(targets: Target[], shared: { at: number; trigger?: Trigger }): string[] {
  const when = new Date(shared.at);
  const t = shared.trigger;
  return targets.map((x) =>
    t
      ? formatHistoryLine(when, x.target, t.port, t.protocol.toUpperCase())
      : formatHistoryLine(when, x.target, 0, 'manual'),
  );
}

export async function banTargets(ctx: BanContext, req: BanRequest): Promise<BanOutcome> {
  const { allowed, refused, forced } = screenTargets(req.targets, req.matcher ?? matcherFor(ctx), req.force);
  const timeout = req.timeout > 0 ? req.timeout : undefined;
  const warnings: string[] = [];
  return withSession(
    ctx,
    async (s) => {
      const until = timeout === undefined ? undefined : s.now + timeout * 1000;
      if (allowed.length > 0) {
        await addCreatingObjects(
          s.banSet,
          allowed.map((t) => ({ target: t.target, family: t.family, timeout, v4: t.v4 })),
        );
        const shared = { at: s.now, until, reason: req.reason, origin: req.origin, trigger: req.trigger };
        appendLines(ctx.stateDir, formatBanLines(allowed, shared));
        // The bans are in the kernel and the journal by now: a history file that cannot be written is worth a
        // warning, not a failed command.
        if (ctx.historyFile) {
          try {
            appendHistory(ctx.historyFile, historyLines(allowed, shared));
          } catch (err) {
            if (!(err instanceof PortsentinelError)) throw err;
            warnings.push(err.message);
          }
        }
      }
      return {
        backend: s.banSet.kind,
        banned: allowed.map((t) => t.target),
        refused,
        forced,
        timeout: timeout ?? null,
        until: until === undefined ? null : new Date(until).toISOString(),
        reason: req.reason ?? null,
        warnings,
      };
    },
    req.now,
  );
}
