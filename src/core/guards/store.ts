import type { Clock } from '../clock.ts';
import type { Db, Dialect } from '../db/schema.ts';
import * as repo from './repo.ts';

/*
 * The one interface behind every guard that must hold across processes: rate-limit windows,
 * failed-attempt counters, the site-wide ceiling, replay sets and the daily client-key salt. Keys
 * are never a client's address: callers pass a daily-rotating HMAC (security/client-key.ts) or a
 * key that identifies nobody (a challenge hash, a minute number).
 *
 * It lives in the database (core/db migration 2026_11_29_1620_shared_guards), so every worker and
 * every instance sees the same counts and a restart forgets nothing. Time is the app clock's.
 */
export interface GuardStore {
  /** Adds one to `key` in its window (a new one of `windowMs` starts when none is live): the count and the window's end. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /** Takes one back from the key's live count (a right answer returns the attempt it reserved). */
  release(key: string): Promise<void>;
  /** The key's count in its live window (0 without one). */
  peek(key: string): Promise<number>;
  /** Takes `key` until `untilMs`; false when it was already taken (a replay). */
  claim(key: string, untilMs: number): Promise<boolean>;
  /**
   * Adds one under `prefix` + `bucket` (alive until `untilMs`) unless the live buckets under
   * `prefix` already add up to `max`: a sliding ceiling shared by all instances. True when admitted.
   */
  admitUnder(prefix: string, bucket: string, untilMs: number, max: number): Promise<boolean>;
  /** The value kept under `key` until `untilMs`, made with `make` by whichever instance comes first. */
  keep(key: string, untilMs: number, make: () => string): Promise<string>;
  /** Deletes what has expired (under `prefix` only, when given); how many rows went. */
  sweep(prefix?: string): Promise<number>;
}

export function databaseGuardStore(db: Db, dialect: Dialect, clock: Clock): GuardStore {
  const now = () => clock.now().getTime();
  return {
    async hit(key, windowMs) {
      const t = now();
      const { count, expiresAt } = await repo.addToCount(db, key, 1, t + windowMs, t);
      return { count, resetAt: expiresAt };
    },
    async release(key) {
      const t = now();
      // Without a live window the row written here is born expired, so it gives nothing back.
      await repo.addToCount(db, key, -1, t, t);
    },
    peek: (key) => repo.liveCount(db, key, now()),
    async claim(key, untilMs) {
      return (await repo.addToCount(db, key, 1, untilMs, now())).count === 1;
    },
    admitUnder: (prefix, bucket, untilMs, max) =>
      repo.addUnderCeiling(db, dialect, { prefix, key: prefix + bucket, expiresAt: untilMs, now: now(), max }),
    keep: (key, untilMs, make) => repo.keepValue(db, key, make(), untilMs, now()),
    sweep: (prefix) => repo.deleteExpired(db, now(), prefix),
  };
}
