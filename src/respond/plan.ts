// The ordered response plan for one detection, exactly as PortSentry 1.2 orders it (docs/watch.md: on a detection):
// BLOCK=1, KILL_RUN_CMD_FIRST=0: hosts.deny, block, KILL_RUN_CMD; FIRST=1: KILL_RUN_CMD, hosts.deny, block;
// BLOCK=2: KILL_RUN_CMD only; BLOCK=0: nothing. The block step is the native ban set, or KILL_ROUTE with the
// `command` backend. Pure: `replay` prints the plan, `watch` executes it.
import type { BlockMethod } from '../config/backends.js';
import type { PortSentryConfig } from '../config/types.js';
import type { DetectedHit as Detection } from '../detect/types.js';
import type { Family } from '../net/address.js';
import { formatDuration } from '../util/duration.js';
import { flatText } from '../util/flat-text.js';

// A detection is the engine's hit as is: one shape from detect to respond, no copying between them.
export type { Protocol } from '../detect/types.js';
export type { DetectedHit as Detection } from '../detect/types.js';

export type Action =
  | { kind: 'hosts-deny'; file: string; line: string; text: string }
  | { kind: 'ban-set'; backend: 'nftables' | 'route'; target: string; family: Family; timeout?: number; text: string }
  | { kind: 'kill-route'; command: string; text: string }
  | { kind: 'run'; command: string; text: string };

export const NFT_TABLE = 'portsentinel';

/** Fills $TARGET$, $PORT$ and $MODE$. Values come from a Detection, i.e. an IP literal, a number and a mode word. */
export function expandMacros(template: string, d: Detection): string {
  return template.replaceAll('$TARGET$', d.address).replaceAll('$PORT$', String(d.port)).replaceAll('$MODE$', d.mode);
}

/**
 * A KILL_HOSTS_DENY line: tcpd matches an IPv6 client only in its bracket form (`ALL: [2001:db8::66]`), so an IPv6
 * $TARGET$ is bracketed unless the template brackets it already.
 */
export function expandHostsDenyLine(template: string, d: Detection): string {
  if (d.family !== 6 || template.includes('[$TARGET$]')) return expandMacros(template, d);
  return expandMacros(template.replaceAll('$TARGET$', `[${d.address}]`), d);
}

/** The set a single address lands in (docs/kernel-objects.md). */
export function setNameFor(family: Family, isPrefix: boolean): string {
  return `${isPrefix ? 'bannednet' : 'banned'}${family}`;
}

function blockStep(config: PortSentryConfig, d: Detection, backend: BlockMethod): Action | undefined {
  if (backend === 'command') {
    if (!config.killRoute) return undefined;
    const command = expandMacros(config.killRoute, d);
    return { kind: 'kill-route', command, text: flatText('run ', command) };
  }
  const timeout = config.banTimeout > 0 ? config.banTimeout : undefined;
  const text = flatText('ban-set add ', d.address, banSetTail(backend, d.family, timeout));
  return { kind: 'ban-set', backend, target: d.address, family: d.family, timeout, text };
}

// What follows the address in a ban-set line is the same for every ban of a family, backend and timeout: made once
// (a replay plans thousands of bans).
const tails: Array<{ backend: string; timeout: number | undefined; text: string } | undefined> = [];

function banSetTail(backend: 'nftables' | 'route', family: Family, timeout: number | undefined): string {
  const known = tails[family];
  if (known !== undefined && known.backend === backend && known.timeout === timeout) return known.text;
  const where = backend === 'nftables' ? `to inet ${NFT_TABLE} ${setNameFor(family, false)}` : 'as a blackhole route';
  const text = flatText(' ', where, ' ', timeout ? `timeout ${formatDuration(timeout)}` : 'permanent');
  tails[family] = { backend, timeout, text };
  return text;
}

/**
 * The actions for one detection, in execution order. `backend` is the resolved backend (`auto` already
 * decided: replay assumes nftables unless told otherwise).
 */
export function planActions(config: PortSentryConfig, d: Detection, backend: BlockMethod): Action[] {
  const block = d.protocol === 'tcp' ? config.blockTcp : config.blockUdp;
  const command = config.killRunCmd ? expandMacros(config.killRunCmd, d) : undefined;
  const run: Action | undefined =
    command === undefined ? undefined : { kind: 'run', command, text: flatText('run ', command) };
  if (block === 0) return [];
  if (block === 2) return run ? [run] : [];
  const steps: Action[] = [];
  if (config.killHostsDeny) {
    const line = expandHostsDenyLine(config.killHostsDeny, d);
    steps.push({
      kind: 'hosts-deny',
      file: config.hostsDenyFile,
      line,
      text: flatText('append "', line, '" to ', config.hostsDenyFile),
    });
  }
  const blk = blockStep(config, d, backend);
  if (blk) steps.push(blk);
  if (!run) return steps;
  return config.killRunCmdFirst ? [run, ...steps] : [...steps, run];
}
