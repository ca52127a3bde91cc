// Checks of the files that hold CrowdSec secrets (machine password, bouncer key): when portsentinel runs as root,
// a file another user could write (or, for the bouncer key, read) would hand them the fleet. Pure: the file's
// owner and mode are asked of the caller.
import type { PortSentryConfig } from './types.js';
import type { ConfigProblem } from './problem.js';
import type { KeyPosition } from './checks.js';

export interface FileOwnership {
  uid: number;
  /** st_mode; only the permission bits are read. */
  mode: number;
  isFile: boolean;
}

export type StatFile = (path: string) => FileOwnership | undefined;

/**
 * What is wrong with a secret file, as the tail of a sentence, or undefined when it may be used. `readableByOthers`
 * matters for the bouncer key, which is the whole secret; the machine file is checked for writers only, as cscli
 * writes it 0644.
 */
export function secretFileProblem(
  path: string,
  st: FileOwnership | undefined,
  asRoot: boolean,
  forbidOtherRead: boolean,
): string | undefined {
  if (!st) return `"${path}" does not exist; create it with cscli or fix the path`;
  if (!st.isFile) return `"${path}" is not a regular file; point at the file cscli wrote`;
  if (!asRoot) return undefined;
  const perm = (st.mode & 0o777).toString(8).padStart(3, '0');
  if (st.uid !== 0) return `"${path}" is owned by uid ${st.uid}, not root; run chown root: "${path}"`;
  if (st.mode & 0o022) return `"${path}" is writable by group or others (mode ${perm}); run chmod go-w "${path}"`;
  if (forbidOtherRead && st.mode & 0o004) {
    return `"${path}" is readable by others (mode ${perm}); run chmod o-r "${path}"`;
  }
  return undefined;
}

export function checkSecretFiles(
  config: PortSentryConfig,
  keys: Record<string, KeyPosition>,
  file: string,
  stat: StatFile,
  asRoot: boolean,
  resolve: (path: string) => string = (p) => p,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const files: Array<[string, string | undefined, boolean]> = [
    ['CROWDSEC_MACHINE_CREDENTIALS', config.crowdsecMachineCredentials, false],
    ['CROWDSEC_BOUNCER_KEY_FILE', config.crowdsecBouncerKeyFile, true],
  ];
  for (const [key, path, forbidOtherRead] of files) {
    if (!path) continue;
    const full = resolve(path);
    const message = secretFileProblem(full, stat(full), asRoot, forbidOtherRead);
    if (!message) continue;
    const pos = keys[key] ?? { line: 1, column: 1 };
    // A missing file is a warning, as for every other path: configs are often checked away from their host.
    const severity = message.includes('does not exist') ? 'warning' : 'error';
    problems.push({ severity, file, line: pos.line, column: pos.column, key, message });
  }
  if (!config.crowdsecLapiUrl && config.crowdsecBouncerKeyFile) {
    const pos = keys.CROWDSEC_BOUNCER_KEY_FILE ?? { line: 1, column: 1 };
    problems.push({
      severity: 'error',
      file,
      line: pos.line,
      column: pos.column,
      key: 'CROWDSEC_BOUNCER_KEY_FILE',
      message: 'is set but CROWDSEC_LAPI_URL is not; set CROWDSEC_LAPI_URL to the Local API to pull from',
    });
  }
  return problems;
}
