// The one owner-and-mode rule for every file portsentinel acts on as root (config, ignore file, state directory,
// journal, lock, CrowdSec secrets): the rule sshd's StrictModes and sudo apply. Owned by root and writable by nobody
// else, and a secret also unreadable by others. Pure: the file's owner and mode are the caller's to ask.

export const INSECURE_ENV = 'PORTSENTINEL_INSECURE_FILES';

export interface Ownership {
  uid: number;
  /** st_mode; only the permission bits are read. */
  mode: number;
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/**
 * Why `path` (`what`: "config file", "state directory", ...) may not be trusted, as one sentence naming its owner,
 * mode and the commands that fix it; undefined when it may. `secret`: others must not read it either. `owner` names
 * the owner (default `uid N`).
 */
export function rootOnlyProblem(
  path: string,
  what: string,
  st: Ownership,
  opts: { secret?: boolean; owner?: string } = {},
): string | undefined {
  const fixes: string[] = [];
  if (st.uid !== 0) fixes.push(`chown root ${path}`);
  if ((st.mode & 0o022) !== 0) fixes.push(`chmod go-w ${path}`);
  const writable = fixes.length > 0;
  if (opts.secret && (st.mode & 0o004) !== 0) fixes.push(`chmod o-r ${path}`);
  if (fixes.length === 0) return undefined;
  const risk = writable
    ? 'a user other than root could change what portsentinel does as root'
    : 'any user could read the secret it holds';
  return (
    `refusing the ${what} ${path}: it is owned by ${opts.owner ?? `uid ${st.uid}`} with mode ${octal(st.mode)}, ` +
    `so ${risk}; run: ${fixes.join(' && ')} (or set ${INSECURE_ENV}=1 to accept it)`
  );
}

/** Whether the rule applies: running as root, and not turned off. */
export function trustChecksApply(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.getuid?.() === 0 && env[INSECURE_ENV] !== '1';
}
