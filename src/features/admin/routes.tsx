import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Action } from '../../core/auth/policy.ts';
import { logIn, logOut, SESSION_TTL_MS } from '../../core/auth/service.ts';
import { SESSION_COOKIE } from '../../core/http/plugin.tsx';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { noStore } from '../../core/http/security.ts';
import { AdminHomePage, LoginPage } from './views.tsx';

/**
 * Guards a staff route: redirects anonymous visitors to the login page and answers 403 when the
 * role may not do the action. Feature plugins call it in a preHandler.
 */
export function requireStaff(action: Action) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    noStore(reply);
    if (!req.staff) {
      if (req.method === 'GET') return reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}`, 303);
      return reply.code(401).page(deniedPage(req, 'Your session has ended. Log in again to continue.'), 401);
    }
    if (!can(req.staff, action))
      return reply.page(deniedPage(req, 'Your role does not allow this. Ask an admin if you need it.'), 403);
  };
}

function deniedPage(req: FastifyRequest, message: string) {
  return <ErrorPage ctx={req.pageContext()} status={403} message={message} />;
}

/** Only same-site paths: a login link must not bounce staff to another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && next.length < 500 ? next : '/admin';
}

export async function adminRoutes(app: FastifyInstance) {
  const { db, clock, config } = app.deps;

  app.get('/admin/login', async (req, reply) => {
    noStore(reply);
    const next = safeNext((req.query as { next?: string }).next);
    if (req.staff) return reply.redirect(next, 303);
    return reply.page(<LoginPage ctx={req.pageContext()} next={next} />);
  });

  app.post(
    '/admin/login',
    {
      config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
      schema: {
        body: {
          type: 'object',
          properties: {
            email: { type: 'string', maxLength: 320 },
            password: { type: 'string', maxLength: 1024 },
            next: { type: 'string' },
            _csrf: { type: 'string' },
          },
          required: ['email', 'password'],
        },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const body = req.body as { email: string; password: string; next?: string };
      const next = safeNext(body.next);
      const result = await logIn(db, clock, body.email, body.password);
      if (!result.ok) {
        return reply.page(
          <LoginPage ctx={req.pageContext()} next={next} email={body.email} error={result.message} />,
          401,
        );
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

  app.get('/admin', { preHandler: requireStaff('admin.enter') }, async (req, reply) => {
    const staff = req.staff!;
    const links = app.deps.registry.adminLinks.filter((l) => can(staff, l.action));
    return reply.page(<AdminHomePage ctx={req.pageContext()} links={links} role={staff.role} />);
  });
}
