// The one-sentence InputErrors a capture reader raises: each names the source and what was found where.
import { InputError } from '../../errors.js';
import { describeBytes } from '../bytes.js';

/** How a source is named in messages: the path in quotes, or standard input for `-`. */
export function sourceLabel(source: string): string {
  return source === '-' ? 'standard input' : JSON.stringify(source);
}

export function emptyCapture(source: string): InputError {
  return new InputError(`${sourceLabel(source)} is empty: it is not a pcap or pcapng capture`, 'E_CAPTURE_EMPTY');
}

export function notACapture(source: string, head: Uint8Array, length: number): InputError {
  const hint = head[0] === 0x1f && head[1] === 0x8b ? ' (gzip-compressed: decompress it first)' : '';
  const what =
    length < 4
      ? `it holds only ${length} byte${length === 1 ? '' : 's'}`
      : `it starts with bytes ${describeBytes(head, 0, 4)}`;
  return new InputError(`${sourceLabel(source)} is not a pcap or pcapng capture: ${what}${hint}`, 'E_CAPTURE_FORMAT');
}

export function cutHeader(source: string, length: number): InputError {
  return new InputError(
    `${sourceLabel(source)} ends after ${length} bytes, inside its file header: no packets can be read from it`,
    'E_CAPTURE_TRUNCATED',
  );
}

/** A length or field no real capture holds: reading on would mean a huge allocation or garbage. */
export function damaged(source: string, offset: number, what: string): InputError {
  return new InputError(`${sourceLabel(source)} is damaged at byte ${offset}: ${what}`, 'E_CAPTURE_DAMAGED');
}
