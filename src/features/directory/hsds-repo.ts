import { sql, type Selectable } from 'kysely';
import type { Database, Dialect, Executor } from '../../core/db/schema.ts';
import type { HsdsTable } from './hsds.ts';
import { bulkInsert } from './bulk-write.ts';

/*
 * SQL for HSDS records as a whole: the rows the API nests and the export writes, and the checks an
 * import makes against what the directory already holds. Rows come back as the Database interface
 * types them; hsds-data.ts turns them into the public HSDS shape.
 */
export type HsdsRowOf<T extends HsdsTable> = Selectable<Database[T]>;

/** One batch of a table's rows in id order, after `after` (an export reads every table this way). */
export async function rowsAfter<T extends HsdsTable>(
  db: Executor,
  table: T,
  after: string,
  limit: number,
): Promise<HsdsRowOf<T>[]> {
  const rows = await sql<
    HsdsRowOf<T>
  >`select * from ${sql.table(table)} where id > ${after} order by id limit ${limit}`.execute(db);
  return rows.rows;
}

/**
 * Every row of a table, batch by batch, in no particular order (a sync reads the whole directory). On SQLite in
 * ranges of rowid, the table's own order: by id, every row cost a second b-tree search (the id's index, then
 * the table). On PostgreSQL by id.
 */
export async function* everyRow<T extends HsdsTable>(
  db: Executor,
  dialect: Dialect,
  table: T,
  batch: number,
): AsyncGenerator<HsdsRowOf<T>[]> {
  if (dialect === 'postgres') {
    for (let after = ''; ;) {
      const rows = await rowsAfter(db, table, after, batch);
      if (!rows.length) return;
      after = String(Reflect.get(rows[rows.length - 1]!, 'id'));
      yield rows;
    }
  }
  const last = (await sql<{ last: number | null }>`select max(rowid) as last from ${sql.table(table)}`.execute(db))
    .rows[0]?.last;
  for (let from = 0; last !== null && last !== undefined && from < last; from += batch) {
    const rows = await sql<HsdsRowOf<T>>`select * from ${sql.table(table)}
      where rowid > ${from} and rowid <= ${from + batch}`.execute(db);
    if (rows.rows.length) yield rows.rows;
  }
}

export async function confidentialLocationIds(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('location').select('id').where('is_confidential', '=', 1).execute();
  return new Set(rows.map((r) => r.id));
}

