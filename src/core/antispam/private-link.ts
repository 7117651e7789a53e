import crypto from 'node:crypto';

/*
 * Private links: a long random token shown once to the person who wrote something; only its
 * SHA-256 is stored, so a copy of the database cannot be used to open anyone's link.
 */
export function createPrivateToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashPrivateToken(token) };
}

export function hashPrivateToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens have a fixed shape: anything else is refused before it reaches a query. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}

/*
 * What a private link allows, the same for comments and campaign pledges: editing for 15 minutes
 * after posting, deleting at any time.
 */
export const EDIT_WINDOW_MS = 15 * 60_000;

/** The instant editing closes for something posted at `postedAt`. */
export function editableUntil(postedAt: Date | string): string {
  return new Date(new Date(postedAt).getTime() + EDIT_WINDOW_MS).toISOString();
}

/** Whole minutes of editing left (rounded up, so "1 minute" until the very end); 0 once closed. */
export function editMinutesLeft(untilIso: string | null, now: Date): number {
  if (untilIso === null) return 0;
  const ms = new Date(untilIso).getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 60_000) : 0;
}
