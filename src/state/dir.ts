// Where the journal and its lock live: --state-dir, else PORTSENTINEL_STATE_DIR, else /var/lib/portsentinel.
import { mkdirSync } from 'node:fs';
import { InputError } from '../errors.js';

export const DEFAULT_STATE_DIR = '/var/lib/portsentinel';

export function resolveStateDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = flag ?? env.PORTSENTINEL_STATE_DIR;
  return dir && dir.length > 0 ? dir : DEFAULT_STATE_DIR;
}

/** Creates the state directory (0700: the journal names who was banned and why). */
export function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot create the state directory ${dir} (${code}); pass --state-dir DIR with a writable directory`,
      'E_STATE_DIR',
      err,
    );
  }
}
