import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findOnPath } from '../src/core/backup/postgres.ts';
import { openDatabase } from '../src/core/db/connect.ts';
import {
  assertRefused,
  editEntry,
  emptyPostgresDatabase,
  flipByte,
  freshDataDir,
  originalSite,
  readEntries,
  refusal,
  restoreAndCompare,
  rewriteArchive,
  run,
  snapshot,
  tempDir,
  type Original,
} from './support/backup.ts';

/*
 * `alongside backup` (pg_dump) → `alongside restore` (pg_restore) on PostgreSQL, through the real
 * command line. pg_dump and pg_restore must be on PATH: without them this fails and says what to
 * install; it never skips.
 */
describe('backup and restore, PostgreSQL', () => {
  let original: Original;
  let archive: string;
  const work = tempDir();
  const drops: (() => Promise<void>)[] = [];

  before(async () => {
    for (const tool of ['pg_dump', 'pg_restore']) {
      assert.ok(
        findOnPath(tool),
        `${tool} is not on PATH: install the PostgreSQL client tools (Debian: apt-get install postgresql-client) to run these tests`,
      );
    }
    original = await originalSite('postgres');
    archive = path.join(work, 'site.tar.gz');
    const r = await run(['backup', '--out', archive], {
      DATA_DIR: original.database.dataDir,
      DATABASE_URL: original.database.url,
    });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /the PostgreSQL database with its uploaded images \(pg_dump\), secret\.key/);
  });

  after(async () => {
    await original?.app.close();
    for (const drop of drops) await drop();
    await original?.database.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds a pg_dump custom-format dump, the upload, secret.key and the manifest', async () => {
    const entries = await readEntries(archive);
    assert.deepEqual(entries.map((e) => e.name).sort(), ['database.pgdump', 'manifest.json', 'secret.key']);
    const dump = entries.find((e) => e.name === 'database.pgdump')!.data;
    assert.equal(dump.subarray(0, 5).toString('latin1'), 'PGDMP', 'pg_dump --format=custom');
  });

  it('restores into an empty database (pg_restore): same rows, same pages, same upload and secret', async () => {
    const target = await emptyPostgresDatabase(original.database);
    drops.push(target.drop);
    await restoreAndCompare(original, archive, { dataDir: freshDataDir(), url: target.url });
  });

  it('refuses a database that has tables, a tampered dump and a SQLite target, changing nothing', async () => {
    const before = await snapshot(original.database.db, 'postgres');
    const occupied = await run(['restore', archive], { DATA_DIR: freshDataDir(), DATABASE_URL: original.database.url });
    assertRefused(occupied, /already has \d+ table\(s\).*never overwrites existing data.*Nothing was restored/);
    assert.deepEqual(await snapshot(original.database.db, 'postgres'), before);

    const tampered = path.join(work, 'tampered.tar.gz');
    await rewriteArchive(
      archive,
      tampered,
      editEntry(
        'database.pgdump',
        flipByte((n) => n - 10, 0x20),
      ),
    );
    const target = await emptyPostgresDatabase(original.database);
    drops.push(target.drop);
    assert.match(
      await refusal(tampered, { dataDir: freshDataDir(), url: target.url }),
      /^database\.pgdump in the backup does not match the checksum/,
    );
    const handle = openDatabase({ dialect: 'postgres', url: target.url }, { poolSize: 1 });
    try {
      assert.deepEqual(await snapshot(handle.db, 'postgres'), {}, 'the target database is still empty');
    } finally {
      await handle.close();
    }

    const sqliteTarget = freshDataDir();
    assert.match(
      await refusal(archive, { dataDir: sqliteTarget }),
      /holds a PostgreSQL database, but this site is configured for SQLite/,
    );
    assert.ok(!fs.existsSync(sqliteTarget));
  });

  it('names pg_dump and what to install when it is not on PATH', async () => {
    const out = path.join(work, 'no-tools.tar.gz');
    const r = await run(['backup', '--out', out], {
      DATA_DIR: original.database.dataDir,
      DATABASE_URL: original.database.url,
      PATH: '/nonexistent',
    });
    assertRefused(r, /pg_dump was not found on PATH: install the PostgreSQL client tools/);
    assert.ok(!fs.existsSync(out));
  });
});
