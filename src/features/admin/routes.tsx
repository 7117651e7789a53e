import type { FastifyInstance } from 'fastify';
import { createAccountLoginLimit } from '../../core/auth/login-limit.ts';
import { logIn, logOut, SESSION_TTL_MS } from '../../core/auth/service.ts';
import { SESSION_COOKIE } from '../../core/http/plugin.tsx';
import { FormText, Type, typed } from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { LoginPage } from './views.tsx';

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
  const accountLimit = createAccountLoginLimit({ clock });

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
      const result = await logIn(db, clock, accountLimit, email, password);
      if (!result.ok) {
        return reply.page(<LoginPage ctx={req.pageContext()} next={next} email={email} error={result.message} />, 401);
      }
      reply.setCookie(SESSION_COOKIE, result.value.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        maxAge: SESSION_TTL_MS / 1000,
      });
      return reply.redirect(next, 303);
    },
  );

  app.post('/admin/logout', async (req, reply) => {
    if (req.staff) await logOut(db, req.staff.tokenHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}
