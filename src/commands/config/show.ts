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
    const { configShow } = await import('../../cli/actions/config-show.js');
    return configShow(flags, this.io());
  }
}
