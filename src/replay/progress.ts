// A one-line progress bar on stderr for long captures, redrawn in place; only when stderr is a terminal.
const WIDTH = 30;

export interface ProgressBar {
  update(source: string, pass: 1 | 2, read: number, total?: number): void;
  done(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream): ProgressBar | undefined {
  if (!stream.isTTY) return undefined;
  let drawn = false;
  return {
    update(source, pass, read, total) {
      const mb = (read / 1048576).toFixed(0);
      let bar = '';
      if (total && total > 0) {
        const filled = Math.min(WIDTH, Math.round((read / total) * WIDTH));
        bar = `[${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${Math.floor((read / total) * 100)}% `;
      }
      const name = source === '-' ? 'stdin' : source;
      stream.write(`\r\x1b[2Kpass ${pass}/2 ${bar}${mb} MiB ${name}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
