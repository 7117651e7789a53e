import type { Executor } from '../db/schema.ts';

export const appendInvalidation = (db: Executor, tags: string, createdAt: string) =>
  db.insertInto('cache_invalidations').values({ tags, created_at: createdAt }).execute();

export const invalidationsAfter = (db: Executor, seq: number) =>
  db.selectFrom('cache_invalidations').select(['seq', 'tags']).where('seq', '>', seq).orderBy('seq').execute();

export async function latestInvalidationSeq(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('cache_invalidations')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export const pruneInvalidations = (db: Executor, beforeIso: string) =>
  db.deleteFrom('cache_invalidations').where('created_at', '<', beforeIso).execute();
