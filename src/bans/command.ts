// What the ban commands share: --config, --state-dir and --backend, duration flags, and a JSON printer that stays
// fast for 100k-row results (oclif's colourising printer tokenises the whole document).
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { InputError } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import type { BackendChoice } from './backend.js';

export const sharedFlags = {
  config: Flags.string({
    description: 'portsentry.conf to read (default /etc/portsentry/portsentry.conf, else the embedded default)',
    helpValue: 'FILE',
  }),
  'state-dir': Flags.string({
    description: 'directory of the ban journal (default $PORTSENTINEL_STATE_DIR or /var/lib/portsentinel)',
    helpValue: 'DIR',
  }),
  backend: Flags.option({
    description: 'ban set to use (default BAN_BACKEND from the config; dry-run keeps bans in a file, for tests)',
    options: ['auto', 'nftables', 'route', 'dry-run'] as const,
  })(),
};

export interface SharedFlagValues {
  config?: string;
  'state-dir'?: string;
  backend?: BackendChoice;
}

export function contextOptions(flags: SharedFlagValues) {
  return { config: flags.config, stateDir: flags['state-dir'], backend: flags.backend };
}

/** Seconds from --timeout; 0 = permanent. */
export function parseTimeoutFlag(text: string): number {
  const s = parseDuration(text);
  if (s === undefined) {
    throw new InputError(
      `--timeout "${text}" is not a duration; write e.g. 90s, 30m, 1h, 7d or permanent`,
      'E_TIMEOUT',
    );
  }
  return s;
}

/** A result whose JSON document (and final newline) is already encoded (large listings): printed as it is. */
export class RenderedJson {
  constructor(readonly chunks: Buffer[]) {}

  toJSON(): unknown {
    return JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
  }
}

export abstract class BanCommand<T> extends BaseCommand<T> {
  override logJson(json: unknown): void {
    if (json instanceof RenderedJson) for (const chunk of json.chunks) process.stdout.write(chunk);
    else super.logJson(json);
  }
}
