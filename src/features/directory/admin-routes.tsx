import type { FastifyInstance } from 'fastify';
export async function directoryAdminRoutes(_app: FastifyInstance) {}
