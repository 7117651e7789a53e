import type { FastifyInstance } from 'fastify';
import { isDatabaseUp } from '../../core/db/connect.ts';

/** Liveness for a load balancer or container runtime: 200 when the database answers, else 503. */
export async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', async (_req, reply) => {
    const { db, dialect } = app.deps;
    const up = await isDatabaseUp(db);
    return reply
      .code(up ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .send({ status: up ? 'ok' : 'unavailable', database: dialect });
  });
}
