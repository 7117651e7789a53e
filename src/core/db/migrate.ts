import { Migrator, type Migration, type MigrationProvider, type Kysely } from 'kysely';
import type { Database, Dialect } from './schema.ts';
import { migrations } from './migrations/index.ts';
import { openDatabase, type DbHandle } from './connect.ts';
import type { DatabaseConfig } from '../../config.ts';

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(migrations)) {
      out[name] = {
        up: (db) => m.up(db, this.dialect),
        down: m.down ? (db) => m.down!(db, this.dialect) : undefined,
      };
    }
    return out;
  }
}

export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  // Features add follow-up migrations in their own number range (0101, 0302…), which sort before another
  // feature's later ones that an existing database may already have run: run those missing ones too.
  const migrator = new Migrator({ db, provider: new StaticProvider(dialect), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Opens the database, applies pending migrations, runs `work`, and always closes: the shape of every CLI command. */
export async function withMigratedDatabase<T>(
  config: DatabaseConfig,
  work: (handle: DbHandle) => Promise<T>,
): Promise<T> {
  const handle = openDatabase(config);
  try {
    await migrateToLatest(handle.db, handle.dialect);
    return await work(handle);
  } finally {
    await handle.close();
  }
}
