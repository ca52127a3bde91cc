// The `unban` command's core: targets or --all, and "none of them was banned" as an error naming them.
import { InputError, UsageError } from '../errors.js';
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
  return withContext(opts, async (ctx) => {
    const result = await unbanTargets(ctx, targets);
    if (targets !== 'all' && result.unbanned.length === 0) {
      const list = result.notBanned.join(', ');
      throw new InputError(
        `${list} ${result.notBanned.length === 1 ? 'was' : 'were'} not banned; see portsentinel bans list`,
        'E_NOT_BANNED',
      );
    }
    return result;
  });
}
