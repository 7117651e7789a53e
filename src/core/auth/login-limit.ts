import type { GuardStore } from '../guards/store.ts';
import type { ClientKeyer } from '../security/client-key.ts';
import { createAttemptLimiter } from '../limits.ts';

/*
 * The per-account login limit, beside the per-client one (the login route's rate limit). An
 * attacker rotating addresses gets 10 tries per address; this caps the tries against one account
 * whatever the addresses: after `max` failed passwords within the window, further attempts for that
 * e-mail are refused with the same answer as a wrong password until the window ends.
 *
 * Keyed by an HMAC of the normalised e-mail under the daily client-key salt (security/client-key.ts),
 * so an unknown address is counted exactly like a known one (the limit never tells which accounts
 * exist) and the guard store holds no e-mail address. Counted in the shared guard store, so all
 * workers and instances share one count; the window starts afresh when the salt changes at midnight UTC.
 */
export const ACCOUNT_LOGIN_LIMIT = { max: 10, windowMs: 15 * 60_000 } as const;

export interface AccountLoginLimit {
  /** Reserves one attempt for this e-mail; false once it has failed `max` times in the current window. */
  attempt(email: string): Promise<boolean>;
  /** The right password or code: the reserved attempt is given back. */
  succeeded(email: string): Promise<void>;
  /** True once this e-mail has failed `max` times in the current window. */
  isBlocked(email: string): Promise<boolean>;
}

/** The one normalisation of a login e-mail: what is looked up, counted and stored. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export function createAccountLoginLimit(opts: {
  guards: GuardStore;
  /** The daily-rotating keyer (AppDeps.clientKey). */
  keyOf: ClientKeyer;
  max?: number;
  windowMs?: number;
}): AccountLoginLimit {
  const limiter = createAttemptLimiter({
    store: opts.guards,
    name: 'login-account',
    max: opts.max ?? ACCOUNT_LOGIN_LIMIT.max,
    windowMs: opts.windowMs ?? ACCOUNT_LOGIN_LIMIT.windowMs,
  });
  // The prefix keeps an e-mail's key apart from any address's.
  const keyOf = (email: string) => opts.keyOf(`account:${normaliseEmail(email)}`);
  return {
    attempt: async (email) => limiter.attempt(await keyOf(email)),
    succeeded: async (email) => limiter.succeeded(await keyOf(email)),
    isBlocked: async (email) => limiter.isBlocked(await keyOf(email)),
  };
}
