// Reads a `/v1/decisions/stream` answer as its bytes arrive, without holding the whole body or the parsed tree:
// `{"new": [...], "deleted": [...]}` in either order (the Local API writes both), each element handed on with its
// bytes as soon as its last byte is read. Memory stays bounded by the longest single value (MAX_VALUE_BYTES),
// whatever the body's size. The structure is checked here; each element is read by the caller, the common decision
// in place (read-decision.ts) and anything else with JSON.parse (parseElement), so that an answer is judged exactly
// as JSON.parse of the whole body would judge it. Pure.
import { StreamFormatError } from './decisions.js';
import { scanFlatObject } from './flat-object.js';
import { QUOTE, BACKSLASH, COMMA, COLON, LBRACE, RBRACE, LBRACKET, RBRACKET, isSpace } from './json-bytes.js';

export type StreamList = 'new' | 'deleted';

/**
 * Called for each element of "new" or "deleted", in body order, with its bytes: `buf` from `from` to `to` (valid
 * during the call only; not yet known to be JSON: see parseElement).
 */
export type ElementSink = (list: StreamList, buf: Buffer, from: number, to: number) => void;

/** Longest single value read (a decision, or a top-level value other than the two lists). */
export const MAX_VALUE_BYTES = 64 * 1024;

const enum S {
  Start,
  KeyOrEnd,
  KeyStart,
  Key,
  KeyEscape,
  Colon,
  Value,
  CommaOrEnd,
  ElementOrEnd,
  Element,
  ElementCommaOrEnd,
  Skip,
  Done,
}

/** Where `byte` next occurs in `chunk` from `from`, or the chunk's length. */
function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? chunk.length : at;
}

const DECODER = new TextDecoder('utf-8', { fatal: false });

/** An element's JSON value; a StreamFormatError when it is not JSON. */
export function parseElement(bytes: Uint8Array, list: StreamList): unknown {
  return parseValue(bytes, `a decision of "${list}"`);
}

/** The JSON value in `bytes`, or a StreamFormatError naming what. */
function parseValue(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(DECODER.decode(bytes));
  } catch {
    throw new StreamFormatError(`${what} is not valid JSON`, true);
  }
}

/**
 * The scanner: push() each chunk as it arrives, end() after the last. Both throw StreamFormatError when the bytes
 * cannot be a decision stream answer; after a throw the scanner is spent.
 */
export class StreamScanner {
  private state = S.Start;
  /** Key being read (bounded: only "new" and "deleted" matter). */
  private key = '';
  private keyLong = false;
  private list: StreamList | undefined;
  /** The value being collected: bytes from earlier chunks, plus where it began in the current one. */
  private carry: Uint8Array[] = [];
  private carryLen = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** The value being collected is a scalar (ends at a delimiter, not at a closing bracket or quote). */
  private scalar = false;
  private seen = new Set<string>();
  /** Bytes of the answer before the current chunk. */
  private offset = 0;

