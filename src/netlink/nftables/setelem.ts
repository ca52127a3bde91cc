// nf_tables set elements (include/uapi/linux/netfilter/nf_tables.h: nft_set_elem_list_attributes,
// nft_set_elem_attributes). Builders return framed-later NftMessage values, split so that no ELEMENTS nest
// outgrows its u16 nla_len; attribute order follows nft's (FLAGS, TIMEOUT, KEY) so the bytes match byte for byte.
import {
  NFTA_DATA_VALUE,
  NFTA_LIST_ELEM,
  NFTA_SET_ELEM_EXPIRATION,
  NFTA_SET_ELEM_EXPR,
  NFTA_SET_ELEM_EXPRESSIONS,
  NFTA_SET_ELEM_FLAGS,
  NFTA_SET_ELEM_KEY,
  NFTA_SET_ELEM_LIST_ELEMENTS,
  NFTA_SET_ELEM_LIST_SET,
  NFTA_SET_ELEM_LIST_SET_ID,
  NFTA_SET_ELEM_LIST_TABLE,
  NFTA_SET_ELEM_TIMEOUT,
  NFT_MSG_DELSETELEM,
  NFT_MSG_DESTROYSETELEM,
  NFT_MSG_GETSETELEM,
  NFT_MSG_NEWSETELEM,
  NFT_SET_ELEM_INTERVAL_END,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  NLA_F_NESTED,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
} from '../constants.js';
import { attributeMap, be32Attr, nested, parseAttributes, strAttr } from '../attributes.js';
import { ENOENT, isNetlinkError } from '../errors.js';
import { encodeMessage, type NetlinkMessage } from '../message.js';
import { nfgenmsg, nftType, type NftMessage } from '../nfnetlink.js';
import type { NetlinkConnection } from '../connection.js';
import { dumpSetConsistently, repeatsString, repeatsWord } from './set-dump.js';
import { readElementCounter, type CounterValues } from './counter.js';

export interface SetRef {
  /** Table family: NFPROTO_INET, NFPROTO_IPV4, ... */
  family: number;
  table: string;
  set: string;
  /** NFTA_SET_ELEM_LIST_SET_ID, for a set created earlier in the same batch (nft always sends it). */
  setId?: number;
}

export interface SetElement {
  /** Key bytes in network order (4 for ipv4_addr, 16 for ipv6_addr). */
  key: Uint8Array;
  /** Milliseconds; undefined or 0 = no per-element timeout (permanent unless the set has a default). */
  timeoutMs?: number;
  /** NFT_SET_ELEM_INTERVAL_END: closes an interval in an interval set. */
  intervalEnd?: boolean;
}

export interface DecodedElement {
  key: Buffer;
  flags: number;
  timeoutMs?: number;
  /** Milliseconds left before the kernel removes it. */
  expirationMs?: number;
  /** Its counter, when the set gives its elements one (a set declared with `counter`). */
  counter?: CounterValues;
}

/** Leaves room under the 65,535-byte nla_len of NFTA_SET_ELEM_LIST_ELEMENTS. */
export const MAX_ELEMENTS_NEST = 65_000;

/**
 * One NFTA_LIST_ELEM nest: [FLAGS] [TIMEOUT] KEY { DATA_VALUE }. The unit tests hold its bytes to the same nest built
 * attribute by attribute with the helpers of attributes.ts.
 */
export function encodeElement(e: SetElement, withTimeout = true): Buffer {
  return encodeElements([e], withTimeout);
}

/**
 * The nests of `elements` back to back in one Buffer, written field by field: a prefix ban is two elements, and a
 * list of 100k prefixes built attribute by attribute would be a dozen small Buffers per prefix.
 */
export function encodeElements(elements: readonly SetElement[], withTimeout = true): Buffer {
  let size = 0;
  for (const e of elements) size += elementSize(e, withTimeout);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const e of elements) at = writeElement(out, at, e, withTimeout);
  return out;
}

const hasTimeout = (e: SetElement, withTimeout: boolean): boolean => withTimeout && !!e.timeoutMs;

function elementSize(e: SetElement, withTimeout: boolean): number {
  const keyNest = NLA_HDRLEN + ((NLA_HDRLEN + e.key.length + 3) & ~3);
  return NLA_HDRLEN + (e.intervalEnd ? 8 : 0) + (hasTimeout(e, withTimeout) ? 12 : 0) + keyNest;
}

