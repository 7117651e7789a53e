import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/*
 * Shared guards (core/guards): every rate-limit window, replay set and the daily client-key salt,
 * shared by all workers and instances. One row per key, gone once `expires_at` (ms since the epoch)
 * has passed. On PostgreSQL the table is UNLOGGED: never in the write-ahead log, so never on a
 * replica or in a WAL archive, and emptied by a crash (a guard then starts a fresh window, which is
 * all a crash may cost). Replaces antispam_used_challenges (the replay set lives here now).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('guards')
    .$call((b) => (dialect === 'postgres' ? b.modifyFront(sql`unlogged`) : b))
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('value', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guards_expiry').on('guards').column('expires_at').execute();
  await db.schema.dropTable('antispam_used_challenges').execute();
}
