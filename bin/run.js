#!/usr/bin/env node
// The hot commands take the fast path (no CLI framework to load); everything else, and any argument list the fast
// path does not fully understand, goes through oclif.
import { runFastPath } from '../dist/fast/fast-path.js';

if (!(await runFastPath(process.argv.slice(2)))) {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
