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
