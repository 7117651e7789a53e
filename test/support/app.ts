import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { ManualClock, type Clock } from '../../src/core/clock.ts';
import { openDatabase, type DbHandle } from '../../src/core/db/connect.ts';
import { migrateToLatest } from '../../src/core/db/migrate.ts';
import type { Db, Dialect } from '../../src/core/db/schema.ts';
import { buildApp } from '../../src/server.ts';
import { startPostgres } from './postgres.ts';

/*
 * Every database test runs on both dialects: `for (const dialect of DIALECTS)`.
 * Each test app gets a fresh database (a SQLite file, or a PostgreSQL database cloned from a
 * migrated template), captures its logs, and on close checks that the probe client's address
 * and user-agent reached neither the database nor the logs.
 */
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/** What every injected request looks like: a distinctive client the privacy check searches for. */
export const PROBE_IP = '127.0.0.77';
export const PROBE_UA = 'AlongsidePrivacyProbe/1.0 (ua-fingerprint-7f3a9c)';
const TEMPLATE_DB = 'alongside_template';

let pgAdminUrl: Promise<string> | undefined;

export async function postgresAdminUrl(): Promise<string> {
  pgAdminUrl ??= (async () => {
    if (process.env.ALONGSIDE_TEST_PG_URL) return process.env.ALONGSIDE_TEST_PG_URL;
    // Run outside `npm test` (one file by hand): start a server for this process only.
    const server = await startPostgres();
    process.once('beforeExit', () => void server.stop());
    await createTemplate(server.url);
    return server.url;
  })();
  return pgAdminUrl;
}

function urlFor(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.href;
}

/** Migrates a template database once per run; test databases are cheap copies of it. */
export async function createTemplate(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await client.end();
  }
  const handle = openDatabase({ dialect: 'postgres', url: urlFor(adminUrl, TEMPLATE_DB) }, { poolSize: 1 });
  try {
    await migrateToLatest(handle.db, 'postgres');
  } finally {
    await handle.close();
  }
}

export interface TestDatabase {
  handle: DbHandle;
  db: Db;
  dialect: Dialect;
  /** DATABASE_URL for a child process using the same database. */
  url: string;
  dataDir: string;
  destroy(): Promise<void>;
}

/** A fresh, migrated database of the given dialect. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-test-'));
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'test.sqlite');
    const handle = openDatabase({ dialect: 'sqlite', file });
    await migrateToLatest(handle.db, 'sqlite');
    return {
      handle,
      db: handle.db,
      dialect,
      url: `sqlite:${file}`,
      dataDir,
      async destroy() {
        await handle.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = await postgresAdminUrl();
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Concurrent clones of one template collide now and then ("source database is being accessed"): retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
        break;
      } catch (err) {
        if (attempt > 20) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = urlFor(adminUrl, name);
  const handle = openDatabase({ dialect: 'postgres', url }, { poolSize: 5 });
  await migrateToLatest(handle.db, 'postgres');
  return {
    handle,
    db: handle.db,
    dialect,
    url,
    dataDir,
    async destroy() {
      await handle.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every row of every table, as one string, for the privacy check (`{ guards: true }`) and for
 * "changes nothing" comparisons. Those leave out the shared guards (core/guards) by default: their
 * rate-limit windows count every request by design, hostile ones included, as the in-memory
 * counters they replaced did.
 */
export async function dumpDatabase(db: Db, dialect: Dialect, opts: { guards?: boolean } = {}): Promise<string> {
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map(
          (r) => r.name,
        )
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db)
        ).rows.map((r) => r.name);
  const parts: string[] = [];
  for (const table of tables) {
    if (table === 'guards' && !opts.guards) continue;
    const rows = (await sql`select * from ${sql.table(table)}`.execute(db)).rows;
    parts.push(`${table}: ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

/** Fails when anything about the probe client reached the database or the logs. */
export async function assertNoClientTraces(
  db: Db,
  dialect: Dialect,
  logs: string,
  extra: string[] = [],
): Promise<void> {
  const dump = await dumpDatabase(db, dialect, { guards: true });
  for (const needle of [PROBE_IP, PROBE_UA, 'AlongsidePrivacyProbe', ...extra]) {
    assert.ok(!dump.includes(needle), `the database holds client data: ${needle}`);
    assert.ok(!logs.includes(needle), `the logs hold client data: ${needle}`);
  }
  assert.ok(
    !/"(remoteAddress|remotePort|ip|ips|userAgent|user-agent)"\s*:/i.test(logs),
    'the logs carry a client address or user-agent field',
  );
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  dialect: Dialect;
  clock: ManualClock;
  config: Config;
  database: TestDatabase;
  /** Captured log lines (JSON), for assertions. */
  logs(): string;
  /** app.inject with the probe client's address and user-agent. */
  inject(opts: InjectOptions | string): Promise<LightMyRequestResponse>;
  /** Closes the app, runs the privacy check, and drops the database. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: ManualClock;
  /** Adds test-only routes (e.g. one that throws) before the app is ready. */
  extend?: (app: FastifyInstance) => void;
}

export async function createTestApp(dialect: Dialect, opts: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    DATA_DIR: database.dataDir,
    PUBLIC_URL: 'http://alongside.test',
    QUICK_EXIT_URL: 'https://neutral.example.org/',
    // Debug: request lines are captured too, so the privacy check reads them.
    LOG_LEVEL: 'debug',
    ...opts.env,
  });
  const clock = opts.clock ?? new ManualClock();
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const app = await buildApp({ config, handle: database.handle, clock: clock as Clock, logStream: stream });
  opts.extend?.(app);
  await app.ready();
  const logs = () => chunks.join('');
  return {
    app,
    db: database.db,
    dialect,
    clock,
    config,
    database,
    logs,
    inject(o) {
      const options: InjectOptions = typeof o === 'string' ? { url: o } : o;
      return app.inject({
        remoteAddress: PROBE_IP,
        ...options,
        headers: { 'user-agent': PROBE_UA, ...(options.headers ?? {}) },
      });
    },
    async close() {
      await app.close();
      await assertNoClientTraces(database.db, dialect, logs());
      await database.destroy();
    },
  };
}
