/*
 * A comment flood, as in the attack that put 15,251 comments into the "unverified" queue in 20 s:
 * spam without the proof of work (the no-JavaScript path), with every protection as shipped — the
 * per-client limit (10 comments per 10 minutes) and the site-wide ceiling (60 an hour without the
 * check) — first from one address, then from rotating addresses (each request from a loopback
 * address of its own, `clientAddress(n)`, as a spammer with many addresses would). While the spam
 * runs, readers load the post page (autocannon, its own process); its p99 is compared with its p99
 * alone, on the same server just before. The server's memory (RSS) is read before and after.
 * Each flood runs on a fresh `alongside serve` (its own process) over the same database, so one
 * flood's ceiling does not spill into the next.
 *
 * Run: node --import tsx bench/flood.ts [--duration 20] [--connections 10] [--spammers 32]
 *      [--dialect sqlite|postgres|both] [--control yes]
 * (--connections is the post page's readers; --spammers the concurrent spam requests; --control yes
 * adds a rotating-address flood with the ceiling lifted, to show what it holds back.)
 *
 * The spam comes from this process (autocannon cannot choose its source address), so it shares the
 * machine's cores with the server and the readers: on a shared two-core machine the figures move
 * from run to run; read them as orders of magnitude.
 */
import http from 'node:http';
import { UNVERIFIED_PER_HOUR } from '../src/core/antispam/index.ts';
import { systemClock } from '../src/core/clock.ts';
import type { Db, Dialect } from '../src/core/db/schema.ts';
import { writeSetting } from '../src/core/settings/index.ts';
import { savePost } from '../src/features/posts/service.ts';
import { csrfFrom } from '../test/support/staff.ts';
import { openBenchDatabase, type BenchDatabase } from './database.ts';
import {
  benchSettings,
  clientAddress,
  describeLoad,
  httpRequest,
  machine,
  median,
  runLoad,
  startApp,
} from './harness.ts';

const settings = benchSettings(
  { duration: 20, connections: 10, rounds: 1 },
  { dialect: 'sqlite', spammers: '32', control: 'no' },
);
const SPAMMERS = Number(settings.flags.spammers);
if (!Number.isInteger(SPAMMERS) || SPAMMERS < 1) throw new Error('--spammers must be a positive whole number.');
const POST_PATH = '/posts/flood-target';
/** The setting's largest value: the ceiling as good as lifted, for the control run. */
const UNVERIFIED_PER_HOUR_MAX = 1_000_000;

// ── the spam generator ──────────────────────────────────────────────────────────────────────

interface SpamResult {
  sent: number;
  byStatus: Map<number, number>;
  errors: number;
  /** Milliseconds per spam request. */
  latencies: number[];
}

/** One form post; `agent` keeps connections open (one address), else a fresh connection from `from`. */
function post(url: string, body: string, opts: { from: string; agent?: http.Agent }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
        },
        localAddress: opts.from,
        agent: opts.agent ?? false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `SPAMMERS` requests in flight for `seconds`: from one address over kept-alive connections, or
 * each from the next address of `clientAddress` on a fresh connection. Every text is different,
 * so none is refused as a duplicate; no proof of work is sent.
 */
async function spam(appUrl: string, csrf: string, mode: 'one' | 'rotating', seconds: number): Promise<SpamResult> {
  const result: SpamResult = { sent: 0, byStatus: new Map(), errors: 0, latencies: [] };
  const agent = mode === 'one' ? new http.Agent({ keepAlive: true, maxSockets: SPAMMERS }) : undefined;
  const until = Date.now() + seconds * 1000;
  let n = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const i = n++;
      const from = clientAddress(mode === 'one' ? 0 : i + 1);
      const body = `_csrf=${encodeURIComponent(csrf)}&name=Spammer&body=${encodeURIComponent(`Cheap offer number ${i} at https://spam.example.com/${i}`)}&website=`;
      const started = performance.now();
      try {
        const status = await post(`${appUrl}${POST_PATH}/comments`, body, { from, agent });
        result.byStatus.set(status, (result.byStatus.get(status) ?? 0) + 1);
      } catch {
        result.errors++;
      }
      result.latencies.push(performance.now() - started);
      result.sent++;
    }
  };
  await Promise.all(Array.from({ length: SPAMMERS }, worker));
  agent?.destroy();
  return result;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

