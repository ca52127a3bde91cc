// Fallback live source where nftables (and so NFLOG) is missing: a tcpdump child writing a pcap stream to its
// stdout, decoded as it arrives. `-U --immediate-mode` hands each packet over at once instead of filling a buffer
// first; `-s 128` is enough for every header the detector reads. If tcpdump dies it is restarted, backing off.
import { spawn, type ChildProcess } from 'node:child_process';
import { CaptureDecoder } from '../packet/capture-decoder.js';
import { EnvironmentError } from '../errors.js';
import type { CaptureCounters, CaptureNotice, LiveCapture, PacketSink } from './source.js';

export interface TcpdumpOptions {
  /** Interface name, or "any". */
  iface: string;
  filter: string;
  onPacket: PacketSink;
  notice?: CaptureNotice;
  /** Program to run (tests point this elsewhere); default "tcpdump" from PATH. */
  program?: string;
  snaplen?: number;
}

const READY_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

export function tcpdumpArgs(iface: string, filter: string, snaplen = 128): string[] {
  return ['-U', '--immediate-mode', '-n', '-s', String(snaplen), '-w', '-', '-i', iface, filter];
}

export class TcpdumpCapture implements LiveCapture {
  readonly kind = 'tcpdump' as const;
  private child?: ChildProcess;
  private stopping = false;
  private backoffMs = 500;
  private restartTimer?: NodeJS.Timeout;
  private readonly stats: CaptureCounters = { received: 0, decoded: 0, dropped: 0, restarts: 0 };

  constructor(private readonly opts: TcpdumpOptions) {}

  /** The capture filter tcpdump was started with. */
  get filter(): string {
    return this.opts.filter;
  }

  counters(): CaptureCounters {
    // tcpdump's filter already dropped what we would not decode: what reaches us is what we decoded.
    return { ...this.stats, received: this.stats.decoded };
  }

  start(): Promise<void> {
    this.stopping = false;
    return this.launch();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  private launch(): Promise<void> {
    const program = this.opts.program ?? 'tcpdump';
    const child = spawn(program, tcpdumpArgs(this.opts.iface, this.opts.filter, this.opts.snaplen), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const decoder = new CaptureDecoder((p) => {
      this.stats.decoded++;
      this.opts.onPacket(p);
    }, `tcpdump on ${this.opts.iface}`);
    let stderr = '';
    let ready = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        // A damaged stream cannot be resynchronised: start over with a fresh tcpdump and a fresh decoder.
        this.opts.notice?.(`tcpdump stream could not be decoded (${(err as Error).message}); restarting it`);
        child.kill('SIGKILL');
      }
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (ready) return;
        child.kill('SIGKILL');
        reject(new EnvironmentError(`tcpdump did not start listening on ${this.opts.iface} within 10 s.`, 'E_TCPDUMP'));
      }, READY_TIMEOUT_MS);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4096);
        // tcpdump prints "listening on IF, link-type ..." once the capture is open and the filter installed.
        if (!ready && /listening on /.test(stderr)) {
          ready = true;
          clearTimeout(timer);
          this.backoffMs = 500;
          resolve();
        }
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (!ready) {
          const why = err.code === 'ENOENT' ? `${program} is not installed` : err.message;
          reject(new EnvironmentError(`Cannot run tcpdump for the fallback capture: ${why}.`, 'E_TCPDUMP'));
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) this.child = undefined;
        const last = stderr.trim().split('\n').at(-1) ?? '';
        if (!ready) {
          reject(
            new EnvironmentError(
              `tcpdump could not capture on ${this.opts.iface}: ${last || `exit ${code ?? signal}`}.`,
              'E_TCPDUMP',
            ),
          );
          return;
        }
        if (this.stopping) return;
        this.opts.notice?.(
          `tcpdump exited (${code !== null ? `status ${code}` : signal}${last ? `: ${last}` : ''}); restarting in ${this.backoffMs} ms`,
        );
        this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.stats.restarts++;
      this.launch().catch((err: Error) => {
        this.opts.notice?.(`tcpdump restart failed: ${err.message}`);
        if (!this.stopping) this.scheduleRestart();
      });
    }, delay);
  }
}
