import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
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
 * Serves the ALTCHA widget from the site itself (no CDN: the bundle comes from the `altcha`
 * npm package pinned by the lockfile) and issues challenges. The widget's "external" build is
 * used because it needs no inline styles and no blob: workers, so it runs under the site's
 * CSP (`default-src 'self'`).
 */
const require = createRequire(import.meta.url);
// The package exports no ./package.json; its CSS export sits in dist/external.
const ALTCHA_DIST = path.resolve(path.dirname(require.resolve('altcha/altcha.css')), '..');

const WIDGET_FILES: Record<string, { file: string; type: string }> = {
  'altcha.js': { file: 'external/altcha.js', type: 'text/javascript; charset=utf-8' },
  'altcha.css': { file: 'external/altcha.css', type: 'text/css; charset=utf-8' },
  'sha-worker.js': { file: 'workers/sha.js', type: 'text/javascript; charset=utf-8' },
};

export const antispam = fp(
  async function antispam(app: FastifyInstance) {
    const { secret, clock, db, dialect } = app.deps;
    app.decorate('proofOfWork', createProofOfWork({ secret, clock, db, dialect }));
    app.decorate('unverifiedCeiling', createUnverifiedCeiling({ db, clock }));

    const files = new Map<string, { body: Buffer; type: string }>();
    for (const [name, { file, type }] of Object.entries(WIDGET_FILES)) {
      files.set(name, { body: fs.readFileSync(path.join(ALTCHA_DIST, file)), type });
    }
    app.get('/static/altcha/:file', async (req, reply) => {
      const f = files.get((req.params as { file: string }).file);
      if (!f) return reply.callNotFound();
      return reply.type(f.type).header('cache-control', 'public, max-age=3600').send(f.body);
    });

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
