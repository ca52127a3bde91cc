// Packet timestamps (µs since the epoch) as ISO 8601 UTC with microseconds; no clock is read.
import { flatText } from '../util/flat-text.js';

// The date part comes from Date once per day seen last; the time of day is plain arithmetic, so timestamps that
// jump around (a source's last hit, sorted by its first) cost no Date object each.
let cachedDay = NaN;
let cachedDate = '';

export function formatPacketTime(tsMicros: number): string {
  const second = Math.floor(tsMicros / 1e6);
  const day = Math.floor(second / 86400);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * 86400000).toISOString().slice(0, 11);
  }
  const inDay = second - day * 86400;
  const micros = Math.floor(tsMicros - second * 1e6);
  return flatText(
    cachedDate,
    two(Math.floor(inDay / 3600)),
    ':',
    two(Math.floor(inDay / 60) % 60),
    ':',
    two(inDay % 60),
    '.',
    String(micros).padStart(6, '0'),
    'Z',
  );
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
