// Writes the `replay --json` document to a stream (standard output) as it is encoded: the report's head, the alerts
// chunk by chunk, the tail. A chunk the stream took in at once (a file, /dev/null, a pipe with room) leaves its
// buffer free for the next; one the stream had to queue keeps it, and the next goes into a new one. Between chunks
// of alerts a stream that asks to wait is waited for, so a slow reader holds back the encoding instead of letting
// the queue grow.
import type { Writable } from 'node:stream';
import { ChunkWriter, frameReport, type AlertJson } from './alert-json.js';

/** Resolves once `out` wants more, or will never take any (closed or failed: its own listeners report why). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

/** True when the stream takes no more: a reader that left (EPIPE), a full disk; its owner reports why. */
function gone(out: Writable): boolean {
  return out.destroyed || out.writableEnded;
}

export async function writeReplayJson(
  out: Writable,
  report: object & { alerts: readonly unknown[] },
  alerts: AlertJson,
): Promise<void> {
  const { head, tail } = frameReport(report);
  let wait = false;
  const chunks = new ChunkWriter((chunk) => {
    if (gone(out)) return true;
    wait = !out.write(chunk);
    // Nothing queued: the stream is done with the chunk's bytes.
    return out.writableLength === 0;
  });
  for (const text of head) chunks.text(text);
  let i = 0;
  do {
    i = alerts.writeSome(chunks, i);
    if (gone(out)) return;
    if (wait) {
      wait = false;
      await drained(out);
    }
  } while (i < alerts.count);
  for (const text of tail) chunks.text(text);
  chunks.flush();
}
