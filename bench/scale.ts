/*
 * Scale benchmark (issue 16): the directory search near a place and a post page, served by
 *   - `alongside serve --workers 1` and `--workers 2` on SQLite and on PostgreSQL,
 *   - one and two instances on PostgreSQL behind a real nginx (Debian's nginx-light, as the tests start it),
 * each at 1, 5 and 20 concurrent clients. The load generator (autocannon, bench/scale-load.ts) runs
 * in a process of its own for every run. Reports requests/s, p50/p95/p99, the CPU time per request
 * of the server processes (primary + workers, from /proc), of PostgreSQL (postmaster, backends and
 * background processes) and of nginx, the ratios 2 workers / 1 worker and 2 instances / 1, and the
 * resident memory of every serving process, as Markdown tables (docs/scaling.md quotes them).
 *
 * Run: node --import tsx bench/scale.ts [--services 10000] [--duration 4] [--clients 1,5,20]
 *        [--dialect both|sqlite|postgres] [--connections 20 (the bare node:http comparison)]
 *        [--keep DIR|none (where the built database is kept for the next run; default under the temp folder)]
 *        [--setups all|1,2,… (only those of the six setups below, in their order)]
 * Builds the production bundle first (dist/, as `npm ci` does), so what runs is what `npm start` runs.
 * The machine's load average is printed with each setup: on a shared machine it says how far to trust them.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import type { Dialect } from '../src/core/db/schema.ts';
import { startNginx, type Nginx } from '../test/support/nginx.ts';
import type { BenchDatabase } from './database.ts';
import { generatePackage } from './directory.ts';
import {
  benchSettings,
  httpRequest,
  machine,
  measureRatio,
  sameResponseAs,
  startApp,
  startBareServer,
  type AppProcess,
} from './harness.ts';
import { POST_PATH, buildScaleDatabase, searchPaths } from './scale-data.ts';
import type { LoadFigures, LoadReply, LoadSpec } from './scale-load.ts';
import { parentOf, processTree, rssMb, treeCpuSeconds } from './scale-proc.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Pages are asked for as a browser asks: compressed (Brotli), which the server pays for on a search. */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };

interface Setup {
  label: string;
  dialect: Dialect;
  instances: number;
  workers: number;
  nginx: boolean;
}

const SETUPS: Setup[] = [
  { label: 'SQLite, 1 worker', dialect: 'sqlite', instances: 1, workers: 1, nginx: false },
  { label: 'SQLite, 2 workers', dialect: 'sqlite', instances: 1, workers: 2, nginx: false },
  { label: 'PostgreSQL, 1 worker', dialect: 'postgres', instances: 1, workers: 1, nginx: false },
  { label: 'PostgreSQL, 2 workers', dialect: 'postgres', instances: 1, workers: 2, nginx: false },
  { label: 'PostgreSQL, 1 instance behind nginx', dialect: 'postgres', instances: 1, workers: 1, nginx: true },
  { label: 'PostgreSQL, 2 instances behind nginx', dialect: 'postgres', instances: 2, workers: 1, nginx: true },
];

interface Row {
  setup: Setup;
  page: 'search' | 'post';
  clients: number;
  load: LoadFigures;
  /** CPU milliseconds per request. */
  appCpu: number;
  dbCpu: number | undefined;
  nginxCpu: number | undefined;
}

interface Memory {
  setup: Setup;
  /** Resident MB of every process that serves (workers, or the single process per instance). */
  serving: number[];
  /** Resident MB of each cluster primary (which serves nothing), if any. */
  primaries: number[];
  load: string;
  /** The most PostgreSQL connections the app held during any run (pg_stat_activity), if on PostgreSQL. */
  connections: number | undefined;
}

/** The load generator's process, started once (idle between runs); killed when this process exits. */
let generator: ChildProcess | undefined;

/** One load run, in the load generator's process. */
function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  if (!generator) {
    generator = fork(path.join(ROOT, 'bench', 'scale-load.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: ROOT,
      serialization: 'advanced', // keeps an Infinity (no answer at all) as it is
    });
    const child = generator;
    process.once('exit', () => child.kill('SIGKILL'));
  }
  const child = generator;
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`the load generator stopped (exit code ${code})`));
    child.once('exit', failed);
    child.once('message', (reply: LoadReply) => {
      child.off('exit', failed);
      if ('error' in reply) reject(new Error(`the load generator failed: ${reply.error}`));
      else resolve(reply.figures);
    });
    child.send(spec);
  });
}

