// What `crowdsec pull` does once its flags are parsed: run the bouncer until SIGTERM/SIGINT (or once).
import type { PullSummary } from '../../crowdsec/run-pull.js';
import type { CommandIO } from '../output.js';
import { announceConfig, contextOptions, type SharedBanFlags } from './shared.js';

export type CrowdsecPullFlags = SharedBanFlags & { once: boolean };

export async function crowdsecPull(
  flags: CrowdsecPullFlags,
  log: (line: string) => void,
  io: CommandIO,
): Promise<PullSummary> {
  announceConfig(flags.config, io);
  const { runPull } = await import('../../crowdsec/run-pull.js');
  return runPull(contextOptions(flags), {
    once: flags.once,
    log,
    stop: () =>
      new Promise((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      }),
  });
}
