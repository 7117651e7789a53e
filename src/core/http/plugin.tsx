import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { guardRateLimitStore } from '../guards/rate-limit-store.ts';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { staffForSession, type StaffMember } from '../auth/service.ts';
import type { Locale } from '../i18n/index.ts';
import { explicitLocale, localeCacheKey, localeOfRequest, negotiateLocale } from '../i18n/negotiate.ts';
import type { Config } from '../../config.ts';
import { renderDocument } from '../views/render.ts';
import { withLang } from '../views/href.tsx';
import type { PageContext } from '../views/context.ts';
import { createCsrf } from './csrf.ts';
import { ErrorPage } from './error-pages.tsx';
import { isCrossSite, noStore, registerSecurityHeaders, warnOnUntrustedForwarding } from './security.ts';
import { translate, type Message } from '../i18n/index.ts';
import { msg } from '../views/messages.ts';
import '../app.ts';
import { SESSION_COOKIE } from '../auth/session-cookie.ts';
import type { CacheTag } from '../cache/tags.ts';
import { parseFormStrict } from './form-parser.ts';
import { isCompressible, registerCompression, varyOnEncoding } from './compression.ts';
import { staticFiles } from './static-files.ts';
import { refusedInput } from './input-gate.ts';

export { SESSION_COOKIE };

declare module 'fastify' {
  interface FastifyRequest {
    /** `mustEnrol`: a second factor is required and this account has none yet (the guard sends it to enrolment). */
    staff: (StaffMember & { tokenHash: string; mustEnrol?: boolean }) | null;
    /**
     * The page context for views, in `locale` when given, otherwise the reader's (`readerLocale`);
     * staff pages (/admin) stay English.
     */
    pageContext(locale?: Locale): PageContext;
    /**
     * The reader's language: `?lang=` when it names one, else Accept-Language, else `fallback` (a
     * page's own content language), else English. Consulting Accept-Language marks the response
     * `Vary: Accept-Language`.
     */
    readerLocale(fallback?: Locale): Locale;
    /** Set when this response's language came from Accept-Language (see readerLocale). */
    localeNegotiated: boolean;
  }
  interface FastifyReply {
    /** Sends a rendered page with the given status (200 by default). */
    page(page: VNode, status?: number): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Set false on routes that take no form posts from browsers (read APIs with CORS). */
    csrf?: boolean;
    /**
     * The route takes multipart/form-data (a file upload). Its fields are attached to the body by a
     * preValidation hook of the feature's scope (@fastify/multipart), which runs after the hooks here;
     * so for this route the input gate and the CSRF check run as its own first preValidation hook,
     * once the fields are there.
     */
    multipart?: boolean;
    /**
     * Cache this route's anonymous 200 responses in memory, tagged; handlers may add tags to
     * `req.cacheTags` (e.g. "post:12"). Writes call `deps.pageCache.invalidate(tag)`.
     */
    pageCache?: {
      tags: CacheTag[];
      ttlMs?: number;
      /** A cookie that makes the page personal (e.g. a training progress code): with it, the cache is neither read nor written. */
      personalCookie?: string;
      /** Requests this route must never cache (e.g. a search near a place): the cache is neither read nor written, and not even synced. */
      bypass?: (req: FastifyRequest) => boolean;
    };
  }
  interface FastifyRequest {
    /** null when this response will not be cached (staff, personal pages, not GET): add tags with `?.push`. */
    cacheTags: CacheTag[] | null;
    /** A handler may shorten this response's cache lifetime (e.g. until the next scheduled post goes live). */
    cacheTtlMs: number | null;
    /** The page cache's generation when this render began: a page rendered across an invalidation is not stored. */
    cacheGeneration: number;
  }
}

/**
 * Requests Fastify refuses before routing (a path that is not UTF-8, a path parameter over its
 * length limit) get the site's own error page, or JSON under /api, like every other refusal.
 */
export function frameworkErrorAnswer(config: Config) {
  // No request decorators exist yet at this stage: the page gets a plain anonymous context.
  const ctx: PageContext = {
    siteName: 'Alongside',
    publicUrl: config.publicUrl,
    quickExitUrl: config.quickExitUrl,
    locale: 'en',
    csrfToken: '',
  };
  return (error: { statusCode?: number }, req: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
    const message = msg('notUnderstood');
    if (wantsJson(req)) return reply.code(status).send({ error: translate('en', message), statusCode: status });
    const locale = localeOfRequest(req.url, req.headers['accept-language']);
    const page = renderDocument(
      <ErrorPage
        ctx={{ ...ctx, locale, ...(locale === 'en' ? {} : { linkLang: locale }) }}
        status={400}
        message={message}
      />,
    );
    return reply.code(status).type('text/html; charset=utf-8').send(page);
  };
}

/** The page's language and the language its links carry (see PageContext.linkLang). */
function languages(req: FastifyRequest, given: Locale | undefined): { locale: Locale; linkLang?: Locale } {
  if (isStaffPath(req.url)) return { locale: given ?? 'en' };
  const locale = given ?? req.readerLocale();
  const chosen = explicitLocale((req.query as Record<string, unknown> | undefined)?.lang);
  const linkLang = chosen ?? (locale === 'en' ? undefined : locale);
  return linkLang ? { locale, linkLang } : { locale };
}