// ── records by id ──
export function servicesByIds(db: Executor, ids: string[]) {
  return db.selectFrom('service').selectAll().where('id', 'in', ids).execute();
}
export async function organizationsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('organization').selectAll().where('id', 'in', ids).execute();
}
export async function locationsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('location').selectAll().where('id', 'in', ids).execute();
}
export async function termsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('taxonomy_term').selectAll().where('id', 'in', ids).execute();
}
export function linksByIds(db: Executor, ids: string[]) {
  return db.selectFrom('service_at_location').selectAll().where('id', 'in', ids).execute();
}
/** A taxonomy or a term by id. */
export function vocabularyRow(db: Executor, table: 'taxonomy' | 'taxonomy_term', id: string) {
  return db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locations' addresses, and the schedules of the places themselves (no service). */
export async function placeDetails(db: Executor, locationIds: string[]) {
  const addresses = await db.selectFrom('address').selectAll().where('location_id', 'in', locationIds).execute();
  const schedules = await db
    .selectFrom('schedule')
    .selectAll()
    .where('location_id', 'in', locationIds)
    .where('service_id', 'is', null)
    .execute();
  return { addresses, schedules };
}

/** Everything that hangs off these services, one query after another (a request holds one connection). */
export async function serviceChildren(db: Executor, ids: string[]) {
  return {
    links: await db.selectFrom('service_at_location').selectAll().where('service_id', 'in', ids).execute(),
    phones: await db.selectFrom('phone').selectAll().where('service_id', 'in', ids).execute(),
    schedules: await db.selectFrom('schedule').selectAll().where('service_id', 'in', ids).execute(),
    languages: await db.selectFrom('language').selectAll().where('service_id', 'in', ids).execute(),
    areas: await db.selectFrom('service_area').selectAll().where('service_id', 'in', ids).execute(),
    contacts: await db.selectFrom('contact').selectAll().where('service_id', 'in', ids).execute(),
    attributes: await db.selectFrom('attribute').selectAll().where('link_id', 'in', ids).execute(),
  };
}

/** The rows that belong to these services-at-locations themselves. */
export async function linkChildren(db: Executor, ids: string[]) {
  return {
    phones: await db.selectFrom('phone').selectAll().where('service_at_location_id', 'in', ids).execute(),
    contacts: await db.selectFrom('contact').selectAll().where('service_at_location_id', 'in', ids).execute(),
    schedules: await db.selectFrom('schedule').selectAll().where('service_at_location_id', 'in', ids).execute(),
    service_areas: await db.selectFrom('service_area').selectAll().where('service_at_location_id', 'in', ids).execute(),
  };
}

/** What hangs off these organisations: their services and locations (ids, in a stable order), phones, contacts, attributes. */
export async function organizationChildren(db: Executor, ids: string[]) {
  return {
    services: await db
      .selectFrom('service')
      .select(['id', 'organization_id'])
      .where('organization_id', 'in', ids)
      .orderBy('name')
      .orderBy('id')
      .execute(),
    locations: await db
      .selectFrom('location')
      .select(['id', 'organization_id'])
      .where('organization_id', 'in', ids)
      .orderBy('id')
      .execute(),
    phones: await db.selectFrom('phone').selectAll().where('organization_id', 'in', ids).execute(),
    contacts: await db.selectFrom('contact').selectAll().where('organization_id', 'in', ids).execute(),
    attributes: await db.selectFrom('attribute').selectAll().where('link_id', 'in', ids).execute(),
  };
}

// ── what an import checks and replaces ──
export async function idExists(db: Executor, table: HsdsTable, id: string): Promise<boolean> {
  return !!(await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst());
}
/** Those of these ids that the table already holds. */
export async function existingIds(db: Executor, table: HsdsTable, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom(table).select('id').where('id', 'in', ids).execute()).map((r) => r.id);
}
/** One of these ids that the table already holds, if any. */
export async function anyExistingId(db: Executor, table: HsdsTable, ids: string[]): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  return (await db.selectFrom(table).select('id').where('id', 'in', ids).executeTakeFirst())?.id;
}
export async function serviceSlugs(db: Executor): Promise<Set<string>> {
  return new Set((await db.selectFrom('service').select('slug').execute()).map((r) => r.slug));
}
/** Removes vocabulary rows an import replaces. */
export async function deleteVocabularyRows(db: Executor, table: 'taxonomy' | 'taxonomy_term', ids: string[]) {
  for (let i = 0; i < ids.length; i += 500)
    await db
      .deleteFrom(table)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
}

