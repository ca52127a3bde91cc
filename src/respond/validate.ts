// Macro values must be checked before they reach a shell string: $TARGET$ an IP literal in canonical form (never a
// resolved hostname, which an attacker controls through reverse DNS), $PORT$ a port number, $MODE$ a mode word.
import { canonicalAddress } from '../net/address.js';
import { InputError } from '../errors.js';
import type { Detection } from './plan.js';

const MODES = new Set(['tcp', 'udp', 'stcp', 'sudp', 'atcp', 'audp']);

/** Throws an InputError naming the offending value when a detection is not safe to expand into a command. */
export function assertSafeDetection(d: Detection): void {
  if (typeof d.address !== 'string' || canonicalAddress(d.address) !== d.address) {
    throw new InputError(`Refusing to act on "${String(d.address)}": it is not an IP address in canonical form.`);
  }
  if (!Number.isInteger(d.port) || d.port < 0 || d.port > 65535) {
    throw new InputError(`Refusing to act on port "${String(d.port)}": it is not a port number from 0 to 65535.`);
  }
  if (!MODES.has(d.mode)) {
    throw new InputError(`Refusing to act in mode "${String(d.mode)}": it is not one of ${[...MODES].join(', ')}.`);
  }
  if (d.protocol !== 'tcp' && d.protocol !== 'udp') {
    throw new InputError(`Refusing to act on protocol "${String(d.protocol)}": only tcp and udp are watched.`);
  }
}