/** Staff pages are not translated (readers only): they stay English whatever the browser asks. */
function isStaffPath(url: string): boolean {
  return url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?');
}

function varyOn(current: unknown, header: string): string {
  const value = current === undefined ? '' : String(current);
  if (
    value
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes(header.toLowerCase())
  )
    return value;
  return value ? `${value}, ${header}` : header;
}

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url.startsWith('/healthz');
}

/** Cross-cutting HTTP behaviour shared by every feature plugin, on purpose (fastify-plugin). */
export const httpCore = fp(async function httpCore(app: FastifyInstance) {
  const { config, db, clock, secret, clientKey, pageCache, identity, guards } = app.deps;
  const csrf = createCsrf(secret);

  await registerSecurityHeaders(app, { https: config.secureCookies });
  warnOnUntrustedForwarding(app);
  // Every form on the site goes through the one strict parser (UTF-8 checked field by field).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 256 * 1024 },
    (_req, body, done) => done(null, parseFormStrict(body as Buffer)),
  );
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (req) => clientKey(req.ip),
    // Counted in the shared guard store: one count for all workers and instances.
    store: guardRateLimitStore(guards, () => clock.now().getTime()),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many requests. Try again in ${ctx.after}.`,
    }),
  });

  app.decorateRequest('staff', null);
  app.decorateRequest('localeNegotiated', false);
  app.decorateRequest('readerLocale', function (this: FastifyRequest, fallback?: Locale): Locale {
    const chosen = explicitLocale((this.query as Record<string, unknown> | undefined)?.lang);
    if (chosen) return chosen;
    this.localeNegotiated = true;
    return negotiateLocale(this.headers['accept-language']) ?? fallback ?? 'en';
  });
  app.decorateRequest('pageContext', function (this: FastifyRequest, locale?: Locale): PageContext {
    const staff = this.staff;
    return {
      ...identity.current(),
      publicUrl: config.publicUrl,
      ...languages(this, locale),
      staff: staff ? { displayName: staff.displayName, role: staff.role } : undefined,
      csrfToken: csrf.create(staff?.tokenHash),
    };
  });
  app.decorateReply('page', function (this: FastifyReply, page: VNode, status = 200) {
    return this.code(status).type('text/html; charset=utf-8').send(renderDocument(page));
  });

  // Staff sessions: only a request that carries the staff cookie touches the sessions table.
  app.addHook('onRequest', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    req.staff = (await staffForSession(db, clock, token)) ?? null;
    if (req.staff) noStore(reply);
    else reply.clearCookie(SESSION_COOKIE, { path: '/' });
  });

  // Anonymous page cache: a hit is answered before any handler runs.
  app.decorateRequest('cacheTags', null);
  app.decorateRequest('cacheTtlMs', null);
  app.decorateRequest('cacheGeneration', 0);
  const RAW_SKIP = new Set([
    'set-cookie',
    'content-length',
    'date',
    'connection',
    'keep-alive',
    'transfer-encoding',
    'content-encoding',
    'x-cache',
  ]);
  const CACHED_HEADERS = [
    'content-type',
    'cache-control',
    'link',
    'content-language',
    'access-control-allow-origin',
    'etag',
    'last-modified',
    'vary',
  ];
  app.addHook('onRequest', async (req, reply) => {
    const rule = req.routeOptions.config?.pageCache;
    if (!rule || req.method !== 'GET' || req.staff || req.cookies[SESSION_COOKIE]) return;
    if (rule.personalCookie && req.cookies[rule.personalCookie]) return;
    if (rule.bypass?.(req)) return;
    req.cacheTags = [...rule.tags];
    await pageCache.sync();
    req.cacheGeneration = pageCache.currentGeneration;
    const hit = pageCache.lookup(localeCacheKey(req.url, req.headers['accept-language']));
    if (!hit) return;
    for (const [name, value] of Object.entries(hit.headers)) reply.header(name, value);
    const encoding = pageCache.encodingFor(hit, req.headers['accept-encoding']);
    if (encoding) reply.header('content-encoding', encoding);
    const body = await pageCache.encodedBody(localeCacheKey(req.url, req.headers['accept-language']), hit, encoding);
    return reply.code(hit.status).header('x-cache', 'hit').send(body);
  });
  // After the cache's sync: another instance's identity change is read before this page renders.
  app.addHook('onRequest', () => identity.fresh());
  // Before the cache stores the headers: a page whose language came from Accept-Language says so.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.localeNegotiated) reply.header('vary', varyOn(reply.getHeader('vary'), 'Accept-Language'));
    // A redirect after a reader's form or an old address keeps the language they chose.
    const location = reply.getHeader('location');
    const chosen = explicitLocale((req.query as Record<string, unknown> | undefined)?.lang);
    if (
      chosen &&
      typeof location === 'string' &&
      reply.statusCode >= 300 &&
      reply.statusCode < 400 &&
      !isStaffPath(req.url)
    )
      reply.header('location', withLang(chosen, location));
    return payload;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const rule = req.routeOptions.config?.pageCache;
    if (
      !rule ||
      !req.cacheTags ||
      req.method !== 'GET' ||
      reply.statusCode !== 200 ||
      typeof payload !== 'string' ||
      reply.getHeader('x-cache')
    )
      return payload;
    if (reply.getHeader('set-cookie')) return payload;
    const compressible = isCompressible(reply.getHeader('content-type'));
    if (compressible) reply.header('vary', varyOnEncoding(reply.getHeader('vary')));
    const headers: Record<string, string> = {};
    for (const name of CACHED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    // Kept as bytes: a hit then skips re-encoding the page on every request.
    const body = Buffer.from(payload);
    // The full header set lets the server answer later hits before Fastify runs (PageCache.serveRaw).
    const rawHeaders: string[] = [];
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value === undefined || RAW_SKIP.has(name)) continue;
      for (const v of Array.isArray(value) ? value : [value]) rawHeaders.push(name, String(v));
    }
    rawHeaders.push('x-cache', 'hit');
    const skipIfCookies = rule.personalCookie ? [SESSION_COOKIE, rule.personalCookie] : [SESSION_COOKIE];
    const key = localeCacheKey(req.url, req.headers['accept-language']);
    const entry = pageCache.set(
      key,
      { body, status: 200, headers, tags: req.cacheTags, raw: { headers: rawHeaders, skipIfCookies }, compressible },
      req.cacheTtlMs ?? rule.ttlMs,
      req.cacheGeneration,
    );
    // The compressed body is made once and kept with the page (not stored: compressed per request, below).
    const encoding = entry && pageCache.encodingFor(entry, req.headers['accept-encoding']);
    if (!entry || !encoding) return body;
    const encoded = await pageCache.encodedBody(key, entry, encoding);
    reply.header('content-encoding', encoding);
    reply.header('content-length', String(encoded.length));
    return encoded;
  });

  registerCompression(app);

  // Before schemas and handlers: text that is not clean text is refused naming the field, then
  // state-changing requests must come from this site with a form token (no cookie needed).
  async function gateInput(req: FastifyRequest, reply: FastifyReply) {
    const refused = refusedInput(req);
    if (refused) return sendError(req, reply, 400, refused);
    const method = req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
    if (req.routeOptions.config?.csrf === false) return;
    if (isCrossSite(req.headers, new URL(config.publicUrl).origin, req.headers.host)) {
      return sendError(req, reply, 403, msg('crossSite'));
    }
    const body = req.body as Record<string, unknown> | undefined;
    const token = body?._csrf ?? req.headers['x-csrf-token'];
    if (!csrf.verify(token, req.staff?.tokenHash)) return sendError(req, reply, 403, msg('formExpired'));
  }
  // Multipart requests between here and the gate are being read by their scope's parser (see the
  // error handler): whatever fails in that window is the body, not the site.
  const readingMultipart = new WeakSet<FastifyRequest>();
  app.addHook('preValidation', async (req, reply) => {
    if (!req.routeOptions.config?.multipart) return gateInput(req, reply);
    readingMultipart.add(req); // gated by the route's own hook below, after its parser
  });
  // A route's own hooks run after every instance hook, so after its scope's multipart parser.
  async function gateMultipart(req: FastifyRequest, reply: FastifyReply) {
    readingMultipart.delete(req);
    return gateInput(req, reply);
  }
  app.addHook('onRoute', (route) => {
    if (!route.config?.multipart) return;
    const own = route.preValidation === undefined ? [] : [route.preValidation].flat();
    route.preValidation = [gateMultipart, ...own];
  });

  // Replaces Fastify's request log: method, route pattern, status, time; nothing about the client.
  // At debug level, so an operator's default log shows start-up and failures only.
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug(
      {
        method: req.method,
        route: req.routeOptions.url ?? '(no route)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  function sendError(req: FastifyRequest, reply: FastifyReply, status: number, message?: Message) {
    if (wantsJson(req)) {
      return reply.code(status).send({ error: message ? translate('en', message) : 'Error', statusCode: status });
    }
    return reply.page(<ErrorPage ctx={req.pageContext()} status={status} message={message} />, status);
  }

  app.setNotFoundHandler((req, reply) => sendError(req, reply, 404));

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
    let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    // A multipart body the parser gave up on (cut short, no boundary, a broken part header: busboy
    // throws plain errors) fails before the gate, for anyone, session or not: the client's mistake.
    if (status === 500 && readingMultipart.has(req)) status = 400;
    if (status >= 500)
      req.log.error({ err: { message: error.message, stack: error.stack, code: error.code } }, 'request failed');
    let message: Message | undefined;
    if (status === 400 && error.validation) message = msg('badInput');
    else if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = msg('badMediaType');
    else if (status === 400) message = msg('notUnderstood');
    return sendError(req, reply, status === 415 ? 400 : status, message);
  });

  // After the error handler, so a refused range gets the site's error page.
  await app.register(staticFiles);
});
