// Files only root can change, asked of the file system. Running as root, portsentinel acts on what its config,
// ignore file and journal say (commands run, addresses exempted, bans restored at boot), so each of them, and the
// state directory and lock, must pass the rule of root-only.ts. Anything else is refused with one sentence naming
// the file, its owner (by name) and mode, and the command that fixes it.
// PORTSENTINEL_INSECURE_FILES=1 turns the check off for unusual setups; it is never the default.
import { lstatSync, readFileSync, type Stats } from 'node:fs';
import { INSECURE_ENV, rootOnlyProblem, trustChecksApply } from './root-only.js';

export { INSECURE_ENV, trustChecksApply };

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
  if (s.uid === 0 && (s.mode & 0o022) === 0) return undefined;
  return rootOnlyProblem(path, what, s, { owner: ownerName(s.uid) });
}
