// The leak window of a live defence, read from a capture taken on the protected host: time from the scanner's
// first probe to the last packet the host sent back to it, and how many such replies there were.
import { readFileSync } from 'node:fs';
import { CaptureDecoder } from '../../src/packet/capture-decoder.js';
import { parseAddress, ipv4ToUint32 } from '../../src/net/address.js';

export interface Leak {
  /** Milliseconds; 0 when the host never answered. */
  leakMs: number;
  answered: number;
  probes: number;
}

export function measureLeak(file: string, scanner: string, host: string): Leak {
  const s = ipv4ToUint32(parseAddress(scanner)!.bytes);
  const h = ipv4ToUint32(parseAddress(host)!.bytes);
  let first: number | undefined;
  let last: number | undefined;
  let answered = 0;
  let probes = 0;
  const dec = new CaptureDecoder((p) => {
    if (p.family !== 4) return;
    if (p.src4 >>> 0 === s && p.dst4 >>> 0 === h) {
      probes++;
      first ??= p.ts;
    } else if (p.src4 >>> 0 === h && p.dst4 >>> 0 === s) {
      answered++;
      last = p.ts;
    }
  }, file);
  dec.push(readFileSync(file));
  dec.end();
  const leakMs = first !== undefined && last !== undefined ? (last - first) / 1000 : 0;
  return { leakMs, answered, probes };
}

export function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}
