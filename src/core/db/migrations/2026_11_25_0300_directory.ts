import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';
import { withId } from '../columns.ts';
import { HSDS_FIELDS, HSDS_TABLES, type FieldSpec } from '../../../features/directory/hsds.ts';
import { defaultTaxonomyRows } from '../../../features/directory/vocabulary.ts';

/** Extension columns of this directory, beside the HSDS fields (see schema.ts, section directory). */
const EXTENSIONS: Partial<Record<string, { name: string; type: 'text' | 'integer' | 'real'; notNull?: boolean; defaultTo?: number }[]>> = {
  service: [
    { name: 'slug', type: 'text', notNull: true },
    { name: 'verified_by', type: 'text' },
    { name: 'created_at', type: 'text', notNull: true },
  ],
  location: [
    { name: 'is_confidential', type: 'integer', notNull: true, defaultTo: 0 },
    { name: 'area_name', type: 'text' },
    { name: 'public_latitude', type: 'real' },
    { name: 'public_longitude', type: 'real' },
  ],
  schedule: [{ name: 'timezone_name', type: 'text' }],
};

function columnType(f: FieldSpec, dialect: Dialect) {
  if (f.type === 's') return 'text' as const;
  if (f.type === 'i') return 'integer' as const;
  return dialect === 'postgres' ? ('double precision' as const) : ('real' as const);
}

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  for (const table of HSDS_TABLES) {
    let builder = db.schema.createTable(table);
    for (const f of HSDS_FIELDS[table]) {
      builder = builder.addColumn(f.name, columnType(f, dialect), (c) => {
        if (f.name === 'id') return c.primaryKey();
        // References are checked by the service and the importer, not by foreign keys: an HSDS package
        // may list rows in any order, and a deleted service takes its rows with it explicitly.
        return f.required && !f.ref ? c.notNull() : c;
      });
    }
    for (const e of EXTENSIONS[table] ?? []) {
      const type = e.type === 'real' && dialect === 'postgres' ? 'double precision' : e.type;
      builder = builder.addColumn(e.name, type, (c) => {
        let col = e.notNull ? c.notNull() : c;
        if (e.defaultTo !== undefined) col = col.defaultTo(e.defaultTo);
        return col;
      });
    }
    await builder.execute();
  }
  await db.schema.createIndex('service_slug').on('service').column('slug').unique().execute();
  await db.schema.createIndex('service_organization').on('service').column('organization_id').execute();
  await db.schema.createIndex('service_assured').on('service').columns(['status', 'assured_date']).execute();
  // Radius search: a bounding box on the public coordinates, then the exact distance.
  await db.schema.createIndex('location_public_point').on('location').columns(['public_latitude', 'public_longitude']).execute();
  await db.schema.createIndex('sal_location').on('service_at_location').columns(['location_id', 'service_id']).execute();
  await db.schema.createIndex('sal_service').on('service_at_location').column('service_id').execute();
  await db.schema.createIndex('address_location').on('address').column('location_id').execute();
  await db.schema.createIndex('phone_service').on('phone').column('service_id').execute();
  await db.schema.createIndex('phone_number').on('phone').column('number').execute();
  await db.schema.createIndex('schedule_service').on('schedule').column('service_id').execute();
  await db.schema.createIndex('schedule_location').on('schedule').column('location_id').execute();
  await db.schema.createIndex('language_service').on('language').columns(['service_id', 'code']).execute();
  await db.schema.createIndex('language_code').on('language').columns(['code', 'service_id']).execute();
  await db.schema.createIndex('service_area_service').on('service_area').column('service_id').execute();
  await db.schema.createIndex('service_area_uri').on('service_area').columns(['uri', 'service_id']).execute();
  await db.schema.createIndex('contact_service').on('contact').column('service_id').execute();
  await db.schema.createIndex('taxonomy_term_taxonomy').on('taxonomy_term').columns(['taxonomy_id', 'code']).execute();
  await db.schema.createIndex('attribute_link').on('attribute').columns(['link_id', 'taxonomy_term_id']).execute();
  await db.schema.createIndex('attribute_term').on('attribute').columns(['taxonomy_term_id', 'link_id']).execute();

  // Full text over a service's name, description, organisation and terms, kept by the repo.
  if (dialect === 'postgres') {
    await sql`create table directory_text (service_id text primary key, body text not null,
      tsv tsvector generated always as (to_tsvector('english', body)) stored)`.execute(db);
    await sql`create index directory_text_tsv on directory_text using gin (tsv)`.execute(db);
  } else {
    await sql`create virtual table directory_fts using fts5(service_id unindexed, body, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(db);
    await sql`create virtual table directory_vocab using fts5vocab(directory_fts, 'row')`.execute(db);
  }

  await withId(db.schema.createTable('resource_suggestions'), dialect)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('context', 'text', (c) => c.notNull())
    .addColumn('where_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_comment_id', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'text')
    .addColumn('reviewed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('resource_suggestions_status').on('resource_suggestions').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('resource_suggestions_domain').on('resource_suggestions').column('domain').execute();

  await withId(db.schema.createTable('directory_reports'), dialect)
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('directory_reports_status').on('directory_reports').columns(['status', 'created_at']).execute();

  await withId(db.schema.createTable('directory_changes'), dialect)
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('directory_changes_service').on('directory_changes').columns(['service_id', 'created_at']).execute();

  // The starting vocabulary (categories, approach, populations, delivery), which admins can edit.
  const { taxonomies, terms } = defaultTaxonomyRows();
  await db.insertInto('taxonomy').values(taxonomies).execute();
  await db.insertInto('taxonomy_term').values(terms).execute();
}
