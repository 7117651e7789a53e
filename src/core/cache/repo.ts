import { sql } from 'kysely';
import { PREPARED } from '../db/connect.ts';
import type { Executor } from '../db/schema.ts';

export const appendInvalidation = (db: Executor, tags: string, createdAt: string) =>
  db.insertInto('cache_invalidations').values({ tags, created_at: createdAt }).execute();

/**
 * Read before every cached page and every search on PostgreSQL (page-cache.ts sync): PREPARED, so
 * the server plans it once per connection rather than on every read.
 */
export const invalidationsAfter = async (db: Executor, seq: number) =>
  (
    await sql<{
      seq: number;
      tags: string;
    }>`${sql.raw(PREPARED)}select seq, tags from cache_invalidations where seq > ${seq} order by seq`.execute(db)
  ).rows;

export async function latestInvalidationSeq(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('cache_invalidations')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export const pruneInvalidations = (db: Executor, beforeIso: string) =>
  db.deleteFrom('cache_invalidations').where('created_at', '<', beforeIso).execute();
