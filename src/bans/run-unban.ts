// The `unban` command's core: targets or --all. A target that was not banned is named, not an error: the state asked
// for (not banned) holds, whether one address or --all found nothing, so scripts can unban without checking first.
import { UsageError } from '../errors.js';
import { withContext, type ContextOptions } from './context.js';
import { gatherTargets } from './run-ban.js';
import { unbanTargets, type UnbanOutcome } from './unban.js';

export async function runUnban(
  opts: ContextOptions,
  input: { args: string[]; file?: string; all: boolean },
): Promise<UnbanOutcome> {
  if (input.all && (input.args.length > 0 || input.file !== undefined)) {
    throw new UsageError('--all lifts every ban; give either --all or addresses, not both');
  }
  const targets = input.all ? 'all' : gatherTargets(input, 'unban').toArray();
  return withContext(opts, (ctx) => unbanTargets(ctx, targets));
}
