import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import http from 'node:http';
import type { Writable } from 'node:stream';
import type { VNode } from 'preact';
import type { Config } from './config.ts';
import type { Action } from './core/auth/policy.ts';
import type { PageContext } from './core/views/context.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { DbHandle } from './core/db/connect.ts';
import type { Db, Dialect } from './core/db/schema.ts';
import { PageCache } from './core/cache/page-cache.ts';
import { loggerOptions } from './core/http/logging.ts';
import { httpCore } from './core/http/plugin.tsx';
import { antispam } from './core/antispam/plugin.ts';
import { createClientKeyer } from './core/security/client-key.ts';
import { loadOrCreateSecret } from './core/security/secrets.ts';
import { adminRoutes } from './features/admin/routes.tsx';
import { staffAccountRoutes } from './features/admin/users.tsx';
import { homeRoutes } from './features/home/routes.tsx';
import { postRoutes } from './features/posts/routes.tsx';
import { safetyRoutes } from './features/safety/routes.tsx';
import { healthRoutes } from './features/health/routes.ts';
import { directoryRoutes } from './features/directory/routes.tsx';
import { trainingRoutes } from './features/training/routes.tsx';
import { campaignRoutes } from './features/campaigns/routes.tsx';
import { commentRoutes } from './features/comments/routes.tsx';

/** Everything a feature needs, passed in: no module-level singletons. */
export interface AppDeps {
  config: Config;
  db: Db;
  dialect: Dialect;
  handle: DbHandle;
  clock: Clock;
  secret: string;
  /** Turns a client address into an in-memory-only, daily-rotating key for rate limits. */
  clientKey: (address: string) => string;
  /** Anonymous pages rendered once and kept until a write invalidates their tags. */
  pageCache: PageCache;
  /** Sections features add to the home page and links they add to the staff home. */
  registry: Registry;
}

export interface HomeSection {
  /** Lower comes first: campaign banner 10, posts 20, resources 30, training 40. */
  order: number;
  /** `req` gives the query (e.g. ?page=) and lets a section shorten the page's cache lifetime. */
  render(ctx: PageContext, req?: FastifyRequest): Promise<VNode | null>;
}

export interface AdminLink {
  href: string;
  label: string;
  description: string;
  action: Action;
}

/** Rendered under a post's body (comments add their thread and form here). */
export interface PostFooter {
  order: number;
  render(post: { id: number; slug: string; language: string }, ctx: PageContext): Promise<VNode | null>;
}

export interface Registry {
  homeSections: HomeSection[];
  adminLinks: AdminLink[];
  postFooters: PostFooter[];
}

export interface BuildOptions {
  config: Config;
  handle: DbHandle;
  clock?: Clock;
  /** Where logs go (tests capture them to check nothing about clients is written). */
  logStream?: Writable;
}

/** Composition root: config → db → plugins. The caller owns migrations and listening. */
export async function buildApp({
  config,
  handle,
  clock = systemClock,
  logStream,
}: BuildOptions): Promise<FastifyInstance> {
  // Cached anonymous pages are answered before Fastify runs (PageCache.serveRaw); the rest goes on.
  // eslint-disable-next-line prefer-const -- set once deps exist; the server factory reads it
  let answerFromCache:
    ((req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>) | undefined;
  const app = Fastify({
    serverFactory: (handler) =>
      http.createServer((req, res) => {
        const answered = answerFromCache?.(req, res) ?? false;
        if (answered === false) handler(req, res);
        else if (answered !== true) void answered.then((done) => done || handler(req, res));
      }),
    logger: loggerOptions(config.logLevel, logStream),
    // Fastify's own request lines carry the URL; core/http logs its own, without client details.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const deps: AppDeps = {
    config,
    db: handle.db,
    dialect: handle.dialect,
    handle,
    clock,
    secret: loadOrCreateSecret(config.dataDir, config.secret),
    clientKey: createClientKeyer(clock),
    // Cache lifetimes follow the app clock, so scheduled publication and tests agree on time.
    // With PostgreSQL other instances may share the database, and so the cache's invalidation log.
    pageCache: new PageCache({
      shared: handle.dialect === 'postgres' ? handle.db : undefined,
      now: () => clock.now().getTime(),
    }),
    registry: { homeSections: [], adminLinks: [], postFooters: [] },
  };
  app.decorate('deps', deps);
  answerFromCache = (req, res) => deps.pageCache.serveRaw(req, res);
  await deps.pageCache.start();
  app.addHook('onClose', () => deps.pageCache.stop());
  await app.register(httpCore);
  // Shared anti-spam (ALTCHA widget and challenges) for comments and pledges.
  await app.register(antispam);
  await app.register(healthRoutes);
  await app.register(safetyRoutes);
  await app.register(adminRoutes);
  await app.register(staffAccountRoutes);
  // Feature plugins register below, each in its own encapsulated context.
  await app.register(directoryRoutes);
  await app.register(trainingRoutes);
  await app.register(postRoutes);
  await app.register(commentRoutes);
  await app.register(campaignRoutes);
  await app.register(homeRoutes);
  return app;
}
