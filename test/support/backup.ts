import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import sharp from 'sharp';
import tar from 'tar-stream';
import { loadConfig, type Config } from '../../src/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createCsrf } from '../../src/core/http/csrf.ts';
import { openDatabase, type DbHandle } from '../../src/core/db/connect.ts';
import type { Db, Dialect } from '../../src/core/db/schema.ts';
import { BackupError } from '../../src/core/backup/manifest.ts';
import { restoreBackup } from '../../src/core/backup/restore.ts';
import { putMedia } from '../../src/core/media/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { buildApp } from '../../src/server.ts';
import { assertNoClientTraces, createTestDatabase, PROBE_IP, PROBE_UA, type TestDatabase } from './app.ts';

/*
 * For the backup tests (test/backup*.test.ts): the real CLI in a child process, an original site
 * with demo content and an uploaded cover, archive surgery for tampering, and the comparison of a
 * restored site with its original (rows, public pages, upload, secret).
 */
export const BIN = path.resolve('bin/alongside.js');
export const PASSPHRASE = 'correct horse battery staple';
export const COVER_POST = 'support-not-rescue';

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** The real CLI in a child process (asynchronous: scrypt for --encrypt takes seconds on a busy machine). */
export function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

export const tempDir = (prefix = 'alongside-backup-test-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
/** A data folder path that does not exist yet (restore creates it). */
export const freshDataDir = () => path.join(tempDir(), 'data');

/** A one-sentence refusal: exit 1, no stack trace, the given words. */
export function assertRefused(r: Run, pattern: RegExp) {
  assert.equal(r.code, 1, `exit code 1, got ${r.code}: ${r.out}${r.err}`);
  assert.match(r.err, pattern);
  assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
}

/**
 * Every table's rows, sorted, so two databases of one dialect compare regardless of physical order.
 * The shared guards (rate-limit windows, today's client-key salt) are left out: backups leave
 * their rows out on purpose (core/backup), so a restored database starts with none.
 */
export async function snapshot(db: Db, dialect: Dialect): Promise<Record<string, string[]>> {
  const names =
    dialect === 'sqlite'
      ? (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db)
        ).rows;
  const out: Record<string, string[]> = {};
  for (const { name } of names.sort((a, b) => a.name.localeCompare(b.name))) {
    if (name === 'guards') continue;
    const rows = (await sql`select * from ${sql.table(name)}`.execute(db)).rows;
    out[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** An app on a data folder and database, as `serve` builds it, with its logs captured. */
export async function startApp(config: Config, handle: DbHandle, clock: ManualClock) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const app: FastifyInstance = await buildApp({ config, handle, clock, logStream: stream });
  await app.ready();
  return { app, logs: () => chunks.join('') };
}

export const configFor = (dataDir: string, databaseUrl: string | undefined) =>
  loadConfig({
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    PUBLIC_URL: 'http://alongside.test',
    QUICK_EXIT_URL: 'https://neutral.example.org/',
    LOG_LEVEL: 'debug',
  });

/** Public pages (and the cover) as the probe client sees them: status and body. */
export async function pages(
  app: FastifyInstance,
  urls: string[],
): Promise<Map<string, { status: number; body: Buffer }>> {
  const out = new Map<string, { status: number; body: Buffer }>();
  for (const url of urls) {
    const res = await app.inject({ url, remoteAddress: PROBE_IP, headers: { 'user-agent': PROBE_UA } });
    out.set(url, { status: res.statusCode, body: res.rawPayload });
  }
  return out;
}

const FORM_TOKEN = /(name="_csrf" value=")([^"]*)"/g;

/** A page with its anti-forgery tokens blanked: each one holds the time it was made. */
const withoutFormToken = (body: Buffer) => body.toString('utf8').replace(FORM_TOKEN, '$1…"');
const formTokens = (body: Buffer) => [...body.toString('utf8').matchAll(FORM_TOKEN)].map((m) => m[2]!);

export interface Entry {
  name: string;
  data: Buffer;
}

/** The entries of a plain (unencrypted) backup archive, in order. */
export async function readEntries(file: string): Promise<Entry[]> {
  const extract = tar.extract();
  const entries: Entry[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      for await (const chunk of entry) parts.push(chunk as Buffer);
      entries.push({ name: entry.header.name, data: Buffer.concat(parts) });
    }
  })();
  extract.end(zlib.gunzipSync(fs.readFileSync(file)));
  await reading;
  return entries;
}

export async function writeEntries(file: string, entries: Entry[]): Promise<void> {
  const pack = tar.pack();
  const parts: Buffer[] = [];
  pack.on('data', (c: unknown) => parts.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const { name, data } of entries) pack.entry({ name, size: data.length, mode: 0o600 }, data);
  pack.finalize();
  await ended;
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat(parts)));
}

/** Re-packs a backup with changed entries (for tampering). */
export async function rewriteArchive(from: string, to: string, edit: (entries: Entry[]) => Entry[]): Promise<void> {
  await writeEntries(to, edit(await readEntries(from)));
}

export const editEntry = (target: string, change: (data: Buffer) => Buffer) => (entries: Entry[]) =>
  entries.map((e) => (e.name === target ? { name: e.name, data: change(Buffer.from(e.data)) } : e));

export const flipByte = (at: (length: number) => number, mask: number) => (data: Buffer) => {
  data[at(data.length)]! ^= mask;
  return data;
};

