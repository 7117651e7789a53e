/*
 * Training benchmarks, in one run on SQLite:
 * 1. anonymous lesson page throughput (served from the page cache) against a bare node:http server
 *    sending the same bytes — target ≥ 0.7×; the per-learner page (progress cookie, no cache) for reference;
 * 2. quiz submissions per second through the full route (CSRF, grading, progress and aggregate writes),
 *    for enrolled learners, via app.inject with distinct client addresses so per-client limits do not apply;
 * 3. certificate PDFs generated per second (pdfkit with the embedded DejaVu font).
 * Run: node --import tsx bench/training.ts [--duration 8] [--connections 50]  (BENCH_ROUNDS=3 interleaved pairs)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config.ts';
import { systemClock } from '../src/core/clock.ts';
import { openDatabase } from '../src/core/db/connect.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';
import { createStaff } from '../src/core/auth/service.ts';
import { buildApp } from '../src/server.ts';
import { allLessons, isGraded, type CourseContent } from '../src/features/training/content.ts';
import { certificatePdf } from '../src/features/training/pdf.ts';
import { seedTraining } from '../src/features/training/seed.ts';

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '8' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-bench-training-'));
const handle = openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'bench.sqlite') });
await migrateToLatest(handle.db, 'sqlite');
const admin = await createStaff(handle.db, systemClock, {
  email: 'bench@alongside.invalid',
  role: 'admin',
  displayName: 'Bench',
});
if (!admin.ok) throw new Error(admin.message);
await seedTraining({
  db: handle.db,
  clock: systemClock,
  authors: { adminId: admin.value.id, editorId: admin.value.id },
});

const discard = new Writable({ write: (_c, _e, cb) => cb() });
const config = loadConfig({
  DATA_DIR: dataDir,
  PORT: '3998',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  PUBLIC_URL: 'http://127.0.0.1',
});
const app = await buildApp({ config, handle, logStream: discard });
await app.listen({ port: 0, host: '127.0.0.1' });
const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const COURSE = 'supporting-not-rescuing';
const content = JSON.parse(
  (
    await handle.db
      .selectFrom('training_course_versions')
      .select('content_json')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
  ).content_json,
) as CourseContent;
const lesson = allLessons(content)[3]!;
const PAGE = `/training/${COURSE}/${lesson.slug}`;
const first = await fetch(appUrl + PAGE);
const body = Buffer.from(await first.arrayBuffer());
if (first.status !== 200) throw new Error(`lesson answered ${first.status}`);
const contentType = first.headers.get('content-type')!;

const bare = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  res.end(body);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}`;
const rps = (r: AutocannonResult) => r.requests.average;

// A learner, for the per-learner page and the quiz submissions.
const csrf = /name="_csrf" value="([^"]+)"/.exec(body.toString('utf8'))![1]!;
async function newLearner(i: number): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `/training/${COURSE}/start`,
    remoteAddress: `10.1.${(i >> 8) & 255}.${i & 255}`,
    payload: `_csrf=${encodeURIComponent(csrf)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const set = String(res.headers['set-cookie']);
  return /^(alongside_training=[^;]+)/.exec(set)![1]!;
}
const learnerCookie = await newLearner(0);

console.log(
  `Lesson page: ${(body.length / 1024).toFixed(1)} KB, ${connections} connections, ${duration} s per run, SQLite, Node ${process.version}, ${os.cpus().length} cores`,
);
// The machine is shared: interleave runs of both servers and report every pair and the median ratio.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
await autocannon({ url: appUrl + PAGE, connections, duration: 2 }); // warm-up
const ratios: number[] = [];
for (let i = 0; i < rounds; i++) {
  const bareResult = await autocannon({ url: bareUrl + PAGE, connections, duration });
  const pageResult = await autocannon({ url: appUrl + PAGE, connections, duration });
  ratios.push(rps(pageResult) / rps(bareResult));
  console.log(
    `round ${i + 1}: bare node:http ${rps(bareResult).toFixed(0)} req/s (p99 ${bareResult.latency.p99} ms) | anonymous lesson (page cache) ${rps(pageResult).toFixed(0)} req/s (p99 ${pageResult.latency.p99} ms, non-2xx ${pageResult.non2xx}) | ratio ${ratios[i]!.toFixed(2)}×`,
  );
}
ratios.sort((a, b) => a - b);
console.log(
  `median ratio                    : ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)}× (target ≥ 0.7×); load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const personal = await autocannon({
  url: appUrl + PAGE,
  connections,
  duration: Math.min(duration, 5),
  headers: { cookie: learnerCookie },
});
console.log(
  `learner's own lesson (no cache) : ${rps(personal).toFixed(0)} req/s (p99 ${personal.latency.p99} ms, non-2xx ${personal.non2xx})`,
);

// Quiz submissions: 200 enrolled learners answering (alternately right and wrong), 10 at a time.
const quizLesson = allLessons(content).find((l) => l.questions.some(isGraded))!;
const cookies: string[] = [];
for (let i = 1; i <= 200; i++) cookies.push(await newLearner(i));
const answer = (right: boolean) => {
  const p = new URLSearchParams({ _csrf: csrf });
  for (const q of quizLesson.questions.filter(isGraded)) {
    q.options.forEach((o, i) => {
      if (o.isCorrect === right) p.append(`q_${q.key}`, String(i));
    });
    if (!right && q.kind === 'single') {
      p.delete(`q_${q.key}`);
      p.append(`q_${q.key}`, String(q.options.findIndex((o) => !o.isCorrect)));
    }
  }
  return p.toString();
};
const payloads = [answer(true), answer(false)];
let sent = 0;
let ok = 0;
let stop = false;
async function submitter(w: number) {
  while (!stop) {
    const n = sent++;
    const res = await app.inject({
      method: 'POST',
      url: `/training/${COURSE}/${quizLesson.slug}/quiz`,
      remoteAddress: `10.2.${(n >> 8) & 255}.${n & 255}`,
      payload: payloads[n % 2]!,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies[(n + w) % cookies.length]! },
    });
    if (res.statusCode === 200) ok++;
  }
}
const quizSeconds = Math.min(duration, 5);
const started = performance.now();
const workers = Array.from({ length: 10 }, (_, w) => submitter(w));
await new Promise((r) => setTimeout(r, quizSeconds * 1000));
stop = true;
await Promise.all(workers);
const elapsed = (performance.now() - started) / 1000;
console.log(
  `quiz submissions (full route)   : ${(sent / elapsed).toFixed(0)} /s (${sent} sent, ${ok} graded and saved)`,
);

// Certificate PDFs.
const cert = {
  code: '7KQ2-M9XD-4TPA',
  courseTitle: content.title,
  holderName: 'Łucja Ōtsuka-Nguyễn',
  issuedOn: '2026-11-25',
  revokedAt: null,
  revokedReason: null,
};
let pdfs = 0;
let bytes = 0;
const pdfStart = performance.now();
while (performance.now() - pdfStart < 3000) {
  bytes += (await certificatePdf(cert, 'Alongside', 'http://127.0.0.1/certificates/7KQ2-M9XD-4TPA')).length;
  pdfs++;
}
const pdfSeconds = (performance.now() - pdfStart) / 1000;
console.log(
  `certificate PDFs                : ${(pdfs / pdfSeconds).toFixed(1)} /s on one core (${(bytes / pdfs / 1024).toFixed(0)} KB each)`,
);

await app.close();
await new Promise((r) => bare.close(r));
await handle.close();
fs.rmSync(dataDir, { recursive: true, force: true });
