import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { DatabaseConfig } from '../../config.ts';
import type { Database, Dialect } from './schema.ts';

export interface DbHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL pool, for LISTEN/NOTIFY; absent on SQLite. */
  pgPool?: pg.Pool;
  /** The SQLite connection, for online backups; absent on PostgreSQL. */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

// PostgreSQL returns COUNT(*) and BIGINT as strings by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export function openDatabase(config: DatabaseConfig, opts: { poolSize?: number } = {}): DbHandle {
  if (config.dialect === 'sqlite') {
    fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: opts.poolSize ?? 10 });
  // An idle client losing its connection (server restart, failover) is dropped by the pool and
  // replaced on next use; without a listener Node would treat the event as fatal.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', pgPool: pool, close: () => db.destroy() };
}
