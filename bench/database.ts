import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DbHandle } from '../src/core/db/connect.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';
import type { Dialect } from '../src/core/db/schema.ts';
import { startPostgres } from '../test/support/postgres.ts';

export interface BenchDatabase {
  handle: DbHandle;
  /** A fresh data folder for the app under test. */
  dataDir: string;
  /** DATABASE_URL for a server process on the same database. */
  databaseUrl: string;
  /** Closes the database, stops the PostgreSQL server it started, and removes the data folder. */
  close(): Promise<void>;
}

/** A fresh, migrated database for a benchmark: a SQLite file, or a throwaway PostgreSQL server. */
export async function openBenchDatabase(dialect: Dialect, name: string): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `alongside-bench-${name}-${dialect}-`));
  let handle: DbHandle;
  let stopPg: (() => Promise<void>) | undefined;
  let databaseUrl: string;
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'bench.sqlite');
    handle = openDatabase({ dialect: 'sqlite', file });
    databaseUrl = `sqlite:${file}`;
  } else {
    const server = await startPostgres();
    stopPg = () => server.stop();
    const database = `bench_${name}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
    const u = new URL(server.url);
    u.pathname = `/${database}`;
    handle = openDatabase({ dialect: 'postgres', url: u.href }, { poolSize: 10 });
    databaseUrl = u.href;
  }
  await migrateToLatest(handle.db, dialect);
  return {
    handle,
    dataDir,
    databaseUrl,
    async close() {
      await handle.close();
      await stopPg?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
