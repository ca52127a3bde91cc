// What `bans list` does once its arguments are parsed, whichever entry path parsed them.
import type { ListOutcome } from '../../bans/list.js';
import { RenderedJson, type CommandIO } from '../output.js';
import { announceConfig, contextOptions, type SharedBanFlags } from './shared.js';

export interface BansListFlags extends SharedBanFlags {
  family?: string;
}

function skippedText(n: number): string {
  return `${n} journal line(s) skipped: not valid ban records (damaged or not written by portsentinel)`;
}

export async function listBansCommand(flags: BansListFlags, io: CommandIO): Promise<ListOutcome | RenderedJson> {
  announceConfig(flags.config, io);
  const [{ withContext }, { listBans, listBansJson }] = await Promise.all([
    import('../../bans/context.js'),
    import('../../bans/list.js'),
  ]);
  const family = flags.family === undefined ? undefined : (Number(flags.family) as 4 | 6);
  if (io.json) {
    // The document is written straight from the merge: 100k rows never become objects.
    const { chunks, skippedLines } = await withContext(contextOptions(flags), (ctx) => listBansJson(ctx, family));
    if (skippedLines > 0) io.warn(skippedText(skippedLines));
    return new RenderedJson(chunks);
  }
  const result = await withContext(contextOptions(flags), (ctx) => listBans(ctx, family));
  const { formatBanTable } = await import('../render/ban-table.js');
  io.log(formatBanTable(result));
  if (result.skippedLines > 0) io.warn(skippedText(result.skippedLines));
  return result;
}
