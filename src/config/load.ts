// The I/O shell around the pure parser: reads portsentry.conf (or the embedded default) and its ignore file,
// and asks the file system which named paths exist. Nothing is written.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { IgnoreEntry, PortSentryConfig } from './types.js';
import type { ConfigProblem } from './problem.js';
import { formatProblem, sortProblems } from './problem.js';
import { parseConfigText, type ConfigParseResult, type Dialect } from './parse.js';
import { parseIgnoreText } from './ignore.js';
import { checkFiles } from './files.js';
import { checkSecretFiles, type StatFile } from './secret-files.js';
import { DEFAULT_CONFIG_FILE_NAME, DEFAULT_CONFIG_TEXT } from './default-config.js';
import { InputError } from '../errors.js';
import { trustChecksApply, untrustedReason } from '../util/file-trust.js';
import { MAX_CONFIG_BYTES, ReadRefused, readBoundedFile, unreadableReason } from '../util/read-bounded.js';

export const DEFAULT_CONFIG_PATH = '/etc/portsentry/portsentry.conf';
/** `--config embedded` picks the built-in defaults even where /etc/portsentry/portsentry.conf exists. */
export const EMBEDDED_CONFIG = 'embedded';
/** Larger than any real portsentry.conf or ignore file by far; refuses to slurp a disk image by mistake. */
const MAX_FILE_BYTES = MAX_CONFIG_BYTES;

export interface LoadedConfig {
  file: string;
  config: PortSentryConfig;
  ignore: IgnoreEntry[];
  problems: ConfigProblem[];
  embedded: boolean;
  dialect: Dialect;
  keys: ConfigParseResult['keys'];
  values: ConfigParseResult['values'];
}

/** What the loader needs from the file system; tests pass their own to make results independent of the host. */
export interface ConfigIo {
  readFile(path: string): Promise<Uint8Array>;
  exists(path: string): boolean;
  /** Owner and mode of a file (for the secret files' checks); those checks are skipped without it. */
  stat?: StatFile;
  /** Why a file may not be trusted (running as root, someone else could change it), or undefined. */
  untrusted?(path: string, what: string): string | undefined;
  /** Why a file portsentinel will read later is not a regular file under `limit` bytes, or undefined. */
  unreadable?(path: string, limit: number): string | undefined;
}

// Read synchronously: a config and its ignore file are small, and node:fs/promises would be one more module for
// every command to load.
export const nodeIo: ConfigIo = {
  // Regular files only, read no further than the limit: /dev/zero or a FIFO named as a config is refused at once.
  readFile: async (p) => readBoundedFile(p, MAX_FILE_BYTES),
  exists: (p) => existsSync(p),
  untrusted: (p, what) => untrustedReason(p, what),
  stat: (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    return st && { uid: st.uid, mode: st.mode, isFile: st.isFile() };
  },
  unreadable: (p, limit) => unreadableReason(p, limit),
};

/** Problems that stop a file being used at all: their message is a whole sentence naming the file. */
const wholeFile = new WeakSet<ConfigProblem>();

function fileProblem(file: string, message: string): ConfigProblem {
  const p: ConfigProblem = { severity: 'error', file, line: 1, column: 1, key: null, message };
  wholeFile.add(p);
  return p;
}

function readFailure(path: string, err: unknown): string {
  if (err instanceof ReadRefused) return `config file ${err.message}; pass portsentry.conf itself with --config`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `config file "${path}" does not exist; pass an existing portsentry.conf with --config`;
  if (code === 'EACCES')
    return `config file "${path}" cannot be read (permission denied); run as a user who can read it`;
  if (code === 'EISDIR') return `config file "${path}" is a directory; pass the portsentry.conf file inside it`;
  return `config file "${path}" cannot be read (${code ?? String(err)}); check the path given with --config`;
}

/** UTF-8 text; bytes that are not UTF-8 become U+FFFD, which the parsers report by line. */
export function decodeText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function tooLarge(file: string, size: number): ConfigProblem {
  return {
    severity: 'error',
    file,
    line: 1,
    column: 1,
    key: null,
    message: `is ${size} bytes, far too large for a config file; point at portsentry.conf itself`,
  };
}

/**
 * The file a --config value stands for: the path given; none for `embedded`; and when no --config was given,
 * /etc/portsentry/portsentry.conf if it exists. Undefined means the built-in configuration.
 */
