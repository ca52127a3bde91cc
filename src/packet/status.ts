// Outcome codes shared by the layer decoders: plain small integers so the hot path returns no objects.

/** The packet was decoded into the output object. */
export const DECODED = 1;
/** Not IPv4/IPv6, malformed, or a part we deliberately skip (non-first IPv6 fragment). */
export const UNDECODED = 0;
/** The captured bytes ended before the headers we need (snaplen); the caller decides if the cut was the capture's. */
export const SHORT = 2;
/** An IPv4 fragment held by the reassembler; the datagram is reported once complete. */
export const HELD = 3;

export type DecodeStatus = typeof DECODED | typeof UNDECODED | typeof SHORT | typeof HELD;
