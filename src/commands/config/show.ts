// `portsentinel config show`: the effective configuration, defaults filled in; refuses a config with errors.
import { BaseCommand } from '../../base-command.js';
import { configFlag } from '../../cli/flags.js';
import type { ShowResult } from '../../config/report.js';

export default class ConfigShow extends BaseCommand<ShowResult> {
  static override summary = 'Show the effective configuration, defaults filled in';
  static override description =
    'Prints every key as KEY="value", marking the ones the file does not set with "# default". ' +
    'Without --config: /etc/portsentry/portsentry.conf, else the embedded default.';
  static override examples = ['<%= config.bin %> <%= command.id %> --config ./portsentry.conf --json'];
  static override flags = {
    config: configFlag,
  };

  async run(): Promise<ShowResult> {
    const { flags } = await this.parse(ConfigShow);
    const { loadConfigOrThrow } = await import('../../config/load.js');
    const { buildShowResult, formatShowLines } = await import('../../config/report.js');
    const result = buildShowResult(await loadConfigOrThrow(flags.config));
    if (!this.jsonEnabled()) for (const line of formatShowLines(result)) this.log(line);
    return result;
  }
}
