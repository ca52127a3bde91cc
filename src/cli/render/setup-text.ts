// One-line human summaries of `setup` and `teardown` (their --json form is the result object itself).
import type { SetupResult } from '../../bans/run-setup.js';
import { escapeText } from '../../util/escape-text.js';
import type { TeardownOutcome } from '../../bans/setup.js';

export function formatSetup(r: SetupResult): string {
  if (r.dryRun) return JSON.stringify(r.document, null, 2);
  const what = r.repaired.length > 0 ? `repaired (${r.repaired.join('; ')})` : 'already whole';
  const restored = r.restored === null ? '' : `; restored ${r.restored} ban(s) from the journal`;
  const refused = r.refused && r.refused.length > 0 ? `; refused ${r.refused.length} (never-ban rules)` : '';
  const lines = [`${r.backend}: ${what}${r.ready ? '' : ' but still not ready'}${restored}${refused}`];
  for (const x of r.refused ?? []) lines.push(`refused ${escapeText(x.address)}: ${escapeText(x.rule)}`);
  return lines.join('\n');
}

export function formatTeardown(r: TeardownOutcome): string {
  return (
    `removed portsentinel's ${r.backend} objects (${r.removedBans} ban(s) held); ` +
    'the journal is kept: portsentinel setup --restore brings them back'
  );
}
