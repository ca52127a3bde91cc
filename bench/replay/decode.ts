// Decode-only replay entry for the throughput bench: reads a capture with readCapture and counts what it sees,
// touching the fields a detector reads so nothing is optimised away. Prints one JSON line.
import { readCapture } from '../../src/packet/read-capture.js';
import type { Packet } from '../../src/packet/types.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: node dist/bench/replay/decode.js CAPTURE\n');
  process.exit(2);
}
let packets = 0;
let syn = 0;
let portSum = 0;
const started = process.hrtime.bigint();
const stats = await readCapture(file, (p: Packet) => {
  packets++;
  if ((p.tcpFlags & 0x02) !== 0) syn++;
  portSum = (portSum + p.dstPort) | 0;
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  JSON.stringify({
    packets,
    syn,
    portSum,
    seconds,
    packetsPerSecond: Math.round(stats.packets / seconds),
    maxRssKiB: process.resourceUsage().maxRSS,
    stats,
  }) + '\n',
);
