import type { QueueGauge } from '../../core/app.ts';
import { can } from '../../core/auth/policy.ts';
import type { StaffMember } from '../../core/auth/service.ts';

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
