// `portsentinel crowdsec status`: the Local API named by the config, whether its credentials work, what it enforces.
import { BaseCommand } from '../../base-command.js';
import { sharedFlags } from '../../cli/flags.js';
import type { FleetStatusReport } from '../../crowdsec/status.js';

export default class CrowdsecStatus extends BaseCommand<FleetStatusReport> {
  static override summary = 'Show the CrowdSec Local API in use, whether its credentials work, and what it enforces';
  static override description =
    'Logs the machine in and asks with the bouncer key (without moving the bouncer in the decision stream), counts ' +
    'the running bans learnt from the Local API by origin, and shows the last pull and push and the push queue.';
  static override examples = ['<%= config.bin %> crowdsec status', '<%= config.bin %> crowdsec status --json'];
  static override flags = { config: sharedFlags.config, 'state-dir': sharedFlags['state-dir'] };

  async run(): Promise<FleetStatusReport> {
    const { flags } = await this.parse(CrowdsecStatus);
    const { crowdsecStatus } = await import('../../cli/actions/crowdsec-status.js');
    return crowdsecStatus(flags, this.io());
  }
}
