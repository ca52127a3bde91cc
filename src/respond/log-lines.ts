// The lines PortSentry 1.2 logs for each response step (kept verbatim for log parsers), plus our own for what it
// never did: command failures with their status, cap refusals, ban-set errors.
import type { ShellResult } from './shell.js';
import { describeShellResult } from './shell.js';

export function hostsDenyLine(address: string, line: string): string {
  return `attackalert: Host ${address} has been blocked via wrappers with string: "${line}"`;
}

export function hostsDenyPresentLine(address: string, file: string): string {
  return `attackalert: Host ${address} is already listed in ${file}`;
}

export function routeLine(address: string, command: string): string {
  return `attackalert: Host ${address} has been blocked via dropped route using command: "${command}"`;
}

export function banSetLine(address: string, where: string): string {
  return `attackalert: Host ${address} has been blocked via ${where}`;
}

export function runLine(address: string, command: string): string {
  return `attackalert: External command run for host: ${address} using command: "${command}"`;
}

export function commandResultLine(address: string, r: ShellResult): string {
  const out = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? '';
  return `attackalert: Command for host ${address} ${describeShellResult(r)}${out ? `: ${out}` : ''}`;
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
