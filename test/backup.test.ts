import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Migrator, type Kysely } from 'kysely';
import { createBackup } from '../src/core/backup/backup.ts';
import { restoreBackup } from '../src/core/backup/restore.ts';
import { openDatabase } from '../src/core/db/connect.ts';
import { migrations } from '../src/core/db/migrations/index.ts';
import {
  assertRefused,
  configFor,
  editEntry,
  editManifest,
  flipByte,
  freshDataDir,
  originalSite,
  PASSPHRASE,
  readEntries,
  refusal,
  restoreAndCompare,
  rewriteArchive,
  run,
  tempDir,
  treeOf,
  type Original,
} from './support/backup.ts';

/*
 * `alongside backup` → `alongside restore` on SQLite through the real command line (PostgreSQL:
 * backup-postgres.test.ts): the restored site serves the same public pages and the same upload,
 * byte for byte; every damaged, tampered or newer archive, a wrong passphrase and a non-empty
 * target are refused with one sentence and leave the target as it was.
 */
describe('backup and restore, SQLite', () => {
  let original: Original;
  let archive: string;
  const work = tempDir();

  before(async () => {
    original = await originalSite('sqlite');
    archive = path.join(work, 'site.tar.gz');
    const r = await run(['backup', '--out', archive], {
      DATA_DIR: original.database.dataDir,
      DATABASE_URL: original.database.url,
    });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /the SQLite database with its uploaded images, secret\.key; schema \d{4}_/);
  });

  after(async () => {
    await original?.app.close();
    await original?.database.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('writes one tar.gz with the database, the upload, secret.key and a manifest of checksums', async () => {
    const entries = await readEntries(archive);
    assert.deepEqual(entries.map((e) => e.name).sort(), ['database.sqlite', 'manifest.json', 'secret.key']);
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as {
      dialect: string;
      schemaVersion: string;
      migrations: string[];
      files: Record<string, { sha256: string; size: number }>;
    };
    assert.equal(manifest.dialect, 'sqlite');
    assert.equal(manifest.schemaVersion, manifest.migrations.at(-1));
    for (const e of entries.filter((e) => e.name !== 'manifest.json')) {
      assert.equal(manifest.files[e.name]?.sha256, crypto.createHash('sha256').update(e.data).digest('hex'), e.name);
      assert.equal(manifest.files[e.name]?.size, e.data.length);
    }
    assert.equal((fs.statSync(archive).mode & 0o777).toString(8), '600', 'only its owner can read a backup');
    assert.deepEqual(
      fs.readdirSync(work).filter((f) => f.startsWith('.alongside-backup-')),
      [],
      'no staging folder is left behind',
    );
  });

  it('restores into an empty data folder: same rows, same pages, same upload and secret', async () => {
    await restoreAndCompare(original, archive, { dataDir: freshDataDir(), url: undefined });
  });

  it('refuses a truncated archive with exit code 1 and one sentence, creating nothing', async () => {
    const truncated = path.join(work, 'truncated.tar.gz');
    const bytes = fs.readFileSync(archive);
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
    const dataDir = freshDataDir();
    const r = await run(['restore', truncated], { DATA_DIR: dataDir });
    assertRefused(r, /^The backup is incomplete or damaged \(unexpected end of file\)\. Nothing was restored\.$/m);
    assert.ok(!fs.existsSync(dataDir), 'the data folder was not even created');
  });

  it('refuses a flipped byte, a tampered database, a changed checksum, a newer schema and foreign entries', async () => {
    const bytes = fs.readFileSync(archive);
    const at = (name: string) => path.join(work, name);
    const cases: [string, () => Promise<void> | void, RegExp][] = [
      [
        'flipped.tar.gz',
        () => fs.writeFileSync(at('flipped.tar.gz'), flipByte((n) => n >> 1, 0x55)(Buffer.from(bytes))),
        /incomplete or damaged|does not match the checksum/,
      ],
      [
        'tampered-database.tar.gz',
        () =>
          rewriteArchive(
            archive,
            at('tampered-database.tar.gz'),
            editEntry(
              'database.sqlite',
              flipByte((n) => n >> 1, 0x01),
            ),
          ),
        /^database\.sqlite in the backup does not match the checksum in its manifest: the archive was changed or damaged\./,
      ],
      [
        'changed-checksum.tar.gz',
        () =>
          rewriteArchive(
            archive,
            at('changed-checksum.tar.gz'),
            editManifest((m) => {
              (m.files as Record<string, { sha256: string }>)['secret.key']!.sha256 = '0'.repeat(64);
            }),
          ),
        /^secret\.key in the backup does not match the checksum in its manifest/,
      ],
      [
        'newer-schema.tar.gz',
        () =>
          rewriteArchive(
            archive,
            at('newer-schema.tar.gz'),
            editManifest((m) => {
              (m.migrations as string[]).push('2099_01_01_0001_from_the_future');
              m.schemaVersion = '2099_01_01_0001_from_the_future';
              m.appVersion = '9.0.0';
            }),
          ),
        /newer Alongside \(9\.0\.0, schema 2099_01_01_0001_from_the_future\).*Upgrade Alongside, then restore/,
      ],
      [
        'newer-format.tar.gz',
        () =>
          rewriteArchive(
            archive,
            at('newer-format.tar.gz'),
            editManifest((m) => {
              m.formatVersion = 2;
            }),
          ),
        /archive format 2, newer than this Alongside reads/,
      ],
      [
        'extra-entry.tar.gz',
        () =>
          rewriteArchive(archive, at('extra-entry.tar.gz'), (entries) => [
            { name: 'uploads/posts/planted.png', data: Buffer.from('not ours') },
            ...entries,
          ]),
        /holds uploads\/posts\/planted\.png, which its manifest does not list/,
      ],
      [
        'missing-entry.tar.gz',
        () =>
          rewriteArchive(archive, at('missing-entry.tar.gz'), (entries) =>
            entries.filter((e) => e.name !== 'secret.key'),
          ),
        /lacks secret\.key, which its manifest lists/,
      ],
      [
        'escaping-entry.tar.gz',
        () =>
          rewriteArchive(archive, at('escaping-entry.tar.gz'), (entries) => [
            { name: 'uploads/../../outside.txt', data: Buffer.from('escape') },
            ...entries,
          ]),
        /unexpected entry "uploads\/\.\.\/\.\.\/outside\.txt"/,
      ],
      [
        'no-manifest.tar.gz',
        () =>
          rewriteArchive(archive, at('no-manifest.tar.gz'), (entries) =>
            entries.filter((e) => e.name !== 'manifest.json'),
          ),
        /has no manifest\.json/,
      ],
      ['not-a-backup.txt', () => fs.writeFileSync(at('not-a-backup.txt'), 'hello'), /is not an Alongside backup/],
    ];
    for (const [file, make, pattern] of cases) {
      await make();
      const dataDir = freshDataDir();
      const message = await refusal(at(file), { dataDir });
      assert.match(message, pattern, file);
      assert.match(message, /Nothing was restored\.$|not an Alongside backup/, file);
      assert.ok(!fs.existsSync(dataDir), `${file}: the data folder was not even created`);
    }
    assert.match(
      await refusal(at('tampered-database.tar.gz'), { dataDir: freshDataDir() }, { checkOnly: true }),
      /does not match the checksum/,
    );
    const check = await run(['restore', '--check', archive], { DATA_DIR: freshDataDir() });
    assert.equal(check.code, 0, check.err);
    assert.match(check.out, /complete and matches its manifest/);
  });

  it('refuses a data folder that already has a database or uploads, and changes nothing there', async () => {
    const dataDir = freshDataDir();
    const first = await run(['restore', archive], { DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.err);
    const before = treeOf(dataDir);
    const again = await run(['restore', archive], { DATA_DIR: dataDir });
    assertRefused(again, /already exists at .*never overwrites existing data.*Nothing was restored/);
    assert.deepEqual(treeOf(dataDir), before);

    // Uploads alone (the database elsewhere) also make the folder non-empty.
    const uploadsOnly = freshDataDir();
    fs.mkdirSync(path.join(uploadsOnly, 'uploads', 'posts'), { recursive: true });
    fs.writeFileSync(path.join(uploadsOnly, 'uploads', 'posts', 'mine.png'), 'existing');
    assert.match(
      await refusal(archive, { dataDir: uploadsOnly }),
      /already holds files.*never overwrites existing data/,
    );
    assert.deepEqual(Object.keys(treeOf(uploadsOnly)), [path.join('uploads', 'posts', 'mine.png')]);
  });

  it('restores an older backup, then applies the migrations it lacks', async () => {
    const names = Object.keys(migrations);
    const dataDir = tempDir();
    const older = openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'alongside.sqlite') });
    const migrator = new Migrator({
      db: older.db,
      provider: {
        getMigrations: () =>
          Promise.resolve(
            Object.fromEntries(
              Object.entries(migrations).map(([name, m]) => [
                name,
                { up: (db: Kysely<unknown>) => m.up(db, 'sqlite') },
              ]),
            ),
          ),
      },
    });
    const { error } = await migrator.migrateTo(names.at(-2)!);
    assert.ifError(error);
    await older.close();
    const out = path.join(work, 'older.tar.gz');
    const made = await createBackup({ config: configFor(dataDir, undefined), out });
    assert.equal(made.manifest.schemaVersion, names.at(-2));
    const restored = await restoreBackup({
      config: configFor(freshDataDir(), undefined),
      file: out,
      passphrase: () => Promise.reject(new Error('not encrypted')),
    });
    assert.deepEqual(restored.applied, [names.at(-1)]);
  });

  it('--encrypt writes an age file that restores only with its passphrase', async () => {
    const encrypted = path.join(work, 'site.tar.gz.age');
    const made = await run(['backup', '--out', encrypted, '--encrypt'], {
      DATA_DIR: original.database.dataDir,
      DATABASE_URL: original.database.url,
      ALONGSIDE_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    assert.equal(made.code, 0, made.err);
    assert.match(made.out, /encrypted with age/);
    const bytes = fs.readFileSync(encrypted);
    assert.match(
      bytes.subarray(0, 40).toString('latin1'),
      /^age-encryption\.org\/v1\n-> scrypt /,
      'the age format with a passphrase (scrypt) stanza, which `age --decrypt` opens',
    );
    assert.ok(!bytes.includes(Buffer.from('manifest.json')), 'nothing inside is readable');

    const noPassphrase = freshDataDir();
    const asked = await run(['restore', encrypted], { DATA_DIR: noPassphrase });
    assertRefused(asked, /This backup is encrypted: set ALONGSIDE_BACKUP_PASSPHRASE/);
    const wrong = freshDataDir();
    assert.match(
      await refusal(encrypted, { dataDir: wrong }, { passphrase: 'not the passphrase' }),
      /^The passphrase does not open this encrypted backup\. Nothing was restored\.$/,
    );
    assert.ok(!fs.existsSync(noPassphrase) && !fs.existsSync(wrong));

    await restoreAndCompare(
      original,
      encrypted,
      { dataDir: freshDataDir(), url: undefined },
      { ALONGSIDE_BACKUP_PASSPHRASE: PASSPHRASE },
    );
  });
});
