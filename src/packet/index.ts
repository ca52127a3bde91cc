// The packet layer's public surface: capture reading, bare IP decoding, and the Packet contract.
export { readCapture, type ReadCaptureOptions } from './read-capture.js';
export { CaptureDecoder } from './capture-decoder.js';
export { decodeIpPacket } from './decode-ip.js';
export { createPacket } from './packet.js';
export { linkTypeName } from './link-types.js';
export { Reassembler, type ReassemblerLimits, DEFAULT_REASSEMBLER_LIMITS } from './ip/reassembler.js';
export * from './types.js';
