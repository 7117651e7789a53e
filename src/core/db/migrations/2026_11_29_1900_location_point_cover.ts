import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/*
 * PostgreSQL: the spatial index also carries the location's id and exact coordinates (INCLUDE), so
 * a search near a place reads the nearby locations from the index alone (an index-only scan)
 * instead of fetching each location row from the table — at 100,000 services, some 500 scattered
 * table pages per search near a big city. SQLite's R*Tree carries them already (migration 0302).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`create index location_public_gist_cover on location using gist (point(public_longitude, public_latitude)) include (id, public_latitude, public_longitude)`.execute(
    db,
  );
  await sql`drop index location_public_gist`.execute(db);
}
