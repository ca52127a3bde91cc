// One-line human summaries of `setup` and `teardown` (their --json form is the result object itself).
import type { SetupResult } from '../../bans/run-setup.js';
import type { TeardownOutcome } from '../../bans/setup.js';

export function formatSetup(r: SetupResult): string {
  if (r.dryRun) return JSON.stringify(r.document, null, 2);
  const what = r.repaired.length > 0 ? `repaired (${r.repaired.join('; ')})` : 'already whole';
  const restored = r.restored === null ? '' : `; restored ${r.restored} ban(s) from the journal`;
  return `${r.backend}: ${what}${r.ready ? '' : ' but still not ready'}${restored}`;
}

export function formatTeardown(r: TeardownOutcome): string {
  return (
    `removed portsentinel's ${r.backend} objects (${r.removedBans} ban(s) held); ` +
    'the journal is kept: portsentinel setup --restore brings them back'
  );
}
