// `portsentinel watch`: live protection in the foreground until SIGTERM (bans stay); SIGHUP reloads the config.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { configFlag, stateDirFlag } from '../cli/flags.js';
import { BACKEND_SETTINGS } from '../config/backends.js';
import type { WatchSummary } from '../watch/run-watch.js';

export default class Watch extends BaseCommand<WatchSummary> {
  // --json here streams one event per line while running, not one document at exit.
  static override enableJsonFlag = false;
  static override summary = 'Detect port scans live and ban the scanners (runs in the foreground)';
  static override description =
    'Captures scan candidates (NFLOG from the ban table, or tcpdump where nftables is missing), judges them with ' +
    'the same engine as replay, and runs the response in PortSentry order. SIGHUP reloads the config and ignore ' +
    'file; SIGTERM stops and leaves every ban in the kernel.';
  static override examples = [
    '<%= config.bin %> watch',
    '<%= config.bin %> watch --config /etc/portsentry/portsentry.conf --interface eth0',
    '<%= config.bin %> watch --dry-run --json',
  ];
  static override flags = {
    config: configFlag,
    interface: Flags.string({ description: 'interface to watch, or "any"', default: 'any', helpValue: 'IF' }),
    mode: Flags.string({
      description: 'modes, comma list (default TCP_MODE,UDP_MODE of the config)',
      helpValue: 'LIST',
    }),
    'dry-run': Flags.boolean({ description: 'detect and log the plan, change nothing', default: false }),
    json: Flags.boolean({ description: 'one JSON event per line on stdout', default: false }),
    'state-dir': stateDirFlag,
    backend: Flags.option({
      description: 'block step: the nftables set, blackhole routes, or KILL_ROUTE (default BAN_BACKEND)',
      options: BACKEND_SETTINGS,
    })(),
    capture: Flags.option({
      description: 'packet source: NFLOG from the ban table, or a tcpdump child',
      options: ['auto', 'nflog', 'tcpdump'] as const,
      default: 'auto' as const,
    })(),
    'nflog-group': Flags.integer({ description: 'NFLOG group of the log rules', min: 0, max: 65535, default: 4711 }),
    'no-syslog': Flags.boolean({
      description: 'write alert lines to stdout even when /dev/log exists',
      default: false,
    }),
  };

  async run(): Promise<WatchSummary> {
    const { flags } = await this.parse(Watch);
    const { watch } = await import('../cli/actions/watch.js');
    return watch(flags);
  }
}
