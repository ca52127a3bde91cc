// One-line human summaries of ban, unban, setup and teardown results.
import { formatDuration } from '../util/duration.js';
import type { BanOutcome } from './ban.js';
import type { TargetList } from './targets.js';
import type { UnbanOutcome } from './unban.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function named(list: string[], max = 5): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/** The banned targets of outcomes `ban` made, so a summary names a few of 100k without making all their text. */
const bannedLists = new WeakMap<BanOutcome, TargetList>();

export function rememberBanned(r: BanOutcome, list: TargetList): void {
  bannedLists.set(r, list);
}

/** How many targets the outcome banned (without making their text). */
export function bannedCount(r: BanOutcome): number {
  return bannedLists.get(r)?.length ?? r.banned.length;
}

/** How many targets the outcome banned, and the first `max` of them. */
function bannedPreview(r: BanOutcome, max: number): { count: number; first: string[] } {
  const list = bannedLists.get(r);
  if (list) return { count: list.length, first: list.texts(max) };
  return { count: r.banned.length, first: r.banned.slice(0, max) };
}

export function formatBanSummary(r: BanOutcome): string {
  const how = r.timeout === null ? 'permanently' : `for ${formatDuration(r.timeout)} (until ${r.until})`;
  const { count, first } = bannedPreview(r, 5);
  const names = count <= 5 ? first.join(', ') : `${first.join(', ')} and ${count - 5} more`;
  return `banned ${plural(count, 'target')} ${how} via ${r.backend}: ${names}`;
}

export function formatUnbanSummary(r: UnbanOutcome): string {
  return r.unbanned.length === 0
    ? 'nothing unbanned'
    : `unbanned ${plural(r.unbanned.length, 'target')}: ${named(r.unbanned)}`;
}
