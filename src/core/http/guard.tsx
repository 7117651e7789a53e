import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Action } from '../auth/policy.ts';
import type { Message } from '../i18n/index.ts';
import { msg } from '../views/messages.ts';
import { ErrorPage } from './error-pages.tsx';
import { noStore } from './security.ts';

/** A staff guard: the preHandler itself, carrying the action it checks so the route inventory can read it. */
export type StaffGuard = ((req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>) & {
  readonly action: Action;
};

/** Where a staff member who must set up a second factor is sent. */
export const ENROLMENT_PATH = '/admin/account/two-factor';

// Only functions made by requireStaff count as guards: a hook cannot pass for one by having an `action`.
const guards = new WeakSet<object>();

/**
 * The staff guard, for every feature's staff routes: `{ preHandler: requireStaff('posts.edit') }`.
 * Anonymous visitors are sent to the login page (GET) or told their session ended; a role that may
 * not do the action gets 403. Who may do what is decided in auth/policy.ts, nowhere else.
 */
export function requireStaff(action: Action, opts: { duringEnrolment?: boolean } = {}): StaffGuard {
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    noStore(reply);
    if (!req.staff) {
      if (req.method === 'GET') return reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}`, 303);
      return reply.code(401).page(deniedPage(req, msg('sessionEnded')), 401);
    }
    // The site requires a second factor and this account has none: enrolment first, nothing else.
    if (req.staff.mustEnrol && !opts.duringEnrolment) return reply.redirect(ENROLMENT_PATH, 303);
    if (!can(req.staff, action)) return reply.page(deniedPage(req, msg('roleDenied')), 403);
  };
  guards.add(guard);
  return Object.assign(guard, { action });
}

/** Whether a route hook is a staff guard made by requireStaff (the route-inventory test asks). */
export function isStaffGuard(hook: unknown): hook is StaffGuard {
  return typeof hook === 'function' && guards.has(hook);
}

function deniedPage(req: FastifyRequest, message: Message) {
  return <ErrorPage ctx={req.pageContext()} status={403} message={message} />;
}
