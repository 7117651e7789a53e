/*
 * Campaign page throughput with 5,000 approved pledges, served by `alongside serve` in its own
 * process, against a bare node:http server sending the same bytes (interleaved rounds); then the
 * page while "me too" clicks come in, and the cost of an uncached render.
 * Run: node --import tsx bench/campaigns.ts [--duration 8] [--connections 50]  (BENCH_ROUNDS=3 by default)
 * BENCH_SERVE_ONLY=<seconds> prepares the data and only serves it that long (for profiling by hand).
 *
 * The page is served from the anonymous page cache (tag campaign:<id>). "Me too" clicks are
 * summed in memory and written in one transaction at most once a second, followed by one
 * invalidation, so under load most page requests are hits and one shared re-render happens
 * about once a second. Clicks come over HTTP from this process, each from a loopback address of
 * its own (as many different visitors would), so the per-client limits do not reject them; they
 * go through the full route (CSRF, rate limit, in-memory dedupe, UPDATE). Afterwards the counts in
 * the database are checked against the clicks the app accepted.
 */
import { createPrivateToken } from '../src/core/antispam/private-link.ts';
import type { Db } from '../src/core/db/schema.ts';
import { sixteenDaysTemplate } from '../src/features/campaigns/calendar.ts';
import { PLEDGE_KINDS } from '../src/features/campaigns/kinds.ts';
import * as repo from '../src/features/campaigns/repo.ts';
import { csrfFrom } from '../test/support/staff.ts';
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
const PLEDGES = 5000;
/** Concurrent "me too" visitors while autocannon loads the page. */
const CLICKERS = 4;

// ── data: a running 16 Days campaign (whatever today is) with 5,000 approved pledges ──
const database = await openBenchDatabase('sqlite', 'campaigns');
const { db } = database.handle;
const today = new Date();
const tpl = sixteenDaysTemplate(today.getUTCFullYear());
const start = new Date(today.getTime() - 3 * 86_400_000).toISOString().slice(0, 10);
const end = new Date(today.getTime() + 12 * 86_400_000).toISOString().slice(0, 10);
const now = today.toISOString();
const campaignId = await repo.insertCampaign(db, {
  slug: 'bench',
  title: tpl.title,
  description: tpl.description,
  tag_slug: 'bench',
  time_zone: 'UTC',
  starts_on: start,
  ends_on: end,
  is_board_open: 1,
  created_at: now,
  updated_at: now,
});
await repo.replaceDays(db, campaignId, tpl.themes);
const rows = Array.from({ length: PLEDGES }, (_, i) => ({
  campaign_id: campaignId,
  action: `Pledge number ${i}: writing to a representative about decriminalisation and funding peer-led services.`,
  days: `,${(i % 16) + 1},${((i + 5) % 16) + 1},`,
  kind: PLEDGE_KINDS[i % PLEDGE_KINDS.length]!,
  display_name: i % 3 ? `Person ${i}` : '',
  place: i % 2 ? 'Leeds' : '',
  link: '',
  status: 'approved' as const,
  is_featured: i < 3 ? 1 : 0,
  me_too_count: i % 17,
  token_hash: createPrivateToken().hash,
  fingerprint: `fp-${i}`,
  created_at: new Date(today.getTime() - i * 1000).toISOString(),
  updated_at: now,
  moderated_by: null,
  moderated_at: now,
}));
for (let i = 0; i < rows.length; i += 500)
  await db
    .insertInto('campaign_pledges')
    .values(rows.slice(i, i + 500))
    .execute();
const pledgeIds = (
  await db.selectFrom('campaign_pledges').select('id').where('campaign_id', '=', campaignId).execute()
).map((r) => r.id);

const app = await startApp(database);
const PAGE = '/campaigns/bench';
if (process.env.BENCH_SERVE_ONLY) {
  console.log(`serving ${app.url}${PAGE}`);
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SERVE_ONLY) * 1000));
  await app.stop();
  await database.close();
  process.exit(0);
}

// ── the cached page against the bare server ──
const first = await httpRequest(app.url + PAGE);
if (first.status !== 200) throw new Error(`page answered ${first.status}`);
const hit = await httpRequest(app.url + PAGE);
if (hit.headers['x-cache'] !== 'hit') throw new Error('the second request for the page was not a cache hit');
const bare = await startBareServer(sameResponseAs(hit));
console.log(`Campaign page: ${(hit.body.length / 1024).toFixed(1)} KB, ${PLEDGES} approved pledges, SQLite`);
const ratio = await measureRatio({
  label: 'campaign page',
  app: { url: app.url + PAGE },
  bare: { url: bare.url + PAGE },
  settings,
  target: 'target ≥ 0.7×',
});

// ── "me too" while the page is under load ──
const csrf = csrfFrom(hit.text());
const sumOfCounts = (db: Db) =>
  db
    .selectFrom('campaign_pledges')
    .select((eb) => eb.fn.sum<number>('me_too_count').as('s'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.s));
const sumBefore = await database.read(sumOfCounts);
let clicks = 0;
let answered303 = 0;
let stop = false;
async function clicker() {
  while (!stop) {
    const n = clicks++;
    const res = await postForm(
      `${app.url}${PAGE}/pledges/${pledgeIds[n % pledgeIds.length]}/me-too`,
      { _csrf: csrf },
      { from: clientAddress(n) },
    );
    if (res.status === 303) answered303++;
  }
}
const started = performance.now();
const clickers = Array.from({ length: CLICKERS }, clicker);
const underLoad = await runLoad({ url: app.url + PAGE }, settings);
stop = true;
await Promise.all(clickers);
const seconds = (performance.now() - started) / 1000;
console.log(
  `page while "me too" clicks : ${describeLoad(underLoad)} → ${(underLoad.requestsPerSecond / ratio.medianBareRequestsPerSecond).toFixed(2)}× the bare server's median`,
);

// ── uncached render cost, for reference: a new filter/page combination and a new URL each request ──
const uncached = await runLoad(
  {
    url: app.url,
    paths: Array.from({ length: 100 }, (_, i) => `${PAGE}?page=${i + 1}&day=${(i % 16) + 1}&x=[<id>]`),
    uniqueIds: true,
    connections: 10,
  },
  { ...settings, duration: Math.min(settings.duration, 5) },
);
console.log(
  `uncached render (each URL new, 10 connections): ${describeLoad(uncached)}; app rss ${app.rssMb().toFixed(0)} MB`,
);

await app.stop(); // on SIGTERM the app writes the clicks still waiting for the once-a-second flush
const added = (await database.read(sumOfCounts)) - sumBefore;
console.log(
  `"me too" clicks (${CLICKERS} concurrent visitors): ${(clicks / seconds).toFixed(0)} /s (${clicks} sent, ${answered303} answered 303, ${added} added to counts: ${added === answered303 ? 'every accepted click counted' : 'COUNTS DIFFER'})`,
);
await bare.stop();
await database.close();
