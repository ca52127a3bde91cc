// The decision stream request over node:http(s) rather than fetch: its body arrives as Buffers the scanner reads
// in place, and a bouncer that only pulls never loads fetch's own HTTP parser (a WebAssembly module: ~12 MB of
// memory and a compile at start). Same bounds as every Local API answer: a size limit, a deadline for the whole
// request, one LapiError sentence for whatever goes wrong.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { LapiError } from './lapi-errors.js';

/** A decision stream answer whose headers said 200: its body, chunk by chunk, within the size bound. */
export interface StreamAnswer {
  /** The URL without its query, for messages. */
  url: string;
  /** The body's chunks; throws LapiError when it breaks off, runs over the bound or the deadline. */
  chunks: AsyncIterable<Buffer>;
  /** Bytes read so far. */
  received(): number;
}

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  maxBodyBytes: number;
  timeoutMs: number;
}

function describe(err: unknown, url: string, timedOut: boolean): LapiError {
  if (err instanceof LapiError) return err;
  if (timedOut) return new LapiError(`${url} did not answer in time`, 'E_LAPI_TIMEOUT', undefined, err);
  const e = err as NodeJS.ErrnoException;
  const why = e?.code ?? e?.message ?? String(err);
  return new LapiError(
    `${url} cannot be reached or broke off its answer (${why})`,
    'E_LAPI_UNREACHABLE',
    undefined,
    err,
  );
}

/** Up to `max` bytes of a refusal's body, for its message. */
async function readSome(res: IncomingMessage, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= max) break;
  }
  return Buffer.concat(parts).subarray(0, max);
}

/**
 * GETs the stream; resolves once the headers are in. A status other than 200 is thrown by `refused` with up to
 * 200 bytes of the body.
 */
export function openStreamRequest(
  req: StreamRequest,
  refused: (status: number, body: Buffer) => LapiError,
): Promise<StreamAnswer> {
  const target = new URL(req.url);
  const shown = req.url.split('?')[0];
  // node:https (and TLS with it) is loaded only for an https URL: a few milliseconds of every start otherwise.
  const request =
    target.protocol === 'https:'
      ? (createRequire(import.meta.url)('node:https') as typeof import('node:https')).request
      : httpRequest;
  let timedOut = false;
  return new Promise((resolve, reject) => {
    const r = request(target, { method: 'GET', headers: req.headers });
    // One deadline for the whole answer, body included, as for every other Local API call.
    const timer = setTimeout(() => {
      timedOut = true;
      r.destroy(new Error('timeout'));
    }, req.timeoutMs);
    timer.unref();
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(describe(err, shown, timedOut));
    });
    r.on('response', (res) => {
      if (res.statusCode !== 200) {
        readSome(res, 200)
          .then((body) => reject(refused(res.statusCode ?? 0, body)))
          .catch((err) => reject(describe(err, shown, timedOut)))
          .finally(() => {
            clearTimeout(timer);
            r.destroy();
          });
        return;
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > req.maxBodyBytes) {
        clearTimeout(timer);
        r.destroy();
        reject(
          new LapiError(
            `${shown} answered with ${declared} bytes, more than the ${req.maxBodyBytes} accepted`,
            'E_LAPI_TOO_LARGE',
          ),
        );
        return;
      }
      let size = 0;
      async function* chunks(): AsyncGenerator<Buffer> {
        try {
          for await (const chunk of res as AsyncIterable<Buffer>) {
            size += chunk.length;
            if (size > req.maxBodyBytes) {
              throw new LapiError(
                `${shown} answered with more than the ${req.maxBodyBytes} bytes accepted`,
                'E_LAPI_TOO_LARGE',
              );
            }
            yield chunk;
          }
          // A body shorter than its announced length ends without an error event on some paths.
          if (!res.complete) throw new Error('the answer ended early');
        } catch (err) {
          throw describe(err, shown, timedOut);
        } finally {
          clearTimeout(timer);
          // Also when the reader stops early: the connection is not left half read.
          r.destroy();
        }
      }
      resolve({ url: shown, chunks: chunks(), received: () => size });
    });
    r.end();
  });
}
