import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from '../schema.ts';

/*
 * Search rows for the directory's search near a place (features/directory/search-rows-repo.ts): one
 * row per place of a service with a public point, carrying the service's id, the point and the keys
 * its filters test (terms and languages, each between two U+001F), so a search near a place is one
 * spatial index range read instead of a join of each nearby location to its services and a probe
 * of the attribute and language tables for each. SQLite keeps them in an R*Tree too (its auxiliary
 * columns hold the whole row); PostgreSQL in a GiST index that includes them. Filled here for the
 * directory there is; kept by the directory's writes from then on (repo.reindex), and, as the
 * location R*Tree always was, by a trigger when a place's point changes or the place goes.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const float = pg ? sql`double precision` : sql`real`;
  await sql`create table directory_search (
    id ${pg ? sql`bigint generated always as identity primary key` : sql`integer primary key`},
    service_id text not null, location_id text not null, lat ${float} not null, lon ${float} not null,
    facets text not null)`.execute(db);
  await sql`create index directory_search_service on directory_search (service_id)`.execute(db);
  await sql`create index directory_search_location on directory_search (location_id)`.execute(db);
  const sep = pg ? sql`chr(31)` : sql`char(31)`;
  const joined = pg ? sql`string_agg(k, chr(31) order by k)` : sql`group_concat(k, char(31))`;
  const keys = (id: RawBuilder<unknown> | null) => sql`
      select a.link_id as sid, 't' || a.taxonomy_term_id as k from attribute a where a.taxonomy_term_id is not null${id ? sql` and a.link_id = ${id}` : sql``}
      union select lg.service_id as sid, 'l' || lg.code as k from language lg where lg.service_id is not null and lg.code is not null${id ? sql` and lg.service_id = ${id}` : sql``}`;
  // Each service's keys grouped once, then joined to its places.
  await sql`insert into directory_search (service_id, location_id, lat, lon, facets)
    select sal.service_id, l.id, l.public_latitude, l.public_longitude, ${sep} || coalesce(f.facets, '') || ${sep}
    from service_at_location sal join location l on l.id = sal.location_id
    left join (select sid, ${joined} as facets from (${keys(null)}) x group by sid) f on f.sid = sal.service_id
    where l.public_latitude is not null and l.public_longitude is not null and sal.service_id is not null`.execute(db);
  // A place moved, or gone: its rows follow (the services at a new point get theirs with their keys).
  const readd = (loc: string) =>
    sql`insert into directory_search (service_id, location_id, lat, lon, facets)
      select sal.service_id, ${sql.raw(loc)}.id, ${sql.raw(loc)}.public_latitude, ${sql.raw(loc)}.public_longitude,
        ${sep} || coalesce((select ${joined} from (${keys(sql.ref('sal.service_id'))}) x), '') || ${sep}
      from service_at_location sal where sal.location_id = ${sql.raw(loc)}.id and sal.service_id is not null
        and ${sql.raw(loc)}.public_latitude is not null and ${sql.raw(loc)}.public_longitude is not null`;
  if (pg) {
    await sql`create index directory_search_point on directory_search using gist (point(lon, lat)) include (service_id, lat, lon, facets)`.execute(
      db,
    );
    await sql`create function directory_search_place() returns trigger language plpgsql as $$ begin
      delete from directory_search where location_id = old.id;
      if tg_op = 'UPDATE' then ${readd('new')}; end if;
      return null; end $$`.execute(db);
    await sql`create trigger directory_search_place after update of id, public_latitude, public_longitude or delete on location
      for each row execute function directory_search_place()`.execute(db);
    await sql`analyze directory_search`.execute(db);
    return;
  }
  await sql`create virtual table directory_near using rtree(id, min_lat, max_lat, min_lon, max_lon, +service_id, +lat, +lon, +facets)`.execute(
    db,
  );
  const near = (where: RawBuilder<unknown>) =>
    sql`insert into directory_near (id, min_lat, max_lat, min_lon, max_lon, service_id, lat, lon, facets)
    select id, lat, lat, lon, lon, service_id, lat, lon, facets from directory_search where ${where}`;
  await near(sql`1 = 1`).execute(db);
  const drop = sql`delete from directory_near where id in (select id from directory_search where location_id = old.id);
    delete from directory_search where location_id = old.id;`;
  await sql`create trigger directory_search_place_ad after delete on location begin ${drop} end`.execute(db);
  await sql`create trigger directory_search_place_au after update of id, public_latitude, public_longitude on location begin
    ${drop} ${readd('new')}; ${near(sql`location_id = new.id`)}; end`.execute(db);
}
