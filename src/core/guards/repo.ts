import { sql } from 'kysely';
import type { Db, Executor } from '../db/schema.ts';

/*
 * SQL for the shared guards table. Every write is one statement that both dialects run atomically
 * (an upsert takes the row's lock on PostgreSQL; SQLite has one writer), so concurrent requests on
 * any number of processes each see their own count. A row whose `expires_at` has passed counts as
 * absent: an upsert on it starts afresh, a read skips it, the sweep deletes it.
 */

/** Keys between `prefix` and the next prefix (":" + 1 is ";"), so the primary key index serves prefix scans. */
const upperBound = (prefix: string) =>
  prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

/** Adds n to the key's live count (a new window ending at `expiresAt` when none is live); the count and its end. */
export async function addToCount(
  db: Executor,
  key: string,
  n: number,
  expiresAt: number,
  now: number,
): Promise<{ count: number; expiresAt: number }> {
  const row = await db
    .insertInto('guards')
    .values({ key, count: n, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // Every SET expression reads the row as it was, so both see the same expiry.
        count: sql`case when guards.expires_at <= ${now} then excluded.count else guards.count + excluded.count end`,
        expires_at: sql`case when guards.expires_at <= ${now} then excluded.expires_at else guards.expires_at end`,
        value: sql`case when guards.expires_at <= ${now} then null else guards.value end`,
      }),
    )
    .returning(['count', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), expiresAt: Number(row.expires_at) };
}

export async function liveCount(db: Executor, key: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('guards')
    .select('count')
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/**
 * Adds one to `key` only while the live counts of every key under `prefix` add up to less than
 * `max`; true when it did. SQLite runs the check and the insert as one statement under its single
 * writer; PostgreSQL serialises the callers of one prefix with a transaction-scoped advisory lock.
 */
export async function addUnderCeiling(
  db: Db,
  dialect: 'sqlite' | 'postgres',
  opts: { prefix: string; key: string; expiresAt: number; now: number; max: number },
): Promise<boolean> {
  const { prefix, key, expiresAt, now, max } = opts;
  const statement = (ex: Executor) =>
    sql<{ count: number }>`
      insert into guards (key, count, expires_at)
      select ${key}, 1, ${expiresAt}
      where (select coalesce(sum(count), 0) from guards
             where key >= ${prefix} and key < ${upperBound(prefix)} and expires_at > ${now}) < ${max}
      on conflict (key) do update set
        count = case when guards.expires_at <= ${now} then 1 else guards.count + 1 end,
        expires_at = case when guards.expires_at <= ${now} then excluded.expires_at else guards.expires_at end
      returning count`.execute(ex);
  if (dialect === 'sqlite') return (await statement(db)).rows.length > 0;
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${prefix}))`.execute(tx);
    return (await statement(tx)).rows.length > 0;
  });
}

/** The value live under `key`, or `value` stored until `expiresAt` when none is (every caller gets the same). */
export async function keepValue(db: Executor, key: string, value: string, expiresAt: number, now: number) {
  const row = await db
    .insertInto('guards')
    .values({ key, count: 0, value, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        value: sql`case when guards.expires_at <= ${now} then excluded.value else guards.value end`,
        expires_at: sql`case when guards.expires_at <= ${now} then excluded.expires_at else guards.expires_at end`,
      }),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return row.value ?? value;
}

/** Deletes the rows whose time is over (only those under `prefix`, when given); how many. */
export async function deleteExpired(db: Executor, now: number, prefix?: string): Promise<number> {
  let query = db.deleteFrom('guards').where('expires_at', '<=', now);
  if (prefix) query = query.where('key', '>=', prefix).where('key', '<', upperBound(prefix));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
