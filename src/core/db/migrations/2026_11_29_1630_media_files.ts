import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * Uploaded files live in the database, so every process and every instance serves the same
 * images and a database backup holds them. `name` is the address under /media ("posts/….jpg");
 * `sha256` is the ETag.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('media_files')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
