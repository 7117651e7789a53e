import type { FastifyInstance, FastifyReply } from 'fastify';
import { assetBody, findAsset } from './assets.ts';
import { Type, typed } from './schemas.ts';
import { varyOnEncoding } from './compression.ts';

/** A hashed name's content never changes: a year, and browsers need not even revalidate. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A plain name may get new content with the next release. */
export const SHORT = 'public, max-age=3600';

const StaticParams = Type.Object({ '*': Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * /static/*: the files of core/http/assets.ts from memory, compressed as the browser accepts,
 * with an ETag per content and encoding (304 when it still matches).
 */
export async function staticFiles(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify);
  app.get('/static/*', { schema: { params: StaticParams } }, async (req, reply) => {
    const found = findAsset(req.params['*']);
    if (!found) return reply.callNotFound();
    const { asset, immutable } = found;
    const { encoding, body } = assetBody(asset, req.headers['accept-encoding']);
    const etag = `"${asset.hash}${encoding ? `-${encoding}` : ''}"`;
    reply
      .type(asset.type)
      .header('cache-control', immutable ? IMMUTABLE : SHORT)
      .header('etag', etag)
      .header('vary', varyOnEncoding(reply.getHeader('vary')));
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    const range = req.headers.range;
    if (range !== undefined) return sendRange(reply.header('etag', `"${asset.hash}"`), asset.body, range);
    if (encoding) reply.header('content-encoding', encoding);
    return reply.send(await body);
  });
}

/**
 * One byte range of the plain file (resumed downloads), as @fastify/static answered before:
 * 206 with the part, or 416 (the error page) for a range past the end. Other forms of Range
 * (several ranges) get the whole file, which HTTP allows.
 */
function sendRange(reply: FastifyReply, body: Buffer, range: string | string[]) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(String(range).trim());
  if (!match || (match[1] === '' && match[2] === '')) return reply.send(body);
  const size = body.length;
  let start = match[1] === '' ? size - Number(match[2]) : Number(match[1]);
  let end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start < 0) start = 0;
  if (start >= size || start > end) {
    reply.header('content-range', `bytes */${size}`);
    throw Object.assign(new Error('Range Not Satisfiable'), { statusCode: 416 });
  }
  end = Math.max(end, start);
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .send(body.subarray(start, end + 1));
}