export const editManifest = (change: (m: Record<string, unknown>) => void) =>
  editEntry('manifest.json', (data) => {
    const manifest = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    change(manifest);
    return Buffer.from(JSON.stringify(manifest));
  });

/** A file tree as path → SHA-256, to show a refused restore changed nothing. */
export function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return out;
}

/** A site with demo content and one uploaded cover (in the database), as the original of every backup. */
export async function originalSite(dialect: Dialect) {
  const clock = new ManualClock();
  const database = await createTestDatabase(dialect);
  await seedDemo(database.db, clock);
  const cover = await sharp({ create: { width: 32, height: 18, channels: 3, background: '#2a7f62' } })
    .png()
    .toBuffer();
  const coverName = `${crypto.randomBytes(12).toString('hex')}.png`;
  await putMedia(database.db, clock, `posts/${coverName}`, 'image/png', cover);
  const updated = await database.db
    .updateTable('posts')
    .set({ cover_image: coverName, cover_alt: 'A green test cover', cover_width: 32, cover_height: 18 })
    .where('slug', '=', COVER_POST)
    .executeTakeFirst();
  assert.equal(Number(updated.numUpdatedRows), 1, `the demo has a post ${COVER_POST}`);
  const config = configFor(database.dataDir, database.url);
  // Building the app creates secret.key, as the first `serve` does.
  const site = await startApp(config, database.handle, clock);
  const campaign = await database.db.selectFrom('campaigns').select('slug').executeTakeFirstOrThrow();
  const urls = [
    '/',
    `/posts/${COVER_POST}`,
    '/resources',
    '/training',
    `/campaigns/${campaign.slug}`,
    '/safety',
    `/media/posts/${coverName}`,
  ];
  return { clock, database, config, cover, coverName, urls, ...site };
}

export type Original = Awaited<ReturnType<typeof originalSite>>;

/** An empty PostgreSQL database on the test server (restore targets); dropped by `drop`. */
export async function emptyPostgresDatabase(like: TestDatabase) {
  const name = `r_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: like.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const url = new URL(like.url);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: like.url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
    },
  };
}

/** Restores `archive` with the CLI into a fresh target and compares the restored site with the original. */
export async function restoreAndCompare(
  original: Original,
  archive: string,
  target: { dataDir: string; url: string | undefined },
  env: Record<string, string> = {},
) {
  const dialect = original.database.dialect;
  const restored = await run(['restore', archive], {
    DATA_DIR: target.dataDir,
    DATABASE_URL: target.url,
    ...env,
  });
  assert.equal(restored.code, 0, restored.err);
  assert.match(restored.out, /Restored .* no migration was needed/s);

  const config = configFor(target.dataDir, target.url);
  const handle = openDatabase(config.database, { poolSize: 2 });
  try {
    assert.deepEqual(await snapshot(handle.db, dialect), await snapshot(original.database.db, dialect));
    // The signing secret, byte for byte (the upload is in the database: compared above, served below).
    assert.ok(
      fs
        .readFileSync(path.join(target.dataDir, 'secret.key'))
        .equals(fs.readFileSync(path.join(original.config.dataDir, 'secret.key'))),
    );

    const restoredCsrf = createCsrf(fs.readFileSync(path.join(target.dataDir, 'secret.key'), 'utf8').trim());
    const site = await startApp(config, handle, original.clock);
    try {
      const before = await pages(original.app, original.urls);
      const after = await pages(site.app, original.urls);
      let tokens = 0;
      for (const url of original.urls) {
        const a = before.get(url)!;
        const b = after.get(url)!;
        assert.equal(a.status, 200, `${url} on the original site`);
        assert.equal(b.status, 200, `${url} on the restored site`);
        if (url.startsWith('/media/')) assert.ok(b.body.equals(original.cover), 'the cover is served byte for byte');
        else assert.equal(withoutFormToken(b.body), withoutFormToken(a.body), `${url} is the same page`);
        // A form token carries the time it was made, so it differs; the original site's tokens
        // verify with the restored secret, as forms opened before the restore must.
        for (const token of formTokens(a.body)) {
          assert.ok(restoredCsrf.verify(token), `${url}: a form token verifies`);
          tokens++;
        }
      }
      assert.ok(tokens > 0, 'the pages have forms whose tokens were checked');
      await site.app.close();
      await assertNoClientTraces(handle.db, dialect, site.logs());
    } finally {
      await site.app.close();
    }
  } finally {
    await handle.close();
  }
}

/** A restore in this process (the CLI costs seconds per start on a busy machine): the sentence it refuses with. */
export async function refusal(
  file: string,
  target: { dataDir: string; url?: string },
  opts: { passphrase?: string; checkOnly?: boolean } = {},
): Promise<string> {
  try {
    await restoreBackup({
      config: configFor(target.dataDir, target.url),
      file,
      checkOnly: opts.checkOnly,
      passphrase: () => {
        if (opts.passphrase === undefined) throw new BackupError('(the test gave no passphrase)');
        return Promise.resolve(opts.passphrase);
      },
    });
  } catch (err) {
    assert.ok(err instanceof BackupError, `refused with a BackupError, not ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one sentence, one line');
    return err.message;
  }
  assert.fail(`restoring ${path.basename(file)} was not refused`);
}
