import { beginEnrolment, confirmEnrolment, disableSecondFactor, factorStatus } from '../../core/auth/second-factor.ts';
import { msg } from '../../core/auth/messages.ts';
import { resetPassword, usableReset } from '../../core/auth/resets.ts';
import { listOwnSessions, signOutEverywhere } from '../../core/auth/service.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import { SESSION_COOKIE } from '../../core/http/plugin.tsx';
import { FormText, Type, type App } from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { fieldErrorsOf } from '../../core/result.ts';
import type { PageContext } from '../../core/views/context.ts';
import { ResetPage, SessionsPage, TwoFactorPage, type TwoFactorPageProps } from './security-views.tsx';

const CodeForm = Type.Object({ code: FormText(40) });
const PasswordOnly = Type.Object({ password: FormText(1024) });
const ResetParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
const ResetForm = Type.Object({ password: FormText(1024), confirm: FormText(1024) });

/** Each staff member's own second factor and sessions. The enrolment page stays open to one who must enrol. */
export async function ownSecurityRoutes(app: App) {
  const { db, clock } = app.deps;
  const enrolGuard = { preHandler: requireStaff('admin.enter', { duringEnrolment: true }) };
  const anyStaff = { preHandler: requireStaff('admin.enter') };
  const factorPage = async (ctx: PageContext, userId: number, extra: Partial<TwoFactorPageProps> = {}) => {
    const status = await factorStatus(db, userId);
    const enrolment = status.enabled ? undefined : await beginEnrolment(db, userId, ctx.siteName);
    return <TwoFactorPage ctx={ctx} status={status} enrolment={enrolment} {...extra} />;
  };

  app.get('/admin/account/two-factor', enrolGuard, async (req, reply) => {
    const page = await factorPage(req.pageContext(), req.staff!.id, { mustEnrol: req.staff!.mustEnrol });
    return reply.page(page);
  });
  app.post(
    '/admin/account/two-factor',
    { ...enrolGuard, config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }, schema: { body: CodeForm } },
    async (req, reply) => {
      const staff = req.staff!;
      const result = await confirmEnrolment(db, clock, staff.id, req.body.code);
      if (!result.ok) {
        const page = await factorPage(req.pageContext(), staff.id, { errors: fieldErrorsOf(result) });
        return reply.page(page, 400);
      }
      return reply.page(await factorPage(req.pageContext(), staff.id, { recoveryCodes: result.value.recoveryCodes }));
    },
  );
  app.post(
    '/admin/account/two-factor/disable',
    { ...anyStaff, config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }, schema: { body: PasswordOnly } },
    async (req, reply) => {
      const result = await disableSecondFactor(db, clock, req.staff!.id, req.body.password);
      if (!result.ok) {
        const page = await factorPage(req.pageContext(), req.staff!.id, { errors: fieldErrorsOf(result) });
        return reply.page(page, 400);
      }
      return reply.redirect('/admin/account/two-factor', 303);
    },
  );

  app.get('/admin/account/sessions', anyStaff, async (req, reply) => {
    const sessions = await listOwnSessions(db, clock, req.staff!);
    return reply.page(<SessionsPage ctx={req.pageContext()} sessions={sessions} />);
  });
  app.post('/admin/account/sessions/end-all', anyStaff, async (req, reply) => {
    await signOutEverywhere(db, clock, req.staff!.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/admin/login', 303);
  });
}

/** The reset link an admin made: whoever holds it sets the account's password, once, within 24 hours. */
export async function resetLinkRoutes(app: App) {
  const { db, clock } = app.deps;
  const limit = { rateLimit: { max: 10, timeWindow: '15 minutes' } };
  app.get('/admin/reset/:token', { config: limit, schema: { params: ResetParams } }, async (req, reply) => {
    noStore(reply);
    const { token } = req.params;
    const account = await usableReset(db, clock, token);
    if (!account) return reply.page(invalidLink(req.pageContext(), token), 404);
    return reply.page(<ResetPage ctx={req.pageContext()} token={token} account={account} />);
  });
  app.post(
    '/admin/reset/:token',
    { config: limit, schema: { params: ResetParams, body: ResetForm } },
    async (req, reply) => {
      noStore(reply);
      const { token } = req.params;
      const account = await usableReset(db, clock, token);
      if (!account) return reply.page(invalidLink(req.pageContext(), token), 404);
      const result = await resetPassword(db, clock, token, req.body.password, req.body.confirm);
      const ctx = req.pageContext();
      if (!result.ok)
        return reply.page(<ResetPage ctx={ctx} token={token} account={account} errors={fieldErrorsOf(result)} />, 400);
      // The browser that reset the password is logged out too: it held no session of this account anyway.
      if (req.staff?.id === account.user_id) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.page(<ResetPage ctx={ctx} token={token} done />);
    },
  );
}

function invalidLink(ctx: PageContext, token: string) {
  return <ResetPage ctx={ctx} token={token} errors={{ _form: msg('resetInvalid') }} />;
}
