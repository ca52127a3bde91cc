// One decision stream answer into the kernel and the journal, under the state lock, while it is being read:
// each decision is checked as it arrives, never-ban rules first, and the kernel gets a batch (deletes before adds)
// every BATCH decisions, so a list of 100k is mostly in the kernel when its last byte arrives. The journal gets
// one append at the end: each remote ban with origin "crowdsec" and its Local API origin and scenario as the
// reason. What is held for which decision is kept in memory (HeldDecisions) between answers.
import type { BanSet } from '../firewall/banset.js';
import { parseTarget, TargetList, type Target } from '../net/targets.js';
import type { NeverBanMatcher } from '../firewall/never-ban.js';
import { parsePrefix, uint32ToIPv4, type Family, type Prefix } from '../net/address.js';
import type { Session } from '../bans/session.js';
import { compactIfWorthIt } from '../bans/session.js';
import { appendLines } from '../state/journal.js';
import type { JournalState } from '../state/fold.js';
import {
  banBatches,
  entryCount,
  formatPackedBanLines,
  formatRecord,
  unbanBatches,
  type JournalRecord,
} from '../state/record.js';
import { PUSH_ORIGIN } from './alert.js';
import { checkDecision, type Decision } from './decisions.js';
import type { HeldDecisions } from './held.js';
import { readCommonDecision } from './read-decision.js';
import { PendingBans, type OtherTarget } from './pending.js';
import { parseElement, type StreamList } from './stream-scanner.js';

/** Longest kernel timeout written (the nftables backend refuses more). */
const MAX_TIMEOUT_SECONDS = 2 ** 32 - 1;

/** Decisions per kernel batch while an answer is read: large enough to cost few round trips, small enough to
 * start while the download goes on. */
export const KERNEL_BATCH = 8192;

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

function toPrefix(target: string): Prefix {
  return parsePrefix(target) as Prefix;
}

/** Journal records of one end and reason: IPv4 addresses packed, the rest as text. */
interface JournalGroup {
  until: number;
  reason: string;
  v4: Uint32Array;
  count4: number;
  others: Array<{ target: string; family: Family }>;
}

export interface ApplyOptions {
  session: Session;
  held: HeldDecisions;
  matcher: NeverBanMatcher;
  /** The first answer after a start or an error: journaled remote bans it no longer names are lifted. */
  startup: boolean;
  /** Local API origins enforced (empty: all). */
  origins?: readonly string[];
}

/**
 * Applies one answer as its decisions arrive: take() each element of "new" or "deleted", flush() when due() (the
 * reader awaits it between chunks), then finish().
 */
export class AnswerApplier {
  private readonly now: number;
  private folded: JournalState | undefined;
  private readonly banSet: BanSet;
  private readonly origins: ReadonlySet<string> | undefined;
  private readonly ignored: Record<string, number> = {};
  private readonly refused: Refused[] = [];
  private readonly failed: string[] = [];
  private removes = new Set<string>();
  /** Reasons of this answer's bans, each once; PendingBans refer to them by index. */
  private readonly reasons: string[] = [];
  private readonly reasonIndex = new Map<string, number>();
  /** The batch being filled, and the one the kernel may be applying (two, used in turn: see flush). */
  private adds: PendingBans;
  private spare: PendingBans;
  /** The pending batch's tag: HeldDecisions notes where in `adds` each target waits (a later, longer decision
   * replaces its entry). */
  private batch: number;
  private readonly removed: string[] = [];
  private readonly journal = new Map<string, JournalGroup>();
  private added = 0;
  private added4 = 0;
  /** The batch the kernel is applying (see flush). */
  private inFlight: Promise<void> | undefined;
  /** The last reason made (its index), and the journal group last used: a list has a handful of each. */
  private lastReason = { origin: '', scenario: '', index: -1 };
  private lastGroup: JournalGroup | undefined;

