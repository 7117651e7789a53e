import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Db, Role } from '../db/schema.ts';
import { invalid, ok, type Result } from '../result.ts';
import { randomToken, sha256 } from '../security/secrets.ts';
import { burnPasswordCheck, generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import { msg } from './messages.ts';
import { isRole } from './policy.ts';
import * as repo from './repo.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/;

export interface StaffMember {
  id: number;
  email: string;
  displayName: string;
  slug: string;
  role: Role;
}

export function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'item'
  );
}

async function uniqueUserSlug(db: Db, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await repo.slugTaken(db, candidate))) return candidate;
  }
}

export interface NewStaff {
  email: string;
  role: string;
  password?: string;
  displayName?: string;
}

/** Creates a staff account; returns the password only when it was generated here (to print once). */
export async function createStaff(
  db: Db,
  clock: Clock,
  input: NewStaff,
): Promise<Result<{ id: number; generatedPassword?: string }>> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) return invalid(msg('emailInvalid'), 'email');
  if (!isRole(input.role)) return invalid(msg('roleInvalid'), 'role');
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    return invalid(msg('passwordTooShort', { min: MIN_PASSWORD_LENGTH }), 'password');
  }
  if (await repo.findUserByEmail(db, email)) return invalid(msg('emailTaken'), 'email');
  const generatedPassword = input.password === undefined ? generatePassword() : undefined;
  const displayName = (input.displayName ?? email.split('@')[0]!).slice(0, 80);
  const { id } = await repo.insertUser(db, {
    email,
    display_name: displayName,
    slug: await uniqueUserSlug(db, slugify(displayName)),
    role: input.role,
    password_hash: await hashPassword(input.password ?? generatedPassword!),
    bio: '',
    created_at: clock.now().toISOString(),
  });
  return ok({ id, generatedPassword });
}

/** The same answer for an unknown e-mail and a wrong password, after the same amount of work. */
export async function logIn(
  db: Db,
  clock: Clock,
  email: string,
  password: string,
): Promise<Result<{ token: string; staff: StaffMember }>> {
  const user = await repo.findUserByEmail(db, email.trim().toLowerCase());
  if (!user || user.is_disabled) {
    await burnPasswordCheck(password);
    return invalid(msg('loginFailed'));
  }
  if (!(await verifyPassword(user.password_hash, password))) return invalid(msg('loginFailed'));
  const token = randomToken();
  const now = clock.now();
  await repo.insertSession(db, {
    token_hash: sha256(token),
    user_id: user.id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
  });
  await repo.deleteExpiredSessions(db, now.toISOString());
  return ok({
    token,
    staff: { id: user.id, email: user.email, displayName: user.display_name, slug: user.slug, role: user.role },
  });
}

export async function staffForSession(
  db: Db,
  clock: Clock,
  token: string,
): Promise<(StaffMember & { tokenHash: string }) | undefined> {
  const tokenHash = sha256(token);
  const row = await repo.findSessionUser(db, tokenHash, clock.now().toISOString());
  if (!row) return undefined;
  return { id: row.id, email: row.email, displayName: row.display_name, slug: row.slug, role: row.role, tokenHash };
}

export const logOut = (db: Db, tokenHash: string) => repo.deleteSession(db, tokenHash);

/** Revokes every session of a user, e.g. after a password change or a lost device. */
export const revokeAllSessions = (db: Db, userId: number) => repo.deleteUserSessions(db, userId);

export const listStaff = (db: Db, clock: Clock) => repo.listUsersWithSessionCounts(db, clock.now().toISOString());

/** Disabling an account also ends its sessions; an admin cannot lock themselves out. */
export async function setStaffDisabled(
  db: Db,
  clock: Clock,
  actorId: number,
  userId: number,
  disabled: boolean,
): Promise<Result<void>> {
  if (actorId === userId && disabled) return invalid(msg('cannotDisableSelf'));
  const user = await repo.findUserById(db, userId);
  if (!user) return invalid(msg('accountMissing'));
  await db.transaction().execute(async (tx) => {
    await repo.setUserDisabled(tx, userId, disabled);
    if (disabled) await repo.deleteUserSessions(tx, userId);
    await recordAudit(tx, clock, {
      actorId,
      action: disabled ? 'user.disable' : 'user.enable',
      subject: `user:${userId}`,
    });
  });
  return ok(undefined);
}

/** Changing a password ends every other session of that account (a lost laptop stays logged out). */
export async function changePassword(
  db: Db,
  clock: Clock,
  staff: { id: number; tokenHash: string },
  current: string,
  next: string,
): Promise<Result<void>> {
  const user = await repo.findUserById(db, staff.id);
  if (!user || !(await verifyPassword(user.password_hash, current)))
    return invalid(msg('currentPasswordWrong'), 'current');
  if (next.length < MIN_PASSWORD_LENGTH)
    return invalid(msg('newPasswordTooShort', { min: MIN_PASSWORD_LENGTH }), 'next');
  const hash = await hashPassword(next);
  await db.transaction().execute(async (tx) => {
    await repo.setPasswordHash(tx, staff.id, hash);
    await repo.deleteOtherSessions(tx, staff.id, staff.tokenHash);
    await recordAudit(tx, clock, { actorId: staff.id, action: 'user.password', subject: `user:${staff.id}` });
  });
  return ok(undefined);
}
