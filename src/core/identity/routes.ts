import type { FastifyInstance } from 'fastify';
import { IMMUTABLE } from '../http/static-files.ts';
import { Type, typed } from '../http/schemas.ts';

// Any other name is simply not in the store's map: not found.
const FileParams = Type.Object({ file: Type.String({ minLength: 1, maxLength: 40 }) });

/**
 * /identity/theme.<hash>.css and /identity/logo.<hash>.png: the accent stylesheet and the logo
 * under their content hash, cached for a year; a name that is not the current one is not found.
 */
export async function identityFiles(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify);
  app.get('/identity/:file', { schema: { params: FileParams } }, async (req, reply) => {
    const asset = app.deps.identity.asset(req.params.file);
    if (!asset) return reply.callNotFound();
    // nosniff (helmet) holds the browser to the type: a PNG is never read as anything else.
    return reply.type(asset.type).header('cache-control', IMMUTABLE).send(asset.body);
  });
}
