// PortSentry-style attackalert lines, worded exactly as 1.2 logs them so existing log watchers keep working
// (see fixtures/captures/*/attackalert.log). Host names are never resolved: "<ip>/<ip>", as with RESOLVE_HOST=0.
import type { DetectorEvent } from './types.js';
import { SCAN_CONNECT, SCAN_NULL } from './scan-type.js';

/** The response steps a line can be written for (structurally, respond/plan.ts's Action). */
export type ActionForLog =
  | { kind: 'hosts-deny'; line: string }
  | { kind: 'kill-route'; command: string }
  | { kind: 'run'; command: string }
  | { kind: 'ban-set'; text: string; backend: 'nftables' | 'route' };

/** "attackalert: TCP SYN/Normal scan from host: 192.0.2.66/192.0.2.66 to TCP port: 53". */
export function formatDetectionLine(ev: DetectorEvent): string {
  const d = ev.detection;
  const proto = d.protocol.toUpperCase();
  // 1.2's name for the NULL scan carries a leading space, hence two spaces after the colon.
  const type = d.scanType === SCAN_NULL ? ` ${d.scanType}` : d.scanType;
  // Classic modes' name already ends in "from host".
  const from = d.scanType === SCAN_CONNECT ? `${type}:` : `${type} from host:`;
  return `attackalert: ${from} ${d.address}/${d.address} to ${proto} port: ${d.port}`;
}

/** The "already blocked" line; classic modes word it differently from the stealth ones. */
export function formatAlreadyBlockedLine(ev: DetectorEvent): string {
  const a = ev.detection.address;
  return ev.detection.scanType === SCAN_CONNECT
    ? `attackalert: Host: ${a} is already blocked. Ignoring`
    : `attackalert: Host: ${a}/${a} is already blocked Ignoring`;
}

export function formatIgnoringResponseLine(ev: DetectorEvent): string {
  return `attackalert: Ignoring ${ev.detection.protocol.toUpperCase()} response per configuration file setting.`;
}

export function formatNeverBanLine(ev: DetectorEvent): string {
  const a = ev.detection.address;
  return `attackalert: Host: ${a}/${a} is never blocked (${ev.reason ?? 'safety rule'}) Ignoring`;
}

/** The line PortSentry writes after running one response step. */
export function formatActionLine(address: string, action: ActionForLog): string {
  switch (action.kind) {
    case 'hosts-deny':
      return `attackalert: Host ${address} has been blocked via wrappers with string: "${action.line}"`;
    case 'kill-route':
      return `attackalert: Host ${address} has been blocked via dropped route using command: "${action.command}"`;
    case 'run':
      return `attackalert: External command run for host: ${address} using command: "${action.command}"`;
    case 'ban-set':
      return `attackalert: Host ${address} has been blocked via ${action.backend === 'nftables' ? 'nftables set' : 'blackhole route'}: ${action.text}`;
  }
}

/**
 * Every line PortSentry would log for this event, in order. `actions` are the planned steps for a ban
 * (ignored for other verdicts). Ignored and below-trigger hits log nothing, as in 1.2.
 */
export function formatAlertLines(ev: DetectorEvent, actions: readonly ActionForLog[] = []): string[] {
  switch (ev.verdict) {
    case 'ignored':
    case 'below-trigger':
      return [];
    case 'never-ban':
      return [formatDetectionLine(ev), formatNeverBanLine(ev)];
    case 'already-banned':
      return [formatDetectionLine(ev), formatAlreadyBlockedLine(ev)];
    case 'logged':
      return [formatDetectionLine(ev), formatIgnoringResponseLine(ev)];
    case 'banned':
      return [formatDetectionLine(ev), ...actions.map((a) => formatActionLine(ev.detection.address, a))];
  }
}
