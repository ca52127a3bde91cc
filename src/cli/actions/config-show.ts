// What `config show` does once its arguments are parsed: load the config, print it in file form.
import type { ShowResult } from '../../config/report.js';
import type { CommandIO } from '../output.js';
import { announceConfig } from './shared.js';

export async function configShow(flags: { config?: string }, io: CommandIO): Promise<ShowResult> {
  announceConfig(flags.config, io);
  const [{ loadConfigOrThrow }, { buildShowResult }, { formatShowLines }] = await Promise.all([
    import('../../config/load.js'),
    import('../../config/report.js'),
    import('../render/config.js'),
  ]);
  const result = buildShowResult(await loadConfigOrThrow(flags.config));
  for (const line of formatShowLines(result)) io.log(line);
  return result;
}