/** Writes the nest of `e` at out[at] (zeroed memory: padding stays 0); returns where it ends. */
function writeElement(out: Buffer, at: number, e: SetElement, withTimeout: boolean): number {
  const size = elementSize(e, withTimeout);
  const timed = hasTimeout(e, withTimeout);
  const ms = timed ? Math.round(e.timeoutMs as number) : 0;
  if (!(ms >= 0 && ms < 2 ** 64)) throw new RangeError(`element timeout ${ms} ms is outside u64`);
  out.writeUInt16LE(size, at);
  out.writeUInt16LE(NLA_F_NESTED | NFTA_LIST_ELEM, at + 2);
  let p = at + NLA_HDRLEN;
  if (e.intervalEnd) {
    out.writeUInt16LE(8, p);
    out.writeUInt16LE(NFTA_SET_ELEM_FLAGS, p + 2);
    out.writeUInt32BE(NFT_SET_ELEM_INTERVAL_END, p + 4);
    p += 8;
  }
  if (timed) {
    out.writeUInt16LE(12, p);
    out.writeUInt16LE(NFTA_SET_ELEM_TIMEOUT, p + 2);
    out.writeUInt32BE(Math.floor(ms / 0x1_0000_0000), p + 4);
    out.writeUInt32BE(ms % 0x1_0000_0000, p + 8);
    p += 12;
  }
  out.writeUInt16LE(at + size - p, p);
  out.writeUInt16LE(NLA_F_NESTED | NFTA_SET_ELEM_KEY, p + 2);
  out.writeUInt16LE(NLA_HDRLEN + e.key.length, p + 4);
  out.writeUInt16LE(NFTA_DATA_VALUE, p + 6);
  out.set(e.key, p + 8);
  return at + size;
}

function listHeader(ref: SetRef): Buffer[] {
  const h = [strAttr(NFTA_SET_ELEM_LIST_TABLE, ref.table), strAttr(NFTA_SET_ELEM_LIST_SET, ref.set)];
  if (ref.setId !== undefined) h.push(be32Attr(NFTA_SET_ELEM_LIST_SET_ID, ref.setId));
  return h;
}

/**
 * nft numbers the element nests of a message 1, 2, 3... (libnftnl's nest start with ++i) where the uapi names
 * NFTA_LIST_ELEM = 1; the kernel walks the nest without looking at the type. We number them the same way so
 * our messages are byte-identical to nft's.
 */
function numberElements(chunk: Buffer[]): void {
  let index = 0;
  for (const unit of chunk) {
    for (let pos = 0; pos + 4 <= unit.length;) {
      unit.writeUInt16LE(NLA_F_NESTED | ++index, pos + 2);
      pos += (unit.readUInt16LE(pos) + 3) & ~3;
    }
  }
}

/**
 * Packs pre-encoded elements into messages of `op`, never splitting one entry of `encoded` (callers pass the two
 * elements of an interval as one entry so a batch never carries half an interval).
 */
export function buildSetElementMessages(ref: SetRef, op: number, flags: number, encoded: Buffer[]): NftMessage[] {
  const out: NftMessage[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    numberElements(chunk);
    out.push({
      type: nftType(op),
      flags,
      family: ref.family,
      attrs: [...listHeader(ref), nested(NFTA_SET_ELEM_LIST_ELEMENTS, chunk)],
    });
    chunk = [];
    size = 0;
  };
  for (const e of encoded) {
    if (size + e.length > MAX_ELEMENTS_NEST) flush();
    chunk.push(e);
    size += e.length;
  }
  flush();
  return out;
}

/**
 * Single-key elements packed for bulk encoding: `count` keys of `keyLen` bytes back to back (network order) and
 * either one timeout for all (`timeoutMs`) or one per element (`timeoutsMs`), in milliseconds, 0 = none. 100k bans
 * are 100k slots in typed arrays, not 100k objects and 500k small Buffers.
 */
export interface PackedElements {
  keyLen: 4 | 16;
  count: number;
  keys: Uint8Array;
  timeoutsMs?: Float64Array;
  timeoutMs?: number;
}

