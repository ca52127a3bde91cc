// Where attackalert lines go: to syslog when /dev/log exists (as PortSentry logged, facility daemon, tag
// "portsentinel"), otherwise to a stream (stdout, which journald collects under systemd; stderr when stdout
// carries --json events). Node has no Unix datagram sockets, so syslog goes through one long-lived `logger`
// child reading lines on stdin (one process for the daemon's lifetime, not one per line).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface AlertLog {
  line(text: string): void;
  close(): Promise<void>;
  readonly target: string;
}

export function openAlertLog(opts: { stream: NodeJS.WritableStream; devLog?: string; useSyslog?: boolean }): AlertLog {
  const devLog = opts.devLog ?? '/dev/log';
  if (opts.useSyslog !== false && existsSync(devLog)) {
    const child = startLogger(devLog);
    if (child) return syslogLog(child, devLog, opts.stream);
  }
  return streamLog(opts.stream);
}

function streamLog(stream: NodeJS.WritableStream): AlertLog {
  return {
    target: stream === process.stdout ? 'stdout' : 'stderr',
    line: (text) => void stream.write(`${text}\n`),
    close: async () => undefined,
  };
}

function startLogger(devLog: string): ChildProcess | undefined {
  try {
    return spawn('logger', [`--id=${process.pid}`, '-t', 'portsentinel', '-p', 'daemon.notice', '-u', devLog], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

function syslogLog(child: ChildProcess, devLog: string, fallback: NodeJS.WritableStream): AlertLog {
  let dead = false;
  child.on('error', () => (dead = true));
  child.on('exit', () => (dead = true));
  child.stdin?.on('error', () => (dead = true));
  return {
    target: `syslog (${devLog})`,
    line(text) {
      // If logger is gone, the line must still be seen somewhere.
      if (dead || !child.stdin?.writable) fallback.write(`${text}\n`);
      else child.stdin.write(`${text.replace(/\n/g, ' ')}\n`);
    },
    close: () =>
      new Promise((resolve) => {
        if (dead) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
        setTimeout(() => {
          child.kill();
          resolve();
        }, 1000).unref();
      }),
  };
}
