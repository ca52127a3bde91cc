// A one-line bar on stderr while a large `ban --file` goes into the kernel; only when stderr is a terminal, and
// only for bans big enough to take a while.
import type { Progress } from '../bans/apply.js';

const WIDTH = 30;
/** Below this many targets a ban is over before a bar would be read. */
const SHOW_FROM = 100_000;

/** The progress callback and a `done` that clears the line, or undefined when no bar is wanted. */
export function banProgressBar(stream: NodeJS.WriteStream = process.stderr): { progress: Progress; done(): void } {
  let drawn = false;
  return {
    progress(done, total) {
      if (!stream.isTTY || total < SHOW_FROM) return;
      const filled = Math.min(WIDTH, Math.round((done / total) * WIDTH));
      const pct = Math.floor((done / total) * 100);
      stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${pct}% ${done}/${total} banned`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