/** The elements [from, from + n) of a packed run, sharing its memory. */
export function slicePacked(p: PackedElements, from: number, n: number): PackedElements {
  return {
    keyLen: p.keyLen,
    count: n,
    keys: p.keys.subarray(from * p.keyLen, (from + n) * p.keyLen),
    timeoutsMs: p.timeoutsMs?.subarray(from, from + n),
    timeoutMs: p.timeoutMs,
  };
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** An nlattr header (u16 len, u16 type, host order) as one 32-bit word. */
const headerWord = (len: number, type: number): number => (LITTLE_ENDIAN ? len | (type << 16) : (len << 16) | type);

/** A big-endian u32 payload as one 32-bit word in host order. */
const beWord = (v: number): number =>
  LITTLE_ENDIAN ? ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24) : v;

/** IPv4 keys (network order) for addresses given as uint32s (host order): one copy and one native byte swap. */
export function ipv4Keys(values: Uint32Array): Uint8Array {
  const keys = Buffer.from(new Uint32Array(values).buffer);
  if (LITTLE_ENDIAN) keys.swap32();
  return keys;
}

/** The keys as 32-bit words, still in network byte order: a view when aligned (always, for our own arrays). */
function keyWords(p: PackedElements): Uint32Array {
  const words = (p.count * p.keyLen) >>> 2;
  const keys = p.keys;
  return keys.byteOffset % 4 === 0
    ? new Uint32Array(keys.buffer, keys.byteOffset, words)
    : new Uint32Array(keys.slice(0, words * 4).buffer);
}

/**
 * Messages of `op` for packed elements, each ELEMENTS nest written word by word into one Buffer. The bytes are
 * those of encodeElement + buildSetElementMessages (same attribute order, same nest numbering, same chunking).
 */
export function buildPackedElementMessages(
  ref: SetRef,
  op: number,
  flags: number,
  packed: PackedElements,
  withTimeout = true,
): NftMessage[] {
  const timeouts = withTimeout ? packed.timeoutsMs : undefined;
  const shared = withTimeout && !timeouts ? Math.round(packed.timeoutMs ?? 0) : 0;
  const nests = timeouts ? mixedNests(packed, timeouts) : sharedNests(packed, shared);
  const header = listHeader(ref);
  const type = nftType(op);
  return nests.map((nest) => ({ type, flags, family: ref.family, attrs: [...header, nest] }));
}

/** LIST_ELEM header, KEY nest header, DATA_VALUE header and the key; a TIMEOUT attribute adds 12. */
const elementBase = (keyLen: number): number => 12 + keyLen;

/** The nest header word of NFTA_SET_ELEM_LIST_ELEMENTS holding `size` bytes of elements. */
const elementsHeader = (size: number): number =>
  headerWord(NLA_HDRLEN + size, NLA_F_NESTED | NFTA_SET_ELEM_LIST_ELEMENTS);

/**
 * Nests for elements sharing one timeout (a whole `ban --file`): elements differ only in number and key, and full
 * nests only in their keys. So one full nest is made once as a template (the first element, copied over by
 * doubling, then numbered), each nest starts as a native copy of it, and one small loop writes the keys.
 */
function sharedNests(packed: PackedElements, ms: number): Buffer[] {
  const { keyLen, count } = packed;
  const keys = keyWords(packed);
  const size = elementBase(keyLen) + (ms > 0 ? 12 : 0);
  const stride = size >>> 2;
  const perNest = Math.min(count, Math.floor(MAX_ELEMENTS_NEST / size));
  const template = new Uint32Array(1 + perNest * stride);
  let w = 1;
  template[w++] = headerWord(size, NLA_F_NESTED | 1);
  if (ms > 0) {
    template[w++] = headerWord(12, NFTA_SET_ELEM_TIMEOUT);
    template[w++] = beWord(Math.floor(ms / 0x1_0000_0000));
    template[w++] = beWord(ms >>> 0);
  }
  template[w++] = headerWord(8 + keyLen, NLA_F_NESTED | NFTA_SET_ELEM_KEY);
  template[w++] = headerWord(4 + keyLen, NFTA_DATA_VALUE);
  for (let done = 1; done < perNest;) {
    const n = Math.min(done, perNest - done);
    template.copyWithin(1 + done * stride, 1, 1 + n * stride);
    done += n;
  }
  for (let i = 1; i < perNest; i++) template[1 + i * stride] = headerWord(size, NLA_F_NESTED | (i + 1));
  const out: Buffer[] = [];
  for (let first = 0; first < count; first += perNest) {
    const n = Math.min(perNest, count - first);
    const words = new Uint32Array(1 + n * stride);
    words.set(n === perNest ? template : template.subarray(0, 1 + n * stride));
    words[0] = elementsHeader(n * size);
    putKeys(words, 1 + stride - (keyLen >>> 2), stride, keys, first * (keyLen >>> 2), n, keyLen >>> 2);
    out.push(Buffer.from(words.buffer));
  }
  return out;
}