/** The PostgreSQL postmaster serving `database` (the parent of one of its backends). */
async function postmasterOf(database: BenchDatabase): Promise<number> {
  const { rows } = await database.read((db) => sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db));
  return parentOf(rows[0]!.pid);
}

/**
 * The most connections to the bench database (other than its own) seen while `run` ran, sampled
 * every 100 ms on a connection of its own: what the app's pools opened under that load.
 */
async function peakConnections<T>(databaseUrl: string, run: () => Promise<T>): Promise<{ result: T; peak: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let peak = 0;
  let sampling = Promise.resolve();
  const sample = async () => {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    peak = Math.max(peak, Number(rows[0]!.n));
  };
  const timer = setInterval(() => (sampling = sampling.then(sample)), 100);
  try {
    return { result: await run(), peak };
  } finally {
    clearInterval(timer);
    await sampling;
    await client.end();
  }
}

/**
 * Each process compresses a cached page at Brotli's highest quality once, on its first compressed
 * hit (core/cache/page-cache.ts), and that hit waits for it: about 0.3 s of CPU for this post page,
 * seconds of waiting on a busy machine, once per process. The runs measure the page as it is served
 * afterwards, so the warm-up lasts until 20 requests in a row (spread over every process by the
 * round-robin) are answered quickly, or 60 s have passed.
 */
async function untilCompressedInEveryProcess(url: string): Promise<void> {
  const until = Date.now() + 60_000;
  for (let quick = 0; quick < 20 && Date.now() < until;) {
    const started = performance.now();
    const res = await httpRequest(url, { headers: BROWSER });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    quick = performance.now() - started < 100 ? quick + 1 : 0;
  }
}

