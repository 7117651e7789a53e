import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/*
 * The eight HSDS 3.0 tables the first directory migration left out, so that a package's programs, funding,
 * cost options, required documents, accessibility, organisation identifiers and metadata are kept and exported
 * again. A frozen copy of their fields (name, 'n' for a decimal, text otherwise). Only the id is NOT NULL: what
 * HSDS requires is the importer's check, and references are checked there too (as in the first migration).
 */
const TABLES: [table: string, columns: string[]][] = [
  ['program', ['organization_id', 'name', 'alternate_name', 'description']],
  ['funding', ['organization_id', 'service_id', 'source']],
  ['cost_option', ['service_id', 'valid_from', 'valid_to', 'option', 'currency', 'amount:n', 'amount_description']],
  ['required_document', ['service_id', 'document', 'uri']],
  ['accessibility', ['location_id', 'description', 'details', 'url']],
  ['organization_identifier', ['organization_id', 'identifier_scheme', 'identifier_type', 'identifier']],
  [
    'metadata',
    [
      'resource_id',
      'resource_type',
      'last_action_date',
      'last_action_type',
      'field_name',
      'previous_value',
      'replacement_value',
      'updated_by',
    ],
  ],
  ['meta_table_description', ['name', 'language', 'character_set']],
];
/** Which column each table is read by (the API nests these under their service, organisation or location). */
const INDEXED: [table: string, column: string][] = [
  ['program', 'organization_id'],
  ['funding', 'service_id'],
  ['funding', 'organization_id'],
  ['cost_option', 'service_id'],
  ['required_document', 'service_id'],
  ['accessibility', 'location_id'],
  ['organization_identifier', 'organization_id'],
];

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  for (const [table, columns] of TABLES) {
    let builder = db.schema.createTable(table).addColumn('id', 'text', (c) => c.primaryKey());
    for (const column of columns) {
      const [name, type] = column.split(':') as [string, string | undefined];
      const sqlType = type !== 'n' ? 'text' : dialect === 'postgres' ? 'double precision' : 'real';
      builder = builder.addColumn(name, sqlType);
    }
    await builder.execute();
  }
  for (const [table, column] of INDEXED)
    await db.schema.createIndex(`${table}_${column}`).on(table).column(column).execute();
}
