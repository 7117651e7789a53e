import type { QueueGauge } from '../../core/app.ts';
import { can } from '../../core/auth/policy.ts';
import type { StaffMember } from '../../core/auth/service.ts';
import type { Clock } from '../../core/clock.ts';

export interface WaitingQueue {
  name: string;
  label: string;
  href: string;
  count: number;
}

/**
 * The work waiting for this staff member: every queue a feature shows on the dashboard whose
 * action their role may take, counted now, in the order the features registered them.
 */
export async function waitingQueues(queues: QueueGauge[], staff: StaffMember): Promise<WaitingQueue[]> {
  const mine = queues.filter((q) => q.dashboard && can(staff, q.dashboard.action));
  return Promise.all(
    mine.map(async (q) => ({
      name: q.name,
      label: q.dashboard!.label,
      href: q.dashboard!.href,
      count: await q.count(),
    })),
  );
}

export interface Trend {
  /** Days, oldest first (YYYY-MM-DD, UTC). */
  days: string[];
  series: { name: string; values: number[] }[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Per day over the last `days` days (today included), for each queue with a trend this staff member may see. */
export async function queueTrends(queues: QueueGauge[], staff: StaffMember, clock: Clock, days = 14): Promise<Trend> {
  const today = Date.parse(clock.now().toISOString().slice(0, 10));
  const labels = Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
  const mine = queues.filter((q) => q.trend && q.dashboard && can(staff, q.dashboard.action));
  const series = await Promise.all(
    mine.map(async (q) => {
      const perDay = new Map<string, number>();
      for (const at of await q.trend!.times(`${labels[0]}T00:00:00.000Z`)) {
        const day = at.slice(0, 10);
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      return { name: q.trend!.label, values: labels.map((d) => perDay.get(d) ?? 0) };
    }),
  );
  return { days: labels, series };
}
