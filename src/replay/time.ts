// Packet timestamps (µs since the epoch) as ISO 8601 UTC with microseconds; no clock is read.

// Consecutive timestamps nearly always fall in the same second, so its date and time text is kept.
let cachedSecond = NaN;
let cachedPrefix = '';

export function formatPacketTime(tsMicros: number): string {
  const second = Math.floor(tsMicros / 1e6);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const micros = Math.floor(tsMicros - second * 1e6);
  return `${cachedPrefix}.${String(micros).padStart(6, '0')}Z`;
}
