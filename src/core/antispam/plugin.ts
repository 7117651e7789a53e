import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { noStore } from '../http/security.ts';
import { createUnverifiedCeiling, type UnverifiedCeiling } from './ceiling.ts';
import { createProofOfWork, type ProofOfWork } from './challenge.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared proof-of-work checker (ALTCHA): comments and pledges use the same one. */
    proofOfWork: ProofOfWork;
    /** The site-wide ceiling on submissions without a proof of work: comments and pledges share it. */
    unverifiedCeiling: UnverifiedCeiling;
  }
}

/*
 * Issues proof-of-work challenges (ALTCHA). The widget's files are served from the site itself with
 * the other static files (core/http/assets.ts): no CDN, the bundle comes from the `altcha` npm
 * package pinned by the lockfile.
 */
export const antispam = fp(
  async function antispam(app: FastifyInstance) {
    const { secret, clock, db, guards } = app.deps;
    app.decorate('proofOfWork', createProofOfWork({ secret, clock, db, guards }));
    app.decorate('unverifiedCeiling', createUnverifiedCeiling({ db, clock, guards }));

    // A fresh challenge per form: never cached, no cookie, nothing about the client kept.
    app.get(
      '/antispam/challenge',
      { config: { csrf: false, rateLimit: { max: 60, timeWindow: '1 minute' } } },
      async (_req, reply) => {
        noStore(reply);
        return reply.send(await app.proofOfWork.issue());
      },
    );
  },
  { name: 'antispam' },
);
