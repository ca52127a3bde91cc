// The I/O shell around CaptureDecoder: reads a capture file (or standard input for `-`) in chunks of a few MiB
// and pushes them through. Memory stays flat whatever the file size: two read buffers, reused.
import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { CaptureDecoder } from './capture-decoder.js';
import { sourceLabel } from './format/capture-errors.js';
import type { CaptureStats, Packet } from './types.js';

/** Read size: big enough that per-read overhead vanishes, small enough to stay out of the way of the heap. */
export const CHUNK_SIZE = 4 * 1024 * 1024;
/** onProgress is called at most once per this many bytes (and once at the end). */
export const PROGRESS_STEP = 8 * 1024 * 1024;

export interface ReadCaptureOptions {
  onProgress?: (read: number, total?: number) => void;
  /** The stream `-` reads; process.stdin by default. */
  stdin?: NodeJS.ReadableStream;
}

/**
 * Decodes every packet of the capture at `source` (a path, or `-` for standard input), calling `onPacket` with
 * the one reused Packet. Throws InputError when the source cannot be read or is not a usable capture.
 */
export async function readCapture(
  source: string,
  onPacket: (p: Packet) => void,
  opts: ReadCaptureOptions = {},
): Promise<CaptureStats> {
  const decoder = new CaptureDecoder(onPacket, source);
  const progress = trackProgress(opts.onProgress);
  if (source === '-') {
    await readStream(opts.stdin ?? process.stdin, decoder, progress, source);
    progress.finish(decoder.bytesRead, undefined);
  } else {
    const total = await readFile(source, decoder, progress);
    progress.finish(decoder.bytesRead, total);
  }
  return decoder.end();
}

interface Progress {
  step(read: number, total: number | undefined): void;
  finish(read: number, total: number | undefined): void;
}

function trackProgress(cb: ReadCaptureOptions['onProgress']): Progress {
  let next = PROGRESS_STEP;
  return {
    step(read, total) {
      if (cb === undefined || read < next) return;
      next = read + PROGRESS_STEP;
      cb(read, total);
    },
    finish(read, total) {
      cb?.(read, total);
    },
  };
}

async function readFile(path: string, decoder: CaptureDecoder, progress: Progress): Promise<number | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    let total: number | undefined;
    try {
      const st = await handle.stat();
      if (st.isDirectory()) throw new InputError(`${sourceLabel(path)} is a directory, not a capture file`);
      if (st.isFile()) total = st.size;
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw unreadable(path, err);
    }
    // Two buffers: the next read runs in the thread pool while this chunk is decoded. The decoder keeps no view
    // into a chunk after push() returns, so a buffer can be refilled once it is pushed.
    let current = Buffer.allocUnsafe(CHUNK_SIZE);
    let spare = Buffer.allocUnsafe(CHUNK_SIZE);
    let pending = readInto(handle, current, path);
    while (true) {
      const n = await pending;
      if (n === 0) break;
      pending = readInto(handle, spare, path);
      decoder.push(current.subarray(0, n));
      progress.step(decoder.bytesRead, total);
      const t = current;
      current = spare;
      spare = t;
    }
    return total;
  } finally {
    await handle.close();
  }
}

async function readInto(handle: FileHandle, buf: Buffer, path: string): Promise<number> {
  try {
    const { bytesRead } = await handle.read(buf, 0, buf.length, null);
    return bytesRead;
  } catch (err) {
    throw unreadable(path, err);
  }
}

async function readStream(
  stream: NodeJS.ReadableStream,
  decoder: CaptureDecoder,
  progress: Progress,
  source: string,
): Promise<void> {
  try {
    for await (const chunk of stream) {
      decoder.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
      progress.step(decoder.bytesRead, undefined);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw unreadable(source, err);
  }
}

function unreadable(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : ((err as Error | undefined)?.message ?? String(err));
  return new InputError(`${sourceLabel(path)} cannot be read: ${why}`, 'E_CAPTURE_READ', err);
}
