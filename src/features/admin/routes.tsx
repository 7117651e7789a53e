import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';
import { describeDevice } from '../../core/auth/device.ts';
import { createAccountLoginLimit, type AccountLoginLimit } from '../../core/auth/login-limit.ts';
import { challengeOpen, completeLogin } from '../../core/auth/second-factor.ts';
import { CHALLENGE_TTL_MS, logIn, logOut, SESSION_TTL_MS } from '../../core/auth/service.ts';
import { SESSION_COOKIE } from '../../core/http/plugin.tsx';
import { FormText, Type, typed, type App } from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { LoginCodePage } from './security-views.tsx';
import { LoginPage } from './views.tsx';

/** The pending login between password and code: its own cookie, sent only to the code step. */
export const CHALLENGE_COOKIE = 'alongside_login';
const CHALLENGE_PATH = '/admin/login/code';

function setSessionCookie(reply: FastifyReply, config: Config, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/**
 * Only this site's own paths: a login link must not bounce staff to another site. The target is
 * resolved as a browser would resolve it against PUBLIC_URL (so `/\\evil`, `//evil` or a tab
 * trick cannot change the host) and kept only as a path on the same origin.
 */
export function safeNext(next: string | undefined, publicUrl: string): string {
  if (!next || next.length > 500 || !next.startsWith('/')) return '/admin';
  const base = new URL(publicUrl);
  let target: URL;
  try {
    target = new URL(next, base);
  } catch {
    return '/admin';
  }
  if (target.origin !== base.origin) return '/admin';
  return target.pathname + target.search + target.hash;
}

const LoginQuery = Type.Object({ next: Type.Optional(FormText(2000)) });
const LoginForm = Type.Object({
  email: FormText(320),
  password: FormText(1024),
  next: Type.Optional(FormText(2000)),
});

/**
 * Logging in and out: the way into the staff area (admin-routes.tsx is the area itself). Two limits
 * hold the login form: per client (the route's rate limit) and per account (in the service).
 */
export async function loginRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const { db, clock, config } = app.deps;
  const accountLimit = createAccountLoginLimit({ guards: app.deps.guards, keyOf: app.deps.clientKey });

  app.get('/admin/login', { schema: { querystring: LoginQuery } }, async (req, reply) => {
    noStore(reply);
    const next = safeNext(req.query.next, config.publicUrl);
    if (req.staff) return reply.redirect(next, 303);
    return reply.page(<LoginPage ctx={req.pageContext()} next={next} />);
  });

  app.post(
    '/admin/login',
    { config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }, schema: { body: LoginForm } },
    async (req, reply) => {
      noStore(reply);
      const { email, password } = req.body;
      const next = safeNext(req.body.next, config.publicUrl);
      // Only the coarse label is kept; the user-agent itself goes no further than this line.
      const device = describeDevice(req.headers['user-agent']);
      const result = await logIn(db, clock, accountLimit, email, password, device);
      if (!result.ok) {
        return reply.page(<LoginPage ctx={req.pageContext()} next={next} email={email} error={result.message} />, 401);
      }
      if (result.value.needsCode) {
        const opts = { path: CHALLENGE_PATH, httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies };
        reply.setCookie(CHALLENGE_COOKIE, result.value.token, { ...opts, maxAge: CHALLENGE_TTL_MS / 1000 });
        return reply.redirect(`${CHALLENGE_PATH}?next=${encodeURIComponent(next)}`, 303);
      }
      setSessionCookie(reply, config, result.value.token);
      return reply.redirect(next, 303);
    },
  );
  codeStepRoutes(app, accountLimit);

  app.post('/admin/logout', async (req, reply) => {
    if (req.staff) await logOut(db, req.staff.tokenHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}

const CodeForm = Type.Object({ code: FormText(40), next: Type.Optional(FormText(2000)) });

/** The second step of a login with a second factor: the code, or a recovery code. Same limits as the password. */
function codeStepRoutes(app: App, accountLimit: AccountLoginLimit) {
  const { db, clock, config } = app.deps;
  app.get(CHALLENGE_PATH, { schema: { querystring: LoginQuery } }, async (req, reply) => {
    noStore(reply);
    const next = safeNext(req.query.next, config.publicUrl);
    const challenge = req.cookies[CHALLENGE_COOKIE];
    if (!challenge || !(await challengeOpen(db, clock, challenge))) {
      return reply.redirect(`/admin/login?next=${encodeURIComponent(next)}`, 303);
    }
    return reply.page(<LoginCodePage ctx={req.pageContext()} next={next} />);
  });
  app.post(
    CHALLENGE_PATH,
    { config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }, schema: { body: CodeForm } },
    async (req, reply) => {
      noStore(reply);
      const next = safeNext(req.body.next, config.publicUrl);
      const result = await completeLogin(db, clock, accountLimit, req.cookies[CHALLENGE_COOKIE] ?? '', req.body.code);
      if (!result.ok) {
        return reply.page(<LoginCodePage ctx={req.pageContext()} next={next} error={result.message} />, 401);
      }
      reply.clearCookie(CHALLENGE_COOKIE, { path: CHALLENGE_PATH });
      setSessionCookie(reply, config, result.value.token);
      return reply.redirect(next, 303);
    },
  );
}
