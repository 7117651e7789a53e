import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import { createAttemptLimiter } from '../limits.ts';

/*
 * The per-account login limit, beside the per-client one (the login route's rate limit). An
 * attacker rotating addresses gets 10 tries per address; this caps the tries against one account
 * whatever the addresses: after `max` failed passwords within the window, further attempts for that
 * e-mail are refused with the same answer as a wrong password until the window ends.
 *
 * Keyed by a hash of the normalised e-mail, so an unknown address is counted exactly like a known
 * one (the limit never tells which accounts exist), and the hash is keyed with a random per-process
 * key, so the memory holds no e-mail address. In memory only, on the app clock; a restart forgets it.
 */
export const ACCOUNT_LOGIN_LIMIT = { max: 10, windowMs: 15 * 60_000 } as const;

export interface AccountLoginLimit {
  /** True once this e-mail has failed `max` times in the current window. */
  isBlocked(email: string): boolean;
  recordFailure(email: string): void;
}

/** The one normalisation of a login e-mail: what is looked up, counted and stored. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export function createAccountLoginLimit(opts: { clock: Clock; max?: number; windowMs?: number }): AccountLoginLimit {
  const limiter = createAttemptLimiter({
    clock: opts.clock,
    max: opts.max ?? ACCOUNT_LOGIN_LIMIT.max,
    windowMs: opts.windowMs ?? ACCOUNT_LOGIN_LIMIT.windowMs,
  });
  const salt = crypto.randomBytes(32);
  const keyOf = (email: string) => crypto.createHmac('sha256', salt).update(normaliseEmail(email)).digest('base64url');
  return {
    isBlocked: (email) => limiter.isBlocked(keyOf(email)),
    recordFailure: (email) => limiter.recordFailure(keyOf(email)),
  };
}
