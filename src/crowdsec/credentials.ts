// Reading the two secret files: the machine credentials YAML `cscli machines add -f` writes, and the bouncer key.
// The owner and mode rules are every root-read file's (config/secret-files.ts), checked again at the moment of
// reading.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { SECRET_FILES, secretFileProblem } from '../config/secret-files.js';
import { trustChecksApply } from '../util/root-only.js';

export interface MachineCredentials {
  url?: string;
  login: string;
  password: string;
}

/** Far more than any credentials file; refuses to read a wrong path's large file. */
const MAX_SECRET_BYTES = 64 * 1024;

function readSecret(path: string, key: keyof typeof SECRET_FILES): string {
  const st = statSync(path, { throwIfNoEntry: false });
  const { what, forbidOtherRead } = SECRET_FILES[key];
  const problem = secretFileProblem(
    path,
    what,
    st && { uid: st.uid, mode: st.mode, isFile: st.isFile() },
    trustChecksApply(),
    forbidOtherRead,
  );
  if (problem) throw new InputError(`${key} ${problem}`, 'E_CROWDSEC_SECRET');
  if (st!.size > MAX_SECRET_BYTES) {
    throw new InputError(
      `${key} "${path}" is ${st!.size} bytes, too large for a credentials file`,
      'E_CROWDSEC_SECRET',
    );
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InputError(`${key} "${path}" cannot be read (${code})`, 'E_CROWDSEC_SECRET', err);
  }
}

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;

/**
 * The yaml package, loaded with the first machine file read: a bouncer given only a key never needs it, and
 * loading it costs a start-up about 80 ms (a few dozen files to find and compile).
 */
function loadYaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
}

export function readMachineCredentials(path: string): MachineCredentials {
  const text = readSecret(path, 'CROWDSEC_MACHINE_CREDENTIALS');
  let doc: unknown;
  try {
    doc = loadYaml().parse(text, { maxAliasCount: 0 });
  } catch (err) {
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new InputError(
      `CROWDSEC_MACHINE_CREDENTIALS "${path}"${line ? ` line ${line}` : ''} is not YAML; write it again with cscli machines add NAME -f FILE`,
      'E_CROWDSEC_SECRET',
      err,
    );
  }
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  for (const field of ['login', 'password'] as const) {
    if (typeof d[field] !== 'string' || d[field] === '') {
      throw new InputError(
        `CROWDSEC_MACHINE_CREDENTIALS "${path}" has no ${field}; it needs url, login and password as cscli machines add -f writes them`,
        'E_CROWDSEC_SECRET',
      );
    }
  }
  return {
    url: typeof d.url === 'string' && d.url !== '' ? d.url : undefined,
    login: d.login as string,
    password: d.password as string,
  };
}

export function readBouncerKey(path: string): string {
  const key = readSecret(path, 'CROWDSEC_BOUNCER_KEY_FILE').trim();
  if (!/^[\x21-\x7e]{1,512}$/.test(key)) {
    throw new InputError(
      `CROWDSEC_BOUNCER_KEY_FILE "${path}" does not hold one key; put the key cscli bouncers add NAME -o raw printed in it, alone`,
      'E_CROWDSEC_SECRET',
    );
  }
  return key;
}
