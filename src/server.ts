import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cluster from 'node:cluster';
import http from 'node:http';
import type { Writable } from 'node:stream';
import type { Config } from './config.ts';
import { emptyRegistry, type AppDeps } from './core/app.ts';
import { parseQueryStrict } from './core/http/form-parser.ts';
import { createJobs } from './core/jobs.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { DbHandle } from './core/db/connect.ts';
import { PageCache } from './core/cache/page-cache.ts';
import { cacheTags } from './core/cache/tags.ts';
import { identityFiles } from './core/identity/routes.ts';
import { IdentityStore } from './core/identity/store.ts';
import { loggerOptions } from './core/http/logging.ts';
import { clientErrorAnswer } from './core/http/client-errors.tsx';
import { frameworkErrorAnswer, httpCore } from './core/http/plugin.tsx';
import { lazyValidatorFactory } from './core/http/validators.ts';
import { antispam } from './core/antispam/plugin.ts';
import { createClientKeyer } from './core/security/client-key.ts';
import { databaseGuardStore } from './core/guards/store.ts';
import { loadOrCreateSecret } from './core/security/secrets.ts';
import { loginRoutes } from './features/admin/routes.tsx';
import { staffAreaRoutes } from './features/admin/admin-routes.tsx';
import { homeRoutes } from './features/home/routes.tsx';
import { postRoutes } from './features/posts/routes.tsx';
import { safetyRoutes } from './features/safety/routes.tsx';
import { healthRoutes } from './features/health/routes.ts';
import { directoryRoutes } from './features/directory/routes.tsx';
import { trainingRoutes } from './features/training/routes.tsx';
import { campaignRoutes } from './features/campaigns/routes.tsx';
import { commentRoutes } from './features/comments/routes.tsx';

/**
 * Fastify reads a bare number as "trust nobody" (it cannot check the peer), so a hop count becomes
 * the usual rule: the first `hops` addresses from the socket outwards are proxies. Only safe when
 * the app cannot be reached except through them (README: Deployment).
 */
function trustProxyOption(
  trust: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/** Expired guard rows (finished windows, used challenges, yesterday's salt) are deleted this often. */
const GUARD_SWEEP_MS = 5 * 60_000;

export interface BuildOptions {
  config: Config;
  handle: DbHandle;
  clock?: Clock;
  /** Where logs go (tests capture them to check nothing about clients is written). */
  logStream?: Writable;
  /**
   * Other processes share the database: the page cache reads the shared invalidation log and the
   * client-key salt comes from the guard store. Default: on PostgreSQL, and in a cluster worker.
   */
  sharedDatabase?: boolean;
}

/** Composition root: config → db → plugins. The caller owns migrations and listening. */
export async function buildApp({
  config,
  handle,
  clock = systemClock,
  logStream,
  sharedDatabase = handle.dialect === 'postgres' || cluster.isWorker,
}: BuildOptions): Promise<FastifyInstance> {
  // Cached anonymous pages are answered before Fastify runs (PageCache.serveRaw); the rest goes on.
  // eslint-disable-next-line prefer-const -- set once deps exist; the server factory reads it
  let answerFromCache:
    ((req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>) | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = http.createServer((req, res) => {
        const answered = answerFromCache?.(req, res) ?? false;
        if (answered === false) handler(req, res);
        else if (answered !== true) void answered.then((done) => done || handler(req, res));
      });
      // A client that stops sending (a stalled body, an idle connection) is cut after 10 s of
      // silence; headers must arrive within 10 s and a whole request within a minute; idle
      // keep-alive connections close first. (With a server factory, Fastify leaves these to us.)
      server.timeout = 10_000;
      server.headersTimeout = 10_000;
      server.requestTimeout = 60_000;
      server.keepAliveTimeout = 5_000;
      return server;
    },
    logger: loggerOptions(config.logLevel, logStream),
    // Fastify's own request lines carry the URL; core/http logs its own, without client details.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1024 * 1024,
    frameworkErrors: frameworkErrorAnswer(config),
    clientErrorHandler: clientErrorAnswer(config),
    schemaController: { compilersFactory: { buildValidator: lazyValidatorFactory() } },
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryStrict },
  });
  const identity = new IdentityStore(handle.db, { quickExitUrl: config.quickExitUrl });
  const guards = databaseGuardStore(handle.db, handle.dialect, clock);
  const deps: AppDeps = {
    config,
    db: handle.db,
    dialect: handle.dialect,
    handle,
    clock,
    secret: loadOrCreateSecret(config.dataDir, config.secret),
    clientKey: createClientKeyer(clock, sharedDatabase ? guards : undefined),
    guards,
    sharedDatabase,
    // Cache lifetimes follow the app clock, so scheduled publication and tests agree on time.
    // When other processes share the database, they share the cache's invalidation log too.
    pageCache: new PageCache({
      shared: sharedDatabase ? handle.db : undefined,
      now: () => clock.now().getTime(),
      // Another instance changed the identity (it drops every page): read it again before the next page.
      onSharedDrop: (tags) => tags.includes(cacheTags.all) && identity.markStale(),
    }),
    registry: emptyRegistry(),
    jobs: createJobs(app.log),
    identity,
  };
  app.decorate('deps', deps);
  answerFromCache = (req, res) => deps.pageCache.serveRaw(req, res);
  await deps.pageCache.start();
  await identity.load();
  app.addHook('onClose', () => deps.pageCache.stop());
  app.addHook('onReady', () => deps.jobs.runStartJobs());
  app.addHook('onClose', async () => deps.jobs.stop());
  deps.jobs.every('guard sweep', GUARD_SWEEP_MS, () => guards.sweep(), { atStart: true });
  await app.register(httpCore);
  // prom-client is loaded only when metrics are on.
  if (config.metricsToken) (await import('./core/http/metrics.ts')).registerMetrics(app, config.metricsToken);
  // Shared anti-spam (ALTCHA widget and challenges) for comments and pledges.
  await app.register(antispam);
  await app.register(healthRoutes);
  await app.register(identityFiles);
  await app.register(safetyRoutes);
  await app.register(loginRoutes);
  await app.register(staffAreaRoutes);
  // Feature plugins register below, each in its own encapsulated context.
  await app.register(directoryRoutes);
  await app.register(trainingRoutes);
  await app.register(postRoutes);
  await app.register(commentRoutes);
  await app.register(campaignRoutes);
  await app.register(homeRoutes);
  return app;
}
