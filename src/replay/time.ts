// Packet timestamps (µs since the epoch) as ISO 8601 UTC with microseconds; no clock is read.
export function formatPacketTime(tsMicros: number): string {
  const ms = Math.floor(tsMicros / 1000);
  const micros = Math.floor(tsMicros - ms * 1000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}
