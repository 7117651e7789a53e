import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { writeArchive, type SourceFile } from './archive.ts';
import { encryptingStage } from './encryption.ts';
import {
  appVersion,
  BackupError,
  DATABASE_ENTRY,
  FORMAT,
  FORMAT_VERSION,
  isSafeEntryName,
  SECRET_ENTRY,
  UPLOADS_PREFIX,
  type Manifest,
} from './manifest.ts';
import { requireTool, runPgTool } from './postgres.ts';

/*
 * `alongside backup --out FILE`: one archive with the database, the uploads and secret.key (the
 * signing secret, so form tokens, private links and certificates still verify after a restore),
 * and a manifest with their checksums. Nothing else from the machine goes in. The database is
 * copied first, then the uploads: every upload the copied database refers to was complete before
 * its row was written, so the archive is consistent while the site keeps serving.
 */

export interface BackupOptions {
  config: Config;
  out: string;
  /** Asked only once the command knows it can write the backup; none → not encrypted. */
  passphrase?: () => Promise<string>;
  now?: Date;
}

export interface BackupSummary {
  out: string;
  bytes: number;
  manifest: Manifest;
  encrypted: boolean;
  uploads: number;
  /** Upload files left out because their names could not be restored safely. */
  skipped: string[];
}

function missingSchema(): BackupError {
  return new BackupError(
    'The database has no schema yet (no migration was ever applied), so there is nothing to back up: run `alongside migrate` or `alongside serve` first.',
  );
}

/** Copies the live SQLite database with its online backup API, and reads which migrations it has. */
async function snapshotSqlite(source: string, dest: string): Promise<string[]> {
  const live = new SQLite(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    await live.backup(dest);
  } finally {
    live.close();
  }
  const copy = new SQLite(dest);
  try {
    // One self-contained file in the archive, without a -wal beside it.
    copy.pragma('journal_mode = DELETE');
    // Rate-limit windows and today's client-key salt stay out of every archive (core/guards).
    if (copy.prepare("select 1 from sqlite_master where type = 'table' and name = 'guards'").get()) {
      copy.exec('delete from guards');
      copy.exec('vacuum');
    }
    const table = copy.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    if (!table) throw missingSchema();
    return (copy.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    copy.close();
  }
}

async function postgresMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query(`select to_regclass('kysely_migration') is not null as present`);
    if (!(exists.rows[0] as { present: boolean }).present) throw missingSchema();
    const { rows } = await client.query<{ name: string }>('select name from kysely_migration order by name');
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

/** pg_dump --format=custom: one consistent snapshot, taken in a single transaction. */
async function dumpPostgres(url: string, dest: string): Promise<string[]> {
  const before = await postgresMigrations(url);
  // Unlogged tables (core/guards: rate-limit windows, today's client-key salt) keep their schema only.
  await runPgTool('pg_dump', ['--format=custom', '--no-unlogged-table-data', `--file=${dest}`], url);
  const after = await postgresMigrations(url);
  if (before.join() !== after.join()) {
    throw new BackupError('A migration ran while the database was being dumped; run the backup again.');
  }
  return after;
}

/** Every regular file under DATA_DIR/uploads, sorted; links and special files are not uploads. */
function listUploads(dataDir: string): { files: SourceFile[]; skipped: string[] } {
  const files: SourceFile[] = [];
  const skipped: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      const name = `${rel}${entry.name}`;
      if (entry.isDirectory()) walk(full, `${name}/`);
      else if (entry.isFile()) {
        if (isSafeEntryName(name)) files.push({ name, path: full, mode: 0o644 });
        else skipped.push(full);
      }
    }
  };
  walk(path.join(dataDir, 'uploads'), UPLOADS_PREFIX);
  return { files, skipped };
}

export async function createBackup(opts: BackupOptions): Promise<BackupSummary> {
  const { config } = opts;
  const out = path.resolve(opts.out);
  const exists = () => fs.existsSync(out);
  if (exists()) throw new BackupError(`${out} already exists; choose a new file name so no backup is overwritten.`);
  const uploadsDir = path.join(config.dataDir, 'uploads');
  if (out.startsWith(uploadsDir + path.sep)) {
    throw new BackupError(`Write the backup outside ${uploadsDir}, or it would be part of the next backup.`);
  }
  const dir = path.dirname(out);
  if (!fs.existsSync(dir))
    throw new BackupError(`The folder ${dir} does not exist; create it or choose another --out.`);
  const database = config.database;
  if (database.dialect === 'sqlite' && !fs.existsSync(database.file)) {
    throw new BackupError(`There is no database at ${database.file} to back up; check DATA_DIR and DATABASE_URL.`);
  }
  if (database.dialect === 'postgres') requireTool('pg_dump');
  const passphrase = opts.passphrase ? await opts.passphrase() : undefined;

  // Work beside the output: the database copy may be large, and the finished archive is linked
  // into place, so FILE never exists half-written.
  const staging = fs.mkdtempSync(path.join(dir, '.alongside-backup-'));
  try {
    const dbEntry = DATABASE_ENTRY[database.dialect];
    const dbCopy = path.join(staging, dbEntry);
    const migrations =
      database.dialect === 'sqlite'
        ? await snapshotSqlite(database.file, dbCopy)
        : await dumpPostgres(database.url, dbCopy);
    const files: SourceFile[] = [{ name: dbEntry, path: dbCopy, mode: 0o600 }];
    const secretFile = path.join(config.dataDir, SECRET_ENTRY);
    if (fs.existsSync(secretFile)) files.push({ name: SECRET_ENTRY, path: secretFile, mode: 0o600 });
    const uploads = listUploads(config.dataDir);
    files.push(...uploads.files);

    let manifest: Manifest | undefined;
    const makeManifest = (digests: Manifest['files']): Manifest => {
      manifest = {
        format: FORMAT,
        formatVersion: FORMAT_VERSION,
        appVersion: appVersion(),
        dialect: database.dialect,
        schemaVersion: migrations.at(-1)!,
        migrations,
        createdAt: (opts.now ?? new Date()).toISOString(),
        signingSecret: config.secret ? 'environment' : 'file',
        files: digests,
      };
      return manifest;
    };
    const partial = path.join(staging, 'archive');
    const stages: Array<Duplex | fs.WriteStream> = [];
    if (passphrase) stages.push(await encryptingStage(passphrase));
    stages.push(fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
    await writeArchive(files, makeManifest, stages);
    try {
      fs.linkSync(partial, out);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new BackupError(`${out} appeared while the backup was being written; it was left as it is.`);
      }
      throw err;
    }
    return {
      out,
      bytes: fs.statSync(out).size,
      manifest: manifest!,
      encrypted: Boolean(passphrase),
      uploads: Object.keys(manifest!.files).filter((n) => n.startsWith(UPLOADS_PREFIX)).length,
      skipped: uploads.skipped,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
