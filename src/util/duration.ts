// Durations as users write them ("90", "30s", "30m", "1h", "7d", "permanent") and as we print them. Pure.

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds for "1h" / "30m" / "90" (seconds) / "1h30m"; 0 for "permanent" / "0"; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'permanent' || t === 'forever' || t === 'never') return 0;
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+[smhdw])+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * UNITS[m[2]];
  return Number.isSafeInteger(total) ? total : undefined;
}

/** "1h", "1h30m", "45s", "permanent" (for 0 / undefined). */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || seconds <= 0) return 'permanent';
  const total = Math.floor(seconds);
  return (
    unit(total / 86400, 'd') +
    unit((total % 86400) / 3600, 'h') +
    unit((total % 3600) / 60, 'm') +
    unit(total % 60, 's')
  );
}

function unit(count: number, name: string): string {
  const n = Math.floor(count);
  return n > 0 ? `${n}${name}` : '';
}
