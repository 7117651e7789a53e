import type { Clock } from '../clock.ts';
import type { Executor } from '../db/schema.ts';
import type { GuardStore } from '../guards/store.ts';
import { intSetting, readSetting } from '../settings/index.ts';
import { refusal, type Verdict } from './verdict.ts';

/*
 * A site-wide ceiling on submissions that skipped the proof of work. People without JavaScript
 * must still be able to write, so such a submission is accepted into the stricter "unverified"
 * queue — but a spammer rotating addresses gets past every per-client limit that way (15,251
 * comments in 20 s in an attack). The ceiling caps what all clients together may put there in
 * any hour; verified submissions never count and are never refused by it.
 *
 * Counted in the shared guard store (core/guards), on the app clock: one-minute buckets, each alive
 * for an hour, so the last hour's admissions are the live buckets' sum and the rows stay at most 60
 * whatever the flood. The check and the count are one atomic step there, so all workers and
 * instances together never admit more than the ceiling.
 */

/** Submissions without the proof of work accepted per hour, site-wide; 0 accepts none (JavaScript required). */
export const UNVERIFIED_PER_HOUR = intSetting('antispam.unverified_per_hour', {
  defaultValue: 60,
  min: 0,
  max: 1_000_000,
});

export interface UnverifiedCeiling {
  /** Takes one of the hour's places; false when the last hour's are all taken (nothing is taken then). */
  admit(): Promise<boolean>;
  /** Drops the kept setting, so the next submission reads the value moderators just saved. */
  settingChanged(): void;
}

const MINUTE_MS = 60_000;
const BUCKETS = 60;
const PREFIX = 'ceiling:unverified:';
/** The setting is re-read at most this often (a save in this process drops it at once). */
const SETTING_TTL_MS = 10_000;

export function createUnverifiedCeiling({
  db,
  clock,
  guards,
}: {
  db: Executor;
  clock: Clock;
  guards: GuardStore;
}): UnverifiedCeiling {
  let limit: { at: number; value: number } | undefined;

  const currentLimit = async (now: number) => {
    if (!limit || now - limit.at > SETTING_TTL_MS || now < limit.at)
      limit = { at: now, value: await readSetting(db, UNVERIFIED_PER_HOUR) };
    return limit.value;
  };

  return {
    async admit() {
      const max = await currentLimit(clock.now().getTime());
      if (max <= 0) return false;
      const minute = Math.floor(clock.now().getTime() / MINUTE_MS);
      return guards.admitUnder(PREFIX, String(minute), (minute + BUCKETS) * MINUTE_MS, max);
    },
    settingChanged() {
      limit = undefined;
    },
  };
}

/**
 * The verdict with the ceiling applied: a submission the verdict accepted without a proof of work
 * takes a place under the ceiling, or is refused (429) with a message that says to try later or
 * to turn JavaScript on. Refusals and verified submissions pass through untouched and uncounted.
 */
export async function applyUnverifiedCeiling(verdict: Verdict, ceiling: UnverifiedCeiling): Promise<Verdict> {
  if (!verdict.ok || verdict.queue !== 'unverified') return verdict;
  return (await ceiling.admit()) ? verdict : refusal('unverifiedCeiling', 429);
}
