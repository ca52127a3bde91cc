// Fixed-offset integer reads on byte arrays. For a field or two, plain shifts on a Uint8Array are what V8 optimises
// best, and they never allocate; callers check bounds before reading. (A run of words at every record, as a pcap
// record header, reads faster through a DataView made once per chunk.)

export function readU16BE(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function readU16LE(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function readU32BE(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

export function readU32LE(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

export function readU32(b: Uint8Array, o: number, le: boolean): number {
  return le ? readU32LE(b, o) : readU32BE(b, o);
}

export function readU16(b: Uint8Array, o: number, le: boolean): number {
  return le ? readU16LE(b, o) : readU16BE(b, o);
}

/** Up to `n` bytes from `o` as hex pairs and printable text, for error messages naming what a file holds. */
export function describeBytes(b: Uint8Array, o: number, n: number): string {
  const end = Math.min(b.length, o + n);
  const hex: string[] = [];
  let text = '';
  for (let i = o; i < end; i++) {
    hex.push(b[i].toString(16).padStart(2, '0'));
    text += b[i] >= 0x20 && b[i] < 0x7f ? String.fromCharCode(b[i]) : '.';
  }
  return `${hex.join(' ')} (${JSON.stringify(text)})`;
}
