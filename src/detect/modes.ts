// The six PortSentry modes: parsing a --mode list, and the default (TCP_MODE/UDP_MODE of the config).
// watch and replay both take --mode, so its parser lives here rather than in either command's options.
import type { Mode, PortSentryConfig } from '../config/types.js';
import { UsageError } from '../errors.js';

export const ALL_MODES: readonly Mode[] = ['tcp', 'udp', 'stcp', 'sudp', 'atcp', 'audp'];

const TCP_MODES: ReadonlySet<Mode> = new Set<Mode>(['tcp', 'stcp', 'atcp']);

export function isTcpMode(m: Mode): boolean {
  return TCP_MODES.has(m);
}

export function isMode(text: string): text is Mode {
  return (ALL_MODES as readonly string[]).includes(text);
}

/** Modes from a comma list ("atcp,audp"); a string naming the bad word when the list is unusable. */
export function parseModeList(text: string): Mode[] | string {
  const words = text
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  if (words.length === 0) return `"${text}" names no mode; use a comma list of ${ALL_MODES.join(', ')}`;
  const out: Mode[] = [];
  for (const w of words) {
    if (!isMode(w)) return `"${w}" is not a mode; use a comma list of ${ALL_MODES.join(', ')}`;
    if (!out.includes(w)) out.push(w);
  }
  return out;
}

/** The modes PortSentry would run with this config: its TCP_MODE and UDP_MODE (Debian: atcp, audp). */
export function selectDefaultModes(config: Pick<PortSentryConfig, 'tcpMode' | 'udpMode'>): Mode[] {
  return [config.tcpMode ?? 'atcp', config.udpMode ?? 'audp'];
}

/** The modes a --mode flag names, or the config's defaults when it is absent; a UsageError naming the flag if bad. */
export function parseModesFlag(
  text: string | undefined,
  config: Pick<PortSentryConfig, 'tcpMode' | 'udpMode'>,
): Mode[] {
  if (text === undefined) return selectDefaultModes(config);
  const modes = parseModeList(text);
  if (typeof modes === 'string') throw new UsageError(`--mode ${JSON.stringify(text)}: ${modes}`, 'E_MODE');
  return modes;
}
