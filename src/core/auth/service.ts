import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Db, Role } from '../db/schema.ts';
import { invalid, ok, type Result } from '../result.ts';
import { randomToken, sha256 } from '../security/secrets.ts';
import { normaliseEmail, type AccountLoginLimit } from './login-limit.ts';
import { burnPasswordCheck, generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import { msg } from './messages.ts';
import { passwordProblem } from './password-rules.ts';
import { isRole } from './policy.ts';
import * as repo from './repo.ts';
import * as factorRepo from './factor-repo.ts';
import { readSetting } from '../settings/index.ts';
import { REQUIRE_TOTP } from './settings.ts';
import { SESSION_TTL_MS } from './session-cookie.ts';

export { SESSION_TTL_MS };
/** How long the step between a right password and the second factor may take. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** "Last seen" is written at most this often. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;
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

/** A new session for the user: returns the cookie token (only its hash is stored). */
export async function openSession(db: Db, clock: Clock, userId: number, device: string): Promise<string> {
  const token = randomToken();
  const now = clock.now();
  await repo.insertSession(db, {
    token_hash: sha256(token),
    user_id: userId,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    device,
  });
  await repo.deleteExpiredSessions(db, now.toISOString());
  return token;
}

/**
 * The same answer for an unknown e-mail and a wrong password, after the same amount of work; and
 * the same answer again once the e-mail is over the per-account limit (then the password is not
 * even checked, so a flood against one account costs no hashing). Every failure, refused ones
 * included, is counted on the account's row for its owner's notice (an unknown e-mail has no row).
 *
 * With a second factor on, a right password opens no session: `needsCode` is true and `token` is
 * a short-lived login challenge for the code step (second-factor.ts), not a session.
 */
export async function logIn(
  db: Db,
  clock: Clock,
  limit: AccountLoginLimit,
  email: string,
  password: string,
  device = '',
): Promise<Result<{ token: string; staff: StaffMember; needsCode: boolean }>> {
  const normalised = normaliseEmail(email);
  const failed = async () => {
    await repo.countFailedLogin(db, normalised);
    return invalid(msg('loginFailed'));
  };
  if (!(await limit.attempt(normalised))) return failed();
  const user = await repo.findUserByEmail(db, normalised);
  const passwordRight = user && !user.is_disabled && (await verifyPassword(user.password_hash, password));
  if (!user || user.is_disabled) await burnPasswordCheck(password);
  if (!user || !passwordRight) return failed();
  await limit.succeeded(normalised);
  const staff = { id: user.id, email: user.email, displayName: user.display_name, slug: user.slug, role: user.role };
  if (user.totp_secret) {
    const challenge = randomToken();
    const now = clock.now();
    await factorRepo.deleteExpiredChallenges(db, now.toISOString());
    await factorRepo.insertChallenge(db, {
      token_hash: sha256(challenge),
      user_id: user.id,
      device,
      expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
    });
    return ok({ token: challenge, staff, needsCode: true });
  }
  await repo.moveFailedLoginsToNotice(db, user.id);
  return ok({ token: await openSession(db, clock, user.id, device), staff, needsCode: false });
}

export async function staffForSession(
  db: Db,
  clock: Clock,
  token: string,
): Promise<(StaffMember & { tokenHash: string; mustEnrol: boolean }) | undefined> {
  const tokenHash = sha256(token);
  const now = clock.now();
  const row = await repo.findSessionUser(db, tokenHash, now.toISOString());
  if (!row) return undefined;
  if (!row.last_seen_at || now.getTime() - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
    await repo.touchSession(db, tokenHash, now.toISOString());
  }
  const mustEnrol = !row.totp_secret && (await readSetting(db, REQUIRE_TOTP)) === 1;
  const staff = { id: row.id, email: row.email, displayName: row.display_name, slug: row.slug, role: row.role };
  return { ...staff, tokenHash, mustEnrol };
}

export const logOut = (db: Db, tokenHash: string) => repo.deleteSession(db, tokenHash);

/** Failed attempts on this account before its owner's last login, told once: 0 when there is nothing (left) to tell. */
export const takeFailedLoginNotice = (db: Db, userId: number) => repo.takeFailedLoginNotice(db, userId);

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
  const problem = passwordProblem(next, { email: user.email });
  if (problem) return invalid(problem, 'next');
  const hash = await hashPassword(next);
  await db.transaction().execute(async (tx) => {
    await repo.setPasswordHash(tx, staff.id, hash);
    await repo.deleteOtherSessions(tx, staff.id, staff.tokenHash);
    await recordAudit(tx, clock, { actorId: staff.id, action: 'user.password', subject: `user:${staff.id}` });
  });
  return ok(undefined);
}

/** The account's live sessions for its owner's session list, the current one marked. */
export async function listOwnSessions(db: Db, clock: Clock, staff: { id: number; tokenHash: string }) {
  const rows = await repo.listUserSessions(db, staff.id, clock.now().toISOString());
  return rows.map((r) => ({
    device: r.device || 'Unknown browser on an unknown system',
    startedAt: r.created_at,
    lastSeenAt: r.last_seen_at ?? r.created_at,
    current: r.token_hash === staff.tokenHash,
  }));
}

/** "Sign out everywhere": every session of the account ends, this one included. */
export async function signOutEverywhere(db: Db, clock: Clock, userId: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await repo.deleteUserSessions(tx, userId);
    await recordAudit(tx, clock, { actorId: userId, action: 'user.sessions.end', subject: `user:${userId}` });
  });
}
