// Picks the live packet source: NFLOG when the ban table (with its log rules) is ours in nftables, tcpdump
// otherwise (route backend, nftables missing, or asked for).
import { readFileSync } from 'node:fs';
import type { Mode, PortSentryConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { LiveCapture, CaptureNotice, PacketSink } from '../capture/source.js';
import type { CaptureChoice } from './options.js';

export interface CaptureRequest {
  choice: CaptureChoice;
  /** True when NFLOG rules are (or were just made) present in our table. */
  nflogAvailable: boolean;
  group: number;
  iface: string;
  config: PortSentryConfig;
  modes: readonly Mode[];
  onPacket: PacketSink;
  notice: CaptureNotice;
}

export async function openCapture(req: CaptureRequest): Promise<LiveCapture> {
  const useNflog = req.choice === 'nflog' || (req.choice === 'auto' && req.nflogAvailable);
  if (useNflog) {
    const { NflogCapture } = await import('../capture/nflog.js');
    const ifindex = req.iface === 'any' ? undefined : interfaceIndex(req.iface);
    return new NflogCapture({ group: req.group, ifindex, onPacket: req.onPacket, notice: req.notice });
  }
  return tcpdumpCapture(req, await tcpdumpFilter(req));
}

async function tcpdumpFilter(req: CaptureRequest): Promise<string> {
  const { buildBpfFilter, bpfSpecFor } = await import('../capture/bpf.js');
  return buildBpfFilter(bpfSpecFor(req.config, req.modes));
}

async function tcpdumpCapture(req: CaptureRequest, filter: string): Promise<LiveCapture> {
  const { TcpdumpCapture } = await import('../capture/tcpdump.js');
  return new TcpdumpCapture({ iface: req.iface, filter, onPacket: req.onPacket, notice: req.notice });
}

/**
 * After a reload: a tcpdump source whose filter no longer matches the watched modes and ports (it would keep
 * dropping probes to newly watched ports) is replaced by one with the new filter, not yet started; undefined when
 * the running source still fits (NFLOG's log rules do not depend on ports).
 */
export async function replacementCapture(current: LiveCapture, req: CaptureRequest): Promise<LiveCapture | undefined> {
  if (current.kind !== 'tcpdump') return undefined;
  const filter = await tcpdumpFilter(req);
  const { TcpdumpCapture } = await import('../capture/tcpdump.js');
  if (!(current instanceof TcpdumpCapture) || current.filter === filter) return undefined;
  return tcpdumpCapture(req, filter);
}

function interfaceIndex(name: string): number {
  try {
    return Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8').trim());
  } catch {
    throw new UsageError(`--interface ${name}: no such network interface here (see "ip link").`, 'E_INTERFACE');
  }
}
