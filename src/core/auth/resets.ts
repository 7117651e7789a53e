import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import { invalid, ok, type Result } from '../result.ts';
import { randomToken, sha256 } from '../security/secrets.ts';
import * as factorRepo from './factor-repo.ts';
import { msg } from './messages.ts';
import { passwordProblem } from './password-rules.ts';
import { hashPassword } from './passwords.ts';
import * as repo from './repo.ts';
import * as resetRepo from './reset-repo.ts';

/*
 * Password reset without e-mail: an admin makes a link and gives it to the person by a channel they
 * trust. The link works once, for 24 hours; only its hash is stored, and a newer link replaces an
 * unused older one. Setting the new password ends every session and pending login of the account
 * (whoever had the old password is out). The second factor, if any, stays: a forgotten password is
 * not a lost phone.
 */
export const RESET_TTL_MS = 24 * 60 * 60 * 1000;

/** Returns the token for the link, shown once to the admin. */
export async function createResetLink(
  db: Db,
  clock: Clock,
  actorId: number,
  userId: number,
): Promise<Result<{ token: string; email: string }>> {
  const user = await repo.findUserById(db, userId);
  if (!user) return invalid(msg('accountMissing'));
  const token = randomToken();
  const now = clock.now();
  await db.transaction().execute(async (tx) => {
    await resetRepo.deleteUnusedResets(tx, userId);
    await resetRepo.insertReset(tx, {
      token_hash: sha256(token),
      user_id: userId,
      created_by: actorId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + RESET_TTL_MS).toISOString(),
    });
    await recordAudit(tx, clock, { actorId, action: 'user.reset-link', subject: `user:${userId}` });
  });
  return ok({ token, email: user.email });
}

/** The account a link would reset, or undefined when it is unknown, used or expired. */
export async function usableReset(db: Db, clock: Clock, token: string) {
  return resetRepo.findUsableReset(db, sha256(token), clock.now().toISOString());
}

export async function resetPassword(
  db: Db,
  clock: Clock,
  token: string,
  password: string,
  confirm: string,
): Promise<Result<void>> {
  const tokenHash = sha256(token);
  const nowIso = clock.now().toISOString();
  const reset = await resetRepo.findUsableReset(db, tokenHash, nowIso);
  if (!reset) return invalid(msg('resetInvalid'));
  const problem = passwordProblem(password, { email: reset.email });
  if (problem) return invalid(problem, 'password');
  if (password !== confirm) return invalid(msg('passwordsDiffer'), 'confirm');
  const hash = await hashPassword(password);
  const done = await db.transaction().execute(async (tx) => {
    if (!(await resetRepo.markResetUsed(tx, tokenHash, nowIso))) return false;
    await repo.setPasswordHash(tx, reset.user_id, hash);
    await repo.deleteUserSessions(tx, reset.user_id);
    await factorRepo.deleteUserChallenges(tx, reset.user_id);
    await recordAudit(tx, clock, {
      actorId: reset.user_id,
      action: 'user.password.reset',
      subject: `user:${reset.user_id}`,
    });
    return true;
  });
  return done ? ok(undefined) : invalid(msg('resetInvalid'));
}
