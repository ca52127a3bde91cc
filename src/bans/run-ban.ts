// The `ban` command's core: gather targets from arguments and/or a file, default the timeout from the config,
// ban, and turn "everything refused" into an error that names each rule.
import { InputError, UsageError } from '../errors.js';
import { MAX_BAN_FILE_BYTES, ReadRefused, readBoundedFile } from '../util/read-bounded.js';
import { banTargets, type BanOutcome } from './ban.js';
import type { Progress } from './apply.js';
import { withContext, type ContextOptions } from './context.js';
import { TargetList } from '../net/targets.js';
import { parseTargetArgs, parseTargetBytes } from './targets.js';

export interface BanCommandInput {
  args: string[];
  file?: string;
  /** Seconds (0 = permanent); undefined = BAN_TIMEOUT from the config. */
  timeout?: number;
  reason?: string;
  force?: boolean;
  /** Told as slices of a large ban reach the kernel. */
  progress?: Progress;
}

function readTargetsFile(file: string): Buffer {
  try {
    return readBoundedFile(file, MAX_BAN_FILE_BYTES);
  } catch (err) {
    if (err instanceof ReadRefused) {
      throw new InputError(`cannot read --file: ${err.message}; give a file of addresses, or - for stdin`, err.code);
    }
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InputError(`cannot read --file ${file} (${code}); give an existing file of addresses, or - for stdin`);
  }
}

/** Arguments first, then the file's lines; each target once, where it first appears. */
export function gatherTargets(input: BanCommandInput, what: string): TargetList {
  if (input.args.length === 0 && input.file === undefined) {
    throw new UsageError(`give at least one address or prefix, or --file FILE; e.g. portsentinel ${what} 192.0.2.66`);
  }
  const targets = parseTargetArgs(input.args, what);
  if (input.file === undefined) return TargetList.from(targets);
  const name = input.file === '-' ? 'stdin' : input.file;
  return parseTargetBytes(readTargetsFile(input.file), name, what, targets);
}

export async function runBan(opts: ContextOptions, input: BanCommandInput): Promise<BanOutcome> {
  const targets = gatherTargets(input, 'ban');
  if (targets.length === 0) throw new InputError(`--file ${input.file} holds no addresses; nothing to ban`, 'E_EMPTY');
  return withContext(opts, async (ctx) => {
    const result = await banTargets(ctx, {
      targets,
      timeout: input.timeout ?? ctx.config.banTimeout,
      reason: input.reason,
      origin: 'manual',
      force: input.force,
      progress: input.progress,
    });
    if (result.banned.length === 0) {
      if (result.refused.length === 0) {
        throw new InputError(`nothing banned: ${result.warnings.join('; ')}`, 'E_KERNEL_REFUSED');
      }
      const rules = result.refused.map((r) => r.rule).join('; ');
      throw new InputError(`nothing banned: ${rules}; pass --force to ban anyway`, 'E_NEVER_BAN');
    }
    return result;
  });
}
