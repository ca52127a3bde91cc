// A packet capture on the victim's side of a link (tcpdump writing a pcap file), for the tests and benchmarks
// that measure from the wire how long a scanner was answered.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Netns } from './netns.js';

/**
 * Starts `tcpdump -i v0 -U -w FILE FILTER` in `ns` and resolves once it is listening (rejects if it exits first or
 * is not listening within 20 s). Stop it with SIGINT so the file ends with whole packets.
 */
export async function startCapture(
  ns: Netns,
  file: string,
  opts: { snaplen: number; filter: string },
): Promise<ChildProcess> {
  const args = ['netns', 'exec', ns.name, 'tcpdump', '-i', 'v0', '-s', String(opts.snaplen), '-U', '-n'];
  const td = spawn('ip', [...args, '-w', file, opts.filter]);
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump not ready: ${err}`)), 20_000);
    td.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      if (/listening on/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    td.once('close', () => {
      clearTimeout(timer);
      reject(new Error(`tcpdump: ${err}`));
    });
  });
  return td;
}