// ── what a sync reads and writes ──
/** Whether any of these tables holds a row (an import into tables that are all empty has nothing to sync). */
export async function holdsAnyRow(db: Executor, tables: HsdsTable[]): Promise<boolean> {
  for (const table of tables)
    if ((await sql`select 1 as one from ${sql.table(table)} limit 1`.execute(db)).rows.length) return true;
  return false;
}
export interface ImportState {
  table_name: string;
  id: string;
  imported_last_modified: string | null;
  imported_hash: string;
}
/** What earlier imports wrote, by `table:id`. */
export async function importStates(db: Executor): Promise<Map<string, ImportState>> {
  const rows = await db.selectFrom('hsds_import_state').selectAll().execute();
  return new Map(rows.map((r) => [`${r.table_name}:${r.id}`, r]));
}
/** Records (or replaces) what an import wrote. */
export async function writeImportStates(db: Executor, rows: ImportState[]) {
  const cols = ['table_name', 'id', 'imported_last_modified', 'imported_hash'];
  await bulkInsert(
    db,
    'hsds_import_state',
    cols,
    rows.map((r) => [r.table_name, r.id, r.imported_last_modified, r.imported_hash]),
    ' on conflict (table_name, id) do update set imported_last_modified = excluded.imported_last_modified, imported_hash = excluded.imported_hash',
  );
}
export async function deleteImportStates(db: Executor, table: string, ids: string[]) {
  for (let i = 0; i < ids.length; i += 5000)
    await db
      .deleteFrom('hsds_import_state')
      .where('table_name', '=', table)
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute();
}
/** Deletes rows of a table by id (a sync replacing records). */
export async function deleteRowsByIds(db: Executor, table: HsdsTable, ids: string[]) {
  for (let i = 0; i < ids.length; i += 5000)
    await sql`delete from ${sql.table(table)} where id in (${sql.join(ids.slice(i, i + 5000))})`.execute(db);
}
/** Sets these services' status to `status` and records the change in their history (no curator: an import). */
export async function setServiceStatus(
  db: Executor,
  ids: { id: string; before: string }[],
  status: string,
  at: string,
) {
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    await db
      .updateTable('service')
      .set({ status })
      .where(
        'id',
        'in',
        chunk.map((s) => s.id),
      )
      .execute();
    await bulkInsert(
      db,
      'directory_changes',
      ['service_id', 'user_id', 'action', 'detail', 'created_at'],
      chunk.map((s) => [s.id, null, 'edited', JSON.stringify({ status: [s.before, status] }), at]),
    );
  }
}

/**
 * SQLite: runs `fn` with a page cache of `mib` MiB instead of the connection's 1 MiB, then puts the old size
 * back. A bulk import inserts rows under random UUID keys into every table's indexes: with a small cache the
 * transaction's dirty pages spill to the WAL and are written again and again. PostgreSQL: just `fn`.
 */
export async function withBulkCache<T>(db: Executor, dialect: Dialect, mib: number, fn: () => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return fn();
  const before = (await sql<{ cache_size: number }>`pragma cache_size`.execute(db)).rows[0]?.cache_size ?? -1024;
  await sql.raw(`pragma cache_size = ${-Math.round(mib * 1024)}`).execute(db);
  try {
    return await fn();
  } finally {
    await sql.raw(`pragma cache_size = ${Math.trunc(before)}`).execute(db);
  }
}

/** Those of these tables that hold no row. */
export async function emptyTables(db: Executor, tables: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const table of tables)
    if (!(await sql`select 1 as one from ${sql.table(table)} limit 1`.execute(db)).rows.length) out.push(table);
  return out;
}

/**
 * Drops the secondary indexes of these tables (not a primary key's, nor a unique one, which keep checking every
 * row as it comes) and returns the statements that build them again, as the database itself wrote them down.
 * A bulk load into empty tables then builds each index once, from sorted keys, instead of inserting a million
 * random keys one by one: half the time of a fresh 20,000-service import's writes on SQLite. Inside the load's
 * transaction, so that a failed load puts them back. On PostgreSQL a dropped index holds its table locked until
 * the commit: only for tables that were empty (a first import), where readers find nothing anyway.
 */
export async function dropSecondaryIndexes(db: Executor, dialect: Dialect, tables: string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const found =
    dialect === 'sqlite'
      ? await sql<{ name: string; definition: string }>`select name, sql as definition from sqlite_master
          where type = 'index' and sql is not null and tbl_name in (${sql.join(tables)})
          and sql not like 'create unique%' collate nocase order by name`.execute(db)
      : await sql<{
          name: string;
          definition: string;
        }>`select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
          from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
          join pg_namespace n on n.oid = t.relnamespace
          where n.nspname = current_schema() and t.relname in (${sql.join(tables)})
          and not i.indisunique and not i.indisprimary order by c.relname`.execute(db);
  for (const { name } of found.rows) await sql`drop index ${sql.id(name)}`.execute(db);
  return found.rows.map((r) => r.definition);
}

/** Builds indexes from the statements dropSecondaryIndexes returned. */
export async function buildIndexes(db: Executor, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
