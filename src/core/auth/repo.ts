import type { Insertable } from 'kysely';
import type { Executor, UsersTable } from '../db/schema.ts';

export const findUserByEmail = (db: Executor, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

export const findUserById = (db: Executor, id: number) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const slugTaken = async (db: Executor, slug: string) =>
  !!(await db.selectFrom('users').select('id').where('slug', '=', slug).executeTakeFirst());

export const insertUser = (db: Executor, user: Insertable<UsersTable>) =>
  db.insertInto('users').values(user).returning('id').executeTakeFirstOrThrow();

export const countUsers = async (db: Executor) =>
  Number(
    (
      await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

export const insertSession = (
  db: Executor,
  row: { token_hash: string; user_id: number; created_at: string; expires_at: string; device: string },
) =>
  db
    .insertInto('sessions')
    .values({ ...row, last_seen_at: row.created_at })
    .execute();

export const findSessionUser = (db: Executor, tokenHash: string, nowIso: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.slug', 'users.role', 'sessions.expires_at'])
    .select(['users.totp_secret', 'sessions.last_seen_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', nowIso)
    .where('users.is_disabled', '=', 0)
    .executeTakeFirst();

export const deleteSession = (db: Executor, tokenHash: string) =>
  db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();

export const deleteUserSessions = (db: Executor, userId: number) =>
  db.deleteFrom('sessions').where('user_id', '=', userId).execute();

export const deleteExpiredSessions = (db: Executor, nowIso: string) =>
  db.deleteFrom('sessions').where('expires_at', '<=', nowIso).execute();

export const listUsersWithSessionCounts = (db: Executor, nowIso: string) =>
  db
    .selectFrom('users')
    .leftJoin('sessions', (j) => j.onRef('sessions.user_id', '=', 'users.id').on('sessions.expires_at', '>', nowIso))
    .select(['users.id', 'users.email', 'users.display_name', 'users.role', 'users.is_disabled', 'users.created_at'])
    .select((eb) => eb.fn.count('sessions.token_hash').as('sessions'))
    .groupBy(['users.id', 'users.email', 'users.display_name', 'users.role', 'users.is_disabled', 'users.created_at'])
    .orderBy('users.email')
    .execute();

export const setUserDisabled = (db: Executor, id: number, disabled: boolean) =>
  db
    .updateTable('users')
    .set({ is_disabled: disabled ? 1 : 0 })
    .where('id', '=', id)
    .executeTakeFirst();

export const setPasswordHash = (db: Executor, id: number, passwordHash: string) =>
  db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst();

export const deleteOtherSessions = (db: Executor, userId: number, keepTokenHash: string) =>
  db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', '!=', keepTokenHash).execute();

/** One more failed attempt on the account with this e-mail, if there is one (an unknown e-mail changes nothing). */
export const countFailedLogin = (db: Executor, email: string) =>
  db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('email', '=', email)
    .executeTakeFirst();

/**
 * At a successful login: the attempts since the last one become the notice to show (added to one
 * not seen yet), and the count starts again. One statement, so an attempt counted meanwhile is
 * neither lost nor shown twice (both sides read the row as it was before the update).
 */
export const moveFailedLoginsToNotice = (db: Executor, id: number) =>
  db
    .updateTable('users')
    .set((eb) => ({ failed_logins_notice: eb('failed_logins_notice', '+', eb.ref('failed_logins')), failed_logins: 0 }))
    .where('id', '=', id)
    .executeTakeFirst();

/** The notice's count, cleared as it is read; a concurrent read of the same count gets 0. */
export async function takeFailedLoginNotice(db: Executor, id: number): Promise<number> {
  const row = await db.selectFrom('users').select('failed_logins_notice').where('id', '=', id).executeTakeFirst();
  const count = row?.failed_logins_notice ?? 0;
  if (count === 0) return 0;
  const cleared = await db
    .updateTable('users')
    .set({ failed_logins_notice: 0 })
    .where('id', '=', id)
    .where('failed_logins_notice', '=', count)
    .executeTakeFirst();
  return Number(cleared.numUpdatedRows) === 1 ? count : 0;
}

/** "Last seen" (the service writes it at most every few minutes, so a busy session does not write on every request). */
export const touchSession = (db: Executor, tokenHash: string, nowIso: string) =>
  db.updateTable('sessions').set({ last_seen_at: nowIso }).where('token_hash', '=', tokenHash).execute();

/** A user's live sessions, newest first: what the session list shows (the token hash only to mark "this one"). */
export const listUserSessions = (db: Executor, userId: number, nowIso: string) =>
  db
    .selectFrom('sessions')
    .select(['token_hash', 'device', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', nowIso)
    .orderBy('created_at', 'desc')
    .execute();
