/*
 * Building the scale benchmark's database means importing the synthetic directory, which takes
 * most of a minute on a busy two-core machine: bench/scale.ts keeps a copy of what it built and
 * reuses it next time. On SQLite the copy is a `VACUUM INTO` file; on PostgreSQL a pg_dump
 * (custom format), restored with pg_restore --clean over the freshly migrated database (skipped,
 * with a notice, when the client tools are not installed). A copy is used only for the same number
 * of services, the same migrations and the same data version below, so a schema change or a new
 * generator is never measured on an old database.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { findOnPath, runPgTool } from '../src/core/backup/postgres.ts';
import { migrations } from '../src/core/db/migrations/index.ts';
import type { Dialect } from '../src/core/db/schema.ts';
import type { BenchDatabase } from './database.ts';

/** Change when bench/scale-data.ts or the package generator makes different data. */
const DATA_VERSION = 1;

function keptFile(dir: string, dialect: Dialect, services: number): string {
  const schema = createHash('sha256')
    .update(`${DATA_VERSION}\n${Object.keys(migrations).sort().join('\n')}`)
    .digest('hex')
    .slice(0, 12);
  return path.join(dir, `scale-${dialect}-${services}-${schema}.${dialect === 'sqlite' ? 'sqlite' : 'pgdump'}`);
}

const canKeep = (dialect: Dialect) =>
  dialect === 'sqlite' || (findOnPath('pg_dump') !== undefined && findOnPath('pg_restore') !== undefined);

/**
 * Puts the kept copy into `database` (fresh, migrated, with the bench staff account, not yet
 * handed over) if there is one; true if it did. On SQLite this hands the database over (closes the
 * preparing connection): the copy replaces the file.
 */
export async function restoreKept(database: BenchDatabase, dir: string, services: number): Promise<boolean> {
  const file = keptFile(dir, database.dialect, services);
  if (!fs.existsSync(file) || !canKeep(database.dialect)) return false;
  if (database.dialect === 'sqlite') {
    await database.handOver();
    const target = database.databaseUrl.slice('sqlite:'.length);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
    fs.copyFileSync(file, target);
  } else {
    await runPgTool(
      'pg_restore',
      ['--clean', '--if-exists', '--no-owner', '--single-transaction', file],
      database.databaseUrl,
    );
    // A restore brings no planner statistics: without them the searches would be planned blind.
    await sql`analyze`.execute(database.handle.db);
  }
  return true;
}

/** Keeps a copy of the database just built, for the next run (written aside, then renamed into place). */
export async function keep(database: BenchDatabase, dir: string, services: number): Promise<string | undefined> {
  if (!canKeep(database.dialect)) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  const file = keptFile(dir, database.dialect, services);
  const partial = `${file}.${process.pid}.partial`;
  if (database.dialect === 'sqlite') await sql`vacuum into ${partial}`.execute(database.handle.db);
  else await runPgTool('pg_dump', ['--format=custom', `--file=${partial}`], database.databaseUrl);
  fs.renameSync(partial, file);
  return file;
}
