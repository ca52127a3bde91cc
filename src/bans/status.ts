// `status`: which backend and why, what the kernel offers, whether our objects are whole, counts per set, drift.
import type { BanSetKind } from '../config/backends.js';
import type { BanContext } from './context.js';
import { mergeBans } from './merge.js';
import { probeKernelSupport, type KernelSupport } from './probe.js';
import { withSession } from './session.js';
import { entryCount } from '../state/record.js';
import { readJournal } from '../state/journal.js';
import { foldJournal } from '../state/fold.js';
import { PortsentinelError } from '../errors.js';

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
  try {
    return await readWithSession(ctx, kernel, now);
  } catch (err) {
    // Without CAP_NET_ADMIN the kernel cannot be read (nor, usually, the state lock taken): that is the answer
    // status exists to give, so it is reported, not an error.
    if (kernel.capNetAdmin || !(err instanceof PortsentinelError)) throw err;
    return readUnprivileged(ctx, kernel, err.message, now ?? Date.now());
  }
}

function readUnprivileged(ctx: BanContext, kernel: KernelSupport, why: string, now: number): StatusOutcome {
  let journal = { stateDir: ctx.stateDir, records: 0, active: 0, skipped: 0 };
  try {
    const read = readJournal(ctx.stateDir);
    journal = {
      stateDir: ctx.stateDir,
      records: entryCount(read.records),
      active: foldJournal(read.records, now).activeCount,
      skipped: read.skipped,
    };
  } catch {
    // An unreadable journal stays at zero: the problem below already says what to do.
  }
  if (ctx.backend.choice !== 'auto' && kernel.nfTables === 'not found') kernel.nfTables = 'not probed';
  const choice = ctx.backend.choice;
  return {
    backend: { kind: choice === 'auto' ? 'nftables' : choice, choice, why: `${ctx.backend.why}; not opened` },
    kernel,
    ready: false,
    problems: [`the kernel was not read: ${why}`],
    counts: { banned4: 0, banned6: 0, bannednet4: 0, bannednet6: 0 },
    drift: { external: 0, missing: 0, repair: null },
    journal,
  };
}

function readWithSession(ctx: BanContext, kernel: KernelSupport, now?: number): Promise<StatusOutcome> {
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
      // Files cannot prove built-in nf_tables absent; with another backend chosen, nftables was never tried.
      else if (ctx.backend.choice !== 'auto' && kernel.nfTables === 'not found') kernel.nfTables = 'not probed';
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
