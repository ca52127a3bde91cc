// Files only root can change: the rule sshd's StrictModes and sudo apply. Running as root, portsentinel acts on
// what its config, ignore file and journal say (commands run, addresses exempted, bans restored at boot), so each
// of them, and the state directory and lock, must be owned by root and writable by nobody else. Anything else is
// refused with one sentence naming the file, its owner and mode, and the command that fixes it.
// PORTSENTINEL_INSECURE_FILES=1 turns the check off for unusual setups; it is never the default.
import { lstatSync, readFileSync, type Stats } from 'node:fs';

export const INSECURE_ENV = 'PORTSENTINEL_INSECURE_FILES';

/** Whether the check applies: running as root, and not turned off. */
export function trustChecksApply(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.getuid?.() === 0 && env[INSECURE_ENV] !== '1';
}

let users: Map<number, string> | undefined;

/** The user name of `uid` from /etc/passwd (read once, at most 1 MiB), or `uid N`. */
function ownerName(uid: number): string {
  if (!users) {
    users = new Map();
    try {
      const text = readFileSync('/etc/passwd', 'utf8').slice(0, 1 << 20);
      for (const line of text.split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id !== undefined && /^\d+$/.test(id)) users.set(Number(id), name);
      }
    } catch {
      // no names: numbers do
    }
  }
  const name = users.get(uid);
  return name === undefined ? `uid ${uid}` : `${name} (uid ${uid})`;
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/**
 * Why `path` (`what`: "config file", "state directory", ...) may not be trusted, or undefined when it may (or
 * when it does not exist, or the check does not apply). `st` is its lstat when the caller has one.
 */
export function untrustedReason(path: string, what: string, st?: Stats): string | undefined {
  if (!trustChecksApply()) return undefined;
  let s = st;
  if (!s) {
    try {
      s = lstatSync(path);
    } catch {
      return undefined;
    }
  }
  const fixes: string[] = [];
  if (s.uid !== 0) fixes.push(`chown root ${path}`);
  if ((s.mode & 0o022) !== 0) fixes.push(`chmod go-w ${path}`);
  if (fixes.length === 0) return undefined;
  return (
    `refusing the ${what} ${path}: it is owned by ${ownerName(s.uid)} with mode ${octal(s.mode)}, so a user ` +
    `other than root could change what portsentinel does as root; run: ${fixes.join(' && ')} ` +
    `(or set ${INSECURE_ENV}=1 to accept it)`
  );
}
