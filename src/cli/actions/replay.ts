// What `replay` does once its arguments are parsed, whichever entry path parsed them.
import type { BlockMethod } from '../../config/backends.js';
import type { ReplayReport } from '../../replay/report-types.js';
import type { CommandIO } from '../output.js';
import { announceConfig } from './shared.js';

export interface ReplayFlags {
  config?: string;
  mode?: string;
  host?: string[];
  listening?: string[];
  backend?: string;
  log?: boolean;
}

export async function replay(flags: ReplayFlags, captures: string[], io: CommandIO): Promise<ReplayReport | undefined> {
  announceConfig(flags.config, io);
  const [{ runReplay }, { renderReport }, { createProgressBar }, { AlertJson }, { writeReplayJson }] =
    await Promise.all([
      import('../../replay/run-replay.js'),
      import('../render/replay.js'),
      import('../../replay/progress.js'),
      import('../../replay/alert-json.js'),
      import('../../replay/write-json.js'),
    ]);
  const bar = createProgressBar(process.stderr);
  // --json without --log: the alerts, most of a large document, are kept compact and encoded as the document is
  // written (alert-json.ts), here rather than by the caller, which would need it whole in memory.
  const alertJson = io.json && flags.log !== true ? new AlertJson() : undefined;
  const report = await runReplay({
    captures,
    configPath: flags.config,
    modes: flags.mode,
    hosts: flags.host,
    listening: flags.listening,
    backend: flags.backend as BlockMethod | undefined,
    keepAlerts: io.json || flags.log === true,
    keepLog: flags.log === true,
    onProgress: bar && ((s, pass, read, total) => bar.update(s, pass, read, total)),
    alertJson,
  }).finally(() => bar?.done());
  for (const w of report.warnings) io.warn(`warning: ${w}`);
  if (alertJson) {
    await writeReplayJson(process.stdout, report, alertJson);
    return undefined;
  }
  if (!io.json) io.log(renderReport(report, { log: flags.log === true }).join('\n'));
  return report;
}