/**
 * keys[from, from + n * perKey) into `words` every `stride` words from `at`. Kept apart and small: V8 optimises
 * a small hot function within a few calls, long before it would a large one run once (this is the per-address
 * loop of a 100k-address ban, run once per process).
 */
function putKeys(
  words: Uint32Array,
  at: number,
  stride: number,
  keys: Uint32Array,
  from: number,
  n: number,
  perKey: number,
): void {
  if (perKey === 1) {
    for (let i = 0; i < n; i++, at += stride) words[at] = keys[from + i];
    return;
  }
  for (let i = 0, k = from; i < n; i++, at += stride) for (let j = 0; j < perKey; j++) words[at + j] = keys[k++];
}

/** Nests for elements with timeouts of their own (restores, refreshes): each element's size depends on it. */
function mixedNests(packed: PackedElements, timeouts: Float64Array): Buffer[] {
  const { keyLen, count } = packed;
  const keys = keyWords(packed);
  const perKey = keyLen >>> 2;
  const base = elementBase(keyLen);
  const keyHeader = headerWord(8 + keyLen, NLA_F_NESTED | NFTA_SET_ELEM_KEY);
  const valueHeader = headerWord(4 + keyLen, NFTA_DATA_VALUE);
  const timeoutHeader = headerWord(12, NFTA_SET_ELEM_TIMEOUT);
  const out: Buffer[] = [];
  for (let first = 0; first < count;) {
    let size = 0;
    let end = first;
    for (; end < count; end++) {
      const s = base + (Math.round(timeouts[end]) > 0 ? 12 : 0);
      if (size + s > MAX_ELEMENTS_NEST) break;
      size += s;
    }
    const words = new Uint32Array((NLA_HDRLEN + size) >>> 2);
    words[0] = elementsHeader(size);
    let w = 1;
    for (let i = first, index = 1; i < end; i++, index++) {
      const ms = Math.round(timeouts[i]);
      if (ms > 0) {
        words[w] = headerWord(base + 12, NLA_F_NESTED | index);
        words[w + 1] = timeoutHeader;
        words[w + 2] = beWord(Math.floor(ms / 0x1_0000_0000));
        words[w + 3] = beWord(ms >>> 0);
        w += 4;
      } else words[w++] = headerWord(base, NLA_F_NESTED | index);
      words[w] = keyHeader;
      words[w + 1] = valueHeader;
      w += 2;
      for (let k = i * perKey, e = k + perKey; k < e; k++) words[w++] = keys[k];
    }
    out.push(Buffer.from(words.buffer));
    first = end;
  }
  return out;
}

/**
 * IPv4 networks packed for bulk encoding as intervals of an interval set: `count` start addresses as uint32s (host
 * order) with their prefix lengths (0-31), and timeouts as in PackedElements. The end of each interval is worked
 * out from the two numbers, so 100k prefixes are three typed arrays, not 100k units of elements and Buffers.
 */
export interface PackedIntervals {
  count: number;
  starts: Uint32Array;
  lengths: Uint8Array;
  timeoutsMs?: Float64Array;
  timeoutMs?: number;
}

/** The intervals [from, from + n) of a packed run, sharing its memory. */
export function sliceIntervals(p: PackedIntervals, from: number, n: number): PackedIntervals {
  return {
    count: n,
    starts: p.starts.subarray(from, from + n),
    lengths: p.lengths.subarray(from, from + n),
    timeoutsMs: p.timeoutsMs?.subarray(from, from + n),
    timeoutMs: p.timeoutMs,
  };
}

/** Bytes of an interval's end element: LIST_ELEM header, FLAGS (INTERVAL_END), KEY nest with a 4-byte key. */
const INTERVAL_END_BYTES = 24;

/**
 * Messages of `op` for packed IPv4 intervals: each network as its start element ([TIMEOUT] KEY) and, unless it
 * reaches the top of the address space, its end element (FLAGS INTERVAL_END, KEY = the first address after it),
 * written word by word into one Buffer per ELEMENTS nest. The bytes are those of encodeElements of each network's
 * two elements + buildSetElementMessages (an interval never split across messages, nests numbered 1, 2, 3...).
 */
