import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createStaff } from '../src/core/auth/service.ts';
import { systemClock } from '../src/core/clock.ts';
import { openDatabase, type DbHandle } from '../src/core/db/connect.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';
import type { Db, Dialect } from '../src/core/db/schema.ts';
import { startPostgres } from '../test/support/postgres.ts';

/**
 * A benchmark's database, in three steps: the benchmark prepares its data through `handle`; the
 * harness's startApp hands it over (closes that connection) to `alongside serve` in its own
 * process; afterwards `read` may look at what the app wrote.
 */
export interface BenchDatabase {
  dialect: Dialect;
  /** The benchmark's own connection, for preparing data; closed by handOver(). */
  handle: DbHandle;
  /** A fresh data folder for the app under test. */
  dataDir: string;
  /** DATABASE_URL for the app process on the same database. */
  databaseUrl: string;
  /**
   * A staff admin, for checks made through the app's own forms. Its existence also keeps
   * `alongside serve` from adding its demo content, which it does to a database with no staff.
   */
  staff: { id: number; email: string; password: string };
  /** Closes the preparing connection (once; later calls do nothing). */
  handOver(): Promise<void>;
  /**
   * Runs `fn` on a short-lived connection of its own, to read what the app wrote (counts). Writes
   * made here would not reach the app's page cache: make those through the app.
   */
  read<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Closes everything, stops the PostgreSQL server it started, and removes the data folder. */
  close(): Promise<void>;
}

const STAFF = { email: 'bench@alongside.invalid', password: 'bench staff password, not secret' };

/** A fresh, migrated database for a benchmark: a SQLite file, or a throwaway PostgreSQL server. */
/**
 * A data folder and a database nobody has used yet: on SQLite the app makes its file in the folder;
 * on PostgreSQL a database on a throwaway server. The caller removes the folder and stops the server.
 */
export async function emptyBenchDatabase(
  dialect: Dialect,
  name: string,
): Promise<{ dataDir: string; postgresUrl?: string; stopServer?: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `alongside-bench-${name}-${dialect}-`));
  if (dialect === 'sqlite') return { dataDir };
  const server = await startPostgres();
  const database = `bench_${name}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const u = new URL(server.url);
  u.pathname = `/${database}`;
  return { dataDir, postgresUrl: u.href, stopServer: () => server.stop() };
}

/**
 * A prepared database kept between runs (`saveBenchDatabase`): a SQLite file, or a pg_dump archive
 * (custom format) restored into the fresh PostgreSQL database. Generating and importing 100,000
 * services takes minutes; restoring them takes seconds.
 */
export function keptDatabaseFile(dir: string, dialect: Dialect, key: string): string {
  return path.join(dir, `${key}.${dialect === 'sqlite' ? 'sqlite' : 'pgdump'}`);
}

/** Writes the prepared database to `file` (through a temporary name, so a half-written file is never taken). */
export async function saveBenchDatabase(database: BenchDatabase, file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  if (database.dialect === 'sqlite') await sql`vacuum into ${partial}`.execute(database.handle.db);
  else execFileSync('pg_dump', ['--format=custom', '--compress=1', '--file', partial, database.databaseUrl]);
  fs.renameSync(partial, file);
}

export async function openBenchDatabase(
  dialect: Dialect,
  name: string,
  opts: { restoreFrom?: string } = {},
): Promise<BenchDatabase> {
  const { dataDir, postgresUrl, stopServer: stopPg } = await emptyBenchDatabase(dialect, name);
  const databaseUrl = postgresUrl ?? `sqlite:${path.join(dataDir, 'bench.sqlite')}`;
  if (opts.restoreFrom && dialect === 'sqlite') fs.copyFileSync(opts.restoreFrom, path.join(dataDir, 'bench.sqlite'));
  if (opts.restoreFrom && postgresUrl) {
    execFileSync('pg_restore', ['--no-owner', '--jobs=2', '--dbname', postgresUrl, opts.restoreFrom]);
    // An archive holds no planner statistics and no visibility map: without them every plan is a guess.
    execFileSync('vacuumdb', ['--analyze', '--quiet', '--dbname', postgresUrl]);
  }
  const connect = (): DbHandle =>
    dialect === 'sqlite'
      ? openDatabase({ dialect, file: databaseUrl.slice('sqlite:'.length) })
      : openDatabase({ dialect, url: databaseUrl }, { poolSize: 10 });
  const handle = connect();
  await migrateToLatest(handle.db, dialect);
  const kept = opts.restoreFrom
    ? await handle.db.selectFrom('users').select('id').where('email', '=', STAFF.email).executeTakeFirst()
    : undefined;
  const created = kept
    ? ({ ok: true, value: kept } as const)
    : await createStaff(handle.db, systemClock, { ...STAFF, role: 'admin', displayName: 'Bench Staff' });
  if (!created.ok) throw new Error(`the bench staff account was not created: ${JSON.stringify(created)}`);
  let handedOver: Promise<void> | undefined;
  const handOver = () => (handedOver ??= handle.close());
  // A benchmark that fails half-way leaves no data folder behind, nor a system PostgreSQL server
  // (its stop is synchronous; an embedded one is stopped by its own exit hooks).
  const cleanUpOnExit = () => {
    void stopPg?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', cleanUpOnExit);
  return {
    dialect,
    handle,
    dataDir,
    databaseUrl,
    staff: { id: created.value.id, ...STAFF },
    handOver,
    async read(fn) {
      const reader = connect();
      try {
        return await fn(reader.db);
      } finally {
        await reader.close();
      }
    },
    async close() {
      process.off('exit', cleanUpOnExit);
      await handOver();
      await stopPg?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