  constructor(private readonly opts: ApplyOptions) {
    const s = opts.session;
    this.now = s.now;
    this.banSet = s.banSet;
    this.origins = opts.origins && opts.origins.length > 0 ? new Set(opts.origins) : undefined;
    opts.held.startAnswer(opts.startup);
    this.batch = opts.held.newBatchTag();
    // Small at first: most answers are a poll's few changes; a startup list grows them once.
    this.adds = new PendingBans(256, this.reasons);
    this.spare = new PendingBans(256, this.reasons);
  }

  /**
   * The journal as it was when the answer began, read on first use: an answer with nothing to add or lift (most
   * polls) never reads a journal of 100k bans.
   */
  private get state(): JournalState {
    return (this.folded ??= this.opts.session.state());
  }

  /** One element of a list (its bytes), checked; skipped ones are counted. */
  take(list: StreamList, buf: Buffer, from: number, to: number): void {
    const v =
      readCommonDecision(buf, from, to, this.origins) ??
      checkDecision(parseElement(buf.subarray(from, to), list), this.origins);
    if ('skip' in v) {
      this.ignored[v.skip] = (this.ignored[v.skip] ?? 0) + 1;
      return;
    }
    if (list === 'deleted') this.deleted(v);
    else this.add(v);
  }

  private deleted(d: Decision): void {
    if (this.opts.held.deleted(d.target, d.v4 ?? -1, d.id, this.now)) this.removes.add(d.target);
  }

  private add(d: Decision): void {
    const { held, matcher } = this.opts;
    if (d.remainingMs <= 0) {
      this.ignored.expired = (this.ignored.expired ?? 0) + 1;
      return;
    }
    // A single IPv4 address goes by its uint32: its text is made only when something needs it (no closure for
    // that: one per decision of a 100k list).
    const v4 = d.v4;
    let text = v4 === undefined ? d.target : undefined;
    // Several decisions on one target: the kernel keeps the longest.
    const until = held.added(text ?? '', v4 ?? -1, d.id, this.now + d.remainingMs);
    // An add wins over a delete of the same answer (deletes go first).
    if (this.removes.size > 0) this.removes.delete((text ??= d.target));
    if (until < 0) return;
    const again = held.addedBefore;
    // This host's own ban coming back from the Local API (pushed by watch, so with its origin): the kernel already
    // holds it as long, and the journal keeps it as the local detection it is. Only such a decision needs the
    // journal read: a poll bringing one cscli decision does not fold 100k journaled bans.
    const state = d.origin === PUSH_ORIGIN ? this.state : undefined;
    if (state && state.live.size > 0) {
      const own = state.recordOf((text ??= d.target));
      if (own?.origin === 'watch' && state.isActive(text) && (own.until === undefined || own.until >= until - 1000)) {
        if (!again) this.ignored.own = (this.ignored.own ?? 0) + 1;
        return;
      }
    }
    const rule =
      v4 !== undefined && matcher.refusal4
        ? matcher.refusal4(v4)
        : matcher.refusal(toPrefix((text ??= d.target)), text);
    if (rule) {
      text ??= d.target;
      this.refused.push({ target: text, origin: d.origin, rule });
      held.drop(text, v4 ?? -1);
      return;
    }
    let parsed: Target | undefined;
    if (v4 === undefined) {
      const p = parseTarget((text ??= d.target), 'decision');
      if (typeof p === 'string') {
        this.failed.push(text);
        return;
      }
      parsed = p;
    }
    const timeout = Math.min(MAX_TIMEOUT_SECONDS, Math.max(1, Math.ceil((until - this.now) / 1000)));
    const last = this.lastReason;
    if (last.origin !== d.origin || last.scenario !== d.scenario) {
      const reason = reasonOf(d);
      let index = this.reasonIndex.get(reason);
      if (index === undefined) this.reasonIndex.set(reason, (index = this.reasons.push(reason) - 1));
      this.lastReason = { origin: d.origin, scenario: d.scenario, index };
    }
    const other: OtherTarget | undefined = parsed ? { text: text!, target: parsed, family: d.family } : undefined;
    const adds = this.adds;
    // Twice in one kernel batch, the later add would not change the element the earlier one made.
    const at = again ? held.pendingAt(this.batch) : -1;
    if (at >= 0) {
      adds.put(at, v4 ?? 0, other, timeout, this.now + timeout * 1000, this.lastReason.index, adds.again[at] === 1);
    } else {
      held.setPending(this.batch, adds.count);
      adds.put(adds.count, v4 ?? 0, other, timeout, this.now + timeout * 1000, this.lastReason.index, again);
    }
  }

