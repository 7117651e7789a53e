/*
 * A comment flood, as in the attack that put 15,251 comments into the "unverified" queue in 20 s:
 * spam without the proof of work (the no-JavaScript path), with every protection as shipped — the
 * per-client limit (10 comments per 10 minutes) and the site-wide ceiling (60 an hour without the
 * check) — first from one address, then from rotating addresses. The server runs behind a
 * pretend reverse proxy (TRUST_PROXY=127.0.0.1): the spam arrives from 127.0.0.1 with an
 * X-Forwarded-For header, one address for every request, or a new one for each, as a spammer with
 * many addresses would look behind a real proxy. While the spam runs, readers load the post page
 * (autocannon, its own process); its p99 is compared with its p99 alone, on the same server just
 * before. The server's memory (RSS) is read at start, before the flood and after it.
 *
 * Every spam answer is counted: accepted (201), refused by the per-client limit, refused by the
 * ceiling (429s, told apart by their message), anything else; and what reached the unverified queue
 * is counted in the database afterwards.
 *
 * The yardstick: a bare node:http server (its own process) sending the post page's bytes, read by
 * the same readers, alone and under the same rotating spam. The spam generator and autocannon share
 * the machine's cores with the server, so part of the p99's growth is the machine, not the app: the
 * bare server's own growth shows how much.
 *
 * Each flood runs on a fresh `alongside serve` (its own process, started as `npm start` does) over
 * the same database, so one flood's ceiling does not spill into the next.
 *
 * Run: node --import tsx bench/flood.ts [--duration 20] [--connections 10] [--spammers 32]
 *      [--dialect both|sqlite|postgres] [--control yes]
 * (--connections is the post page's readers; --spammers the concurrent spam requests; --control yes
 * adds a rotating-address flood with the ceiling lifted, to show what it holds back.)
 * Never asserts on time; on a shared machine the figures move from run to run.
 */
import http from 'node:http';
import { UNVERIFIED_PER_HOUR } from '../src/core/antispam/index.ts';
import { t as antispamText } from '../src/core/antispam/messages.ts';
import { systemClock } from '../src/core/clock.ts';
import type { Db, Dialect } from '../src/core/db/schema.ts';
import { writeSetting } from '../src/core/settings/index.ts';
import { savePost } from '../src/features/posts/service.ts';
import { csrfFrom } from '../test/support/staff.ts';
import { openBenchDatabase, type BenchDatabase } from './database.ts';
import {
  benchSettings,
  describeLoad,
  httpRequest,
  machine,
  runLoad,
  sameResponseAs,
  startApp,
  startBareServer,
  type BareResponse,
  type LoadResult,
} from './harness.ts';

const settings = benchSettings(
  { duration: 20, connections: 10, rounds: 1 },
  { dialect: 'both', spammers: '32', control: 'no' },
);
const SPAMMERS = Number(settings.flags.spammers);
if (!Number.isInteger(SPAMMERS) || SPAMMERS < 1) throw new Error('--spammers must be a positive whole number.');
const dialectFlag = settings.flags.dialect;
if (!['both', 'sqlite', 'postgres'].includes(dialectFlag))
  throw new Error('--dialect must be both, sqlite or postgres.');
const POST_PATH = '/posts/flood-target';
/** The setting's largest value: the ceiling as good as lifted, for the control run. */
const UNVERIFIED_PER_HOUR_MAX = 1_000_000;
/** The pretend proxy: the benchmark process, on the loopback address. */
const SERVER_ENV = { TRUST_PROXY: '127.0.0.1' };
const WARM_UP_SECONDS = 3;
/** How the two refusals read on an English post (they share the 429 status). */
const PER_CLIENT_REFUSAL = antispamText('en', 'tooMany');
const CEILING_REFUSAL = antispamText('en', 'unverifiedCeiling');

type Mode = 'one' | 'rotating';

/** The n-th forwarded address (10.0.0.1, 10.0.0.2, …; 16 million before one repeats). */
const forwardedAddress = (n: number) => {
  const i = (n % 0xfffffe) + 1;
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
};
const ONE_ADDRESS = '203.0.113.7';

// ── the spam generator ──────────────────────────────────────────────────────────────────────

interface SpamResult {
  sent: number;
  accepted: number;
  refusedPerClient: number;
  refusedCeiling: number;
  /** Any other answer, by status. */
  other: Map<number, number>;
  errors: number;
  /** Milliseconds per spam request. */
  latencies: number[];
}

/** One form post over the proxy's kept-alive connections; the status and, for a 429, which refusal. */
function post(url: string, body: string, from: string, agent: http.Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          'x-forwarded-for': from,
        },
        agent,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        // Only a 429's body is needed (to tell the two refusals apart); the rest is read and dropped.
        res.on('data', (c: Buffer) => status === 429 && chunks.push(c));
        res.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Numbers every spam text (and rotating address) of the run, so no flood repeats an earlier one's. */