export function buildPackedIntervalMessages(
  ref: SetRef,
  op: number,
  flags: number,
  packed: PackedIntervals,
  withTimeout = true,
): NftMessage[] {
  const times = withTimeout ? packed.timeoutsMs : undefined;
  const shared = withTimeout && !times ? Math.round(packed.timeoutMs ?? 0) : 0;
  const header = listHeader(ref);
  const type = nftType(op);
  const out: NftMessage[] = [];
  for (let first = 0; first < packed.count;) {
    const end = intervalRun(packed, times, shared, first);
    const words = new Uint32Array(1 + (end.size >>> 2));
    words[0] = elementsHeader(end.size);
    putIntervals(words, packed.starts, packed.lengths, times, shared, first, end.to);
    out.push({ type, flags, family: ref.family, attrs: [...header, Buffer.from(words.buffer)] });
    first = end.to;
  }
  return out;
}

/** The bytes of the interval at `i`: its start element, with a TIMEOUT when `ms` > 0, and its end element. */
const intervalBytes = (start: number, length: number, ms: number): number =>
  (ms > 0 ? 28 : 16) + (start + 2 ** (32 - length) < 2 ** 32 ? INTERVAL_END_BYTES : 0);

/** How many intervals from `first` fit one ELEMENTS nest, and their bytes. */
function intervalRun(
  packed: PackedIntervals,
  times: Float64Array | undefined,
  shared: number,
  first: number,
): { to: number; size: number } {
  const { starts, lengths, count } = packed;
  let size = 0;
  let to = first;
  for (; to < count; to++) {
    const s = intervalBytes(starts[to], lengths[to], times ? Math.round(times[to]) : shared);
    if (to > first && size + s > MAX_ELEMENTS_NEST) break;
    size += s;
  }
  return { to, size };
}

/** Writes the elements of intervals [from, to) after the ELEMENTS header word. Small, as every per-prefix loop. */
function putIntervals(
  words: Uint32Array,
  starts: Uint32Array,
  lengths: Uint8Array,
  times: Float64Array | undefined,
  shared: number,
  from: number,
  to: number,
): void {
  const keyHeader = headerWord(12, NLA_F_NESTED | NFTA_SET_ELEM_KEY);
  const valueHeader = headerWord(8, NFTA_DATA_VALUE);
  const timeoutHeader = headerWord(12, NFTA_SET_ELEM_TIMEOUT);
  const flagsHeader = headerWord(8, NFTA_SET_ELEM_FLAGS);
  const intervalEnd = beWord(NFT_SET_ELEM_INTERVAL_END);
  let w = 1;
  for (let i = from, index = 1; i < to; i++) {
    const start = starts[i];
    const ms = times ? Math.round(times[i]) : shared;
    if (ms > 0) {
      words[w] = headerWord(28, NLA_F_NESTED | index++);
      words[w + 1] = timeoutHeader;
      words[w + 2] = beWord(Math.floor(ms / 0x1_0000_0000));
      words[w + 3] = beWord(ms >>> 0);
      w += 4;
    } else words[w++] = headerWord(16, NLA_F_NESTED | index++);
    words[w] = keyHeader;
    words[w + 1] = valueHeader;
    words[w + 2] = beWord(start);
    w += 3;
    const next = start + 2 ** (32 - lengths[i]);
    if (next >= 2 ** 32) continue;
    words[w] = headerWord(INTERVAL_END_BYTES, NLA_F_NESTED | index++);
    words[w + 1] = flagsHeader;
    words[w + 2] = intervalEnd;
    words[w + 3] = keyHeader;
    words[w + 4] = valueHeader;
    words[w + 5] = beWord(next >>> 0);
    w += 6;
  }
}

/** NFT_MSG_NEWSETELEM. Without `excl` an existing element is accepted (and its timeout reset on kernels >= 6.12). */
export function addSetElements(ref: SetRef, elements: SetElement[], opts: { excl?: boolean } = {}): NftMessage[] {
  const flags = NLM_F_CREATE | (opts.excl ? NLM_F_EXCL : 0);
  return buildSetElementMessages(
    ref,
    NFT_MSG_NEWSETELEM,
    flags,
    elements.map((e) => encodeElement(e)),
  );
}

/** NFT_MSG_DELSETELEM: a missing element fails the whole batch with ENOENT. */
export function deleteSetElements(ref: SetRef, elements: SetElement[]): NftMessage[] {
  return buildSetElementMessages(
    ref,
    NFT_MSG_DELSETELEM,
    0,
    elements.map((e) => encodeElement(e, false)),
  );
}

