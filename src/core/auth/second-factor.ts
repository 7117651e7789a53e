import crypto from 'node:crypto';
import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import { invalid, ok, type Result } from '../result.ts';
import { sha256 } from '../security/secrets.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import * as factorRepo from './factor-repo.ts';
import { normaliseEmail, type AccountLoginLimit } from './login-limit.ts';
import { msg } from './messages.ts';
import { verifyPassword } from './passwords.ts';
import * as repo from './repo.ts';
import { openSession } from './service.ts';
import { REQUIRE_TOTP } from './settings.ts';
import { enrolmentQr, matchTotp, newTotpSecret } from './totp.ts';

/*
 * The second factor: enrolment (a secret shown as a QR code, confirmed with one code), ten
 * single-use recovery codes stored only as hashes, and the code step of a login. A pending login
 * takes at most MAX_CODE_ATTEMPTS codes; every wrong code also counts against the account's login
 * limit, so guessing codes is as throttled as guessing passwords.
 */
export const RECOVERY_CODE_COUNT = 10;
export const MAX_CODE_ATTEMPTS = 5;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 16 characters from a 31-letter alphabet (~79 bits): too many to guess, so a plain hash suffices. */
function newRecoveryCode(): string {
  const chars = Array.from(crypto.randomBytes(16), (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]);
  return chars.join('').replace(/(.{4})(?=.)/g, '$1-');
}

/** How a recovery code is compared: case, spaces and dashes do not matter. */
const recoveryHash = (code: string) => sha256(`recovery:${code.toLowerCase().replace(/[\s-]+/g, '')}`);

export interface FactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
  required: boolean;
}

export async function factorStatus(db: Db, userId: number): Promise<FactorStatus> {
  const state = await factorRepo.findFactorState(db, userId);
  return {
    enabled: !!state?.totp_secret,
    recoveryCodesLeft: await factorRepo.countRecoveryCodes(db, userId),
    required: (await readSetting(db, REQUIRE_TOTP)) === 1,
  };
}

/** The key to set up (kept pending until a code confirms it) with its QR code; the same key until confirmed. */
export async function beginEnrolment(db: Db, userId: number, issuer: string) {
  const state = await factorRepo.findFactorState(db, userId);
  if (!state || state.totp_secret) return undefined;
  const secret = state.totp_pending_secret ?? newTotpSecret();
  if (!state.totp_pending_secret) await factorRepo.setPendingSecret(db, userId, secret);
  const qr = await enrolmentQr({ issuer, label: state.email, secret });
  return { secret, qrDataUri: qr.dataUri, uri: qr.uri };
}

/** Confirms the pending key with a code from the app; returns the recovery codes, shown once. */
export async function confirmEnrolment(
  db: Db,
  clock: Clock,
  userId: number,
  code: string,
): Promise<Result<{ recoveryCodes: string[] }>> {
  const state = await factorRepo.findFactorState(db, userId);
  const pending = state?.totp_pending_secret;
  if (!state || state.totp_secret || !pending) return invalid(msg('enrolNoPending'), 'code');
  const step = await matchTotp(pending, code, clock.now(), null);
  if (step === undefined) return invalid(msg('enrolCodeWrong'), 'code');
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.transaction().execute(async (tx) => {
    await factorRepo.enableTotp(tx, userId, pending, step);
    await factorRepo.replaceRecoveryCodes(tx, userId, codes.map(recoveryHash));
    await recordAudit(tx, clock, { actorId: userId, action: 'user.totp.enable', subject: `user:${userId}` });
  });
  return ok({ recoveryCodes: codes });
}

/** Turning the factor off takes the password again, and is refused while the site requires it. */
export async function disableSecondFactor(
  db: Db,
  clock: Clock,
  userId: number,
  password: string,
): Promise<Result<void>> {
  const user = await repo.findUserById(db, userId);
  if (!user || !(await verifyPassword(user.password_hash, password)))
    return invalid(msg('currentPasswordWrong'), 'password');
  if ((await readSetting(db, REQUIRE_TOTP)) === 1) return invalid(msg('factorRequired'));
  await removeFactor(db, clock, userId, userId);
  return ok(undefined);
}