export function pickConfigPath(path: string | undefined, exists: (p: string) => boolean): string | undefined {
  if (path === EMBEDDED_CONFIG) return undefined;
  return path ?? (exists(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
}

export async function loadConfig(path?: string, io: ConfigIo = nodeIo): Promise<LoadedConfig> {
  const chosen = pickConfigPath(path, io.exists);
  let text = DEFAULT_CONFIG_TEXT;
  const file = chosen ?? DEFAULT_CONFIG_FILE_NAME;
  if (chosen !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = await io.readFile(chosen);
    } catch (err) {
      throw new InputError(readFailure(chosen, err), 'E_CONFIG_READ', err);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      const parsed = parseConfigText('', file);
      return { file, ...parsed, problems: [tooLarge(file, bytes.length)], ignore: [], embedded: false };
    }
    text = decodeText(bytes);
  }

  const parsed = parseConfigText(text, file);
  // Relative paths in the config are taken from the config's own directory, not from wherever the command runs.
  const base = chosen === undefined ? process.cwd() : dirname(resolve(chosen));
  const resolvePath = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const problems = [...parsed.problems, ...checkFiles(parsed.config, parsed.keys, file, io.exists, resolvePath)];
  if (io.stat) {
    problems.push(...checkSecretFiles(parsed.config, parsed.keys, file, io.stat, trustChecksApply(), resolvePath));
  }
  const configTrust = chosen !== undefined && io.untrusted?.(chosen, 'config file');
  if (configTrust) problems.push(fileProblem(file, configTrust));

  let ignore: IgnoreEntry[] = [];
  const ignorePath = parsed.config.ignoreFile && resolvePath(parsed.config.ignoreFile);
  const ignoreUnreadable = ignorePath && io.exists(ignorePath) && io.unreadable?.(ignorePath, MAX_FILE_BYTES);
  const ignoreTrust = ignorePath && io.exists(ignorePath) && io.untrusted?.(ignorePath, 'ignore file');
  if (ignoreUnreadable) {
    problems.push(fileProblem(file, `IGNORE_FILE ${ignoreUnreadable}; point IGNORE_FILE at the ignore list itself`));
  } else if (ignoreTrust) problems.push(fileProblem(file, ignoreTrust));
  else if (ignorePath && io.exists(ignorePath)) {
    try {
      const bytes = await io.readFile(ignorePath);
      if (bytes.length > MAX_FILE_BYTES) problems.push(tooLarge(ignorePath, bytes.length));
      else {
        const result = parseIgnoreText(decodeText(bytes), ignorePath);
        ignore = result.entries;
        problems.push(...result.problems);
      }
    } catch (err) {
      const pos = parsed.keys.IGNORE_FILE ?? { line: 1, column: 1 };
      if (err instanceof ReadRefused) {
        problems.push(fileProblem(file, `IGNORE_FILE ${err.message}; point IGNORE_FILE at the ignore list itself`));
      } else
        problems.push({
          severity: 'warning',
          file,
          line: pos.line,
          column: pos.column,
          key: 'IGNORE_FILE',
          message: `"${ignorePath}" cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); no address is ignored`,
        });
    }
  }
  const deny = parsed.config.killHostsDeny && parsed.config.hostsDenyFile && resolvePath(parsed.config.hostsDenyFile);
  // hosts.deny is appended to, and only its last 64 KiB are ever read (respond/hosts-deny.ts): years of bans make
  // it large, and that is no reason to refuse it. It must still be a regular file.
  const denyProblem = deny && io.exists(deny) && io.unreadable?.(deny, Number.POSITIVE_INFINITY);
  if (denyProblem) problems.push(fileProblem(file, `HOSTS_DENY_FILE ${denyProblem}; set it to hosts.deny itself`));
  return {
    file,
    config: parsed.config,
    ignore,
    problems: sortProblems(problems),
    embedded: chosen === undefined,
    dialect: parsed.dialect,
    keys: parsed.keys,
    values: parsed.values,
  };
}

/** loadConfig, refusing a config with errors: the first one, and how many more, in one sentence. */
export async function loadConfigOrThrow(path?: string, io: ConfigIo = nodeIo): Promise<LoadedConfig> {
  const loaded = await loadConfig(path, io);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return loaded;
  // A file that may not be used at all is the one sentence to give.
  const whole = errors.find((p) => wholeFile.has(p));
  if (whole) throw new InputError(whole.message, 'E_UNTRUSTED_FILE');
  const [first] = errors;
  const more = errors.length - 1;
  const suffix = more > 0 ? ` (${more} more error${more === 1 ? '' : 's'}; run "portsentinel config validate")` : '';
  throw new InputError(
    `${first.file}:${first.line}:${first.column}: ${first.key ?? '-'} ${first.message}${suffix}`,
    'E_CONFIG_INVALID',
  );
}

export { formatProblem };
