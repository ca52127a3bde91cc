// What `ban` does once its arguments are parsed, whichever entry path parsed them.
import type { BanOutcome } from '../../bans/ban.js';
import { InputError } from '../../errors.js';
import { parseDuration } from '../../util/duration.js';
import type { CommandIO } from '../output.js';
import { banProgressBar } from '../ban-progress.js';
import { announceConfig, contextOptions, type SharedBanFlags } from './shared.js';

export interface BanFlags extends SharedBanFlags {
  timeout?: string;
  reason?: string;
  file?: string;
  force?: boolean;
}

/** Seconds from --timeout; 0 = permanent. */
export function parseTimeoutFlag(text: string): number {
  const s = parseDuration(text);
  if (s === undefined) {
    throw new InputError(
      `--timeout "${text}" is not a duration; write e.g. 90s, 30m, 1h, 7d or permanent`,
      'E_TIMEOUT',
    );
  }
  return s;
}

export async function ban(flags: BanFlags, targets: string[], io: CommandIO): Promise<BanOutcome> {
  announceConfig(flags.config, io);
  const { runBan } = await import('../../bans/run-ban.js');
  const { describeMappedArgs } = await import('../../net/targets.js');
  for (const n of describeMappedArgs(targets)) io.warn(`note: ${n}`);
  const timeout = flags.timeout === undefined ? undefined : parseTimeoutFlag(flags.timeout);
  const bar = flags.file !== undefined && process.stderr.isTTY ? banProgressBar() : undefined;
  const result = await runBan(contextOptions(flags), {
    args: targets,
    file: flags.file,
    timeout,
    reason: flags.reason,
    force: flags.force === true,
    progress: bar?.progress,
  }).finally(() => bar?.done());
  for (const r of result.forced) io.warn(`warning: banned anyway (--force): ${r.rule}`);
  for (const r of result.refused) io.warn(`refused ${r.address}: ${r.rule} (--force bans it anyway)`);
  for (const w of result.warnings) io.warn(`warning: ${w}`);
  const { formatBanSummary } = await import('../render/ban-summary.js');
  io.log(formatBanSummary(result));
  return result;
}
