// What `crowdsec status` does once its flags are parsed: read the fleet's state and check its credentials.
import type { FleetStatusReport } from '../../crowdsec/status.js';
import type { CommandIO } from '../output.js';
import { announceConfig } from './shared.js';

export async function crowdsecStatus(
  flags: { config?: string; 'state-dir'?: string },
  io: CommandIO,
): Promise<FleetStatusReport> {
  announceConfig(flags.config, io);
  const [{ openContext }, { readFleetStatusReport }, { formatFleetStatus }] = await Promise.all([
    import('../../bans/context.js'),
    import('../../crowdsec/status.js'),
    import('../render/fleet-status.js'),
  ]);
  // Status reads the journal and asks the Local API; it opens no kernel ban set.
  const ctx = await openContext({ config: flags.config, stateDir: flags['state-dir'], backend: 'file' });
  try {
    const report = await readFleetStatusReport(ctx);
    io.log(formatFleetStatus(report));
    return report;
  } finally {
    await ctx.close().catch(() => undefined);
  }
}
