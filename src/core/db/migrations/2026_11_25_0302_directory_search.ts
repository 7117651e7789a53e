import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/*
 * Directory radius search, spatial index. A btree on (latitude, longitude) can only use the latitude
 * range, so a search near a big city read every location in a band around the globe. SQLite gets an
 * R*Tree of the public coordinates (kept by triggers, keyed by the location's rowid; it stores 32-bit
 * floats rounded outwards, so a box query is a superset and the exact distance decides); PostgreSQL a
 * GiST index on the point, queried with the built-in box containment operator (no extension needed).
 * The R*Tree also carries the exact coordinates and the location id, so a search reads no location row.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`create index location_public_gist on location using gist (point(public_longitude, public_latitude))`.execute(
      db,
    );
    return;
  }
  await sql`create virtual table location_rtree using rtree(id, min_lat, max_lat, min_lon, max_lon, +location_id, +lat, +lon)`.execute(
    db,
  );
  await sql`insert into location_rtree (id, min_lat, max_lat, min_lon, max_lon, location_id, lat, lon)
    select rowid, public_latitude, public_latitude, public_longitude, public_longitude, id, public_latitude, public_longitude from location
    where public_latitude is not null and public_longitude is not null`.execute(db);
  await sql`create trigger location_rtree_ai after insert on location
    when new.public_latitude is not null and new.public_longitude is not null begin
    insert into location_rtree (id, min_lat, max_lat, min_lon, max_lon, location_id, lat, lon)
    values (new.rowid, new.public_latitude, new.public_latitude, new.public_longitude, new.public_longitude, new.id, new.public_latitude, new.public_longitude); end`.execute(
    db,
  );
  await sql`create trigger location_rtree_ad after delete on location begin
    delete from location_rtree where id = old.rowid; end`.execute(db);
  await sql`create trigger location_rtree_au after update of id, public_latitude, public_longitude on location begin
    delete from location_rtree where id = old.rowid;
    insert into location_rtree (id, min_lat, max_lat, min_lon, max_lon, location_id, lat, lon)
    select new.rowid, new.public_latitude, new.public_latitude, new.public_longitude, new.public_longitude, new.id, new.public_latitude, new.public_longitude
    where new.public_latitude is not null and new.public_longitude is not null; end`.execute(db);
}
