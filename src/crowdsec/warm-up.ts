// Runs the decision reader over a made-up answer while the Local API is still gathering a startup list (about a
// second for 100k decisions, in which this process has nothing else to do). V8 compiles a function to optimised
// code only once it has run many times: without this, the first thousands of decisions of a real list go through
// the interpreter. The made-up decisions have the Local API's shape (its key order, a Go duration with a fraction,
// a dotted quad, a handful of labels) so that what V8 learns holds for the real ones. Nothing of it leaves this
// module. Pure.
import { HeldDecisions } from './held.js';
import { readCommonDecision } from './read-decision.js';
import { StreamScanner } from './stream-scanner.js';

/** Decisions read by a warm-up: enough for V8 to optimise the reader's functions, a few milliseconds of work. */
export const WARM_UP_DECISIONS = 6000;

function decisionText(i: number): string {
  const quad = `198.18.${(i >>> 8) & 255}.${i & 255}`;
  return (
    `{"duration":"${23 - (i % 24)}h${i % 60}m${i % 60}.${100000 + i}s","id":${i + 1},"origin":"lists",` +
    `"scenario":"warm-up/${i & 3}","scope":"Ip","type":"ban","value":"${quad}"}`
  );
}

/** A made-up startup answer of `count` decisions, in chunks of about 64 KiB as one arrives. */
export function madeUpAnswer(count: number): Buffer[] {
  const chunks: Buffer[] = [];
  const parts: string[] = ['{"deleted":null,"new":['];
  let size = parts[0].length;
  for (let i = 0; i < count; i++) {
    const text = (i > 0 ? ',' : '') + decisionText(i);
    parts.push(text);
    size += text.length;
    if (size >= 64 * 1024) {
      chunks.push(Buffer.from(parts.join(''), 'latin1'));
      parts.length = 0;
      size = 0;
    }
  }
  parts.push(']}');
  chunks.push(Buffer.from(parts.join(''), 'latin1'));
  return chunks;
}

/** Reads `count` made-up decisions as an answer arrives; returns how many were read as common ones. */
export function warmDecisionReader(count = WARM_UP_DECISIONS): number {
  const held = new HeldDecisions();
  held.startAnswer(true);
  let read = 0;
  const scanner = new StreamScanner((_list, buf, from, to) => {
    const d = readCommonDecision(buf, from, to, undefined);
    if (d === undefined) return;
    held.added('', d.v4 ?? -1, d.id, d.remainingMs);
    read++;
  });
  for (const chunk of madeUpAnswer(count)) scanner.push(chunk);
  scanner.end();
  return read;
}
