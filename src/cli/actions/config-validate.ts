// What `config validate` does once its arguments are parsed: load the config, print every problem and a verdict.
import type { ValidateResult } from '../../config/report.js';
import type { CommandIO } from '../output.js';
import { announceConfig } from './shared.js';

export async function configValidate(flags: { config?: string }, io: CommandIO): Promise<ValidateResult> {
  announceConfig(flags.config, io);
  const [{ loadConfig }, { buildValidateResult }, { formatValidateLines }] = await Promise.all([
    import('../../config/load.js'),
    import('../../config/report.js'),
    import('../render/config.js'),
  ]);
  const loaded = await loadConfig(flags.config);
  const result = buildValidateResult(loaded);
  for (const line of formatValidateLines(loaded)) io.log(line);
  return result;
}