  constructor(private readonly sink: ElementSink) {}

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    let from = -1;
    /** The next backslash at or after where it was last looked for (n: none left). */
    let backslash = -1;
    if (this.state === S.Element || this.state === S.Skip) from = 0;
    while (i < n) {
      const c = chunk[i];
      switch (this.state) {
        case S.Element:
        case S.Skip: {
          // Collecting one value: strings and brackets tracked so that a brace inside a string is text.
          if (this.inString) {
            if (this.escape) {
              this.escape = false;
              i++;
              continue;
            }
            // Most of the answer is string text: skipped to its closing quote natively, unless an escape comes
            // first (then byte by byte).
            if (backslash < i) backslash = indexOrEnd(chunk, BACKSLASH, i);
            const quote = indexOrEnd(chunk, QUOTE, i);
            if (backslash < quote) {
              i = backslash + 1;
              this.escape = true;
              continue;
            }
            i = quote;
            if (i === n) continue;
            this.inString = false;
            if (this.depth === 0) {
              this.complete(chunk, from, i + 1);
              from = -1;
            }
            i++;
            continue;
          }
          if (this.scalar) {
            if (c === COMMA || c === RBRACKET || c === RBRACE || isSpace(c)) {
              this.complete(chunk, from, i);
              from = -1;
              continue; // the delimiter is read by the next state
            }
            i++;
            continue;
          }
          if (c === QUOTE) this.inString = true;
          else if (c === LBRACE || c === LBRACKET) {
            if (++this.depth > 64) throw new StreamFormatError('a value is nested more than 64 deep');
          } else if (c === RBRACE || c === RBRACKET) {
            if (--this.depth === 0) {
              this.complete(chunk, from, i + 1);
              from = -1;
            }
          }
          i++;
          continue;
        }
        case S.Key:
          if (c === QUOTE) this.endKey(i);
          else {
            if (c === BACKSLASH) this.state = S.KeyEscape;
            if (this.key.length < 64) this.key += String.fromCharCode(c);
            else this.keyLong = true;
          }
          i++;
          continue;
        case S.KeyEscape:
          if (this.key.length < 64) this.key += String.fromCharCode(c);
          else this.keyLong = true;
          this.state = S.Key;
          i++;
          continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case S.Start:
          if (c !== LBRACE) {
            // JSON of another shape, or no JSON at all.
            const json = c === LBRACKET || c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x6e;
            throw new StreamFormatError('the answer is not a JSON object with "new" and "deleted" lists', !json);
          }
          this.state = S.KeyOrEnd;
          break;
        case S.KeyOrEnd:
          if (c === RBRACE) this.state = S.Done;
          else if (c === QUOTE) this.beginKey();
          else throw this.bad('a key expected', i);
          break;
        case S.KeyStart:
          if (c === QUOTE) this.beginKey();
          else throw this.bad('a key expected', i);
          break;
        case S.Colon:
          if (c !== COLON) throw this.bad('":" expected', i);
          this.state = S.Value;
          break;
        case S.Value: {
          const name = this.key;
          this.list = name === 'new' || name === 'deleted' ? name : undefined;
          if (this.list && this.seen.has(this.list)) {
            // JSON.parse keeps the last of a repeated key; a stream cannot take back what it applied.
            throw new StreamFormatError(`"${this.list}" appears twice`);
          }
          if (this.list) this.seen.add(this.list);
          if (this.list && c === LBRACKET) {
            this.state = S.ElementOrEnd;
            break;
          }
          this.state = S.Skip;
          this.beginValue(c);
          from = i;
          continue;
        }
        case S.CommaOrEnd:
          if (c === COMMA) this.state = S.KeyStart;
          else if (c === RBRACE) this.state = S.Done;
          else throw this.bad('"," or "}" expected', i);
          break;
        case S.ElementOrEnd: {
          if (c === RBRACKET) {
            this.state = S.CommaOrEnd;
            break;
          }
          // A flat object wholly in this chunk (nearly every decision) ends where its fields end: found with them,
          // and not walked again here or by the reader. Asked of every element, so that what the reader is left
          // is always this element's fields or nothing, even in a chunk whose memory is used again.
          const end = scanFlatObject(chunk, i, n);
          if (end >= 0) {
            this.complete(chunk, i, end);
            i = end;
            continue;
          }
          this.state = S.Element;
          this.beginValue(c);
          from = i;
          continue;
        }
        case S.ElementCommaOrEnd:
          if (c === COMMA) this.state = S.ElementOrEnd;
          else if (c === RBRACKET) this.state = S.CommaOrEnd;
          else throw this.bad('"," or "]" expected in a list', i);
          break;
        case S.Done:
          throw this.bad('more text after the closing brace', i);
      }
      i++;
    }
    if (from >= 0) this.keep(chunk, from, n);
    this.offset += n;
  }

  private bad(what: string, i: number): StreamFormatError {
    return new StreamFormatError(`${what} at byte ${this.offset + i}`, true);
  }

  /** After the last chunk: throws when the answer stopped before its end. */
  end(): void {
    if (this.state !== S.Done) {
      throw new StreamFormatError(
        this.state === S.Start ? 'the answer is empty' : 'it stops before its end (cut short?)',
        true,
      );
    }
  }

  /** The key's text as JSON.parse reads it (escapes included); a long one names neither list. */
  private endKey(i: number): void {
    if (this.keyLong) this.key = '';
    else {
      const raw = this.key;
      let plain = true;
      for (let k = 0; k < raw.length && plain; k++) plain = raw.charCodeAt(k) >= 0x20 && raw.charCodeAt(k) !== 0x5c;
      if (!plain) {
        try {
          this.key = JSON.parse(`"${raw}"`) as string;
        } catch {
          throw this.bad('a bad key', i);
        }
      }
    }
    this.state = S.Colon;
  }

  private beginKey(): void {
    this.key = '';
    this.keyLong = false;
    this.state = S.Key;
  }

  private beginValue(c: number): void {
    this.carry = [];
    this.carryLen = 0;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.scalar = false;
    if (c === LBRACE || c === LBRACKET || c === QUOTE) return; // read by the collecting state, first byte included
    this.scalar = true;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    this.carryLen += to - from;
    if (this.carryLen > MAX_VALUE_BYTES) {
      throw new StreamFormatError(`a value of the answer is longer than ${MAX_VALUE_BYTES} bytes`);
    }
    // A copy: the chunk's memory is the transport's to reuse.
    this.carry.push(chunk.slice(from, to));
  }

  private complete(chunk: Buffer, from: number, to: number): void {
    let buf = chunk;
    if (this.carry.length === 0) {
      if (to - from > MAX_VALUE_BYTES) {
        throw new StreamFormatError(`a value of the answer is longer than ${MAX_VALUE_BYTES} bytes`);
      }
    } else {
      this.keep(chunk, from, to);
      buf = Buffer.concat(this.carry, this.carryLen);
      from = 0;
      to = buf.length;
      this.carry = [];
      this.carryLen = 0;
    }
    if (this.state === S.Skip) {
      const value = parseValue(buf.subarray(from, to), this.list ? `"${this.list}"` : 'a value of the answer');
      if (this.list && value !== null) throw new StreamFormatError('"new" or "deleted" is not a list');
      this.state = S.CommaOrEnd;
      return;
    }
    this.sink(this.list!, buf, from, to);
    this.state = S.ElementCommaOrEnd;
  }
}
