// `setup` (create or repair the kernel objects, optionally re-applying the journal) and `teardown`.
import type { BanSetKind } from '../config/backends.js';
import type { BanContext } from './context.js';
import { restoreFromJournal } from './restore.js';
import { withSession } from './session.js';

export interface SetupOutcome {
  backend: BanSetKind;
  /** What was missing or misshapen before setup ran (empty when it was already whole). */
  repaired: string[];
  ready: boolean;
  /** Bans re-applied from the journal; null without --restore. */
  restored: number | null;
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
      const restored = restore ? (await restoreFromJournal(s)).restored : null;
      const after = await s.banSet.status();
      return { backend: s.banSet.kind, repaired: before.problems, ready: after.ready, restored };
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
      return { backend: s.banSet.kind, removedBans: held };
    },
    now,
  );
}
