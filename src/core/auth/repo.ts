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
  row: { token_hash: string; user_id: number; created_at: string; expires_at: string },
) => db.insertInto('sessions').values(row).execute();

export const findSessionUser = (db: Executor, tokenHash: string, nowIso: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.slug', 'users.role', 'sessions.expires_at'])
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
