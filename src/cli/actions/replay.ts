// What `replay` does once its arguments are parsed, whichever entry path parsed them.
import type { BlockMethod } from '../../config/backends.js';
import type { ReplayReport } from '../../replay/report-types.js';
import type { CommandIO } from '../output.js';

export interface ReplayFlags {
  config?: string;
  mode?: string;
  host?: string[];
  listening?: string[];
  backend?: string;
  log?: boolean;
}

export async function replay(flags: ReplayFlags, captures: string[], io: CommandIO): Promise<ReplayReport> {
  const [{ runReplay }, { renderReport }, { createProgressBar }] = await Promise.all([
    import('../../replay/run-replay.js'),
    import('../render/replay.js'),
    import('../../replay/progress.js'),
  ]);
  const bar = createProgressBar(process.stderr);
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
  }).finally(() => bar?.done());
  for (const w of report.warnings) io.warn(`warning: ${w}`);
  io.log(renderReport(report, { log: flags.log === true }).join('\n'));
  return report;
}
