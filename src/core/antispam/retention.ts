import type { Clock } from '../clock.ts';
import { intSetting } from '../settings/index.ts';

/*
 * Retention of what moderators turned down. Rejected and spam comments and campaign pledges are
 * deleted once older than ONE configurable period (moderators set it on /admin/comments/settings;
 * the setting key keeps the name it was created with). Each feature supplies its own delete
 * (SQL stays in its repo); the period and the cut-off are shared here, the timer is core/jobs.ts.
 */
/** Days a turned-down comment or pledge is kept (the setting key keeps the name it was created with). */
export const PURGE_DAYS = intSetting('comments.purge_after_days', { defaultValue: 30, min: 1, max: 3650 });
/** How often the running server purges. */
export const PURGE_EVERY_MS = 60 * 60_000;

/** Items turned down before this instant (ISO-8601 UTC) are old enough to delete. */
export function purgeCutoff(clock: Clock, days: number): string {
  return new Date(clock.now().getTime() - days * 24 * 60 * 60_000).toISOString();
}
