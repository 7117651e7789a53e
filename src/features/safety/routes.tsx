import type { FastifyInstance } from 'fastify';
import { Lang, Type, typed } from '../../core/http/schemas.ts';
import { SafetyPage } from './views.tsx';

const SafetyQuery = Type.Object({ lang: Type.Optional(Lang) });

export async function safetyRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/safety', { schema: { querystring: SafetyQuery } }, async (req, reply) =>
    reply.page(<SafetyPage ctx={req.pageContext()} />),
  );
}
