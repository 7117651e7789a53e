import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
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

/** The longest SQL text the statement cache keeps (bulk writers size their statements to fit). */
export const CACHED_STATEMENT_CHARS = 4096;

/**
 * better-sqlite3 compiles SQL on every prepare(), and Kysely prepares every query it runs: the same
 * SQL text is compiled once and its statement reused (Kysely only runs them to completion, never
 * holding one open). Longer texts are not kept.
 */
export function withStatementCache(sqlite: SQLite.Database, entries = 64) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SQLite.Statement {
      const hit = cache.get(sql);
      if (hit) {
        // Least recently used goes first: a hit moves to the back.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = sqlite.prepare(sql);
      if (sql.length <= CACHED_STATEMENT_CHARS) {
        cache.set(sql, statement);
        if (cache.size > entries) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}

/**
 * Transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE), so with several
 * processes on one file (serve --workers) a transaction that reads and then writes waits its turn
 * under the busy timeout; a deferred BEGIN would fail at once with SQLITE_BUSY when another
 * process wrote in between. A lone process has one connection anyway: no difference there.
 */
function immediateTransactions(dialect: SqliteDialect): SqliteDialect {
  const createDriver = dialect.createDriver.bind(dialect);
  dialect.createDriver = () => {
    const driver = createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  };
  return dialect;
}

/**
 * Marks a query for PostgreSQL to prepare once per connection, under a name made from its text, so
 * that after its first runs it is not planned again (its parameters are values, never part of the
 * text): the directory search's queries took longer to plan than to run. On SQLite the mark is a
 * comment (statements are reused anyway).
 */
export const PREPARED = '/* prepared */ ';
const statementName = (text: string) => `p${createHash('sha1').update(text).digest('hex').slice(0, 30)}`;
/** Sends the queries marked PREPARED as named statements (node-postgres parses each name once per connection). */
function preparing(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  Object.assign(client, {
    query: (text: unknown, values?: unknown, callback?: unknown) =>
      typeof text === 'string' && text.startsWith(PREPARED)
        ? query({ name: statementName(text), text, values }, callback)
        : query(text, values, callback),
  });
}

export function openDatabase(config: DatabaseConfig, opts: { poolSize?: number } = {}): DbHandle {
  if (config.dialect === 'sqlite') {
    fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // 1 MB of pages per connection (SQLite's default is 2): the OS caches the file anyway, and the
    // server's memory stays bounded on a large directory.
    sqlite.pragma('cache_size = -1024');
    // Pages are read through a memory map rather than a read() call each: a directory search near a
    // place probes hundreds of index entries, and at 100,000 services the copies and system calls
    // were most of its SQL time (bench/directory.ts: 5.5 → 1.6 ms of CPU for the nearby-services
    // query). The mapped pages are the OS's file cache, shared and reclaimable, not the process's heap.
    sqlite.pragma('mmap_size = 1073741824');
    const db = new Kysely<Database>({
      dialect: immediateTransactions(new SqliteDialect({ database: withStatementCache(sqlite) })),
    });
    return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
  }
  // No `plan_cache_mode=force_generic_plan` for the pool: it would hold for every parameterised query
  // (node-postgres sends them as unnamed prepared statements), giving skewed filters and LIMITs plans
  // made blind to their values. Named statements (PREPARED) get PostgreSQL's own choice: five planned
  // runs per connection, then the generic plan wherever it costs no more.
  const pool = new pg.Pool({ connectionString: config.url, max: opts.poolSize ?? 10 });
  // An idle client losing its connection (server restart, failover) is dropped by the pool and
  // replaced on next use; without a listener Node would treat the event as fatal.
  pool.on('error', () => {});
  pool.on('connect', preparing);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', pgPool: pool, close: () => db.destroy() };
}

/** True when the database answers a trivial query (for /healthz). */
export async function isDatabaseUp(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
