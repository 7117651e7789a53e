import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../core/app.ts';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import type { Message } from '../../core/i18n/index.ts';
import { statusOf, type Problem } from '../../core/result.ts';
import { cacheLifetime } from './service.ts';

/* Small HTTP pieces the publishing route plugins share. */

export function errorPage(req: FastifyRequest, reply: FastifyReply, status: number, message?: Message) {
  return reply.page(<ErrorPage ctx={req.pageContext()} status={status} message={message} />, status);
}

export const notFoundPage = (req: FastifyRequest, reply: FastifyReply) => errorPage(req, reply, 404);

/** A service's refusal as an error page with its status and message. */
export const problemPage = (req: FastifyRequest, reply: FastifyReply, problem: Problem) =>
  errorPage(req, reply, statusOf(problem), problem.message);

/** A cached list must not outlive the next scheduled publication (other parts of the page may cap it sooner). */
export async function capCacheLifetime(req: FastifyRequest, { db, clock }: Pick<AppDeps, 'db' | 'clock'>) {
  const ms = await cacheLifetime(db, clock);
  if (ms !== null) req.cacheTtlMs = Math.min(ms, req.cacheTtlMs ?? ms);
}
