/*
 * Post page throughput: a 1,500-word post with 100 approved comments, against a bare node:http
 * server sending the same bytes from memory, measured in the same run (autocannon, 50
 * connections). Then checks the page stays correct: an edit and a newly approved comment show on
 * the next request. Run: node --import tsx bench/posts.ts [--duration 4] [--connections 50]
 * (BENCH_ROUNDS=5 interleaved pairs of runs by default).
 */
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config.ts';
import { systemClock } from '../src/core/clock.ts';
import { createStaff } from '../src/core/auth/service.ts';
import { openDatabase } from '../src/core/db/connect.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';
import { buildApp } from '../src/server.ts';
import * as posts from '../src/features/posts/service.ts';

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number; p50: number };
  non2xx: number;
}
const AUTOCANNON_BIN = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '4' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-bench-posts-'));
const handle = openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'bench.sqlite') });
await migrateToLatest(handle.db, 'sqlite');

const WORDS =
  'support outreach rights safety peer led harm reduction services housing health legal advice community trust listen offer choice dignity work'.split(
    ' ',
  );
function paragraph(n: number, seed: number): string {
  return Array.from({ length: n }, (_, i) => WORDS[(i * 7 + seed) % WORDS.length]).join(' ') + '.';
}
const sections: string[] = [];
let words = 0;
for (let s = 0; words < 1500; s++) {
  sections.push(`## Section ${s + 1}: ${WORDS[s % WORDS.length]}`);
  sections.push(
    paragraph(60, s),
    `- ${paragraph(6, s + 1)}\n- ${paragraph(6, s + 2)}\n- [a resource](https://example.org/r/${s})`,
    `> ${paragraph(20, s + 3)}`,
    paragraph(40, s + 4),
  );
  words += 4 + 60 + 18 + 20 + 40;
}
const body = sections.join('\n\n');

const staff = await createStaff(handle.db, systemClock, {
  email: 'bench@example.org',
  role: 'editor',
  password: 'benchmark-password-1',
  displayName: 'Bench Editor',
});
if (!staff.ok) throw new Error(staff.message);
const actor = { id: staff.value.id, role: 'editor' as const };
const saved = await posts.savePost(
  handle.db,
  systemClock,
  actor,
  undefined,
  {
    title: 'A long post for the benchmark',
    slug: 'bench',
    excerpt: 'Fifteen hundred words and a hundred comments.',
    body_md: body,
    content_note: 'mentions violence',
    language: 'en',
    tags: 'Harm reduction, Outreach, Rights',
    publish_at: '',
    translation_of: '',
    cover_alt: '',
  },
  'publish',
);
if (!saved.ok) throw new Error(saved.message);
const postId = saved.value.id;
const now = new Date().toISOString();
const comments = Array.from({ length: 100 }, (_, i) => ({
  post_id: postId,
  parent_id: null,
  display_name: i % 3 ? `Reader ${i}` : '',
  body_md: `Comment ${i}: ${paragraph(30, i)} See [this guide](https://example.org/guide/${i}).`,
  status: 'approved' as const,
  is_staff: 0,
  staff_user_id: null,
  challenge_passed: 1,
  token_hash: null,
  fingerprint: `fp-${i}`,
  legacy_id: null,
  created_at: new Date(Date.now() - (100 - i) * 60_000).toISOString(),
  updated_at: now,
  editable_until: null,
  status_changed_at: now,
  moderated_by: null,
  edit_count: 0,
}));
await handle.db.insertInto('comments').values(comments).execute();

const discard = new Writable({ write: (_c, _e, cb) => cb() });
const config = loadConfig({ DATA_DIR: dataDir, PORT: '3999', LOG_LEVEL: 'info', PUBLIC_URL: 'http://127.0.0.1' });
const app = await buildApp({ config, handle, logStream: discard });
await app.listen({ port: 0, host: '127.0.0.1' });
const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

// Count renders (cache misses) during the runs, to show the figures measure cache hits.
let renders = 0;
const originalSet = app.deps.pageCache.set.bind(app.deps.pageCache);
app.deps.pageCache.set = (...args: Parameters<typeof originalSet>) => {
  renders++;
  return originalSet(...args);
};
const PAGE = '/posts/bench';
const first = await fetch(appUrl + PAGE);
const bytes = Buffer.from(await first.arrayBuffer());
if (first.status !== 200) throw new Error(`page answered ${first.status}`);
const html = bytes.toString('utf8');
const shownComments = (html.match(/class="comment"/g) ?? []).length;
const textWords = html
  .replace(/<[^>]+>/g, ' ')
  .split(/\s+/)
  .filter(Boolean).length;