/** Waits until the primary has its workers (the first answer may come before the second listens). */
async function workersUp(app: AppProcess, workers: number): Promise<void> {
  if (workers === 1) return;
  const until = Date.now() + 60_000;
  while (processTree(app.pid).length - 1 < workers) {
    if (Date.now() > until) throw new Error(`only ${processTree(app.pid).length - 1} of ${workers} workers started`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function measureSetup(
  setup: Setup,
  database: BenchDatabase,
  postmaster: number | undefined,
  opts: { duration: number; clients: number[] },
): Promise<{ rows: Row[]; memory: Memory }> {
  const apps: AppProcess[] = [];
  let nginx: Nginx | undefined;
  try {
    for (let i = 0; i < setup.instances; i++) {
      const app = await startApp(database, {
        serveArgs: setup.workers > 1 ? ['--workers', String(setup.workers)] : [],
        // Behind nginx, as deploy/nginx.conf runs it: the client's address comes from X-Forwarded-For.
        env: setup.nginx ? { TRUST_PROXY: '127.0.0.1' } : {},
      });
      apps.push(app);
      await workersUp(app, setup.workers);
    }
    if (setup.nginx) nginx = await startNginx(apps.map((a) => a.url));
    const origin = nginx?.url ?? apps[0]!.url;
    const searches = searchPaths();
    for (const paths of [searches, [POST_PATH]]) {
      const sample = await httpRequest(origin + paths[0], { headers: BROWSER });
      if (sample.status !== 200) throw new Error(`${setup.label}: ${paths[0]} answered ${sample.status}`);
    }
    const roots = apps.map((a) => a.pid);
    const rows: Row[] = [];
    let connections = 0;
    for (const [page, paths] of [
      ['search', searches],
      ['post', [POST_PATH]],
    ] as const) {
      // Warm-up, as after any restart: compiled code paths, caches, the database's pages; every worker gets some.
      await runLoad({ origin, paths, headers: BROWSER, connections: 5, seconds: 2 });
      if (page === 'post') await untilCompressedInEveryProcess(origin + POST_PATH);
      for (const clients of opts.clients) {
        const before = {
          app: treeCpuSeconds(roots),
          db: postmaster ? treeCpuSeconds([postmaster]) : 0,
          nginx: nginx ? treeCpuSeconds([nginx.pid]) : 0,
        };
        const spec = { origin, paths, headers: BROWSER, connections: clients, seconds: opts.duration };
        const { result: load, peak } = postmaster
          ? await peakConnections(database.databaseUrl, () => runLoad(spec))
          : { result: await runLoad(spec), peak: 0 };
        connections = Math.max(connections, peak);
        const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, load.requests);
        rows.push({
          setup,
          page,
          clients,
          load,
          appCpu: perRequest(treeCpuSeconds(roots) - before.app),
          dbCpu: postmaster ? perRequest(treeCpuSeconds([postmaster]) - before.db) : undefined,
          nginxCpu: nginx ? perRequest(treeCpuSeconds([nginx.pid]) - before.nginx) : undefined,
        });
        console.log(`  ${setup.label}, ${page}, ${clients} client(s): ${describe(rows[rows.length - 1]!)}`);
      }
    }
    const serving: number[] = [];
    const primaries: number[] = [];
    for (const app of apps) {
      const [primary, ...workers] = processTree(app.pid);
      if (setup.workers > 1) {
        primaries.push(rssMb(primary!));
        serving.push(...workers.map(rssMb));
      } else serving.push(rssMb(primary!));
    }
    return {
      rows,
      memory: { setup, serving, primaries, load: loadAverage(), connections: postmaster ? connections : undefined },
    };
  } finally {
    await nginx?.stop();
    await Promise.all(apps.map((a) => a.stop()));
  }
}

const ms = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(2));

function describe(r: Row): string {
  const problems = [r.load.non2xx ? `non-2xx ${r.load.non2xx}` : '', r.load.errors ? `errors ${r.load.errors}` : '']
    .filter(Boolean)
    .join(', ');
  return `${r.load.perSecond.toFixed(0)}/s, p95 ${r.load.p95} ms, CPU/request ${ms(r.appCpu)} ms app + ${ms(r.dbCpu)} ms PostgreSQL + ${ms(r.nginxCpu)} ms nginx${problems ? `; ${problems}` : ''}`;
}

function table(rows: Row[]): string {
  const lines = [
    '| setup | page | clients | requests/s | p50 ms | p95 ms | p99 ms | CPU ms/request: Alongside | PostgreSQL | nginx | total | non-2xx/errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const total = r.appCpu + (r.dbCpu ?? 0) + (r.nginxCpu ?? 0);
    lines.push(
      `| ${r.setup.label} | ${r.page === 'search' ? 'search near a place' : 'post page'} | ${r.clients} | ${r.load.perSecond.toFixed(0)} | ${r.load.p50} | ${r.load.p95} | ${r.load.p99} | ${ms(r.appCpu)} | ${ms(r.dbCpu)} | ${ms(r.nginxCpu)} | ${ms(total)} | ${r.load.non2xx + r.load.errors} |`,
    );
  }
  return lines.join('\n');
}

/** requests/s of `than` over `base`, page by page and client count by client count. */
function ratioTable(rows: Row[], pairs: [string, string][]): string {
  const clientCounts = [...new Set(rows.map((r) => r.clients))];
  const lines = [
    `| ratio of requests/s | page | ${clientCounts.map((c) => `${c} client${c > 1 ? 's' : ''}`).join(' | ')} |`,
    `| --- | --- | ${clientCounts.map(() => '---:').join(' | ')} |`,
  ];
  for (const [than, base] of pairs)
    for (const page of ['search', 'post'] as const) {
      const rate = (label: string, c: number) =>
        rows.find((r) => r.setup.label === label && r.page === page && r.clients === c)?.load.perSecond;
      const cells = clientCounts.map((c) => {
        const a = rate(than, c);
        const b = rate(base, c);
        return a && b ? `${(a / b).toFixed(2)}×` : '–';
      });
      if (cells.every((c) => c === '–')) continue;
      lines.push(`| ${than} / ${base} | ${page === 'search' ? 'search' : 'post page'} | ${cells.join(' | ')} |`);
    }
  return lines.join('\n');
}

function memoryTable(memory: Memory[]): string {
  const lines = [
    '| setup | resident MB of each serving process after the load | cluster primary MB | most PostgreSQL connections open | load average (1, 5, 15 min) |',
    '| --- | --- | ---: | ---: | --- |',
  ];
  for (const m of memory)
    lines.push(
      `| ${m.setup.label} | ${m.serving.map((x) => x.toFixed(0)).join(', ')} | ${m.primaries.map((x) => x.toFixed(0)).join(', ') || '–'} | ${m.connections ?? '–'} | ${m.load} |`,
    );
  return lines.join('\n');
}

/** The bare node:http yardstick (how fast this machine is now): one round against one search page. */
async function bareRatio(database: BenchDatabase, settings: { duration: number; connections: number; rounds: number }) {
  const app = await startApp(database);
  try {
    const paths = searchPaths();
    const sample = await httpRequest(app.url + paths[0]!, { headers: BROWSER });
    const bare = await startBareServer(sameResponseAs(sample));
    try {
      await measureRatio({
        label: `search, 1 worker (page ${(sample.body.length / 1024).toFixed(1)} KB with Brotli)`,
        app: { url: app.url, paths, headers: BROWSER },
        bare: { url: bare.url + paths[0]!, headers: BROWSER },
        settings,
        prefix: `[${database.dialect}] `,
      });
    } finally {
      await bare.stop();
    }
  } finally {
    await app.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const settings = benchSettings(
    { duration: 4, connections: 20, rounds: 1 },
    {
      services: '10000',
      clients: '1,5,20',
      dialect: 'both',
      keep: path.join(os.tmpdir(), 'alongside-bench-scale'),
      setups: 'all',
    },
  );
  const services = Number(settings.flags.services);
  if (!Number.isInteger(services) || services < 10) throw new Error('--services must be a whole number ≥ 10.');
  const clients = settings.flags.clients.split(',').map(Number);
  if (!clients.every((c) => Number.isInteger(c) && c > 0)) throw new Error('--clients takes a list such as 1,5,20.');
  const { dialect } = settings.flags;
  if (!['both', 'sqlite', 'postgres'].includes(dialect)) throw new Error('--dialect must be both, sqlite or postgres.');

  // What `npm start` runs: the bundle, rebuilt from these sources.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  // --setups 2,6: only those lines of SETUPS (numbered from 1), to rerun one of them.
  const chosen =
    settings.flags.setups === 'all' ? SETUPS : settings.flags.setups.split(',').map((n) => SETUPS[Number(n) - 1]!);
  if (chosen.some((s) => !s)) throw new Error(`--setups takes numbers from 1 to ${SETUPS.length}, or all.`);
  const keepDir = settings.flags.keep === 'none' ? undefined : settings.flags.keep;
  let pkg: string | undefined;
  /** The synthetic package, generated the first time a database has to be imported. */
  const makePackage = () => {
    if (pkg) return pkg;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-bench-scale-pkg-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    generatePackage(dir, services);
    return (pkg = dir);
  };
  console.log(
    `Scale benchmark: ${services.toLocaleString('en')} services, ${settings.duration} s per run at ${clients.join(', ')} clients; ${machine()}`,
  );

  const rows: Row[] = [];
  const memory: Memory[] = [];
  for (const d of dialect === 'both' ? (['sqlite', 'postgres'] as const) : [dialect as Dialect]) {
    const { database, how } = await buildScaleDatabase(d, services, makePackage, keepDir);
    console.log(`[${d}] ${how}; load average ${loadAverage()}`);
    try {
      const postmaster = d === 'postgres' ? await postmasterOf(database) : undefined;
      if (d === 'sqlite') await bareRatio(database, settings);
      for (const setup of chosen.filter((s) => s.dialect === d)) {
        console.log(`${setup.label} (load average ${loadAverage()})`);
        const measured = await measureSetup(setup, database, postmaster, { duration: settings.duration, clients });
        rows.push(...measured.rows);
        memory.push(measured.memory);
      }
    } finally {
      await database.close();
    }
  }

  console.log(`\n## Measured (${machine()})\n`);
  console.log(table(rows));
  console.log('\n' + memoryTable(memory) + '\n');
  console.log(
    ratioTable(rows, [
      ['SQLite, 2 workers', 'SQLite, 1 worker'],
      ['PostgreSQL, 2 workers', 'PostgreSQL, 1 worker'],
      ['PostgreSQL, 2 instances behind nginx', 'PostgreSQL, 1 instance behind nginx'],
      ['PostgreSQL, 2 instances behind nginx', 'PostgreSQL, 1 worker'],
    ]),
  );
  console.log(`\nWhole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  generator?.kill();
}
