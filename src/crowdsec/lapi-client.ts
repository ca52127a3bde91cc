// The three Local API calls portsentinel needs, over Node's fetch: machine login (JWT cached, renewed on 401), alert
// push, decision stream. Every answer is read with a size bound and a deadline. Small answers are parsed here as
// JSON; the decision stream is handed over chunk by chunk as it arrives (stream-request.ts, read by
// stream-scanner.ts), its meaning checked by the caller (decisions.ts).
import { LapiError } from './lapi-errors.js';
import { openStreamRequest, type StreamAnswer } from './stream-request.js';

export interface LapiClientOptions {
  /** Base URL, e.g. http://192.0.2.1:8080/ */
  url: string;
  bouncerKey?: string;
  machine?: { login: string; password: string };
  /** Largest answer body read, in bytes; more is an error (default 64 MiB, room for ~400k decisions). */
  maxBodyBytes?: number;
  /** Deadline of one request, answer included, in milliseconds (default 30 s). */
  timeoutMs?: number;
  userAgent?: string;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/**
 * The Local API reads a NAME/VERSION user agent at login and refuses a machine whose agent has no version
 * ("incorrect Username or Password" on 1.4.x), so one is always sent.
 */
export const USER_AGENT = 'portsentinel/0.1.0';
const DEFAULT_TIMEOUT_MS = 30_000;

/** Reads at most `max` bytes of a body; one byte more is an error, and the rest is never read. */
async function readBounded(res: Response, max: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new LapiError(`${url} answered with ${declared} bytes, more than the ${max} accepted`, 'E_LAPI_TOO_LARGE');
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new LapiError(`${url} answered with more than the ${max} bytes accepted`, 'E_LAPI_TOO_LARGE');
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, size);
}

function describeFetchError(err: unknown, url: string): LapiError {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new LapiError(`${url} did not answer in time`, 'E_LAPI_TIMEOUT', undefined, err);
  }
  if (err instanceof LapiError) return err;
  const why = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  // A body cut short (the server closed mid-answer) surfaces here too, as "terminated".
  return new LapiError(
    `${url} cannot be reached or broke off its answer (${why})`,
    'E_LAPI_UNREACHABLE',
    undefined,
    err,
  );
}

export class LapiClient {
  readonly base: URL;
  private token?: string;
  private readonly maxBody: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: LapiClientOptions) {
    this.base = new URL(opts.url.endsWith('/') ? opts.url : opts.url + '/');
    this.maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private async request(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<{ status: number; body: Buffer; url: string }> {
    const url = new URL(path, this.base).toString();
    const shown = url.split('?')[0];
    const headers = { 'user-agent': this.opts.userAgent ?? USER_AGENT, ...init.headers };
    try {
      const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      return { status: res.status, body: await readBounded(res, this.maxBody, shown), url: shown };
    } catch (err) {
      throw describeFetchError(err, shown);
    }
  }

  private static json(body: Buffer, url: string): unknown {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (err) {
      const why = body.length === 0 ? 'an empty answer' : `${body.length} bytes that are not JSON (cut short?)`;
      throw new LapiError(`${url} answered with ${why}`, 'E_LAPI_ANSWER', undefined, err);
    }
  }

  private static httpError(status: number, body: Buffer, url: string, what: string): LapiError {
    const text = body.toString('utf8', 0, Math.min(body.length, 200)).replace(/\s+/g, ' ').trim();
    const code = status === 401 || status === 403 ? 'E_LAPI_AUTH' : 'E_LAPI_HTTP';
    return new LapiError(`${url} refused ${what} with HTTP ${status}${text ? `: ${text}` : ''}`, code, status);
  }

  /** Logs the machine in; the JWT is kept for later calls. */
  async login(): Promise<void> {
    const m = this.opts.machine;
    if (!m) throw new LapiError('no machine credentials are configured (CROWDSEC_MACHINE_CREDENTIALS)', 'E_LAPI_AUTH');
    const r = await this.request('v1/watchers/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ machine_id: m.login, password: m.password, scenarios: [] }),
    });
    if (r.status !== 200) throw LapiClient.httpError(r.status, r.body, r.url, `the machine login of "${m.login}"`);
    const body = LapiClient.json(r.body, r.url) as { token?: unknown };
    if (typeof body?.token !== 'string' || body.token.length === 0 || body.token.length > 8192) {
      throw new LapiError(`${r.url} answered the login without a token`, 'E_LAPI_ANSWER');
    }
    this.token = body.token;
  }

  /** POSTs alerts as the machine; logs in first when there is no token and again once on 401. Returns their ids. */
  async pushAlerts(alerts: unknown[]): Promise<unknown> {
    if (!this.token) await this.login();
    const send = () =>
      this.request('v1/alerts', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify(alerts),
      });
    let r = await send();
    if (r.status === 401) {
      this.token = undefined;
      await this.login();
      r = await send();
    }
    if (r.status !== 200 && r.status !== 201) throw LapiClient.httpError(r.status, r.body, r.url, 'the alert');
    return LapiClient.json(r.body, r.url);
  }

  /** Whether the bouncer key is accepted, without moving the bouncer's place in the change stream. */
  async checkKey(): Promise<void> {
    const r = await this.request('v1/decisions?ip=192.0.2.0', {
      method: 'GET',
      headers: { 'x-api-key': this.opts.bouncerKey ?? '', accept: 'application/json' },
    });
    if (r.status !== 200) throw LapiClient.httpError(r.status, r.body, r.url, 'the bouncer key');
  }

  /**
   * GET /v1/decisions/stream: the whole current list with `startup`, else the changes since the last call.
   * Resolves once the headers are in; the body is read by the caller, as it arrives.
   */
  async openStream(startup: boolean): Promise<StreamAnswer> {
    const key = this.opts.bouncerKey;
    if (!key) throw new LapiError('no bouncer key is configured (CROWDSEC_BOUNCER_KEY_FILE)', 'E_LAPI_AUTH');
    const url = new URL(`v1/decisions/stream?startup=${startup}`, this.base).toString();
    return openStreamRequest(
      {
        url,
        headers: { 'user-agent': this.opts.userAgent ?? USER_AGENT, 'x-api-key': key, accept: 'application/json' },
        maxBodyBytes: this.maxBody,
        timeoutMs: this.timeoutMs,
      },
      (status, body) => LapiClient.httpError(status, body, url.split('?')[0], 'the bouncer key'),
    );
  }
}
