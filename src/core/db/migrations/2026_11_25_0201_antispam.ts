import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/* Shared anti-spam (core/antispam): proof-of-work challenges already used, kept until they expire. */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('antispam_used_challenges')
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('antispam_used_challenges_expiry')
    .on('antispam_used_challenges')
    .column('expires_at')
    .execute();
}
