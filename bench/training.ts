/*
 * Training benchmarks, in one run on SQLite, with `alongside serve` in its own process:
 * 1. anonymous lesson page throughput (served from the page cache) against a bare node:http server
 *    sending the same bytes — target ≥ 0.7×; the per-learner page (progress cookie, no cache) for reference;
 * 2. quiz submissions per second over HTTP through the full route (CSRF, grading, progress and
 *    aggregate writes), for 200 enrolled learners, each request from a loopback address of its own
 *    (as many visitors would be) so per-client limits do not apply; the aggregates are then checked;
 * 3. certificate PDFs generated per second — the function alone, in this process (no server).
 * Run: node --import tsx bench/training.ts [--duration 8] [--connections 50]  (BENCH_ROUNDS=3 interleaved pairs)
 */
import { systemClock } from '../src/core/clock.ts';
import { allLessons, isGraded, type CourseContent } from '../src/features/training/content.ts';
import { certificatePdf } from '../src/features/training/pdf.ts';
import { seedTraining } from '../src/features/training/seed.ts';
import { cookieFrom, csrfFrom } from '../test/support/staff.ts';
import { openBenchDatabase } from './database.ts';
import {
  benchSettings,
  clientAddress,
  describeLoad,
  httpRequest,
  measureRatio,
  postForm,
  runLoad,
  sameResponseAs,
  startApp,
  startBareServer,
} from './harness.ts';

const settings = benchSettings({ duration: 8, connections: 50, rounds: 3 });

// ── data: the demo course, built and published through the authoring service ──
const database = await openBenchDatabase('sqlite', 'training');
const { db } = database.handle;
await seedTraining({
  db,
  clock: systemClock,
  authors: { adminId: database.staff.id, editorId: database.staff.id },
});
const COURSE = 'supporting-not-rescuing';
const { id: courseId } = await db
  .selectFrom('training_courses')
  .select('id')
  .where('slug', '=', COURSE)
  .executeTakeFirstOrThrow();
const content = JSON.parse(
  (
    await db
      .selectFrom('training_course_versions')
      .select('content_json')
      .where('course_id', '=', courseId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
  ).content_json,
) as CourseContent;
const lesson = allLessons(content)[3]!;
const quizLesson = allLessons(content).find((l) => l.questions.some(isGraded))!;

// ── 1. the anonymous lesson page ──
const app = await startApp(database);
const PAGE = `/training/${COURSE}/${lesson.slug}`;
const first = await httpRequest(app.url + PAGE);
if (first.status !== 200) throw new Error(`lesson answered ${first.status}`);
const hit = await httpRequest(app.url + PAGE);
if (hit.headers['x-cache'] !== 'hit') throw new Error('the second request for the lesson was not a cache hit');
const bare = await startBareServer(sameResponseAs(hit));
console.log(`Lesson page: ${(hit.body.length / 1024).toFixed(1)} KB, SQLite`);
const ratio = await measureRatio({
  label: 'anonymous lesson (page cache)',
  app: { url: app.url + PAGE },
  bare: { url: bare.url + PAGE },
  settings,
  target: 'target ≥ 0.7×',
});

// A learner starts the course through the form on the page, from an address of their own.
const csrf = csrfFrom(hit.text());
let visitors = 0;
async function newLearner(): Promise<string> {
  const res = await postForm(
    `${app.url}/training/${COURSE}/start`,
    { _csrf: csrf },
    { from: clientAddress(visitors++) },
  );
  const code = cookieFrom(res.headers['set-cookie'], 'alongside_training');
  if (res.status !== 303 || !code) throw new Error(`starting the course answered ${res.status}`);
  return `alongside_training=${code}`;
}
const personal = await runLoad(
  { url: app.url + PAGE, headers: { cookie: await newLearner() } },
  { ...settings, duration: Math.min(settings.duration, 5) },
);
console.log(
  `learner's own lesson (no cache) : ${describeLoad(personal)}, ${(personal.requestsPerSecond / ratio.medianBareRequestsPerSecond).toFixed(2)}× the bare server's median`,
);

// ── 2. quiz submissions: 200 enrolled learners answering (alternately right and wrong), 10 at a time ──
const cookies: string[] = [];
for (let i = 0; i < 200; i++) cookies.push(await newLearner());
const answer = (right: boolean) => {
  const fields: Record<string, string[]> = { _csrf: [csrf] };
  for (const q of quizLesson.questions.filter(isGraded)) {
    const chosen = q.options.flatMap((o, i) => (o.isCorrect === right ? [String(i)] : []));
    // A wrong answer to a single-choice question is one wrong option.
    fields[`q_${q.key}`] = !right && q.kind === 'single' ? [String(q.options.findIndex((o) => !o.isCorrect))] : chosen;
  }
  return fields;
};
const payloads = [answer(true), answer(false)];
let sent = 0;
const graded = { right: 0, wrong: 0 };
let stop = false;
async function submitter(w: number) {
  while (!stop) {
    const n = sent++;
    const res = await postForm(`${app.url}/training/${COURSE}/${quizLesson.slug}/quiz`, payloads[n % 2]!, {
      cookie: cookies[(n + w) % cookies.length]!,
      from: clientAddress(visitors++),
    });
    if (res.status === 200) graded[n % 2 === 0 ? 'right' : 'wrong']++;
  }
}
const quizSeconds = Math.min(settings.duration, 5);
const started = performance.now();
const workers = Array.from({ length: 10 }, (_, w) => submitter(w));
await new Promise((r) => setTimeout(r, quizSeconds * 1000));
stop = true;
await Promise.all(workers);
const elapsed = (performance.now() - started) / 1000;
// Every graded answer is counted in the course's aggregates: one attempt per graded question.
const stats = await database.read((db) =>
  db
    .selectFrom('training_question_stats')
    .select(['question_key', 'attempts', 'correct'])
    .where('course_id', '=', courseId)
    .execute(),
);
const ok = graded.right + graded.wrong;
const counted = quizLesson.questions.filter(isGraded).every((q) => {
  const row = stats.find((s) => s.question_key === q.key);
  return row?.attempts === ok && row.correct === graded.right;
});
console.log(
  `quiz submissions (full route)   : ${(sent / elapsed).toFixed(0)} /s (${sent} sent, ${ok} graded and saved); every graded question counted ${ok} attempts, ${graded.right} correct: ${counted}`,
);
console.log(`app rss after the load          : ${app.rssMb().toFixed(0)} MB`);
await app.stop();
await bare.stop();
await database.close();

// ── 3. certificate PDFs: the function alone, in this process ──
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
  bytes += (await certificatePdf(cert, 'Alongside', 'http://127.0.0.1/certificates/7KQ2-M9XD-4TPA', 'en')).length;
  pdfs++;
}
const pdfSeconds = (performance.now() - pdfStart) / 1000;
console.log(
  `certificate PDFs (in this process, no server): ${(pdfs / pdfSeconds).toFixed(1)} /s on one core (${(bytes / pdfs / 1024).toFixed(0)} KB each)`,
);
