import type { Kysely } from 'kysely';

/*
 * What an HSDS import last brought for each record it wrote, so that the next import of a partner's package
 * (a sync) can tell a record the partner changed from one a curator edited here since. `table_name` and `id`
 * name the record (a service with the rows hanging off it is one record); `imported_hash` is the digest of
 * the record as the import wrote it, `imported_last_modified` the package's last_modified, if it had one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hsds_import_state')
    .addColumn('table_name', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('imported_last_modified', 'text')
    .addColumn('imported_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hsds_import_state_pk', ['table_name', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hsds_import_state').execute();
}
