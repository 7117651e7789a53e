import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/** Where an imported post came from (e.g. a WordPress post id), so a second import updates nothing twice. */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('posts').addColumn('legacy_id', 'text').execute();
  await db.schema.createIndex('posts_legacy_id').on('posts').column('legacy_id').unique().execute();
}