  /** Whether enough is pending for a kernel batch. */
  due(): boolean {
    return this.adds.count + this.removes.size >= KERNEL_BATCH;
  }

  /**
   * Hands what is pending to the kernel (deletes before adds) once the batch before it is done, without waiting
   * for this one: with the batches written from libuv's thread pool (where the kernel applies them), the next
   * decisions are read meanwhile. A batch's failure is thrown by the next flush() or by finish().
   */
  async flush(): Promise<void> {
    await this.settle();
    // The batch the kernel last applied is done with: it takes the next bans.
    const adds = this.adds;
    const removes = [...this.removes];
    this.adds = this.spare;
    this.adds.clear();
    this.spare = adds;
    this.removes = new Set();
    this.batch = this.opts.held.newBatchTag();
    if (adds.count === 0 && removes.length === 0) return;
    const applying = this.applyBatch(removes, adds);
    // Handled here so that a failure waits for the next flush() instead of being an unhandled rejection.
    applying.catch(() => undefined);
    this.inFlight = applying;
  }

  /** Waits for the batch in the kernel's hands, if any; throws its failure. */
  private async settle(): Promise<void> {
    const batch = this.inFlight;
    this.inFlight = undefined;
    if (batch) await batch;
  }

  /** One batch into the kernel, then counted for the journal. */
  private async applyBatch(removes: string[], adds: PendingBans): Promise<void> {
    const failed = await applyKernel(this.banSet, removes, adds);
    this.removed.push(...removes);
    for (let i = 0; i < adds.count; i++) {
      const other = adds.other.size > 0 ? adds.other.get(i) : undefined;
      if (failed?.has(other?.text ?? uint32ToIPv4(adds.v4[i]))) {
        this.failed.push(other?.text ?? uint32ToIPv4(adds.v4[i]));
        continue;
      }
      if (adds.again[i] === 0) {
        this.added++;
        if (!other || other.family === 4) this.added4++;
      }
      const until = adds.until[i];
      const reason = this.reasons[adds.reason[i]];
      let g = this.lastGroup;
      if (!g || g.until !== until || g.reason !== reason) {
        const key = `${until}\u0000${reason}`;
        g = this.journal.get(key);
        if (!g) this.journal.set(key, (g = { until, reason, v4: new Uint32Array(64), count4: 0, others: [] }));
        this.lastGroup = g;
      }
      if (!other) {
        if (g.count4 === g.v4.length) {
          const grown = new Uint32Array(g.v4.length * 2);
          grown.set(g.v4);
          g.v4 = grown;
        }
        g.v4[g.count4++] = adds.v4[i];
      } else g.others.push({ target: other.text, family: other.family });
    }
  }