let spamNumber = 0;

/**
 * `SPAMMERS` requests in flight for `seconds`, every one from the same forwarded address or each
 * from the next one. Every text is different (across floods too), so none is refused as a duplicate; no proof of work
 * is sent.
 */
async function spam(baseUrl: string, csrf: string, mode: Mode, seconds: number): Promise<SpamResult> {
  const result: SpamResult = {
    sent: 0,
    accepted: 0,
    refusedPerClient: 0,
    refusedCeiling: 0,
    other: new Map(),
    errors: 0,
    latencies: [],
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: SPAMMERS });
  const until = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < until) {
      const i = spamNumber++;
      const from = mode === 'one' ? ONE_ADDRESS : forwardedAddress(i);
      const text = `Cheap offer number ${i} at https://spam.example.com/${i}`;
      const body = `_csrf=${encodeURIComponent(csrf)}&name=Spammer&body=${encodeURIComponent(text)}&website=`;
      const started = performance.now();
      try {
        const { status, text: answer } = await post(`${baseUrl}${POST_PATH}/comments`, body, from, agent);
        if (status === 201) result.accepted++;
        else if (status === 429 && answer.includes(CEILING_REFUSAL)) result.refusedCeiling++;
        else if (status === 429 && answer.includes(PER_CLIENT_REFUSAL)) result.refusedPerClient++;
        else result.other.set(status, (result.other.get(status) ?? 0) + 1);
      } catch {
        result.errors++;
      }
      result.latencies.push(performance.now() - started);
      result.sent++;
    }
  };
  await Promise.all(Array.from({ length: SPAMMERS }, worker));
  agent.destroy();
  return result;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

function describeSpam(r: SpamResult, seconds: number): string {
  const other = [...r.other.entries()].map(([status, count]) => `, other ${status}×${count}`).join('');
  return (
    `${r.sent} sent (${(r.sent / seconds).toFixed(0)}/s): accepted ${r.accepted}, ` +
    `refused by the per-client limit ${r.refusedPerClient}, refused by the ceiling ${r.refusedCeiling}${other}` +
    `${r.errors ? `, connection errors ${r.errors}` : ''}; ` +
    `spam answered in p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms`
  );
}

/** p99 during / p99 alone, as "×1.8 (4 → 7 ms)". */
const p99Growth = (alone: LoadResult, during: LoadResult) =>
  `×${(during.latency.p99 / alone.latency.p99).toFixed(1)} (${alone.latency.p99} → ${during.latency.p99} ms)`;

// ── one flood on a fresh server ──────────────────────────────────────────────────────────────

const unverifiedQueued = (db: Db) =>
  db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('challenge_passed', '=', 0)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

interface FloodFigures {
  label: string;
  alone: LoadResult;
  during: LoadResult;
  spam: SpamResult;
  queued: number;
  rss: { start: number; before: number; after: number };
  /** The post page as the app sent it, for the bare server. */
  page: BareResponse;
}

async function flood(database: BenchDatabase, mode: Mode, label: string): Promise<FloodFigures> {
  const prefix = `[${database.dialect}] ${label}: `;
  const app = await startApp(database, { env: SERVER_ENV });
  const rssStart = app.rssMb();
  const pageUrl = app.url + POST_PATH;
  const csrf = csrfFrom((await httpRequest(`${pageUrl}/comments/new`)).text());
  const page = await httpRequest(pageUrl);
  if (page.status !== 200) throw new Error('the post page does not answer 200');
  // Warm-up, so the page is cached and the hot paths compiled before anything is measured.
  await runLoad({ url: pageUrl }, { duration: WARM_UP_SECONDS, connections: settings.connections });
  const alone = await runLoad({ url: pageUrl }, settings);
  const rssBefore = app.rssMb();
  const queuedBefore = await database.read(unverifiedQueued);
  const [during, spamResult] = await Promise.all([
    runLoad({ url: pageUrl }, settings),
    spam(app.url, csrf, mode, settings.duration),
  ]);
  const rssAfter = app.rssMb();
  const queued = (await database.read(unverifiedQueued)) - queuedBefore;
  await app.stop();
  if (queued !== spamResult.accepted)
    throw new Error(`${prefix}${spamResult.accepted} spam comments were answered 201, but ${queued} were queued`);
  console.log(`${prefix}post page alone ${describeLoad(alone)}`);
  console.log(`${prefix}post page during the flood ${describeLoad(during)}`);
  console.log(`${prefix}spam ${describeSpam(spamResult, settings.duration)}`);
  console.log(
    `${prefix}queued (unverified) ${queued}; post page p99 during/alone ${p99Growth(alone, during)}; ` +
      `server RSS ${rssStart.toFixed(0)} MB at start, ${rssBefore.toFixed(0)} MB before the flood → ${rssAfter.toFixed(0)} MB after`,
  );
  return {
    label: `${database.dialect}, ${label}`,
    alone,
    during,
    spam: spamResult,
    queued,
    rss: { start: rssStart, before: rssBefore, after: rssAfter },
    page: sameResponseAs(page),
  };
}