/** NFT_MSG_DESTROYSETELEM (kernel >= 6.3): like delete, but a missing element is not an error. */
export function destroySetElements(ref: SetRef, elements: SetElement[]): NftMessage[] {
  return buildSetElementMessages(
    ref,
    NFT_MSG_DESTROYSETELEM,
    0,
    elements.map((e) => encodeElement(e, false)),
  );
}

export function decodeElement(data: Buffer): DecodedElement {
  const a = attributeMap(data);
  const keyNest = a.get(NFTA_SET_ELEM_KEY);
  const key = keyNest ? attributeMap(keyNest).get(NFTA_DATA_VALUE) : undefined;
  if (!key) throw new RangeError('set element without NFTA_SET_ELEM_KEY');
  const flags = a.get(NFTA_SET_ELEM_FLAGS);
  const timeout = a.get(NFTA_SET_ELEM_TIMEOUT);
  const expiration = a.get(NFTA_SET_ELEM_EXPIRATION);
  const decoded: DecodedElement = {
    key: Buffer.from(key),
    flags: flags ? flags.readUInt32BE(0) : 0,
    timeoutMs: timeout ? Number(timeout.readBigUInt64BE(0)) : undefined,
    expirationMs: expiration ? Number(expiration.readBigUInt64BE(0)) : undefined,
  };
  const counter = countersOf(data);
  if (counter) decoded.counter = counter;
  return decoded;
}

/** The counter among an element's attributes (NFTA_SET_ELEM_EXPR or NFTA_SET_ELEM_EXPRESSIONS), if any. */
function countersOf(data: Buffer): CounterValues | undefined {
  const out = { packets: 0, bytes: 0 };
  for (let at = 0; at + NLA_HDRLEN <= data.length;) {
    const len = data.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > data.length) return undefined;
    if (readElementCounter(data, at, out)) return out;
    at += (len + 3) & ~3;
  }
  return undefined;
}

/** Elements of NEWSETELEM replies (dump or get): skips the nfgenmsg, walks ELEMENTS > LIST_ELEM. */
export function decodeSetElements(messages: NetlinkMessage[]): DecodedElement[] {
  const out: DecodedElement[] = [];
  for (const msg of messages) {
    if (msg.type !== nftType(NFT_MSG_NEWSETELEM)) continue;
    const list = attributeMap(msg.payload, 4).get(NFTA_SET_ELEM_LIST_ELEMENTS);
    if (!list) continue;
    // Any type: the kernel sends NFTA_LIST_ELEM, nft numbers its nests (see numberElements).
    for (const el of parseAttributes(list)) out.push(decodeElement(el.data));
  }
  return out;
}

/**
 * Single-key elements of NEWSETELEM replies, handed to `each` without building an object or Buffer per element:
 * `key` is a view into the reply, valid only during the call; timeout and expiration in ms, the element's counter
 * in packets and bytes, each -1 when absent.
 * For the hash sets, where 100k elements came back as 100k decoded objects and 300k attribute slices.
 */
