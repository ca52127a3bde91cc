// Turns replay's flag values into typed options, refusing bad ones with a sentence naming the flag and value.
import type { Protocol } from '../detect/types.js';
import { UsageError } from '../errors.js';
import type { Family } from '../net/address.js';
import { formatAddress, parseAddress } from '../net/address.js';

export interface HostAddress {
  address: string;
  family: Family;
}

export type ListeningFlags = Partial<Record<Protocol, number[]>>;

export function parseHostFlags(values: readonly string[] | undefined): HostAddress[] {
  const out: HostAddress[] = [];
  for (const v of values ?? []) {
    const a = parseAddress(v.trim());
    if (!a) {
      throw new UsageError(
        `--host ${JSON.stringify(v)} is not an IPv4 or IPv6 address; give the protected host's address, e.g. --host 192.0.2.10`,
        'E_REPLAY_HOST',
      );
    }
    const address = formatAddress(a.family, a.bytes);
    if (!out.some((h) => h.address === address)) out.push({ address, family: a.family });
  }
  return out;
}

function badListening(v: string, why: string): UsageError {
  return new UsageError(
    `--listening ${JSON.stringify(v)}: ${why}; write it as tcp:22,80 or udp:53 (or tcp: for none)`,
    'E_REPLAY_LISTENING',
  );
}

/** "tcp:22,80" and "udp:53", repeatable; a protocol named here replaces inference for it. */
export function parseListeningFlags(values: readonly string[] | undefined): ListeningFlags {
  const out: ListeningFlags = {};
  for (const v of values ?? []) {
    const m = /^\s*(tcp|udp)\s*:(.*)$/i.exec(v);
    if (!m) throw badListening(v, 'it does not start with tcp: or udp:');
    const protocol = m[1].toLowerCase() as Protocol;
    const ports = out[protocol] ?? [];
    for (const word of m[2].split(',').map((w) => w.trim())) {
      if (word === '') continue;
      if (!/^\d{1,5}$/.test(word) || Number(word) > 65535) throw badListening(v, `"${word}" is not a port (0-65535)`);
      if (!ports.includes(Number(word))) ports.push(Number(word));
    }
    out[protocol] = ports.sort((a, b) => a - b);
  }
  return out;
}
