// The metrics registry and its endpoint for a running command; the rule counters are read from the ban set's own
// nftables table (none for the route backend or a dry run).
import type { BanSet } from '../firewall/banset.js';
import type { CaptureCounters } from '../capture/source.js';
import { PortsentinelMetrics } from './registry.js';
import { serveMetrics } from './serve.js';

export async function startMetrics(listen: string, banSet: BanSet | undefined, capture?: () => CaptureCounters) {
  const table = banSet?.kind === 'nftables' ? (banSet as BanSet & { table?: string }).table : undefined;
  const metrics = new PortsentinelMetrics({ table, capture });
  return { metrics, server: await serveMetrics(metrics, listen) };
}
