// IPv4 addresses and prefix lengths written as ASCII digits straight from their uint32s into a byte buffer, for the
// bulk writers of the journal and the history file: 100k addresses never become 100k strings.

/** Per octet value: its digit count, then up to three ASCII digits. */
const OCTETS = new Uint8Array(256 * 4);
for (let o = 0; o < 256; o++) {
  const text = String(o);
  OCTETS[o * 4] = text.length;
  for (let k = 0; k < text.length; k++) OCTETS[o * 4 + 1 + k] = text.charCodeAt(k);
}

/**
 * a.b.c.d at `p`; returns the position after it. Three digits are written for every octet and the position moves
 * by its own count, so two bytes past the end are scratch: the caller's buffer leaves room.
 */
export function putIPv4(out: Buffer, p: number, v: number): number {
  let k = (v >>> 24) << 2;
  out[p] = OCTETS[k + 1];
  out[p + 1] = OCTETS[k + 2];
  out[p + 2] = OCTETS[k + 3];
  p += OCTETS[k];
  out[p++] = 0x2e;
  k = ((v >>> 16) & 0xff) << 2;
  out[p] = OCTETS[k + 1];
  out[p + 1] = OCTETS[k + 2];
  out[p + 2] = OCTETS[k + 3];
  p += OCTETS[k];
  out[p++] = 0x2e;
  k = ((v >>> 8) & 0xff) << 2;
  out[p] = OCTETS[k + 1];
  out[p + 1] = OCTETS[k + 2];
  out[p + 2] = OCTETS[k + 3];
  p += OCTETS[k];
  out[p++] = 0x2e;
  k = (v & 0xff) << 2;
  out[p] = OCTETS[k + 1];
  out[p + 1] = OCTETS[k + 2];
  out[p + 2] = OCTETS[k + 3];
  return p + OCTETS[k];
}

/** "/len" at `p` for an IPv4 prefix length (0..32; one byte past it is scratch); returns the position after it. */
export function putPrefixLength(out: Buffer, p: number, len: number): number {
  const k = len << 2;
  out[p] = 0x2f;
  out[p + 1] = OCTETS[k + 1];
  out[p + 2] = OCTETS[k + 2];
  return p + 1 + OCTETS[k];
}
