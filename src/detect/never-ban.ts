// Sources no packet can get banned, whatever the config says: banning them would cut the host off itself or
// answer a forged packet (PortSentry 1.2 would block them; this is a deliberate deviation).
import { isLoopback } from '../net/address.js';

/** Why an IPv4 source (uint32) must never be banned, or undefined. */
export function checkNeverBan4(addr: number): string | undefined {
  const first = addr >>> 24;
  if (first === 127) return 'loopback address';
  if (addr === 0) return 'unspecified address 0.0.0.0';
  if (first >= 224 && first <= 239) return 'multicast address (forged source)';
  if (addr === 0xffffffff) return 'broadcast address (forged source)';
  return undefined;
}

/** Why an IPv6 source must never be banned, or undefined. */
export function checkNeverBan6(bytes: Uint8Array): string | undefined {
  if (isLoopback(6, bytes)) return 'loopback address';
  let zero = true;
  for (let i = 0; i < 16; i++) if (bytes[i] !== 0) zero = false;
  if (zero) return 'unspecified address ::';
  if (bytes[0] === 0xff) return 'multicast address (forged source)';
  return undefined;
}

export const OWN_ADDRESS = "the protected host's own address";
