import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppDeps } from '../app.ts';

/*
 * Prometheus metrics at /metrics, off unless METRICS_TOKEN is set, then only for a request
 * bearing that token. Labels are route *patterns*, methods and statuses — never a visitor's
 * address, a path parameter or a query. Queue lengths come from the features (registry.queues).
 * Each app has its own prom-client registry: no global state shared between test apps.
 */
export function registerMetrics(app: FastifyInstance, token: string): void {
  const { registry, duration } = createMetrics(app.deps);

  app.addHook('onResponse', async (req, reply) => {
    duration.observe(
      { route: req.routeOptions.url ?? '(no route)', method: req.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const expected = Buffer.from(`Bearer ${token}`);
  app.get('/metrics', { config: { csrf: false } }, async (req, reply) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const allowed = given.length === expected.length && crypto.timingSafeEqual(given, expected);
    reply.header('cache-control', 'no-store');
    if (!allowed) return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain').send('Unauthorized\n');
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

/** The app's own prom-client registry: process figures, request durations, and gauges read at scrape time. */
function createMetrics({ pageCache, handle, registry: appRegistry }: AppDeps) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'alongside_' });

  const duration = new Histogram({
    name: 'alongside_http_request_duration_seconds',
    help: 'Time to answer a request, by route pattern, method and status (page-cache hits answered before routing are not included).',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Counter({
    name: 'alongside_page_cache_requests_total',
    help: 'Cacheable anonymous requests, by whether the page cache answered them.',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: 'hit' }, pageCache.stats.hits);
      this.inc({ result: 'miss' }, pageCache.stats.misses);
    },
  });
  new Gauge({
    name: 'alongside_page_cache_entries',
    help: 'Pages held in the page cache.',
    registers: [registry],
    collect() {
      this.set(pageCache.size);
    },
  });
  new Gauge({
    name: 'alongside_moderation_queue_length',
    help: 'Items waiting for staff, by queue.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const queue of appRegistry.queues) this.set({ queue: queue.name }, await queue.count());
    },
  });
  new Gauge({
    name: 'alongside_db_pool_connections',
    help: 'Database connections by state (PostgreSQL pool; SQLite has one in-process connection).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = handle.pgPool;
      if (!pool) {
        this.set({ state: 'total' }, 1);
        return;
      }
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  return { registry, duration };
}