export function walkSetElements(
  messages: NetlinkMessage[],
  each: (
    reply: Buffer,
    keyAt: number,
    keyLen: number,
    timeoutMs: number,
    expirationMs: number,
    packets: number,
    bytes: number,
  ) => void,
): void {
  const type = nftType(NFT_MSG_NEWSETELEM);
  const counter: CounterValues = { packets: 0, bytes: 0 };
  for (const msg of messages) {
    if (msg.type !== type) continue;
    const buf = msg.payload;
    let list = -1;
    let listEnd = 0;
    for (let pos = 4; pos + 4 <= buf.length;) {
      const len = buf.readUInt16LE(pos);
      if (len < 4) break;
      if ((buf.readUInt16LE(pos + 2) & NLA_TYPE_MASK) === NFTA_SET_ELEM_LIST_ELEMENTS) {
        list = pos + 4;
        listEnd = pos + len;
        break;
      }
      pos += (len + 3) & ~3;
    }
    if (list < 0) continue;
    for (let el = list; el + 4 <= listEnd;) {
      const elLen = buf.readUInt16LE(el);
      if (elLen < 4 || el + elLen > listEnd) throw new RangeError(`malformed set element at offset ${el}`);
      const end = el + elLen;
      let keyAt = -1;
      let keyLen = 0;
      let timeout = -1;
      let expiration = -1;
      let counted = false;
      for (let a = el + 4; a + 4 <= end;) {
        const len = buf.readUInt16LE(a);
        if (len < 4 || a + len > end) throw new RangeError(`malformed set element attribute at offset ${a}`);
        const t = buf.readUInt16LE(a + 2) & NLA_TYPE_MASK;
        if (t === NFTA_SET_ELEM_KEY && len >= 8) {
          keyAt = a + 8;
          keyLen = buf.readUInt16LE(a + 4) - 4;
        } else if (t === NFTA_SET_ELEM_TIMEOUT && len >= 12) {
          timeout = buf.readUInt32BE(a + 4) * 0x1_0000_0000 + buf.readUInt32BE(a + 8);
        } else if (t === NFTA_SET_ELEM_EXPIRATION && len >= 12) {
          expiration = buf.readUInt32BE(a + 4) * 0x1_0000_0000 + buf.readUInt32BE(a + 8);
        } else if (t === NFTA_SET_ELEM_EXPR || t === NFTA_SET_ELEM_EXPRESSIONS) {
          counted ||= readElementCounter(buf, a, counter);
        }
        a += (len + 3) & ~3;
      }
      if (keyAt < 0 || keyLen <= 0) throw new RangeError('set element without NFTA_SET_ELEM_KEY');
      each(buf, keyAt, keyLen, timeout, expiration, counted ? counter.packets : -1, counted ? counter.bytes : -1);
      el += (elLen + 3) & ~3;
    }
  }
}

/**
 * Dumps a hash set and walks its elements (see walkSetElements); read again while the kernel flags DUMP_INTR or a
 * key comes back twice (the hash table was resized under the dump: see set-dump.ts).
 */
export async function walkAllSetElements(
  conn: NetlinkConnection,
  ref: SetRef,
  each: Parameters<typeof walkSetElements>[1],
): Promise<void> {
  const messages = await dumpSetConsistently(conn, () => encodeGetSetElements(ref), repeatsKey, ref.set);
  walkSetElements(messages, each);
}

/** Whether a hash set's dump holds a key twice, which a hash set never does. */
function repeatsKey(messages: NetlinkMessage[]): boolean {
  let bytes = 0;
  for (const m of messages) bytes += m.payload.length;
  // An element with a 4-byte key takes at least 16 bytes of a reply: room for all of them, in one typed array.
  const words = new Uint32Array(bytes >>> 4);
  let count = 0;
  const longer: string[] = [];
  walkSetElements(messages, (buf, at, len) => {
    if (len === 4) words[count++] = buf.readUInt32BE(at);
    else longer.push(buf.toString('latin1', at, at + len));
  });
  return repeatsWord(words.subarray(0, count)) || repeatsString(longer);
}

/** NFT_MSG_GETSETELEM, a dump of the set or (with `element`) one lookup; the connection gives it its seq. */
export function encodeGetSetElements(ref: SetRef, element?: SetElement): Buffer {
  const attrs = listHeader(ref);
  if (element) attrs.push(nested(NFTA_SET_ELEM_LIST_ELEMENTS, [encodeElement(element, false)]));
  const flags = NLM_F_REQUEST | (element ? NLM_F_ACK : NLM_F_DUMP);
  return encodeMessage(nftType(NFT_MSG_GETSETELEM), flags, 0, [nfgenmsg(ref.family), ...attrs]);
}

/** Dumps every element of a set (NFT_MSG_GETSETELEM, NLM_F_DUMP); retried when the kernel flags DUMP_INTR. */
export async function getSetElements(conn: NetlinkConnection, ref: SetRef): Promise<DecodedElement[]> {
  for (let attempt = 0; ; attempt++) {
    const { messages, interrupted } = await conn.dump(encodeGetSetElements(ref));
    if (!interrupted || attempt >= 4) return decodeSetElements(messages);
  }
}

/** Looks one element up (NFT_MSG_GETSETELEM without DUMP); undefined when the kernel says ENOENT. */
export async function getSetElement(
  conn: NetlinkConnection,
  ref: SetRef,
  element: SetElement,
): Promise<DecodedElement | undefined> {
  try {
    const replies = await conn.request(encodeGetSetElements(ref, element));
    return decodeSetElements(replies)[0];
  } catch (e) {
    if (isNetlinkError(e, ENOENT)) return undefined;
    throw e;
  }
}
