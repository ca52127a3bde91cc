// The pull loop: startup=true first and after any error, then the changes every poll interval; each answer applied
// while it is read (apply.ts). The Local API going away never stops it: it retries with a doubling back-off and says so once per change
// of state (reachable → not, and back), so a long outage is two log lines, not one per poll.
import type { BanContext } from '../bans/context.js';
import type { NeverBanMatcher } from '../firewall/never-ban.js';
import { withSession } from '../bans/session.js';
import { AnswerApplier, type ApplyResult } from './apply.js';
import { StreamFormatError } from './decisions.js';
import { HeldDecisions } from './held.js';
import type { LapiClient } from './lapi-client.js';
import type { StreamAnswer } from './stream-request.js';
import { LapiError } from './lapi-errors.js';
import { StreamScanner } from './stream-scanner.js';
import { warmDecisionReader } from './warm-up.js';

export interface PullEvents {
  /** After each answer applied. */
  applied?(result: ApplyResult, startup: boolean, ms: number): void;
  /** After each failed pull (the message is logged only on a change of state). */
  failed?(err: Error, ms: number): void;
}

export interface BouncerOptions {
  ctx: BanContext;
  client: LapiClient;
  origins: readonly string[];
  /** Never-ban rules, asked again before every answer is applied (gateways may change). */
  matcher: () => NeverBanMatcher;
  pollSeconds: number;
  log: (line: string) => void;
  events?: PullEvents;
  /** The first startup answer, already asked for (the request goes out while the rest starts up). */
  first?: Promise<StreamAnswer>;
}

/** Longest wait between attempts while the Local API is failing. */
const MAX_BACKOFF_MS = 60_000;

export function describeError(err: unknown): string {
  if (err instanceof LapiError) return err.message;
  if (err instanceof StreamFormatError) return `the Local API's decision list is unusable (${err.message})`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads an answer into the applier chunk by chunk, awaiting a kernel batch whenever one is due. A body that is
 * not JSON becomes the LapiError that says so, with the URL and the bytes read.
 */
async function readAnswer(answer: StreamAnswer, applier: AnswerApplier): Promise<void> {
  const scanner = new StreamScanner((list, buf, from, to) => applier.take(list, buf, from, to));
  try {
    for await (const chunk of answer.chunks) {
      scanner.push(chunk);
      if (applier.due()) await applier.flush();
    }
    scanner.end();
  } catch (err) {
    if (err instanceof StreamFormatError && err.notJson) {
      const n = answer.received();
      const what = n === 0 ? 'an empty answer' : `${n} bytes that are not JSON (${err.message})`;
      throw new LapiError(`${answer.url} answered with ${what}`, 'E_LAPI_ANSWER', undefined, err);
    }
    throw err;
  }
}

export class Bouncer {
  private readonly held = new HeldDecisions();
  private needStartup = true;
  private failing?: string;
  private stopped = false;
  private wake?: () => void;
  lastPull?: number;
  lastError?: string;

  constructor(private readonly opts: BouncerOptions) {}

  /** One pull and apply; throws what went wrong (and the next pull is a startup one). */
  async pullOnce(): Promise<ApplyResult> {
    const startup = this.needStartup;
    const t0 = performance.now();
    const first = this.opts.first;
    this.opts.first = undefined;
    try {
      const answering = first ?? this.opts.client.openStream(startup);
      // Awaited below; marked handled so that a failure before then is not an unhandled rejection.
      answering.catch(() => undefined);
      // While the Local API gathers the list: the never-ban rules (the host's addresses and routes, read again at
      // most every 30 s), and at start the reader compiled on a made-up answer.
      const matcher = this.opts.matcher();
      if (first) warmDecisionReader();
      const answer = await answering;
      const result = await withSession(this.opts.ctx, async (session) => {
        const applier = new AnswerApplier({
          session,
          held: this.held,
          matcher,
          startup,
          origins: this.opts.origins,
        });
        try {
          await readAnswer(answer, applier);
        } catch (err) {
          // What reached the kernel before the break is journaled; the next pull is a startup one.
          await applier.finish(false).catch(() => undefined);
          throw err;
        }
        return applier.finish();
      });
      this.needStartup = false;
      this.lastPull = Date.now();
      this.opts.events?.applied?.(result, startup, performance.now() - t0);
      this.report(result);
      return result;
    } catch (err) {
      this.needStartup = true;
      this.opts.events?.failed?.(err as Error, performance.now() - t0);
      throw err;
    }
  }

  private report(r: ApplyResult): void {
    const { log } = this.opts;
    for (const f of r.refused) log(`crowdsec: refused a ban of ${f.target} from origin ${f.origin}: ${f.rule}`);
    if (r.failed.length > 0) {
      log(`crowdsec: the kernel refused ${r.failed.length} ban(s): ${r.failed.slice(0, 5).join(', ')}`);
    }
    if (r.added > 0 || r.removed > 0) log(`crowdsec: ${r.added} ban(s) enforced, ${r.removed} lifted`);
    const skipped = Object.entries(r.ignored).filter(
      ([why]) => why !== 'expired' && why !== 'own' && !why.startsWith('origin:'),
    );
    if (skipped.length > 0) {
      const total = skipped.reduce((n, [, c]) => n + c, 0);
      log(
        `crowdsec: ${total} decision(s) not enforceable here, skipped: ${skipped.map(([w, c]) => `${w} ${c}`).join(', ')}`,
      );
    }
  }

  /** Runs until stop(): pull, wait the poll interval (or the back-off after a failure), again. */
  async run(): Promise<void> {
    const pollMs = this.opts.pollSeconds * 1000;
    let backoff = pollMs;
    while (!this.stopped) {
      const started = Date.now();
      let wait = pollMs;
      try {
        await this.pullOnce();
        // A fixed rate, not a fixed pause: a pull that took 300 ms is followed by the next one 700 ms later.
        wait = Math.max(0, pollMs - (Date.now() - started));
        if (this.failing !== undefined) this.opts.log(`crowdsec: the Local API answers again; decisions are current`);
        this.failing = undefined;
        this.lastError = undefined;
        backoff = pollMs;
      } catch (err) {
        if ((err as { code?: string }).code === 'E_NFT_NOT_SET_UP') throw err;
        const why = describeError(err);
        const kind = (err as { code?: string }).code ?? 'E';
        if (this.failing !== kind) {
          this.opts.log(`crowdsec: ${why}; local protection goes on, retrying with back-off`);
        }
        this.failing = kind;
        this.lastError = why;
        wait = backoff;
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
      await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}
