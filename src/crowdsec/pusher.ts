// Pushing local bans to the Local API without ever holding up a kernel ban: each ban is appended to a queue file in
// the state directory (crowdsec-queue.jsonl) and sent in the background, up to 100 alerts per request, with a
// doubling back-off while the Local API fails. The queue survives outages and restarts up to MAX_QUEUED bans; past
// that the oldest are dropped, and said so once. One log line per change of state.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildAlert, isQueuedBan, type QueuedBan } from './alert.js';
import { describeError } from './bouncer.js';
import type { LapiClient } from './lapi-client.js';

export const QUEUE_FILE = 'crowdsec-queue.jsonl';
/** Bans kept while the Local API is away (~2 MB of queue file); the oldest go first beyond it. */
export const MAX_QUEUED = 10_000;
const BATCH = 100;
const MAX_BACKOFF_MS = 60_000;

export interface PushEvents {
  pushed?(count: number, ms: number): void;
  failed?(err: Error, ms: number): void;
}

export interface PusherOptions {
  client: LapiClient;
  stateDir: string;
  scenario: string;
  log: (line: string) => void;
  events?: PushEvents;
}

export class Pusher {
  private queue: QueuedBan[];
  private readonly file: string;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private backoff = 1000;
  private failing?: string;
  private stopped = false;
  private dropped = 0;
  lastPush?: number;
  lastError?: string;

  constructor(private readonly opts: PusherOptions) {
    this.file = join(opts.stateDir, QUEUE_FILE);
    this.queue = this.load();
  }

  get length(): number {
    return this.queue.length;
  }

  private load(): QueuedBan[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: QueuedBan[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const v = JSON.parse(line) as unknown;
        if (isQueuedBan(v)) out.push(v);
      } catch {
        // A torn last line (a crash mid-append) is skipped, like the journal's.
      }
    }
    return out.slice(-MAX_QUEUED);
  }

  /** Queues a ban and returns at once; the send happens later. */
  enqueue(ban: QueuedBan): void {
    this.queue.push(ban);
    try {
      if (this.queue.length > MAX_QUEUED) {
        this.dropped += this.queue.length - MAX_QUEUED;
        this.queue = this.queue.slice(-MAX_QUEUED);
        this.rewrite();
      } else appendFileSync(this.file, JSON.stringify(ban) + '\n', { mode: 0o600 });
    } catch (err) {
      this.opts.log(
        `crowdsec: cannot write the push queue ${this.file} (${(err as NodeJS.ErrnoException).code}); queued in memory only`,
      );
    }
    this.kick(0);
  }

  private rewrite(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.queue.map((b) => JSON.stringify(b) + '\n').join(''), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Starts sending what a previous run left queued. */
  start(): void {
    if (this.queue.length > 0) this.kick(0);
  }

  private kick(delay: number): void {
    if (this.stopped || this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.flush().finally(() => {
        this.running = undefined;
        if (this.queue.length > 0) this.kick(this.failing ? this.backoff : 0);
      });
    }, delay);
  }

  private async flush(): Promise<void> {
    if (this.dropped > 0) {
      this.opts.log(
        `crowdsec: the push queue was full (${MAX_QUEUED}); the ${this.dropped} oldest ban(s) were not pushed`,
      );
      this.dropped = 0;
    }
    while (this.queue.length > 0 && !this.stopped) {
      const part = this.queue.slice(0, BATCH);
      const host = hostname();
      const t0 = performance.now();
      try {
        await this.opts.client.pushAlerts(part.map((b) => buildAlert(b, this.opts.scenario, host)));
      } catch (err) {
        const why = describeError(err);
        const kind = (err as { code?: string }).code ?? 'E';
        if (this.failing !== kind) {
          this.opts.log(`crowdsec: pushing bans failed: ${why}; ${this.queue.length} queued, retrying with back-off`);
        }
        this.failing = kind;
        this.lastError = why;
        this.opts.events?.failed?.(err as Error, performance.now() - t0);
        this.backoff = Math.min(MAX_BACKOFF_MS, this.failing ? this.backoff * 2 : 1000);
        return;
      }
      this.opts.events?.pushed?.(part.length, performance.now() - t0);
      if (this.failing) this.opts.log('crowdsec: the Local API takes pushed bans again');
      this.failing = undefined;
      this.lastError = undefined;
      this.backoff = 1000;
      this.lastPush = Date.now();
      // Only what was sent leaves the queue; bans queued meanwhile stay.
      this.queue = this.queue.slice(part.length);
      try {
        this.rewrite();
      } catch {
        // Left on disk, the pushed bans would be pushed again after a restart: a duplicate alert, nothing lost.
      }
    }
  }

  /** Stops sending; what is queued stays on disk for the next start. Waits for a send under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