/** An admin removes the second factor of someone who lost their phone (they can enrol again). */
export async function adminRemoveFactor(db: Db, clock: Clock, actorId: number, userId: number): Promise<Result<void>> {
  if (!(await repo.findUserById(db, userId))) return invalid(msg('accountMissing'));
  await removeFactor(db, clock, actorId, userId);
  return ok(undefined);
}

/** Removes a user's second factor (their own choice, or an admin's for a lost phone). */
export async function removeFactor(db: Db, clock: Clock, actorId: number, userId: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await factorRepo.disableTotp(tx, userId);
    await factorRepo.deleteRecoveryCodes(tx, userId);
    await recordAudit(tx, clock, { actorId, action: 'user.totp.disable', subject: `user:${userId}` });
  });
}

/** Whether a pending login (the challenge cookie) is still open: the code page shows only then. */
export async function challengeOpen(db: Db, clock: Clock, challenge: string): Promise<boolean> {
  return !!(await factorRepo.findChallenge(db, sha256(challenge), clock.now().toISOString()));
}

/**
 * The code step of a login: a 6-digit code from the app (a step not used before), or one of the
 * recovery codes (then it is spent). Right: the challenge ends and a session opens. Wrong: counted
 * on the challenge, the account's login limit and its failed-login notice.
 */
export async function completeLogin(
  db: Db,
  clock: Clock,
  limit: AccountLoginLimit,
  challenge: string,
  code: string,
): Promise<Result<{ token: string }>> {
  const tokenHash = sha256(challenge);
  const row = await factorRepo.findChallenge(db, tokenHash, clock.now().toISOString());
  if (!row || !row.totp_secret || row.attempts >= MAX_CODE_ATTEMPTS) {
    if (row) await factorRepo.deleteChallenge(db, tokenHash);
    return invalid(msg('challengeExpired'));
  }
  const email = normaliseEmail(row.email);
  if (
    (await limit.attempt(email)) &&
    (await codeAccepted(db, clock, row.user_id, row.totp_secret, row.totp_last_step, code))
  ) {
    await limit.succeeded(email);
    await factorRepo.deleteChallenge(db, tokenHash);
    await repo.moveFailedLoginsToNotice(db, row.user_id);
    return ok({ token: await openSession(db, clock, row.user_id, row.device) });
  }
  await factorRepo.countChallengeAttempt(db, tokenHash);
  await repo.countFailedLogin(db, email);
  return invalid(msg('codeWrong'), 'code');
}

async function codeAccepted(
  db: Db,
  clock: Clock,
  userId: number,
  secret: string,
  lastStep: number | null,
  code: string,
): Promise<boolean> {
  if (/^\s*\d{6}\s*$/.test(code)) {
    const step = await matchTotp(secret, code, clock.now(), lastStep === null ? null : Number(lastStep));
    return step !== undefined && (await factorRepo.claimStep(db, userId, step));
  }
  if (!(await factorRepo.spendRecoveryCode(db, userId, recoveryHash(code)))) return false;
  await recordAudit(db, clock, { actorId: userId, action: 'user.recovery-code', subject: `user:${userId}` });
  return true;
}

/** An admin requires (or stops requiring) a second factor of every staff account. */
export async function setFactorRequired(db: Db, clock: Clock, actorId: number, required: boolean): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await writeSetting(tx, REQUIRE_TOTP, required ? 1 : 0);
    await recordAudit(tx, clock, {
      actorId,
      action: required ? 'settings.require-totp' : 'settings.allow-no-totp',
      subject: 'settings:auth',
    });
  });
}

export const isFactorRequired = async (db: Db): Promise<boolean> => (await readSetting(db, REQUIRE_TOTP)) === 1;
