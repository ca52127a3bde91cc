// `status`: which backend and why, what the kernel offers, whether our objects are whole, counts per set, drift.
import type { BanSetKind } from '../config/backends.js';
import type { BanContext } from './context.js';
import { mergeBans } from './merge.js';
import { probeKernelSupport, type KernelSupport } from './probe.js';
import { withSession } from './session.js';
import { entryCount } from '../state/record.js';

export interface SetCounts {
  banned4: number;
  banned6: number;
  bannednet4: number;
  bannednet6: number;
}

export interface StatusOutcome {
  backend: { kind: BanSetKind; choice: string; why: string };
  kernel: KernelSupport;
  ready: boolean;
  problems: string[];
  counts: SetCounts;
  drift: { external: number; missing: number; repair: string | null };
  journal: { stateDir: string; records: number; active: number; skipped: number };
}

export async function readStatus(ctx: BanContext, now?: number): Promise<StatusOutcome> {
  const kernel = probeKernelSupport();
  return withSession(
    ctx,
    async (s) => {
      const st = await s.banSet.status();
      const selection = await ctx.selection();
      const bans = st.ready ? await s.banSet.list() : [];
      const counts: SetCounts = { banned4: 0, banned6: 0, bannednet4: 0, bannednet6: 0 };
      for (const b of bans) counts[`${b.target.includes('/') ? 'bannednet' : 'banned'}${b.family}`]++;
      const merged = mergeBans(bans, s.state(), s.now);
      const read = s.journal();
      // Built-in nf_tables leaves no trace in /sys/module; an nftables backend that opened (it probes) is the proof.
      if (s.banSet.kind === 'nftables') kernel.nfTables = 'in use';
      return {
        backend: {
          kind: s.banSet.kind,
          choice: ctx.backend.choice,
          why: [ctx.backend.why, selection.kind === 'file' ? undefined : selection.reason].filter(Boolean).join('; '),
        },
        kernel,
        ready: st.ready,
        problems: st.problems,
        counts,
        drift: {
          external: merged.drift.external.length,
          missing: merged.drift.missing.length,
          repair: merged.drift.repair,
        },
        journal: {
          stateDir: ctx.stateDir,
          records: entryCount(read.records),
          active: s.state().activeCount,
          skipped: read.skipped,
        },
      };
    },
    now,
  );
}
