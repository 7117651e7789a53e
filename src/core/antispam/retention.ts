import type { Clock } from '../clock.ts';
import type { Executor } from '../db/schema.ts';
import { readSetting } from './repo.ts';

/*
 * Retention of what moderators turned down. Rejected and spam comments and campaign pledges are
 * deleted once older than ONE configurable period (moderators set it on /admin/comments/settings;
 * the setting key keeps the name it was created with). Each feature supplies its own delete
 * (SQL stays in its repo); the period, the cut-off and the timer are shared here.
 */
export const PURGE_SETTING = 'comments.purge_after_days';
export const PURGE_DEFAULT_DAYS = 30;
export const PURGE_MIN_DAYS = 1;
export const PURGE_MAX_DAYS = 3650;
/** How often the running server purges. */
export const PURGE_EVERY_MS = 60 * 60_000;

export const isPurgeDays = (n: number): boolean => Number.isInteger(n) && n >= PURGE_MIN_DAYS && n <= PURGE_MAX_DAYS;

/** The configured period in days (the default when unset or out of range). */
export async function loadPurgeDays(db: Executor): Promise<number> {
  const n = Number(await readSetting(db, PURGE_SETTING));
  return isPurgeDays(n) ? n : PURGE_DEFAULT_DAYS;
}

/** Items turned down before this instant (ISO-8601 UTC) are old enough to delete. */
export function purgeCutoff(clock: Clock, days: number): string {
  return new Date(clock.now().getTime() - days * 24 * 60 * 60_000).toISOString();
}

/**
 * Runs `purge` every `everyMs` (hourly in the app); the purge itself reads the time from the
 * clock it was given, so tests drive it with a ManualClock. Returns the stop function a plugin
 * calls from its onClose hook. The timer is unref'd: it never keeps the process alive.
 */
export function startPurgeTimer(
  purge: () => Promise<number>,
  opts: { everyMs: number; onError: (err: Error) => void; onPurged?: (count: number) => void },
): () => void {
  const run = () => purge().then((n) => opts.onPurged?.(n), opts.onError);
  const timer = setInterval(run, opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
