import type { Executor } from '../db/schema.ts';

/* SQL for the second factor: TOTP secrets, recovery codes and pending logins. */

export const setPendingSecret = (db: Executor, userId: number, secret: string | null) =>
  db.updateTable('users').set({ totp_pending_secret: secret }).where('id', '=', userId).execute();

export const findFactorState = (db: Executor, userId: number) =>
  db
    .selectFrom('users')
    .select(['id', 'email', 'totp_secret', 'totp_pending_secret', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirst();

export const enableTotp = (db: Executor, userId: number, secret: string, step: number) =>
  db
    .updateTable('users')
    .set({ totp_secret: secret, totp_pending_secret: null, totp_last_step: step })
    .where('id', '=', userId)
    .execute();

export const disableTotp = (db: Executor, userId: number) =>
  db
    .updateTable('users')
    .set({ totp_secret: null, totp_pending_secret: null, totp_last_step: null })
    .where('id', '=', userId)
    .execute();

/**
 * Marks a time step used, only if it is later than the last one: one statement, so two requests
 * racing with the same code cannot both win. True when this request won.
 */
export async function claimStep(db: Executor, userId: number, step: number): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(db: Executor, userId: number, hashes: string[]): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length) {
    await db
      .insertInto('recovery_codes')
      .values(hashes.map((code_hash) => ({ code_hash, user_id: userId })))
      .execute();
  }
}

export const deleteRecoveryCodes = (db: Executor, userId: number) =>
  db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();

/** Uses a recovery code: true when it existed for this user (and is now gone). */
export async function spendRecoveryCode(db: Executor, userId: number, codeHash: string): Promise<boolean> {
  const res = await db
    .deleteFrom('recovery_codes')
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export const countRecoveryCodes = async (db: Executor, userId: number) =>
  Number(
    (
      await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n,
  );

export const insertChallenge = (
  db: Executor,
  row: { token_hash: string; user_id: number; device: string; expires_at: string },
) => db.insertInto('login_challenges').values(row).execute();

export const findChallenge = (db: Executor, tokenHash: string, nowIso: string) =>
  db
    .selectFrom('login_challenges')
    .innerJoin('users', 'users.id', 'login_challenges.user_id')
    .select([
      'login_challenges.user_id',
      'login_challenges.device',
      'login_challenges.attempts',
      'users.email',
      'users.totp_secret',
      'users.totp_last_step',
    ])
    .where('login_challenges.token_hash', '=', tokenHash)
    .where('login_challenges.expires_at', '>', nowIso)
    .where('users.is_disabled', '=', 0)
    .executeTakeFirst();

export const countChallengeAttempt = (db: Executor, tokenHash: string) =>
  db
    .updateTable('login_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('token_hash', '=', tokenHash)
    .execute();

export const deleteChallenge = (db: Executor, tokenHash: string) =>
  db.deleteFrom('login_challenges').where('token_hash', '=', tokenHash).execute();

export const deleteExpiredChallenges = (db: Executor, nowIso: string) =>
  db.deleteFrom('login_challenges').where('expires_at', '<=', nowIso).execute();

export const deleteUserChallenges = (db: Executor, userId: number) =>
  db.deleteFrom('login_challenges').where('user_id', '=', userId).execute();
