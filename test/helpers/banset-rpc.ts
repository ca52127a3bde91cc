// Drives a BanSet inside a network namespace from a test running in the host namespace: a test cannot enter a
// namespace itself (no setns from Node), so it talks JSON lines to banset-child.js run under `ip netns exec`.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./banset-child.js', import.meta.url));

export interface RemoteError {
  name?: string;
  code?: string;
  exitCode?: number;
  message?: string;
  errno?: number;
}

export class RemoteCallError extends Error {
  constructor(readonly remote: RemoteError) {
    super(remote.message ?? 'remote error');
  }
}

export class BansetRpc {
  private readonly child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();

  /** `prefix` goes before node, e.g. ['setpriv', '--bounding-set=-net_admin', ...] to drop a capability. */
  constructor(netns: string, prefix: string[] = []) {
    this.child = spawn('ip', ['netns', 'exec', netns, ...prefix, process.execPath, childScript], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as { id: number; result?: unknown; error?: RemoteError };
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new RemoteCallError(msg.error));
      else p?.resolve(msg.result);
    });
    this.child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('banset child exited'));
      this.pending.clear();
    });
  }

  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin.write(JSON.stringify({ id, method, args }) + '\n');
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}
