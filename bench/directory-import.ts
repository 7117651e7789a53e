/*
 * HSDS import and sync benchmark. Generates the directory benchmark's synthetic package (100,000 services at
 * 120,000 locations, 20,000 organisations, with phones, schedules, languages, attributes, addresses and links),
 * times `import-hsds` of it into an empty database, then a sync of the same package with 10 % of the services
 * changed (name, description and a newer last_modified), on SQLite and PostgreSQL. Migrations run before the
 * clock starts; the import is the command's own importPackage. Each step reports its wall time, this process's
 * CPU time and, on PostgreSQL, the server's CPU time (its processes, from /proc), with the load average: on a
 * shared machine CPU time is the steadier figure.
 * Run: node --import tsx bench/directory-import.ts [--services 100000] [--dialect both|sqlite|postgres] [--keep DIR]
 * (add --cpu-prof before --import to profile; target: each step under 60 s at 100,000 services). With --keep,
 * the two packages are kept in DIR and used again by the next run with the same --services (generating
 * 100,000 services takes a minute and a half).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import { systemClock } from '../src/core/clock.ts';
import type { Db, Dialect } from '../src/core/db/schema.ts';
import { importPackage } from '../src/features/directory/hsds-io.ts';
import { openBenchDatabase } from './database.ts';
import { generatePackage } from './directory.ts';
import { machine } from './harness.ts';

/** A copy of the package with every tenth service changed; returns how many. */
export function changedCopy(from: string, to: string): number {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(to, f));
  const file = path.join(to, 'service.csv');
  const [header, ...rows] = parse(fs.readFileSync(file)) as string[][];
  const name = header!.indexOf('name');
  const description = header!.indexOf('description');
  const modified = header!.indexOf('last_modified');
  let changed = 0;
  rows.forEach((row, i) => {
    if (i % 10 !== 0) return;
    row[name] = `${row[name]} (renamed)`;
    row[description] = `${row[description]} Now open on Sundays.`;
    row[modified] = '2026-11-20T00:00:00.000Z';
    changed++;
  });
  fs.writeFileSync(file, stringify([header!, ...rows]));
  return changed;
}

/** CPU time of this process since `from` (user + system): less sensitive than wall time to others' load. */
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return ((u.user + u.system) / 1e6).toFixed(1);
};

/**
 * CPU seconds (user + system) used so far by the PostgreSQL server of `db`: its postmaster and every process
 * it started (the backends doing the work, the WAL writer, the checkpointer), from Linux /proc. The server runs
 * on this machine (the bench starts it), so its data folder's postmaster.pid names the postmaster.
 */
async function serverCpu(db: Db): Promise<number> {
  const dir = (await sql<{ data_directory: string }>`show data_directory`.execute(db)).rows[0]!.data_directory;
  const postmaster = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // Fields after the command's closing parenthesis: state ppid … utime (14th field) stime (15th).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pid) === postmaster || Number(f[1]) === postmaster) total += (Number(f[11]) + Number(f[12])) / tick;
  }
  return total;
}

/** What the step cost: wall, this process's CPU and (PostgreSQL) the server's CPU, with the load it ran under. */
async function measured<T>(db: Db, dialect: Dialect, step: () => Promise<T>) {
  const server0 = dialect === 'postgres' ? await serverCpu(db) : 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await step();
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  const server =
    dialect === 'postgres' ? ` + PostgreSQL server CPU ${((await serverCpu(db)) - server0).toFixed(1)} s` : '';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return {
    value,
    wall,
    text: `${wall.toFixed(1)} s wall (target < 60 s); CPU: this process ${cpu} s${server}; load average ${load}`,
  };
}

async function benchDialect(dialect: Dialect, pkg: string, changedPkg: string, changed: number) {
  const database = await openBenchDatabase(dialect, 'hsdsimport');
  const { db } = database.handle;
  try {
    const imp = await measured(db, dialect, () => importPackage(db, dialect, systemClock, pkg));
    const imported = imp.value;
    if (!imported.ok) throw new Error(`the import failed: ${JSON.stringify(imported)}`);
    const services = imported.value.counts.service ?? 0;
    console.log(`[${dialect}] import of ${services.toLocaleString('en')} services into an empty database: ${imp.text}`);
    const sync = await measured(db, dialect, () => importPackage(db, dialect, systemClock, changedPkg));
    const synced = sync.value;
    if (!synced.ok) throw new Error(`the sync failed: ${JSON.stringify(synced)}`);
    const s = synced.value.sync;
    console.log(
      `[${dialect}] sync of the same package with ${changed.toLocaleString('en')} services changed: ${sync.text}; ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.older} older, ${s.conflicts.length} conflicts`,
    );
    if (s.updated !== changed || s.conflicts.length || s.added)
      throw new Error(`the sync should update exactly the ${changed} changed services`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: flags } = parseArgs({
    options: {
      services: { type: 'string', default: '100000' },
      dialect: { type: 'string', default: 'both' },
      keep: { type: 'string' },
    },
    strict: true,
  });
  const services = Number(flags.services);
  if (!Number.isInteger(services) || services < 10) throw new Error('--services must be a whole number ≥ 10.');
  const { dialect } = flags;
  if (!['both', 'sqlite', 'postgres'].includes(dialect)) throw new Error('--dialect must be both, sqlite or postgres.');
  const root = flags.keep
    ? path.join(path.resolve(flags.keep), `services-${services}`)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-bench-hsds-'));
  const pkg = path.join(root, 'package');
  const changedPkg = path.join(root, 'changed');
  const done = path.join(root, 'complete');
  const g0 = performance.now();
  let changed: number;
  if (!fs.existsSync(done)) {
    fs.rmSync(root, { recursive: true, force: true });
    generatePackage(pkg, services);
    changed = changedCopy(pkg, changedPkg);
    if (flags.keep) fs.writeFileSync(done, String(changed));
  } else changed = Number(fs.readFileSync(done, 'utf8'));
  console.log(
    `HSDS import benchmark: ${services.toLocaleString('en')} services generated or found in ${((performance.now() - g0) / 1000).toFixed(1)} s; ${machine()}`,
  );
  try {
    for (const d of dialect === 'both' ? (['sqlite', 'postgres'] as const) : [dialect as Dialect])
      await benchDialect(d, pkg, changedPkg, changed);
  } finally {
    if (!flags.keep) fs.rmSync(root, { recursive: true, force: true });
  }
}