// "The same bytes": the bare server sends the same body and the same response headers (security
// headers included; Node adds date and connection to both).
const sameHeaders: string[] = [];
for (const [name, value] of first.headers.entries())
  if (!['date', 'connection', 'keep-alive', 'x-cache', 'transfer-encoding'].includes(name))
    sameHeaders.push(name, value);
sameHeaders.push('x-cache', 'hit');
const bare = http.createServer((_req, res) => {
  res.writeHead(200, sameHeaders);
  res.end(bytes);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}`;

// The load generator runs in its own process, so it does not share the servers' event loop.
const run = (url: string) =>
  new Promise<AutocannonResult>((resolve, reject) => {
    execFile(
      process.execPath,
      [AUTOCANNON_BIN, '--json', '-c', String(connections), '-d', String(duration), url],
      { maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(err);
        resolve(JSON.parse(stdout) as AutocannonResult);
      },
    );
  });
const rps = (r: AutocannonResult) => r.requests.average;
console.log(
  `Post page: ${(bytes.length / 1024).toFixed(1)} KB, ~${words} words of Markdown, ${shownComments} comments shown (${textWords} words on the page), ${connections} connections, ${duration} s per run, SQLite, Node ${process.version}, ${os.cpus().length} cores`,
);
// The machine is shared: interleave short runs of both servers and compare each pair, so a burst
// of other load does not land on one side only. Reported: every pair and the median ratio.
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const pairs: { bare: AutocannonResult; page: AutocannonResult }[] = [];
await run(appUrl + PAGE); // warm-up (JIT, cache)
for (let i = 0; i < rounds; i++) {
  // Alternate which server goes first, so a trend in the machine's load favours neither.
  const [bareResult, pageResult] =
    i % 2 === 0
      ? [await run(bareUrl + PAGE), await run(appUrl + PAGE)]
      : await run(appUrl + PAGE).then(async (page) => [await run(bareUrl + PAGE), page] as const);
  pairs.push({ bare: bareResult, page: pageResult });
  console.log(
    `round ${i + 1}: bare node:http ${rps(bareResult).toFixed(0)} req/s (p99 ${bareResult.latency.p99} ms) | post page ${rps(pageResult).toFixed(0)} req/s (p50 ${pageResult.latency.p50} ms, p99 ${pageResult.latency.p99} ms, non-2xx ${pageResult.non2xx}) | ratio ${(rps(pageResult) / rps(bareResult)).toFixed(2)}×`,
  );
}
const ratios = pairs.map((p) => rps(p.page) / rps(p.bare)).sort((a, b) => a - b);
const p99s = pairs.map((p) => p.page.latency.p99).sort((a, b) => a - b);
console.log(
  `median ratio: ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)}× (target ≥ 0.7×); median p99 of the post page: ${p99s[Math.floor(p99s.length / 2)]} ms (target < 25 ms); load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

console.log(`page renders during the runs (cache misses): ${renders - 1}`);

// Stays correct: an edit and a newly approved comment show on the next request.
const edited = await posts.savePost(
  handle.db,
  systemClock,
  actor,
  postId,
  {
    title: 'A long post, edited',
    slug: 'bench',
    excerpt: '',
    body_md: body,
    content_note: '',
    language: 'en',
    tags: 'Outreach',
    publish_at: '',
    translation_of: '',
    cover_alt: '',
  },
  'save',
);
if (!edited.ok) throw new Error(edited.message);
await app.deps.pageCache.invalidate(...edited.value.tags);
const afterEdit = await (await fetch(appUrl + PAGE)).text();
await handle.db
  .insertInto('comments')
  .values({ ...comments[0]!, body_md: 'A brand-new approved comment.', fingerprint: 'fp-new' })
  .execute();
await app.deps.pageCache.invalidate(`post:${postId}`);
const afterComment = await (await fetch(appUrl + PAGE)).text();
console.log(
  `edit shows on next request: ${afterEdit.includes('A long post, edited')}; new approved comment shows: ${afterComment.includes('A brand-new approved comment.')}`,
);

await app.close();
await new Promise((r) => bare.close(r));
await handle.close();
fs.rmSync(dataDir, { recursive: true, force: true });