/** The post the spam is aimed at, published by the bench's staff account. */
async function publishTargetPost(database: BenchDatabase): Promise<void> {
  const saved = await savePost(
    database.handle.db,
    systemClock,
    { id: database.staff.id, role: 'admin' },
    undefined,
    {
      title: 'Share the resources that helped you',
      slug: 'flood-target',
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
  if (!saved.ok) throw new Error(`the post was not saved: ${JSON.stringify(saved)}`);
}

async function benchDialect(dialect: Dialect): Promise<FloodFigures[]> {
  const database = await openBenchDatabase(dialect, 'flood');
  await publishTargetPost(database);
  const figures = [
    await flood(database, 'one', 'one address'),
    await flood(database, 'rotating', 'rotating addresses'),
  ];
  if (settings.flags.control === 'yes') {
    // The control: the same rotating flood with the ceiling lifted (the per-client limit still on).
    await database.read((db) => writeSetting(db, UNVERIFIED_PER_HOUR, UNVERIFIED_PER_HOUR_MAX));
    figures.push(await flood(database, 'rotating', 'rotating addresses, ceiling lifted (control)'));
  }
  await database.close();
  return figures;
}

// ── the yardstick: a bare node:http server sending the post page ────────────────────────────

/** The bare server's p99 alone and under the same rotating spam (its answer to the spam is the page too). */
async function benchBare(page: BareResponse): Promise<{ alone: LoadResult; during: LoadResult; spamSent: number }> {
  const bare = await startBareServer(page);
  const pageUrl = bare.url + POST_PATH;
  await runLoad({ url: pageUrl }, { duration: WARM_UP_SECONDS, connections: settings.connections });
  const alone = await runLoad({ url: pageUrl }, settings);
  const [during, spamResult] = await Promise.all([
    runLoad({ url: pageUrl }, settings),
    spam(bare.url, 'none', 'rotating', settings.duration),
  ]);
  await bare.stop();
  console.log(`[bare node:http] post page's bytes alone ${describeLoad(alone)}`);
  console.log(
    `[bare node:http] during the same rotating spam ${describeLoad(during)}; spam ${spamResult.sent} sent ` +
      `(${(spamResult.sent / settings.duration).toFixed(0)}/s); p99 during/alone ${p99Growth(alone, during)}`,
  );
  return { alone, during, spamSent: spamResult.sent };
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────

console.log(
  `Flood benchmark: ${settings.duration} s of comment spam without the proof of work, ${SPAMMERS} in flight, through a trusted proxy (TRUST_PROXY=127.0.0.1, X-Forwarded-For), per-client limit and ceiling (${UNVERIFIED_PER_HOUR.defaultValue}/hour) as shipped; post page read by ${settings.connections} connections; ${machine()}.`,
);
const all: FloodFigures[] = [];
for (const d of dialectFlag === 'both' ? (['sqlite', 'postgres'] as const) : [dialectFlag as Dialect])
  all.push(...(await benchDialect(d)));
const bare = await benchBare(all[0]!.page);

console.log('\nsummary');
for (const f of all)
  console.log(
    `  ${f.label}: ${f.spam.sent} spam sent, ${f.spam.accepted} accepted = ${f.queued} queued, ` +
      `${f.spam.refusedPerClient + f.spam.refusedCeiling} refused (${f.spam.refusedPerClient} per-client limit, ${f.spam.refusedCeiling} ceiling); ` +
      `post page p99 during/alone ${p99Growth(f.alone, f.during)}, ` +
      `app/bare p99 alone ×${(f.alone.latency.p99 / bare.alone.latency.p99).toFixed(1)}, during ×${(f.during.latency.p99 / bare.during.latency.p99).toFixed(1)}; ` +
      `spam rate app/bare ×${(f.spam.sent / bare.spamSent).toFixed(2)}; ` +
      `RSS ${f.rss.before.toFixed(0)} → ${f.rss.after.toFixed(0)} MB (${f.rss.after >= f.rss.before ? '+' : ''}${(f.rss.after - f.rss.before).toFixed(0)})`,
  );
console.log(
  `  bare node:http: post page p99 during/alone ${p99Growth(bare.alone, bare.during)} (the machine's share of the growth). ${machine()}`,
);
