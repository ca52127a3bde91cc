// What `watch` does once its arguments are parsed: run the watch in the foreground, wiring the process's signals
// to it (SIGTERM/SIGINT stop, SIGHUP reloads), and return the final counters.
import type { BackendSetting } from '../../config/backends.js';
import { announceConfig } from './shared.js';
import type { CaptureChoice } from '../../watch/options.js';
import type { WatchSummary } from '../../watch/run-watch.js';

export interface WatchFlags {
  config?: string;
  interface: string;
  mode?: string;
  'dry-run': boolean;
  json: boolean;
  'state-dir'?: string;
  backend?: BackendSetting;
  capture: CaptureChoice;
  'nflog-group': number;
  'no-syslog': boolean;
}

export async function watch(flags: WatchFlags): Promise<WatchSummary> {
  const { runWatch } = await import('../../watch/run-watch.js');
  announceConfig(flags.config, { warn: (line) => process.stderr.write(`portsentinel: ${line}\n`) });
  // SIGHUP's default action ends the process: it is handled from here to exit, so a reload asked for while the
  // watch starts is done once it is ready, and one that arrives while it stops (responses finishing) is ignored.
  let reload: (() => void) | undefined;
  let reloadAsked = false;
  const onHup = () => {
    if (reload) reload();
    else reloadAsked = true;
  };
  process.on('SIGHUP', onHup);
  try {
    return await runWatch(
      {
        config: flags.config,
        iface: flags.interface,
        modes: flags.mode,
        dryRun: flags['dry-run'],
        json: flags.json,
        stateDir: flags['state-dir'],
        backend: flags.backend,
        capture: flags.capture,
        nflogGroup: flags['nflog-group'],
        syslog: !flags['no-syslog'],
      },
      {
        stdout: process.stdout,
        stderr: process.stderr,
        signals: (onReload) =>
          new Promise((resolve) => {
            reload = onReload;
            if (reloadAsked) {
              reloadAsked = false;
              onReload();
            }
            const stop = (sig: string) => {
              reload = undefined;
              resolve(sig);
            };
            process.once('SIGTERM', () => stop('SIGTERM'));
            process.once('SIGINT', () => stop('SIGINT'));
          }),
      },
    );
  } finally {
    process.off('SIGHUP', onHup);
  }
}
