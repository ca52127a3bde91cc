// Response lines PortSentry 1.2 never wrote: command failures with their status, cap refusals, failed steps.
// (The lines it did write for each step come from detect/log-lines.ts, shared with replay.)
import type { ShellResult } from './shell.js';
import { describeShellResult } from './shell.js';

export function hostsDenyPresentLine(address: string, file: string): string {
  return `attackalert: Host ${address} is already listed in ${file}`;
}

/** A KILL_ROUTE / KILL_RUN_CMD that did not run to a zero status: the host is not blocked by it. */
export function commandFailedLine(address: string, option: string, r: ShellResult): string {
  const out = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? '';
  const what = option === 'KILL_ROUTE' ? '; host is not blocked by it' : '';
  return `attackalert: ERROR: ${option} for host ${address} failed: command ${describeShellResult(r)}${out ? ` (${out})` : ''}${what}: "${r.command}"`;
}

export function stepFailedLine(address: string, step: string, reason: string): string {
  return `attackalert: ERROR: ${step} for host ${address} failed: ${reason}`;
}

export function capRefusedLine(address: string, perMinute: number): string {
  return `attackalert: Host ${address} not blocked: MAX_BANS_PER_MINUTE (${perMinute}) reached; possible decoy flood`;
}

/** The rate cap's window is full and this source does not outrank any ban in it: remembered, not blocked. */
export function capDeferredLine(address: string, perMinute: number, ports: number): string {
  return (
    `attackalert: Host ${address} refused (rate cap): MAX_BANS_PER_MINUTE (${perMinute}) reached, ${ports} port(s) ` +
    `probed; not blocked, banned as soon as the window has room or it outranks a ban in it`
  );
}

export function liftedLine(address: string, ports: number, forAddress: string, forPorts: number): string {
  return (
    `attackalert: Host ${address} ban lifted to make room for ${forAddress} (rate cap: ${address} probed ` +
    `${ports} port(s), ${forAddress} ${forPorts})`
  );
}

export function responseFailedLine(address: string, retryS: number): string {
  return `attackalert: Host ${address} is not blocked: no blocking step succeeded; its probes after ${retryS} s try again`;
}

export function summaryLine(seconds: number, counts: string): string {
  return `attackalert: last ${seconds} s, not logged one by one: ${counts}`;
}

export function ignoringLine(protocol: 'tcp' | 'udp'): string {
  return `attackalert: Ignoring ${protocol.toUpperCase()} response per configuration file setting.`;
}
