import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';

export async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(app.deps.db);
      return reply.header('Cache-Control', 'no-store').send({ status: 'ok', database: app.deps.dialect });
    } catch {
      return reply
        .code(503)
        .header('Cache-Control', 'no-store')
        .send({ status: 'unavailable', database: app.deps.dialect });
    }
  });
}
