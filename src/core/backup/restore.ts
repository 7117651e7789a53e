import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import type { Config, DatabaseConfig } from '../../config.ts';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { readArchive, type ReadResult } from './archive.ts';
import { decrypting, sniff } from './encryption.ts';
import {
  BackupError,
  DATABASE_ENTRY,
  knownMigrations,
  parseManifest,
  SECRET_ENTRY,
  UPLOADS_PREFIX,
  type Manifest,
} from './manifest.ts';
import { runPgTool } from './postgres.ts';

/*
 * `alongside restore FILE`: reads the whole archive into a staging folder inside DATA_DIR and
 * checks it against its manifest (every file, size and SHA-256; format; schema this version
 * knows; dialect) before it touches the target. It restores only into an empty target — no
 * SQLite database yet, or no tables in the PostgreSQL database, and no uploads — and never
 * overwrites a file; then it applies the migrations this version has that the backup lacks.
 */

export interface RestoreOptions {
  config: Config;
  file: string;
  /** Asked only when the archive is encrypted, and only once the target was found empty. */
  passphrase: () => Promise<string>;
  /** Only read and verify the archive; the target is not looked at. */
  checkOnly?: boolean;
}

export interface RestoreSummary {
  manifest: Manifest;
  encrypted: boolean;
  uploads: number;
  /** Migrations applied after the restore (the backup was older than this version). */
  applied: string[];
}

const NOTHING = 'Nothing was restored.';

const describeDatabase = (database: DatabaseConfig) =>
  database.dialect === 'sqlite' ? `SQLite (${database.file})` : 'PostgreSQL (DATABASE_URL)';

function hasAnyFile(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  return entries.some((e) => !e.isDirectory() || hasAnyFile(path.join(dir, e.name)));
}

async function postgresTableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_toast%'`,
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Refuses unless the target holds no database and no uploads: a restore never overwrites data. */
async function assertEmptyTarget(config: Config): Promise<void> {
  const database = config.database;
  if (database.dialect === 'sqlite') {
    if ([database.file, `${database.file}-wal`].some((f) => fs.existsSync(f))) {
      throw new BackupError(
        `A database already exists at ${database.file}. Restore goes only into an empty data folder and never overwrites existing data: point DATA_DIR (or DATABASE_URL) at a new folder, or move the old one away. ${NOTHING}`,
      );
    }
  } else {
    const tables = await postgresTableCount(database.url);
    if (tables > 0) {
      throw new BackupError(
        `The PostgreSQL database in DATABASE_URL already has ${tables} table(s). Restore goes only into an empty database and never overwrites existing data: create a new one (createdb) and point DATABASE_URL at it. ${NOTHING}`,
      );
    }
  }
  const uploads = path.join(config.dataDir, 'uploads');
  if (hasAnyFile(uploads)) {
    throw new BackupError(
      `${uploads} already holds files. Restore goes only into an empty data folder and never overwrites existing data: point DATA_DIR at a new folder. ${NOTHING}`,
    );
  }
}

/** Checks every entry against the manifest, and the manifest against this version. */
function verify(result: ReadResult, config: Config): Manifest {
  if (!result.manifest) {
    throw new BackupError(`The archive has no manifest.json: it is incomplete or not an Alongside backup. ${NOTHING}`);
  }
  const manifest = parseManifest(result.manifest);
  for (const [name, expected] of Object.entries(manifest.files)) {
    const found = result.entries.get(name);
    if (!found) {
      throw new BackupError(`The backup lacks ${name}, which its manifest lists: it is incomplete. ${NOTHING}`);
    }
    if (found.size !== expected.size || found.sha256 !== expected.sha256) {
      throw new BackupError(
        `${name} in the backup does not match the checksum in its manifest: the archive was changed or damaged. ${NOTHING}`,
      );
    }
  }
  for (const name of result.entries.keys()) {
    if (!(name in manifest.files)) {
      throw new BackupError(`The backup holds ${name}, which its manifest does not list. ${NOTHING}`);
    }
  }
  if (!manifest.files[DATABASE_ENTRY[manifest.dialect]]) {
    throw new BackupError(`The backup holds no ${DATABASE_ENTRY[manifest.dialect]}. ${NOTHING}`);
  }
  const known = knownMigrations();
  const unknown = [...manifest.migrations, manifest.schemaVersion].filter((m) => !known.has(m));
  if (unknown.length) {
    throw new BackupError(
      `This backup comes from a newer Alongside (${manifest.appVersion}, schema ${manifest.schemaVersion}): this version does not know the migration ${unknown[0]}. Upgrade Alongside, then restore. ${NOTHING}`,
    );
  }
  if (manifest.dialect !== config.database.dialect) {
    const label = manifest.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    throw new BackupError(
      `This backup holds a ${label} database, but this site is configured for ${describeDatabase(config.database)}: restore it into the same kind of database. ${NOTHING}`,
    );
  }
  return manifest;
}

