// `portsentinel config validate`: checks a portsentry.conf and its ignore file; touches nothing.
import { BaseCommand } from '../../base-command.js';
import { configFlag } from '../../cli/flags.js';
import type { ValidateResult } from '../../config/report.js';

export default class ConfigValidate extends BaseCommand<ValidateResult> {
  static override summary = 'Check a PortSentry configuration and its ignore file';
  static override description =
    'Reads portsentry.conf (1.2 or 2.x dialect) and the ignore file it names, and prints every problem as ' +
    'file:line:col error|warning KEY message. Exits 1 when there is an error; warnings alone exit 0. ' +
    'Without --config: /etc/portsentry/portsentry.conf, else the embedded default.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --config ./portsentry.conf --json',
  ];
  static override flags = {
    config: configFlag,
  };

  async run(): Promise<ValidateResult> {
    const { flags } = await this.parse(ConfigValidate);
    const { configValidate } = await import('../../cli/actions/config-validate.js');
    const result = await configValidate(flags, this.io());
    // An invalid config is a result (printed in full, as JSON under --json) that still fails the command.
    // this.exit() would make oclif print its own JSON error object after ours.
    if (!result.valid) process.exitCode = 1;
    return result;
  }
}
