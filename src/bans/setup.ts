// `setup` (create or repair the kernel objects, optionally re-applying the journal) and `teardown`.
import type { BanSetKind } from '../config/backends.js';
import type { BanContext } from './context.js';
import { restoreJournalBans } from './restore.js';
import { withSession } from './session.js';
import { listOther } from './other-backend.js';

export interface SetupOutcome {
  backend: BanSetKind;
  /** What was missing or misshapen before setup ran (empty when it was already whole). */
  repaired: string[];
  ready: boolean;
  /** Bans re-applied from the journal; null without --restore. */
  restored: number | null;
  /** Journal bans the never-ban rules refused to restore (address and rule); null without --restore. */
  refused: Array<{ address: string; rule: string }> | null;
}

export interface TeardownOutcome {
  backend: BanSetKind;
  /** Bans the kernel held when they were removed with our objects (the journal keeps them for `setup --restore`). */
  removedBans: number;
}

export async function setupBackend(ctx: BanContext, restore: boolean, now?: number): Promise<SetupOutcome> {
  return withSession(
    ctx,
    async (s) => {
      const before = await s.banSet.status();
      await s.banSet.setup();
      const r = restore ? await restoreJournalBans(s) : undefined;
      const after = await s.banSet.status();
      return {
        backend: s.banSet.kind,
        repaired: before.problems,
        ready: after.ready,
        restored: r ? r.restored.length : null,
        refused: r ? r.refused : null,
      };
    },
    now,
  );
}

export async function teardownBackend(ctx: BanContext, now?: number): Promise<TeardownOutcome> {
  return withSession(
    ctx,
    async (s) => {
      const held = (await s.banSet.status()).ready ? (await s.banSet.list()).length : 0;
      await s.banSet.teardown();
      // Our objects of the other backend go too: a blackhole route left behind would keep blocking its host.
      const other = await s.other();
      const left = (await listOther(other)).length;
      if (other && left > 0) await other.teardown();
      return { backend: s.banSet.kind, removedBans: held + left };
    },
    now,
  );
}
