import type { FastifyInstance } from 'fastify';
import { can } from '../../core/auth/policy.ts';
import {
  changePassword,
  createStaff,
  listStaff,
  revokeAllSessions,
  setStaffDisabled,
  takeFailedLoginNotice,
} from '../../core/auth/service.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import { FormText, Id, IdParams, Type, typed, type App } from '../../core/http/schemas.ts';
import { fieldErrorsOf } from '../../core/result.ts';
import { createResetLink } from '../../core/auth/resets.ts';
import { adminRemoveFactor, isFactorRequired, setFactorRequired } from '../../core/auth/second-factor.ts';
import { auditRoutes } from './audit-routes.tsx';
import { queueTrends, waitingQueues } from './dashboard.ts';
import { identityRoutes } from './identity-routes.tsx';
import { ownSecurityRoutes, resetLinkRoutes } from './security-routes.tsx';
import type { PageContext } from '../../core/views/context.ts';
import { AccountPage, AdminHomePage, UsersPage, type UsersPageProps } from './views.tsx';

const NewStaffForm = Type.Object({
  email: FormText(320),
  // Checked by the service, so a bad value comes back as a field error with the form kept.
  role: FormText(20),
  name: Type.Optional(FormText(80)),
});
const PasswordForm = Type.Object({ current: FormText(1024), next: FormText(1024) });
const AccountAction = Type.Object({ id: Id, action: Type.Enum(['revoke-sessions', 'disable', 'enable']) });

/** The staff area's home, staff accounts (admins) and each staff member's own password. */
export async function staffAreaRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.deps.registry.adminLinks.push({
    href: '/admin/users',
    label: 'Staff accounts',
    description: 'Add staff, disable accounts, end sessions.',
    action: 'users.manage',
  });

  app.get('/admin', { preHandler: requireStaff('admin.enter') }, async (req, reply) => {
    const staff = req.staff!;
    const links = app.deps.registry.adminLinks.filter((l) => can(staff, l.action));
    // Shown once: reading the count clears it.
    const failedLogins = await takeFailedLoginNotice(app.deps.db, staff.id);
    const queues = await waitingQueues(app.deps.registry.queues, staff);
    const trend = await queueTrends(app.deps.registry.queues, staff, app.deps.clock);
    const props = { links, queues, trend, role: staff.role, failedLogins };
    return reply.page(<AdminHomePage ctx={req.pageContext()} {...props} />);
  });
  await app.register(staffAccountRoutes);
  await app.register(staffSecurityRoutes);
  await app.register(ownAccountRoutes);
  await app.register(ownSecurityRoutes);
  await app.register(resetLinkRoutes);
  await app.register(auditRoutes);
  await app.register(identityRoutes);
}

/** Admins add staff (the password is generated and shown once), disable accounts and end sessions. */
async function staffAccountRoutes(app: App) {
  const { db, clock } = app.deps;
  const guard = { preHandler: requireStaff('users.manage') };
  const usersPage = async (ctx: PageContext, extra: Partial<UsersPageProps> = {}) => (
    <UsersPage ctx={ctx} rows={await listStaff(db, clock)} factorRequired={await isFactorRequired(db)} {...extra} />
  );

  app.get('/admin/users', guard, async (req, reply) => reply.page(await usersPage(req.pageContext())));

  app.post('/admin/users', { ...guard, schema: { body: NewStaffForm } }, async (req, reply) => {
    const { email, role, name } = req.body;
    const result = await createStaff(db, clock, { email, role, displayName: name?.trim() || undefined });
    if (!result.ok) {
      return reply.page(await usersPage(req.pageContext(), { errors: fieldErrorsOf(result), input: req.body }), 400);
    }
    const created = { email: email.trim().toLowerCase(), password: result.value.generatedPassword! };
    return reply.page(await usersPage(req.pageContext(), { created }), 201);
  });

  app.post('/admin/users/:id/:action', { ...guard, schema: { params: AccountAction } }, async (req, reply) => {
    const { id, action } = req.params;
    if (action === 'revoke-sessions') await revokeAllSessions(db, id);
    else {
      const result = await setStaffDisabled(db, clock, req.staff!.id, id, action === 'disable');
      if (!result.ok) return reply.page(await usersPage(req.pageContext(), { errors: fieldErrorsOf(result) }), 400);
    }
    return reply.redirect('/admin/users', 303);
  });
}

const RequireForm = Type.Object({ required: Type.Optional(Type.Literal('1')) });

/** Admins make reset links, remove a lost second factor, and require a second factor of everyone. */
async function staffSecurityRoutes(app: App) {
  const { db, clock, config } = app.deps;
  const guard = { preHandler: requireStaff('users.manage') };
  const usersPage = async (ctx: PageContext, extra: Partial<UsersPageProps> = {}) => (
    <UsersPage ctx={ctx} rows={await listStaff(db, clock)} factorRequired={await isFactorRequired(db)} {...extra} />
  );

  app.post('/admin/users/:id/reset-link', { ...guard, schema: { params: IdParams } }, async (req, reply) => {
    const result = await createResetLink(db, clock, req.staff!.id, req.params.id);
    if (!result.ok) return reply.page(await usersPage(req.pageContext(), { errors: fieldErrorsOf(result) }), 404);
    const resetLink = {
      email: result.value.email,
      url: new URL(`/admin/reset/${result.value.token}`, config.publicUrl).href,
    };
    return reply.page(await usersPage(req.pageContext(), { resetLink }), 201);
  });
  app.post('/admin/users/:id/remove-two-factor', { ...guard, schema: { params: IdParams } }, async (req, reply) => {
    const result = await adminRemoveFactor(db, clock, req.staff!.id, req.params.id);
    if (!result.ok) return reply.page(await usersPage(req.pageContext(), { errors: fieldErrorsOf(result) }), 404);
    return reply.redirect('/admin/users', 303);
  });
  app.post('/admin/users/security', { ...guard, schema: { body: RequireForm } }, async (req, reply) => {
    await setFactorRequired(db, clock, req.staff!.id, req.body.required === '1');
    return reply.redirect('/admin/users', 303);
  });
}

/** Every staff member may change their own password; other sessions end when they do. */
async function ownAccountRoutes(app: App) {
  const { db, clock } = app.deps;
  const anyStaff = { preHandler: requireStaff('admin.enter') };
  app.get('/admin/account', anyStaff, async (req, reply) => reply.page(<AccountPage ctx={req.pageContext()} />));
  app.post(
    '/admin/account',
    { ...anyStaff, config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }, schema: { body: PasswordForm } },
    async (req, reply) => {
      const result = await changePassword(db, clock, req.staff!, req.body.current, req.body.next);
      if (!result.ok) return reply.page(<AccountPage ctx={req.pageContext()} errors={fieldErrorsOf(result)} />, 400);
      return reply.page(<AccountPage ctx={req.pageContext()} changed />);
    },
  );
}
