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

export function ignoringLine(protocol: 'tcp' | 'udp'): string {
  return `attackalert: Ignoring ${protocol.toUpperCase()} response per configuration file setting.`;
}
