import type { FastifyInstance } from 'fastify';
import { SafetyPage } from './views.tsx';

export async function safetyRoutes(app: FastifyInstance) {
  app.get('/safety', async (req, reply) => reply.page(<SafetyPage ctx={req.pageContext()} />));
}