/** Puts a staged file in place; never replaces one (link, or copy across file systems, both exclusive). */
function place(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupError(`${to} appeared during the restore and was left as it is.`);
    if (code !== 'EXDEV' && code !== 'EPERM') throw err;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
  }
}

function readHead(file: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BackupError(`There is no file ${file}.`);
    throw err;
  }
  try {
    const head = Buffer.alloc(64);
    return head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreSummary> {
  const { config } = opts;
  const file = path.resolve(opts.file);
  const kind = sniff(readHead(file));
  if (kind === 'unknown') {
    throw new BackupError(`${file} is not an Alongside backup (neither a tar.gz archive nor an age-encrypted one).`);
  }
  if (kind === 'age-armored') {
    throw new BackupError(
      `${file} is an ASCII-armoured age file: decrypt it with \`age --decrypt\` and restore the result.`,
    );
  }
  if (!opts.checkOnly) await assertEmptyTarget(config);
  const passphrase = kind === 'age' ? await opts.passphrase() : undefined;

  const dataDir = config.dataDir;
  const createdDataDir = !opts.checkOnly && !fs.existsSync(dataDir);
  let staging: string | undefined;
  let restored = false;
  try {
    if (!opts.checkOnly) {
      fs.mkdirSync(dataDir, { recursive: true });
      staging = fs.mkdtempSync(path.join(dataDir, '.alongside-restore-'));
    }
    let source: Readable = fs.createReadStream(file);
    if (passphrase !== undefined) source = await decrypting(source, passphrase);
    let result: ReadResult;
    try {
      result = await readArchive(source, staging);
    } catch (err) {
      if (err instanceof BackupError) throw new BackupError(`${err.message} ${NOTHING}`);
      const reason = err instanceof Error ? err.message : String(err);
      throw new BackupError(`The backup is incomplete or damaged (${reason}). ${NOTHING}`);
    }
    const manifest = verify(result, config);
    const uploads = [...result.entries.keys()].filter((n) => n.startsWith(UPLOADS_PREFIX));
    const summary: RestoreSummary = { manifest, encrypted: kind === 'age', uploads: uploads.length, applied: [] };
    if (opts.checkOnly) return summary;

    // Again, just before writing: the target may have changed while the archive was read.
    await assertEmptyTarget(config);
    const secret = result.entries.get(SECRET_ENTRY);
    const secretTarget = path.join(dataDir, SECRET_ENTRY);
    const keepSecret =
      secret !== undefined &&
      fs.existsSync(secretTarget) &&
      fs.readFileSync(secretTarget).equals(fs.readFileSync(secret.path!));
    if (secret && !keepSecret && fs.existsSync(secretTarget)) {
      throw new BackupError(
        `${secretTarget} already exists and differs from the backup’s: restore never overwrites it. Move it away (it signs form tokens, private links and certificates of the site it came from). ${NOTHING}`,
      );
    }

    const database = config.database;
    const dbEntry = result.entries.get(DATABASE_ENTRY[manifest.dialect])!;
    if (database.dialect === 'sqlite') place(dbEntry.path!, database.file);
    else {
      // One transaction: a failed restore leaves the database as empty as it was.
      await runPgTool(
        'pg_restore',
        ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', dbEntry.path!],
        database.url,
      );
    }
    restored = true;
    if (secret && !keepSecret) place(secret.path!, secretTarget);
    for (const name of uploads) {
      const entry = result.entries.get(name)!;
      const target = path.join(dataDir, ...name.split('/'));
      place(entry.path!, target);
      fs.chmodSync(target, 0o644);
      if (entry.mtime) fs.utimesSync(target, entry.mtime, entry.mtime);
    }

    const handle = openDatabase(database, { poolSize: 1 });
    try {
      summary.applied = await migrateToLatest(handle.db, handle.dialect);
    } finally {
      await handle.close();
    }
    return summary;
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    if (createdDataDir && !restored) {
      try {
        fs.rmdirSync(dataDir);
      } catch {
        // not empty: something else wrote there meanwhile; leave it
      }
    }
  }
}
