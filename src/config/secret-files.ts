// Checks of the files that hold CrowdSec secrets (machine password, bouncer key): when portsentinel runs as root,
// a file another user could write (or, for the bouncer key, read) would hand them the fleet. The rule is every
// root-read file's (util/root-only.ts). Pure: the file's owner and mode are asked of the caller.
import { rootOnlyProblem } from '../util/root-only.js';
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
 * What is wrong with a secret file (`what` names it: "bouncer key file"), as a sentence naming the file, or
 * undefined when it may be used. `asRoot`: the owner-and-mode rule applies (util/root-only.ts trustChecksApply).
 * `forbidOtherRead` matters for the bouncer key, which is the whole secret; the machine file is checked for writers
 * only, as cscli writes it 0644.
 */
export function secretFileProblem(
  path: string,
  what: string,
  st: FileOwnership | undefined,
  asRoot: boolean,
  forbidOtherRead: boolean,
): string | undefined {
  if (!st) return `the ${what} ${path} does not exist; create it with cscli or fix the path`;
  if (!st.isFile) return `the ${what} ${path} is not a regular file; point at the file cscli wrote`;
  if (!asRoot) return undefined;
  return rootOnlyProblem(path, what, st, { secret: forbidOtherRead });
}

/** The secret-file keys, what each file is, and whether others may read it. */
export const SECRET_FILES = {
  CROWDSEC_MACHINE_CREDENTIALS: { what: 'machine credentials file', forbidOtherRead: false },
  CROWDSEC_BOUNCER_KEY_FILE: { what: 'bouncer key file', forbidOtherRead: true },
} as const;

export function checkSecretFiles(
  config: PortSentryConfig,
  keys: Record<string, KeyPosition>,
  file: string,
  stat: StatFile,
  asRoot: boolean,
  resolve: (path: string) => string = (p) => p,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const files: Array<[keyof typeof SECRET_FILES, string | undefined]> = [
    ['CROWDSEC_MACHINE_CREDENTIALS', config.crowdsecMachineCredentials],
    ['CROWDSEC_BOUNCER_KEY_FILE', config.crowdsecBouncerKeyFile],
  ];
  for (const [key, path] of files) {
    if (!path) continue;
    const full = resolve(path);
    const { what, forbidOtherRead } = SECRET_FILES[key];
    const message = secretFileProblem(full, what, stat(full), asRoot, forbidOtherRead);
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