function describeSpam(r: SpamResult, seconds: number): string {
  const statuses = [...r.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
  return `${r.sent} sent (${(r.sent / seconds).toFixed(0)}/s; ${statuses}${r.errors ? `, errors ${r.errors}` : ''}; p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms)`;
}

// ── one flood on a fresh server ──────────────────────────────────────────────────────────────

const unverifiedCount = (db: Db) =>
  db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('challenge_passed', '=', 0)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

interface FloodFigures {
  label: string;
  aloneP99: number;
  duringP99: number;
  accepted: number;
  rssBefore: number;
  rssAfter: number;
}

async function flood(database: BenchDatabase, mode: 'one' | 'rotating', label: string): Promise<FloodFigures> {
  const prefix = `[${database.dialect}] ${label}: `;
  const app = await startApp(database);
  const pageUrl = app.url + POST_PATH;
  const form = await httpRequest(`${pageUrl}/comments/new`);
  const csrf = csrfFrom(form.text());
  if ((await httpRequest(pageUrl)).status !== 200) throw new Error('the post page does not answer 200');
  // Warm-up, so the page is cached and the hot paths compiled before anything is measured.
  await runLoad({ url: pageUrl }, { duration: 3, connections: settings.connections });
  const alone = await runLoad({ url: pageUrl }, settings);
  const rssBefore = app.rssMb();
  const queuedBefore = await database.read(unverifiedCount);
  const [during, spamResult] = await Promise.all([
    runLoad({ url: pageUrl }, settings),
    spam(app.url, csrf, mode, settings.duration),
  ]);
  const rssAfter = app.rssMb();
  const accepted = (await database.read(unverifiedCount)) - queuedBefore;
  console.log(`${prefix}post page alone ${describeLoad(alone)}`);
  console.log(`${prefix}post page during the flood ${describeLoad(during)}`);
  console.log(`${prefix}spam ${describeSpam(spamResult, settings.duration)}`);
  console.log(
    `${prefix}let into the unverified queue: ${accepted} (answered 201: ${spamResult.byStatus.get(201) ?? 0}); ` +
      `post page p99 ${alone.latency.p99} ms alone → ${during.latency.p99} ms during the flood; ` +
      `server RSS ${rssBefore.toFixed(0)} MB before → ${rssAfter.toFixed(0)} MB after`,
  );
  await app.stop();
  return { label, aloneP99: alone.latency.p99, duringP99: during.latency.p99, accepted, rssBefore, rssAfter };
}

async function benchDialect(dialect: Dialect): Promise<FloodFigures[]> {
  const database = await openBenchDatabase(dialect, 'flood');
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

console.log(
  `Flood benchmark: ${settings.duration} s of comment spam without the proof of work, ${SPAMMERS} in flight, per-client limit and ceiling (${UNVERIFIED_PER_HOUR.defaultValue}/hour) as shipped; post page read by ${settings.connections} connections; ${machine()}. The machine is shared: figures vary between runs.`,
);
const dialectFlag = settings.flags.dialect;
if (!['both', 'sqlite', 'postgres'].includes(dialectFlag))
  throw new Error('--dialect must be both, sqlite or postgres.');
const all: FloodFigures[] = [];
for (const d of dialectFlag === 'both' ? (['sqlite', 'postgres'] as const) : [dialectFlag as Dialect])
  all.push(...(await benchDialect(d)));
console.log(
  `summary: ${all.map((f) => `${f.label}: ${f.accepted} let through, p99 ×${(f.duringP99 / f.aloneP99).toFixed(1)}, RSS +${(f.rssAfter - f.rssBefore).toFixed(0)} MB`).join(' | ')}; median p99 alone ${median(all.map((f) => f.aloneP99))} ms. ${machine()}`,
);
