/*
 * Comment submissions accepted into the moderation queue per second, on SQLite and PostgreSQL,
 * at 20 concurrent clients, against a bare node:http server sending the same bytes (same run);
 * then the post page throughput (50 connections) alone and while comments are being submitted.
 * Run: node --import tsx bench/comments.ts [--duration 6] [--dialect both|sqlite|postgres]
 *
 * For the measurement the proof of work is NOT solved (every submission takes the no-JavaScript
 * path into the stricter queue, so no challenge verification runs) and the per-client rate
 * limit is disabled (setting comments.rate_limit_per_10_minutes = 0). Everything else runs:
 * CSRF check, honeypot, text validation, link limit, blocked words (10 words configured),
 * duplicate check against the table, private-link token, INSERT.
 */
import http from 'node:http';
import os from 'node:os';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { saveBlockedWords } from '../src/core/antispam/index.ts';
import { writeSetting } from '../src/core/antispam/repo.ts';
import type { Dialect } from '../src/core/db/schema.ts';
import { RATE_LIMIT_SETTING } from '../src/features/comments/routes.tsx';
import { makePost } from '../src/features/comments/testing.ts';
import { buildApp } from '../src/server.ts';
import { openBenchDatabase } from './database.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  '2xx': number;
}
interface Req {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: { setupRequest?: (r: Req) => Req }[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '6' }, dialect: { type: 'string', default: 'both' } },
});
const DURATION = Number(values.duration);
const SUBMITTERS = 20;
const READERS = 50;
const discard = new Writable({ write: (_c, _e, cb) => cb() });
const rps = (r: AutocannonResult) => r.requests.average;

async function bare(body: string, status: number, type: string) {
  const server = http.createServer((_req, res) => {
    _req.resume();
    _req.on('end', () =>
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function benchDialect(dialect: Dialect) {
  const bench = await openBenchDatabase(dialect, 'comments');
  const { handle, dataDir } = bench;
  await writeSetting(handle.db, RATE_LIMIT_SETTING, '0');
  await saveBlockedWords(handle.db, [
    'casino bonus',
    'cheap pills',
    'crypto doubler',
    'click here now',
    'free money',
    'viagra',
    'payday loan',
    'betting tips',
    'escort agency ad',
    'seo services',
  ]);
  const post = await makePost(handle.db, { title: 'If you know more resources, please share them below' });

  const config = loadConfig({ DATA_DIR: dataDir, PORT: '3999', LOG_LEVEL: 'warn', PUBLIC_URL: 'http://127.0.0.1' });
  const app = await buildApp({ config, handle, logStream: discard });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  const form = await (await fetch(`${appUrl}/posts/${post.slug}/comments/new`)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
  let n = 0;
  const bodyFor = () =>
    new URLSearchParams({
      _csrf: csrf,
      name: `Reader ${n}`,
      body: `Comment ${n++} ${Math.random().toString(36).slice(2)}: the (demo) drop-in at https://dropin.example.org/ has evening hours and does not ask for ID.`,
      website: '',
    }).toString();
  const sample = await fetch(`${appUrl}/posts/${post.slug}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: bodyFor(),
  });
  const sampleBody = await sample.text();
  if (sample.status !== 201) throw new Error(`submission failed: ${sample.status} ${sampleBody.slice(0, 300)}`);
  const submit = (connections: number) =>
    autocannon({
      url: `${appUrl}/posts/${post.slug}/comments`,
      connections,
      duration: DURATION,
      requests: [
        {
          setupRequest: (r) => ({
            ...r,
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: bodyFor(),
          }),
        },
      ],
    });

  const bareSubmit = await bare(sampleBody, 201, 'text/html; charset=utf-8');
  const bareResult = await autocannon({
    url: bareSubmit.url,
    connections: SUBMITTERS,
    duration: DURATION,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: bodyFor(),
  });
  const before = Number(
    (
      await handle.db
        .selectFrom('comments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const submitResult = await submit(SUBMITTERS);
  const after = Number(
    (
      await handle.db
        .selectFrom('comments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const accepted = (after - before) / DURATION;
  console.log(
    `[${dialect}] submissions, ${SUBMITTERS} clients: ${accepted.toFixed(0)} comments/s accepted into the queue (${after - before} rows; autocannon ${rps(submitResult).toFixed(0)} req/s, p50 ${submitResult.latency.p50} ms, p99 ${submitResult.latency.p99} ms, non-2xx ${submitResult.non2xx}) | bare node:http same bytes ${rps(bareResult).toFixed(0)} req/s | ratio ${(rps(submitResult) / rps(bareResult)).toFixed(3)}×`,
  );

  const pageUrl = `${appUrl}/posts/${post.slug}`;
  const pageBytes = await (await fetch(pageUrl)).text();
  const barePage = await bare(pageBytes, 200, 'text/html; charset=utf-8');
  const barePageResult = await autocannon({ url: barePage.url, connections: READERS, duration: DURATION });
  const pageAlone = await autocannon({ url: pageUrl, connections: READERS, duration: DURATION });
  const [pageLoaded, submitLoaded] = await Promise.all([
    autocannon({ url: pageUrl, connections: READERS, duration: DURATION }),
    submit(SUBMITTERS),
  ]);
  console.log(
    `[${dialect}] post page (${(pageBytes.length / 1024).toFixed(1)} KB), ${READERS} connections: alone ${rps(pageAlone).toFixed(0)} req/s (p99 ${pageAlone.latency.p99} ms) | while ${SUBMITTERS} clients submit comments ${rps(pageLoaded).toFixed(0)} req/s (p99 ${pageLoaded.latency.p99} ms; submissions meanwhile ${rps(submitLoaded).toFixed(0)}/s) | bare node:http ${rps(barePageResult).toFixed(0)} req/s | ratios ${(rps(pageAlone) / rps(barePageResult)).toFixed(2)}× alone, ${(rps(pageLoaded) / rps(barePageResult)).toFixed(2)}× under submissions`,
  );

  await app.close();
  await bareSubmit.close();
  await barePage.close();
  await bench.close();
}

console.log(
  `Comments benchmark: ${DURATION} s per run, Node ${process.version}, ${os.cpus().length} cores; proof of work not solved (no-JS path) and rate limit disabled for the measurement.`,
);
for (const dialect of (values.dialect === 'both' ? ['sqlite', 'postgres'] : [values.dialect]) as Dialect[])
  await benchDialect(dialect);
