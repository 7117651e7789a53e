import type { Clock } from '../clock.ts';
import type { Executor } from '../db/schema.ts';
import { intSetting, readSetting } from '../settings/index.ts';
import { refusal, type Verdict } from './verdict.ts';

/*
 * A site-wide ceiling on submissions that skipped the proof of work. People without JavaScript
 * must still be able to write, so such a submission is accepted into the stricter "unverified"
 * queue — but a spammer rotating addresses gets past every per-client limit that way (15,251
 * comments in 20 s in an attack). The ceiling caps what all clients together may put there in
 * any hour; verified submissions never count and are never refused by it.
 *
 * Counted in memory, per process, on the app clock: one-minute buckets over the last hour, so the
 * memory is the same whatever the flood. Several processes each have their own ceiling for now;
 * the interface is asynchronous so a shared one can replace this without changing its callers.
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
/** The setting is re-read at most this often (a save in this process drops it at once). */
const SETTING_TTL_MS = 10_000;

export function createUnverifiedCeiling({ db, clock }: { db: Executor; clock: Clock }): UnverifiedCeiling {
  // buckets[i] counts admissions in the minute `minutes[i]` (minute numbers since the epoch).
  const minutes = new Array<number>(BUCKETS).fill(-1);
  const buckets = new Array<number>(BUCKETS).fill(0);
  let limit: { at: number; value: number } | undefined;

  const currentLimit = async (now: number) => {
    if (!limit || now - limit.at > SETTING_TTL_MS || now < limit.at)
      limit = { at: now, value: await readSetting(db, UNVERIFIED_PER_HOUR) };
    return limit.value;
  };

  return {
    async admit() {
      const max = await currentLimit(clock.now().getTime());
      // From here to the end nothing awaits, so concurrent submissions cannot overshoot the ceiling.
      const minute = Math.floor(clock.now().getTime() / MINUTE_MS);
      let taken = 0;
      for (let i = 0; i < BUCKETS; i++)
        if (minute - minutes[i]! < BUCKETS && minutes[i]! <= minute) taken += buckets[i]!;
      if (taken >= max) return false;
      const slot = minute % BUCKETS;
      if (minutes[slot] !== minute) {
        minutes[slot] = minute;
        buckets[slot] = 0;
      }
      buckets[slot]!++;
      return true;
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
