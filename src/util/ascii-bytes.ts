// ASCII text (IP literals) written into a Buffer byte by byte: for strings a few dozen characters long this is
// cheaper than Buffer#write, a call into the runtime per string.

/** Writes `s` (ASCII, one byte per character) into `buf` at `at`, which must have room; returns the end. */
export function putAscii(buf: Buffer, at: number, s: string): number {
  const n = s.length;
  let p = at;
  for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
  return p;
}