  /**
   * The rest into the kernel, then everything into the journal in one append. `complete` is false when the answer
   * broke off: what was applied is journaled, but a startup answer's end (lifting what it did not name) is not
   * reached.
   */
  async finish(complete = true): Promise<ApplyResult> {
    const { held, startup, session } = this.opts;
    if (startup && complete) {
      // Decisions deleted in the Local API while this host was not listening: the startup list no longer names
      // them, and only the journal remembers that they came from there.
      const state = this.state;
      for (const [target, i] of state.live) {
        const r = state.records[i];
        if (r.op === 'ban' && r.origin === 'crowdsec' && !state.isOver(i) && !held.has(target)) {
          this.removes.add(target);
        }
      }
    }
    await this.flush();
    await this.settle();
    // Lifts are journaled only for what the journal holds as running: a decision never enforced here (refused,
    // or filtered out) leaves no trace.
    const lifted = this.removed.length > 0 ? this.removed.filter((t) => this.state.isActive(t)) : [];
    const unbans = unbanBatches(lifted, this.now, 'crowdsec');
    const groups = [...this.journal.values()].map((g) => ({
      shared: { at: this.now, until: g.until, reason: g.reason, origin: 'crowdsec' } as const,
      targets: { v4: g.v4.subarray(0, g.count4), others: g.others, otherAt: g.others.map(() => g.count4) },
    }));
    const dir = session.ctx.stateDir;
    if (unbans.length > 0 || groups.length > 0) {
      // Compaction pays only when most of the journal is dead; the bans just made are all running, so with few
      // earlier lines it cannot, and the journal is not folded again to find out.
      // Looked at for startup answers only: a poll's few lines never make the journal worth rewriting, and
      // reading it to find out would cost each poll a journal of 100k bans.
      const read = startup ? session.journal() : undefined;
      const entries = read ? entryCount(read.records) + lifted.length + this.added : 0;
      let compacted = false;
      if (read && entries > 2 * this.added) {
        const records: JournalRecord[] = [...unbans];
        for (const g of groups) {
          const texts = new TargetList(g.targets.v4, [], []).texts().map((target) => ({ target, family: 4 as const }));
          records.push(...banBatches([...texts, ...g.targets.others], g.shared));
        }
        compacted = compactIfWorthIt(dir, read, records, this.now);
      }
      if (!compacted) {
        const lines: Buffer[] = unbans.map((r) => Buffer.from(formatRecord(r)));
        for (const g of groups) lines.push(formatPackedBanLines(g.targets, g.shared));
        appendLines(dir, lines.length === 1 ? lines[0] : Buffer.concat(lines));
      }
      session.journalChanged();
    }
    return {
      added: this.added,
      added4: this.added4,
      removed: this.removed.length,
      refused: this.refused,
      ignored: this.ignored,
      failed: this.failed,
    };
  }
}

/**
 * Removes and adds in one call; when the kernel refuses the batch (say, overlapping ranges), one by one, keeping
 * the rest. Returns the targets the kernel refused (undefined when none).
 */
async function applyKernel(set: BanSet, remove: string[], adds: PendingBans): Promise<Set<string> | undefined> {
  // Single IPv4 addresses travel packed; the rest after them, and the timeouts in that order.
  const n = adds.count;
  const v4 = new Uint32Array(n);
  const timeouts = new Uint32Array(n);
  const others: Target[] = [];
  let count4 = 0;
  for (let i = 0; i < n; i++) {
    const other = adds.other.size > 0 ? adds.other.get(i) : undefined;
    const address = other ? other.target.v4 : adds.v4[i];
    if (address === undefined) continue;
    timeouts[count4] = adds.timeout[i];
    v4[count4++] = address;
  }
  if (adds.other.size > 0) {
    for (let i = 0; i < n; i++) {
      const other = adds.other.get(i);
      if (!other || other.target.v4 !== undefined) continue;
      timeouts[count4 + others.length] = adds.timeout[i];
      others.push(other.target);
    }
  }
  const list = new TargetList(
    v4.subarray(0, count4),
    others,
    others.map(() => count4),
  );
  try {
    if (set.replace && (await set.replace(remove, list, timeouts))) return undefined;
    if (remove.length > 0) await set.remove(remove);
    if (n > 0) await set.add(list, timeouts);
    return undefined;
  } catch (err) {
    if ((err as { code?: string }).code === 'E_NFT_NOT_SET_UP' || n <= 1) throw err;
  }
  // Nothing of the batch was committed: the deletes (which never fail for what is already gone), then each add.
  if (remove.length > 0) await set.remove(remove);
  const failed = new Set<string>();
  for (let i = 0; i < n; i++) {
    const other = adds.other.get(i);
    try {
      const one = other ? TargetList.from([other.target]) : new TargetList(Uint32Array.of(adds.v4[i]));
      await set.add(one, adds.timeout[i]);
    } catch {
      failed.add(other?.text ?? uint32ToIPv4(adds.v4[i]));
    }
  }
  return failed;
}
