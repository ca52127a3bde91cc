// Where the journal and its lock live: --state-dir, else PORTSENTINEL_STATE_DIR, else /var/lib/portsentinel.
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { untrustedReason } from '../util/file-trust.js';

export const DEFAULT_STATE_DIR = '/var/lib/portsentinel';

export function resolveStateDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = flag ?? env.PORTSENTINEL_STATE_DIR;
  return dir && dir.length > 0 ? dir : DEFAULT_STATE_DIR;
}

/**
 * Creates the state directory (0700: the journal names who was banned and why) and, running as root, refuses one
 * that someone other than root could change, or a journal or lock that is a link or not root's alone.
 */
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
  checkStateDir(dir);
}

/** The journal and lock file names (kept here so the check needs neither module). */
const STATE_FILES: ReadonlyArray<[string, string]> = [
  ['journal.jsonl', 'journal'],
  ['journal.lock', 'lock file'],
];

function untrusted(message: string): InputError {
  return new InputError(message, 'E_UNTRUSTED_FILE');
}

/** Throws when the state directory or a file in it fails the root-only rule (see util/file-trust.ts). */
export function checkStateDir(dir: string): void {
  const why = untrustedReason(dir, 'state directory', statSync(dir));
  if (why) throw untrusted(why);
  for (const [name, what] of STATE_FILES) {
    const path = join(dir, name);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (!st.isFile()) {
      throw untrusted(
        `refusing the ${what} ${path}: it is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}, ` +
          `and portsentinel never follows links there; remove it (rm ${path})`,
      );
    }
    const bad = untrustedReason(path, what, st);
    if (bad) throw untrusted(bad);
  }
}
