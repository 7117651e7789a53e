/*
 * Campaign page throughput with 5,000 approved pledges, against a bare node:http server sending
 * the same bytes, measured in the same run; then "me too" clicks per second while the page is
 * under load. Run: node --import tsx bench/campaigns.ts [--duration 8] [--connections 50]
 *
 * The page is served from the anonymous page cache (tag campaign:<id>). "Me too" clicks are
 * summed in memory and written in one transaction at most once a second, followed by one
 * invalidation, so under load most page requests are hits and one shared re-render happens
 * about once a second. The load generator, both servers and the clickers share one process and
 * this machine's two cores with whatever else runs: compare the ratios, not the absolute rates. Me-too clicks come through app.inject with a distinct
 * client address each (as many different visitors would), so the per-client limits do not
 * reject them; they go through the full route (CSRF, rate limit, in-memory dedupe, UPDATE).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/core/db/connect.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';
import { createPrivateToken } from '../src/core/antispam/private-link.ts';
import { buildApp } from '../src/server.ts';
import { sixteenDaysTemplate } from '../src/features/campaigns/calendar.ts';
import { PLEDGE_KINDS } from '../src/features/campaigns/messages.ts';
import * as repo from '../src/features/campaigns/repo.ts';

// autocannon ships no types; the few fields used here.
interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
}
interface AutocannonRequest {
  path?: string;
  [key: string]: unknown;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests?: { setupRequest: (req: AutocannonRequest) => AutocannonRequest }[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '8' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const PLEDGES = 5000;
/** Concurrent "me too" clients (in-process inject) while autocannon loads the page. */
const CLICKERS = 4;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-bench-campaigns-'));
const handle = openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'bench.sqlite') });
await migrateToLatest(handle.db, 'sqlite');

// A running 16 Days campaign (whatever today is) with 5,000 approved pledges.
const today = new Date();
const tpl = sixteenDaysTemplate(today.getUTCFullYear());
const start = new Date(today.getTime() - 3 * 86_400_000).toISOString().slice(0, 10);
const end = new Date(today.getTime() + 12 * 86_400_000).toISOString().slice(0, 10);
const now = today.toISOString();
const campaignId = await repo.insertCampaign(handle.db, {
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
await repo.replaceDays(handle.db, campaignId, tpl.themes);
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
  await handle.db
    .insertInto('campaign_pledges')
    .values(rows.slice(i, i + 500))
    .execute();

const discard = new Writable({ write: (_c, _e, cb) => cb() });
const config = loadConfig({
  DATA_DIR: dataDir,
  PORT: '3999',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  PUBLIC_URL: 'http://127.0.0.1',
});
const app = await buildApp({ config, handle, logStream: discard });
await app.listen({ port: 0, host: '127.0.0.1' });
const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const PAGE = '/campaigns/bench';
if (process.env.BENCH_SERVE_ONLY) {
  console.log(`serving ${appUrl}${PAGE}`);
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SERVE_ONLY) * 1000));
  await app.close();
  process.exit(0);
}
const first = await fetch(appUrl + PAGE);
const body = Buffer.from(await first.arrayBuffer());
if (first.status !== 200) throw new Error(`page answered ${first.status}`);
const headers = Object.fromEntries(first.headers.entries());

const bare = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': headers['content-type']!, 'content-length': body.length });
  res.end(body);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}`;

const run = (url: string) => autocannon({ url, connections, duration });
const rps = (r: AutocannonResult) => r.requests.average;

console.log(
  `Campaign page: ${(body.length / 1024).toFixed(1)} KB, ${PLEDGES} approved pledges, ${connections} connections, ${duration} s per run, SQLite`,
);
// Alternate the two servers so load from other processes on this machine hits both alike.
const ratios: number[] = [];
let bareResult!: AutocannonResult;
for (let round = 1; round <= 3; round++) {
  bareResult = await run(bareUrl + PAGE);
  const pageResult = await run(appUrl + PAGE);
  ratios.push(rps(pageResult) / rps(bareResult));
  console.log(
    `round ${round}: bare node:http ${rps(bareResult).toFixed(0)} req/s (p99 ${bareResult.latency.p99} ms) · campaign page ${rps(pageResult).toFixed(0)} req/s (p99 ${pageResult.latency.p99} ms, non-2xx ${pageResult.non2xx}) · ratio ${ratios.at(-1)!.toFixed(2)}×`,
  );
}
const median = [...ratios].sort((a, b) => a - b)[1]!;
console.log(`median ratio campaign page / bare node:http: ${median.toFixed(2)}× (target ≥ 0.7×)`);

// "Me too" while the page is under load.
const csrf = /name="_csrf" value="([^"]+)"/.exec(body.toString('utf8'))![1]!;
const ids = (
  await handle.db.selectFrom('campaign_pledges').select('id').where('campaign_id', '=', campaignId).execute()
).map((r) => r.id);
let clicks = 0;
let counted303 = 0;
let stop = false;
let ip = 0;
async function clicker() {
  while (!stop) {
    ip++;
    const res = await app.inject({
      method: 'POST',
      url: `${PAGE}/pledges/${ids[ip % ids.length]}/me-too`,
      remoteAddress: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
      payload: `_csrf=${encodeURIComponent(csrf)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    clicks++;
    if (res.statusCode === 303) counted303++;
  }
}
const sumBefore = Number(
  (
    await handle.db
      .selectFrom('campaign_pledges')
      .select((eb) => eb.fn.sum<number>('me_too_count').as('s'))
      .executeTakeFirstOrThrow()
  ).s,
);
const started = performance.now();
const clickers = Array.from({ length: CLICKERS }, clicker);
const underLoad = await run(appUrl + PAGE);
stop = true;
await Promise.all(clickers);
const seconds = (performance.now() - started) / 1000;
console.log(
  `page while "me too" clicks : ${rps(underLoad).toFixed(0)} req/s (p99 ${underLoad.latency.p99} ms, non-2xx ${underLoad.non2xx}) → ${(rps(underLoad) / rps(bareResult)).toFixed(2)}× bare`,
);

// Uncached render cost, for reference: a new filter/page combination each request.
let n = 0;
const uncached = await autocannon({
  url: appUrl,
  connections: 10,
  duration: Math.min(duration, 5),
  requests: [
    {
      setupRequest: (req: AutocannonRequest) => ({
        ...req,
        path: `${PAGE}?page=${(n++ % 100) + 1}&day=${(n % 16) + 1}&x=${n}`,
      }),
    },
  ],
});
console.log(
  `uncached render (each URL new, 10 connections): ${rps(uncached).toFixed(0)} req/s (p99 ${uncached.latency.p99} ms)`,
);

await app.close(); // writes the clicks still waiting for the once-a-second flush
const sumAfter = Number(
  (
    await handle.db
      .selectFrom('campaign_pledges')
      .select((eb) => eb.fn.sum<number>('me_too_count').as('s'))
      .executeTakeFirstOrThrow()
  ).s,
);
console.log(
  `"me too" clicks (${CLICKERS} concurrent clients): ${(clicks / seconds).toFixed(0)} /s (${clicks} sent, ${counted303} answered 303, ${sumAfter - sumBefore} added to counts)`,
);
await new Promise((r) => bare.close(r));
await handle.close();
fs.rmSync(dataDir, { recursive: true, force: true });
