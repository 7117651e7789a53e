import type { Executor } from '../db/schema.ts';

/* SQL for password-reset links: only each token's hash is stored. */

export const insertReset = (
  db: Executor,
  row: { token_hash: string; user_id: number; created_by: number; created_at: string; expires_at: string },
) => db.insertInto('password_resets').values(row).execute();

/** Earlier unused links of the user stop working when a new one is made. */
export const deleteUnusedResets = (db: Executor, userId: number) =>
  db.deleteFrom('password_resets').where('user_id', '=', userId).where('used_at', 'is', null).execute();

export const findUsableReset = (db: Executor, tokenHash: string, nowIso: string) =>
  db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select(['password_resets.user_id', 'users.email', 'users.display_name'])
    .where('password_resets.token_hash', '=', tokenHash)
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.expires_at', '>', nowIso)
    .where('users.is_disabled', '=', 0)
    .executeTakeFirst();

/** Spends the link: true only for the one request that marked it used. */
export async function markResetUsed(db: Executor, tokenHash: string, nowIso: string): Promise<boolean> {
  const res = await db
    .updateTable('password_resets')
    .set({ used_at: nowIso })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
