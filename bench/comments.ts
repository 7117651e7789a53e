/*
 * Comment submissions accepted into the moderation queue per second, on SQLite and PostgreSQL, at
 * 20 concurrent clients, against a bare node:http server answering with the same bytes; then the
 * post page (50 connections) against its bare server, and while comments are being submitted.
 * `alongside serve` runs in its own process; autocannon too.
 * Run: node --import tsx bench/comments.ts [--duration 6] [--connections 50] [--dialect both|sqlite|postgres]
 * (BENCH_ROUNDS=3 interleaved pairs by default; --connections is the page's readers).
 *
 * For the measurement the proof of work is NOT solved (every submission takes the no-JavaScript
 * path into the stricter queue, so no challenge verification runs) and the per-client rate
 * limit is disabled (setting comments.rate_limit_per_10_minutes = 0), as is the site-wide ceiling on
 * such submissions (antispam.unverified_per_hour at its maximum; bench/flood.ts measures it on). Everything else runs:
 * CSRF check, honeypot, text validation, link limit, blocked words (10 words configured),
 * duplicate check against the table, private-link token, INSERT. Each submission's text is made
 * unique by autocannon ([<id>] replaced per request), so none is refused as a duplicate.
 */
import { systemClock } from '../src/core/clock.ts';
import { saveBlockedWords, UNVERIFIED_PER_HOUR } from '../src/core/antispam/index.ts';
import { writeSetting } from '../src/core/settings/index.ts';
import type { Db, Dialect } from '../src/core/db/schema.ts';
import { RATE_LIMIT } from '../src/features/comments/service.ts';
import { savePost } from '../src/features/posts/service.ts';
import { csrfFrom } from '../test/support/staff.ts';
import { openBenchDatabase } from './database.ts';
import {
  benchSettings,
  describeLoad,
  httpRequest,
  machine,
  measureRatio,
  runLoad,
  sameResponseAs,
  startApp,
  startBareServer,
  type Load,
} from './harness.ts';

const settings = benchSettings({ duration: 6, connections: 50, rounds: 3 }, { dialect: 'both' });
const SUBMITTERS = 20;

const countComments = (db: Db) =>
  db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

async function benchDialect(dialect: Dialect) {
  const prefix = `[${dialect}] `;
  // ── data: anti-spam settings and a post open for comments ──
  const database = await openBenchDatabase(dialect, 'comments');
  const { db } = database.handle;
  await writeSetting(db, RATE_LIMIT, 0);
  await writeSetting(db, UNVERIFIED_PER_HOUR, 1_000_000);
  await saveBlockedWords(db, [
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
  const post = await savePost(
    db,
    systemClock,
    { id: database.staff.id, role: 'admin' },
    undefined,
    {
      title: 'If you know more resources, please share them below',
      slug: 'share-resources',
      excerpt: '',
      body_md: 'If you know more resources, please share them below.',
      content_note: '',
      language: 'en',
      tags: '',
      publish_at: '',
      translation_of: '',
      cover_alt: '',
    },
    'publish',
  );
  if (!post.ok) throw new Error(`the post was not saved: ${JSON.stringify(post)}`);

  const app = await startApp(database);
  const submitPath = '/posts/share-resources/comments';
  const form = await httpRequest(`${app.url}${submitPath}/new`);
  const csrf = encodeURIComponent(csrfFrom(form.text()));
  // `id` goes in unencoded, so autocannon can find its [<id>] placeholder.
  const formBody = (id: string) =>
    `_csrf=${csrf}&name=Reader&body=Comment%20${id}${encodeURIComponent(': the (demo) drop-in at https://dropin.example.org/ has evening hours and does not ask for ID.')}&website=`;
  const sample = await httpRequest(app.url + submitPath, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody('sample'),
  });
  if (sample.status !== 201) throw new Error(`submission failed: ${sample.status} ${sample.text().slice(0, 300)}`);
  const bareSubmit = await startBareServer(sameResponseAs(sample));
  const submissions = (url: string): Load => ({
    url: url + submitPath,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody('[<id>]'),
    uniqueIds: true,
    connections: SUBMITTERS,
  });

  // ── submissions against the bare server ──
  const before = await database.read(countComments);
  const submitting = await measureRatio({
    label: 'comment submission',
    app: submissions(app.url),
    bare: submissions(bareSubmit.url),
    settings,
    prefix,
  });
  const added = (await database.read(countComments)) - before;
  const runs = [submitting.warmUp, ...submitting.rounds.map((r) => r.app)].filter((r) => r !== undefined);
  const answered201 = runs.reduce((sum, r) => sum + r.ok2xx, 0);
  // A run stops with up to one request per connection sent but not yet answered: stored, not counted.
  const inFlight = added - answered201;
  const consistent = inFlight >= 0 && inFlight <= runs.length * SUBMITTERS;
  console.log(
    `${prefix}comments accepted into the queue: ${submitting.medianAppRequestsPerSecond.toFixed(0)}/s (median of rounds, ${SUBMITTERS} clients); rows added ${added} = ${answered201} answered 201 + ${inFlight} in flight when a run stopped (at most ${SUBMITTERS} per run): ${consistent ? 'consistent' : 'INCONSISTENT'}`,
  );

  // ── the post page, alone and while comments are submitted ──
  const pagePath = '/posts/share-resources';
  await httpRequest(app.url + pagePath); // renders it into the page cache
  const page = await httpRequest(app.url + pagePath);
  if (page.status !== 200) throw new Error(`post page answered ${page.status}`);
  const barePage = await startBareServer(sameResponseAs(page));
  const reading = await measureRatio({
    label: `post page (${(page.body.length / 1024).toFixed(1)} KB)`,
    app: { url: app.url + pagePath },
    bare: { url: barePage.url + pagePath },
    settings,
    prefix,
  });
  const [pageLoaded, submitLoaded] = await Promise.all([
    runLoad({ url: app.url + pagePath }, settings),
    runLoad(submissions(app.url), settings),
  ]);
  console.log(
    `${prefix}post page while ${SUBMITTERS} clients submit comments: ${describeLoad(pageLoaded)}, ${(pageLoaded.requestsPerSecond / reading.medianBareRequestsPerSecond).toFixed(2)}× the bare server's median (alone ${reading.medianRatio.toFixed(2)}×); submissions meanwhile ${describeLoad(submitLoaded)}; app rss ${app.rssMb().toFixed(0)} MB`,
  );

  await app.stop();
  await bareSubmit.stop();
  await barePage.stop();
  await database.close();
}

console.log(
  `Comments benchmark: ${settings.duration} s per run, ${machine()}; proof of work not solved (no-JS path) and rate limit disabled for the measurement.`,
);
const dialect = settings.flags.dialect;
if (!['both', 'sqlite', 'postgres'].includes(dialect)) throw new Error('--dialect must be both, sqlite or postgres.');
for (const d of dialect === 'both' ? (['sqlite', 'postgres'] as const) : [dialect as Dialect]) await benchDialect(d);
