// Runs an operator's KILL_ROUTE / KILL_RUN_CMD string through /bin/sh -c, as PortSentry did: their commands use
// redirections, pipes and `&&`. The command runs in its own process group so a timeout can kill everything it
// started (a hung `ssh`, a pipeline), not just the shell.
import { spawn } from 'node:child_process';

export interface ShellResult {
  command: string;
  /** Exit status; undefined when killed by a signal. */
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  /** The shell could not be started, or could not find / execute the command (status 126 / 127). */
  notRun: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when spawning itself failed. */
  error?: string;
}

const OUTPUT_CAP = 16 * 1024;
/** After the shell exits, how long to wait for pipes still held open by a backgrounded child. */
const DRAIN_MS = 200;

export function runShellCommand(command: string, timeoutMs: number): Promise<ShellResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (acc: string, chunk: Buffer) => (acc.length >= OUTPUT_CAP ? acc : acc + chunk.toString('utf8'));
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killGroup('SIGTERM');
            setTimeout(() => killGroup('SIGKILL'), 500).unref();
          }, timeoutMs)
        : undefined;
    const finish = (r: Omit<ShellResult, 'command' | 'timedOut' | 'stdout' | 'stderr' | 'durationMs'>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        command,
        timedOut,
        stdout: stdout.slice(0, OUTPUT_CAP),
        stderr: stderr.slice(0, OUTPUT_CAP),
        durationMs: elapsed(),
        ...r,
      });
    };
    child.on('error', (err) => finish({ notRun: true, error: err.message }));
    child.on('exit', (code, signal) => {
      const result = {
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        notRun: code === 126 || code === 127,
      };
      // Give the pipes a moment to deliver the last output; a background child holding them must not stall us.
      child.on('close', () => finish(result));
      setTimeout(() => finish(result), DRAIN_MS).unref();
    });
  });
}

/** One line for the log: how the command ended. */
export function describeShellResult(r: ShellResult): string {
  if (r.error) return `could not be started: ${r.error}`;
  if (r.timedOut) return `timed out after ${Math.round(r.durationMs)} ms and was killed`;
  if (r.signal) return `was killed by ${r.signal}`;
  if (r.notRun) return `could not be run by the shell (status ${r.exitCode})`;
  return `exited with status ${r.exitCode}`;
}
