#!/usr/bin/env node
// The hot commands take the fast path (no CLI framework to load); everything else, and any argument list the fast
// path does not fully understand, goes through oclif.
import { runFastPath } from '../dist/fast/fast-path.js';

// A reader that stops early (`portsentinel replay big.pcap | head`) is not an error, on either path.
let writeFailed = false;
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE' || writeFailed) return;
  writeFailed = true;
  process.stderr.write(`portsentinel: cannot write to standard output: ${err.message}\n`);
  process.exitCode = 1;
});

if (await runFastPath(process.argv.slice(2))) {
  // The command is done once its output is out: exit now instead of waiting for V8 to tear down the heap a large
  // replay or ban list leaves behind (tens of milliseconds).
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit();
} else {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}

function flushed(stream) {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
