import { sql, type RawBuilder } from 'kysely';
import type { Dialect, Executor } from '../../core/db/schema.ts';

/*
 * The search rows: one row per place of a service that has a public point (migration
 * 2026_11_29_2200_directory_search_rows), carrying the service's id, the point and the keys the
 * filters test (its terms and languages). A search near a place reads them from ONE spatial index
 * range (SQLite: the R*Tree `directory_near`, whose auxiliary columns hold the row; PostgreSQL: a GiST
 * index that includes them) instead of joining each nearby location to its services and probing the
 * attribute and language tables for each.
 *
 * They are derived data, rebuilt from the directory's tables: `refreshSearchRows` for the services a
 * write touched (repo.reindex calls it, as every write path reindexes the services it changed; a
 * deleted service's rows go with its text), `rebuildSearchRows` for everything (the end of a fresh
 * import, which writes its text without reindexing). A place whose point changes or that is deleted
 * takes its rows along by trigger (the migration), whoever writes it, as the location R*Tree does.
 */

/** Separates the filter keys in `facets`: a C0 control, which the input gate refuses in every id and code. */
export const FACET_SEPARATOR = '\u001f';
/** The key a term filter looks for in `facets`. */
export const termKey = (termId: string) => `${FACET_SEPARATOR}t${termId}${FACET_SEPARATOR}`;
/** The key a language filter looks for in `facets`. */
export const languageKey = (code: string) => `${FACET_SEPARATOR}l${code}${FACET_SEPARATOR}`;

/**
 * The rows of the services `which` selects (a condition on `sal.service_id`), as the search reads
 * them: a term is any attribute on the service (as the filters always tested), a language any
 * language row of the service with a code. `everything` groups the keys of every service once
 * (a rebuild) instead of looking up each service's (a few services).
 */
function insertRows(dialect: Dialect, which: RawBuilder<unknown>, everything = false): RawBuilder<unknown> {
  const sep = dialect === 'postgres' ? sql`chr(31)` : sql`char(31)`;
  const joined = dialect === 'postgres' ? sql`string_agg(k, chr(31) order by k)` : sql`group_concat(k, char(31))`;
  const keys = (id: RawBuilder<unknown> | null) => {
    const onAttr = id ? sql` and a.link_id = ${id}` : sql``;
    const onLang = id ? sql` and lg.service_id = ${id}` : sql``;
    return sql`select a.link_id as sid, 't' || a.taxonomy_term_id as k from attribute a where a.taxonomy_term_id is not null${onAttr}
      union select lg.service_id as sid, 'l' || lg.code as k from language lg where lg.service_id is not null and lg.code is not null${onLang}`;
  };
  const grouped = sql`left join (select sid, ${joined} as facets from (${keys(null)}) x group by sid) f on f.sid = sal.service_id`;
  const facets = everything ? sql`f.facets` : sql`(select ${joined} from (${keys(sql.ref('sal.service_id'))}) x)`;
  return sql`insert into directory_search (service_id, location_id, lat, lon, facets)
    select sal.service_id, l.id, l.public_latitude, l.public_longitude, ${sep} || coalesce(${facets}, '') || ${sep}
    from service_at_location sal join location l on l.id = sal.location_id ${everything ? grouped : sql``}
    where l.public_latitude is not null and l.public_longitude is not null and sal.service_id is not null and ${which}`;
}

/** SQLite: the R*Tree entries of the rows `which` selects (a condition on `s.service_id`). */
const insertNear = (which: RawBuilder<unknown>) =>
  sql`insert into directory_near (id, min_lat, max_lat, min_lon, max_lon, service_id, lat, lon, facets)
    select s.id, s.lat, s.lat, s.lon, s.lon, s.service_id, s.lat, s.lon, s.facets from directory_search s where ${which}`;

/** Replaces the search rows of these services with what the tables say now (none for a deleted service). */
export async function refreshSearchRows(db: Executor, dialect: Dialect, serviceIds: string[]): Promise<void> {
  for (let i = 0; i < serviceIds.length; i += 2000) {
    const ids = sql.join(serviceIds.slice(i, i + 2000));
    if (dialect === 'sqlite')
      await sql`delete from directory_near where id in (select id from directory_search where service_id in (${ids}))`.execute(
        db,
      );
    await sql`delete from directory_search where service_id in (${ids})`.execute(db);
    await insertRows(dialect, sql`sal.service_id in (${ids})`).execute(db);
    if (dialect === 'sqlite') await insertNear(sql`s.service_id in (${ids})`).execute(db);
  }
}

/** Rebuilds every search row from the tables (set-based: one statement per table). */
export async function rebuildSearchRows(db: Executor, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') await sql`delete from directory_near`.execute(db);
  await sql`delete from directory_search`.execute(db);
  await insertRows(dialect, sql`1 = 1`, true).execute(db);
  if (dialect === 'sqlite') await insertNear(sql`1 = 1`).execute(db);
}
