// The fast path for the hot commands (replay, ban, unban, bans list, crowdsec pull): they run without loading the CLI framework,
// whose start-up alone costs more than a one-address ban. The flag specs come from the oclif command classes (the
// build writes them beside this module), the actions are the ones the oclif commands call, and output and
// failures go through the same functions — so both paths behave alike. Help, unusual argument lists and
// anything the fast parser does not fully understand fall through to oclif.
import { readFileSync } from 'node:fs';
import type { BanFlags } from './actions/ban.js';
import type { BansListFlags } from './actions/bans-list.js';
import type { CrowdsecPullFlags } from './actions/crowdsec-pull.js';
import type { ReplayFlags } from './actions/replay.js';
import type { UnbanFlags } from './actions/unban.js';
import { parseFastArgv, type FastCommandSpec, type FastParsed } from './fast-argv.js';
import { createCommandIO, writeJson, type CommandIO } from './output.js';

type Action = (parsed: FastParsed, io: CommandIO) => Promise<unknown>;

const ACTIONS: Record<string, Action> = {
  replay: async (p, io) => (await import('./actions/replay.js')).replay(p.flags as ReplayFlags, p.argv, io),
  ban: async (p, io) => (await import('./actions/ban.js')).ban(p.flags as BanFlags, p.argv, io),
  unban: async (p, io) => (await import('./actions/unban.js')).unban(p.flags as UnbanFlags, p.argv, io),
  'bans:list': async (p, io) => (await import('./actions/bans-list.js')).listBansCommand(p.flags as BansListFlags, io),
  // The bouncer's start is timed from its launch: the startup list is asked for before oclif could have loaded.
  'crowdsec:pull': async (p, io) =>
    (await import('./actions/crowdsec-pull.js')).crowdsecPull(
      p.flags as unknown as CrowdsecPullFlags,
      (l) => io.log(l),
      io,
    ),
};

/** Command ids (oclif's, topics joined by ":") that take the fast path. */
export const FAST_COMMAND_IDS = Object.keys(ACTIONS);

/** Where the build writes the flag specs of FAST_COMMAND_IDS. */
export const FAST_SPECS_URL = new URL('./fast-path.json', import.meta.url);

/**
 * Runs the command in `argv` (the words after the program name) when the fast path can; false when oclif must.
 * Sets process.exitCode; never throws for a failing command.
 */
export async function runFastPath(argv: readonly string[], env = process.env): Promise<boolean> {
  // Opt-out, and oclif's own JSON switch, which this path does not model.
  if (env.PORTSENTINEL_FAST_PATH === '0' || env.PORTSENTINEL_CONTENT_TYPE !== undefined) return false;
  const topic = argv.length > 1 ? `${argv[0]}:${argv[1]}` : undefined;
  const id = topic !== undefined && topic in ACTIONS ? topic : argv[0];
  const action = id === undefined ? undefined : ACTIONS[id];
  if (action === undefined) return false;
  let specs: Record<string, FastCommandSpec>;
  try {
    specs = JSON.parse(readFileSync(FAST_SPECS_URL, 'utf8')) as Record<string, FastCommandSpec>;
  } catch {
    return false;
  }
  const spec = specs[id];
  if (spec === undefined) return false;
  const parsed = parseFastArgv(spec, argv.slice(id.split(':').length));
  if (parsed === undefined) return false;
  const json = parsed.flags.json === true;
  try {
    const result = await action(parsed, createCommandIO(json));
    if (json && result !== undefined) writeJson(result);
  } catch (err) {
    const { describeFailure, reportFailure } = await import('./failure.js');
    const failure = describeFailure(err instanceof Error ? err : new Error(String(err)));
    reportFailure(failure, json);
    process.exitCode = failure.exitCode;
  }
  return true;
}
