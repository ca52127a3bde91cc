// Executes a plan's actions strictly in order (success lines worded by detect/log-lines.ts, as replay prints them). Every step runs even when an earlier one failed: a broken
// KILL_RUN_CMD (or a full disk under hosts.deny) must never stand between a scanner and its ban.
import type { BanSet } from '../firewall/banset.js';
import { targetOf } from '../firewall/targets.js';
import { TargetList } from '../net/targets.js';
import type { Action, Detection } from './plan.js';
import { appendHostsDenyLine, syncFile, type HostsDenyOutcome } from './hosts-deny.js';
import { runShellCommand, type ShellResult } from './shell.js';
import * as lines from './log-lines.js';
import { formatActionLine } from '../detect/log-lines.js';

export interface ExecuteContext {
  /** Needed for `ban-set` actions. */
  banSet?: BanSet;
  commandTimeoutMs: number;
  /** Receives PortSentry-style log lines, in order. */
  log: (line: string) => void;
  /**
   * Called once before the first log line: after the kernel ban has been handed to the kernel when the plan starts
   * with it (hosts.deny may precede it), else before the first step. The caller writes its detection line here,
   * so that line and everything else it does stay off the time between the probe and the ban.
   */
  announce?: () => void;
  /** Warm-up only: every step other than ban-set is passed over (reported ok, "skipped"). */
  onlyBans?: boolean;
}

export interface ActionOutcome {
  kind: Action['kind'];
  text: string;
  ok: boolean;
  /** What happened, in a few words ("appended", "exited with status 1", the error message). */
  detail: string;
  hostsDeny?: HostsDenyOutcome;
  shell?: ShellResult;
  ms: number;
}

export interface ExecuteResult {
  outcomes: ActionOutcome[];
  /** Some blocking step (hosts.deny, the kernel ban, a KILL_ROUTE that exited 0) took effect. */
  blocked: boolean;
}

export async function executePlan(actions: Action[], d: Detection, ctx: ExecuteContext): Promise<ExecuteResult> {
  const outcomes: ActionOutcome[] = [];
  let pending = ctx.announce;
  const announce = () => {
    const f = pending;
    pending = undefined;
    f?.();
  };
  const banFirst =
    actions[0]?.kind === 'ban-set' || (actions[0]?.kind === 'hosts-deny' && actions[1]?.kind === 'ban-set');
  if (!banFirst) announce();
  for (let i = 0; i < actions.length; i++) {
    const pair = actions[i].kind === 'hosts-deny' && actions[i + 1]?.kind === 'ban-set';
    if (!pair && !(i === 0 && banFirst)) {
      outcomes.push(await executeAction(actions[i], d, ctx, ctx.log));
      continue;
    }
    // The kernel ban, alone or after hosts.deny (PortSentry's order; both are blocking steps with nothing between
    // them): the ban is sent first and the file written while the kernel works, so neither the disk nor the
    // caller's logging delays the ban. Both are done before the next step starts; lines are logged in plan order.
    const banAt = pair ? i + 1 : i;
    const held: string[] = [];
    const ban = executeAction(actions[banAt], d, ctx, (l) => held.push(l));
    // The netlink send is issued from the promise jobs that follow this call: let them run before anything else.
    await new Promise((resolve) => setImmediate(resolve));
    announce();
    if (pair) outcomes.push(await executeAction(actions[i], d, ctx, ctx.log));
    outcomes.push(await ban);
    for (const l of held) ctx.log(l);
    i = banAt;
  }
  announce();
  // hosts.deny lines were written without fsync so the steps after them (the kernel ban) did not wait on the disk.
  for (const a of actions) if (a.kind === 'hosts-deny') await syncFile(a.file).catch(() => undefined);
  const blocked = outcomes.some((o) => o.ok && o.kind !== 'run');
  return { outcomes, blocked };
}

async function executeAction(
  action: Action,
  d: Detection,
  ctx: ExecuteContext,
  log: (line: string) => void,
): Promise<ActionOutcome> {
  const t0 = performance.now();
  const done = (o: Omit<ActionOutcome, 'kind' | 'text' | 'ms'>): ActionOutcome => ({
    kind: action.kind,
    text: action.text,
    ms: performance.now() - t0,
    ...o,
  });
  if (ctx.onlyBans && action.kind !== 'ban-set') return done({ ok: true, detail: 'skipped' });
  try {
    switch (action.kind) {
      case 'hosts-deny': {
        const r = await appendHostsDenyLine(action.file, action.line, { sync: false });
        log(
          r === 'appended' ? formatActionLine(d.address, action) : lines.hostsDenyPresentLine(d.address, action.file),
        );
        return done({ ok: true, detail: r, hostsDeny: r });
      }
      case 'ban-set': {
        if (!ctx.banSet) throw new Error('no ban set is open');
        await ctx.banSet.add(TargetList.from([targetOf(action.target)]), action.timeout ?? 0);
        log(formatActionLine(d.address, action));
        return done({ ok: true, detail: 'added' });
      }
      case 'kill-route':
      case 'run': {
        const r = await runShellCommand(action.command, ctx.commandTimeoutMs);
        // Only a command that ran to the end with status 0 did its work: anything else is a failure, and a host
        // behind a failed KILL_ROUTE is not blocked.
        const ok = commandSucceeded(r);
        if (ok) log(formatActionLine(d.address, action));
        else log(lines.commandFailedLine(d.address, action.kind === 'kill-route' ? 'KILL_ROUTE' : 'KILL_RUN_CMD', r));
        return done({ ok, detail: describe(r), shell: r });
      }
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log(lines.stepFailedLine(d.address, action.kind, reason));
    return done({ ok: false, detail: reason });
  }
}

/** Ran to the end with status 0, in time. */
export function commandSucceeded(r: ShellResult): boolean {
  return !r.notRun && !r.timedOut && r.error === undefined && r.signal === undefined && r.exitCode === 0;
}

function describe(r: ShellResult): string {
  if (r.error) return r.error;
  if (r.timedOut) return 'timed out';
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode}`;
}
