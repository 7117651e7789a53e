import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * Which rows are demo content: `alongside demo remove` deletes exactly these (and what hangs off
 * them), and importers warn while any remain. A table rather than a column on every content table,
 * so features keep their tables and directory rows keep their HSDS shape. Ids are text: directory
 * rows have UUIDs, the others integers.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('demo_content')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('demo_content_pk', ['entity', 'entity_id'])
    .execute();
}
