// `portsentinel crowdsec pull`: the bouncer alone, for hosts that do not run `watch`.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { sharedFlags } from '../../cli/flags.js';
import type { PullSummary } from '../../crowdsec/run-pull.js';

export default class CrowdsecPull extends BaseCommand<PullSummary> {
  static override summary = 'Enforce the decisions of a CrowdSec Local API in the kernel ban sets (foreground)';
  static override description =
    'Reads the whole decision list, then the changes every CROWDSEC_POLL_INTERVAL, and applies each answer as one ' +
    'batch: Ip decisions into banned4/banned6, Range decisions into bannednet4/bannednet6, with the time left as ' +
    'the kernel timeout. The never-ban rules apply. The Local API may come and go: it keeps retrying. ' +
    'SIGTERM stops it and leaves the bans in the kernel.';
  static override examples = [
    '<%= config.bin %> crowdsec pull --config /etc/portsentry/portsentry.conf',
    '<%= config.bin %> crowdsec pull --once',
  ];
  static override flags = {
    ...sharedFlags,
    once: Flags.boolean({ description: 'apply the current decision list and exit', default: false }),
  };

  async run(): Promise<PullSummary> {
    const { flags } = await this.parse(CrowdsecPull);
    const { crowdsecPull } = await import('../../cli/actions/crowdsec-pull.js');
    return crowdsecPull(flags, (line) => this.log(line), this.io());
  }
}
