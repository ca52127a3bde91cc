// Set dumps that can be trusted. The kernel dumps a set in pieces, each piece a fresh walk of the set that skips as
// many elements as were sent before. A hash set grows (and shrinks) its table in the background after a large add
// or delete, and a walk over a table being resized, or pieces walked before and after it, come back in another
// order: some elements twice, as many others not at all, with no DUMP_INTR, for the membership did not change.
// A key seen twice is the proof; a dump without one holds every element once (the walks cover the whole set),
// so such a dump is read again, after a pause that lets the resize finish, until it comes back clean.
import { NFT_MSG_GETSETELEM } from '../constants.js';
import { EAGAIN, NetlinkError } from '../errors.js';
import type { NetlinkMessage } from '../message.js';
import { nftType } from '../nfnetlink.js';
import type { NetlinkConnection } from '../connection.js';

/** Reads of one set before giving up; the pauses between them double from the first (10 + 20 + ... + 640 ms). */
export const DUMP_ATTEMPTS = 8;
const FIRST_PAUSE_MS = 10;

/**
 * Dumps with `request` until a dump neither carries DUMP_INTR nor has `repeats` find an element twice in it.
 * A dump that still repeats an element after the last attempt is an error (EAGAIN), never a wrong list; one still
 * interrupted (the set keeps changing) is returned as read, as a set under constant change has no better answer.
 */
export async function dumpSetConsistently(
  conn: NetlinkConnection,
  request: () => Buffer,
  repeats: (messages: NetlinkMessage[]) => boolean,
  set: string,
): Promise<NetlinkMessage[]> {
  for (let attempt = 1; ; attempt++) {
    const { messages, interrupted } = await conn.dump(request());
    const repeated = repeats(messages);
    if (!interrupted && !repeated) return messages;
    if (attempt >= DUMP_ATTEMPTS) {
      if (!repeated) return messages;
      throw new NetlinkError(
        EAGAIN,
        `netlink dump of set ${set} (elements came back twice in ${attempt} reads)`,
        nftType(NFT_MSG_GETSETELEM),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, FIRST_PAUSE_MS << (attempt - 1)));
  }
}

/** Whether a 4-byte key (as a u32) occurs twice; sorts `keys` in place. */
export function repeatsWord(keys: Uint32Array): boolean {
  keys.sort();
  for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1]) return true;
  return false;
}

/** Whether a string (a longer key, one char per byte) occurs twice. */
export function repeatsString(values: Iterable<string>): boolean {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return true;
    seen.add(v);
  }
  return false;
}
