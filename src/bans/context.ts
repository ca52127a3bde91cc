// Everything a ban command needs, gathered once: config (and ignore list), state directory, backend decision,
// and the ban set itself, opened on first use. `watch` builds one and keeps it for its lifetime.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { BanSetChoice } from '../config/backends.js';
import type { BanSet } from '../firewall/banset.js';
import type { BackendSelection, OpenedBanSet } from '../firewall/select.js';
import type { IgnoreEntry, PortSentryConfig } from '../config/types.js';
import { ensureStateDir, resolveStateDir } from '../state/dir.js';
import { decideBackend, openBackend, type BackendDecision } from './backend.js';

export interface ContextOptions {
  config?: string;
  stateDir?: string;
  backend?: BanSetChoice;
  /** nftables' batches sent from libuv's thread pool, for a caller that reads the next batch meanwhile. */
  sendFromThreadPool?: boolean;
}

export interface BanContext {
  stateDir: string;
  config: PortSentryConfig;
  configFile: string;
  ignore: IgnoreEntry[];
  /** HISTORY_FILE resolved against the config's directory, when one is configured. */
  historyFile?: string;
  /** BLOCKED_FILE resolved the same way; each mode's file is this plus ".tcp", ".atcp", … */
  blockedFile?: string;
  backend: BackendDecision;
  banSet(): Promise<BanSet>;
  /** Which ban set was opened and why (opens it if need be). */
  selection(): Promise<BackendSelection>;
  close(): Promise<void>;
}

export async function openContext(opts: ContextOptions): Promise<BanContext> {
  const { loadConfigOrThrow } = await import('../config/load.js');
  const loaded = await loadConfigOrThrow(opts.config);
  const stateDir = resolveStateDir(opts.stateDir);
  ensureStateDir(stateDir);
  const backend = decideBackend(opts.backend, loaded.config, loaded.file);
  const near = (f: string | undefined) =>
    f && (isAbsolute(f) || loaded.embedded ? f : resolve(dirname(resolve(loaded.file)), f));
  const historyFile = near(loaded.config.historyFile);
  const blockedFile = near(loaded.config.blockedFile);
  let opened: Promise<OpenedBanSet> | undefined;
  const open = () => (opened ??= openBackend(backend, loaded.config, stateDir, opts.sendFromThreadPool));
  return {
    stateDir,
    config: loaded.config,
    configFile: loaded.file,
    ignore: loaded.ignore,
    historyFile,
    blockedFile,
    backend,
    banSet: async () => (await open()).banSet,
    selection: async () => (await open()).selection,
    async close() {
      if (opened) await (await opened).banSet.close();
    },
  };
}

/** Opens a context, runs `fn`, always closes the ban set. */
export async function withContext<T>(opts: ContextOptions, fn: (ctx: BanContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(opts);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close().catch(() => undefined);
  }
}
