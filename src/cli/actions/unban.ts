// What `unban` does once its arguments are parsed, whichever entry path parsed them.
import type { UnbanOutcome } from '../../bans/unban.js';
import type { CommandIO } from '../output.js';
import { announceConfig, contextOptions, type SharedBanFlags } from './shared.js';

export interface UnbanFlags extends SharedBanFlags {
  all?: boolean;
  file?: string;
}

export async function unban(flags: UnbanFlags, targets: string[], io: CommandIO): Promise<UnbanOutcome> {
  announceConfig(flags.config, io);
  const { runUnban } = await import('../../bans/run-unban.js');
  const { describeMappedArgs } = await import('../../net/targets.js');
  for (const n of describeMappedArgs(targets)) io.warn(`note: ${n}`);
  const result = await runUnban(contextOptions(flags), { args: targets, file: flags.file, all: flags.all === true });
  if (result.kernelMissing) {
    io.warn('the kernel ban sets are missing (run `portsentinel setup`): the unban is recorded in the journal only');
  }
  for (const t of result.notBanned) io.warn(`${t} was not banned; see portsentinel bans list`);
  for (const t of result.fromCrowdsec ?? []) {
    io.warn(
      `${t} was banned by a CrowdSec Local API decision: it returns at the next full pull unless the decision is deleted there (cscli decisions delete --ip/--range ${t})`,
    );
  }
  const { formatUnbanSummary } = await import('../render/ban-summary.js');
  io.log(formatUnbanSummary(result));
  return result;
}
