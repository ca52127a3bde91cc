// One-line human summaries of ban, unban, setup and teardown results.
import { formatDuration } from '../../util/duration.js';
import type { BanOutcome } from '../../bans/ban.js';
import type { UnbanOutcome } from '../../bans/unban.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function named(list: string[], max = 5): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

export function formatBanSummary(r: BanOutcome): string {
  const how = r.timeout === null ? 'permanently' : `for ${formatDuration(r.timeout)} (until ${r.until})`;
  const count = r.banned.length;
  const first = r.banned.texts(5);
  const names = count <= 5 ? first.join(', ') : `${first.join(', ')} and ${count - 5} more`;
  return `banned ${plural(count, 'target')} ${how} via ${r.backend}: ${names}`;
}

export function formatUnbanSummary(r: UnbanOutcome): string {
  return r.unbanned.length === 0
    ? 'nothing unbanned'
    : `unbanned ${plural(r.unbanned.length, 'target')}: ${named(r.unbanned)}`;
}
