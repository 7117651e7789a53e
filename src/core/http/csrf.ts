import Tokens from '@fastify/csrf';

/*
 * CSRF without cookies: anonymous visitors must get no cookie, so tokens are not tied to a
 * cookie secret. A token is an HMAC (server secret) over "who" — the staff session, or "anon" —
 * with a creation time; it expires after a day. Combined with the Origin/Sec-Fetch-Site check
 * (see security.ts), a cross-site page cannot forge a state-changing request.
 */
const VALIDITY_MS = 24 * 60 * 60 * 1000;

export function createCsrf(secret: string) {
  // The typings' overloads lose the userInfo variant; at runtime this is the userInfo form.
  const tokens = Tokens({ userInfo: true, validity: VALIDITY_MS }) as unknown as Tokens.TokensUserinfo;
  const subject = (sessionHash: string | undefined) => (sessionHash ? `staff:${sessionHash}` : 'anon');
  return {
    create: (sessionHash?: string): string => tokens.create(secret, subject(sessionHash)),
    verify: (token: unknown, sessionHash?: string): boolean =>
      typeof token === 'string' && token.length < 512 && tokens.verify(secret, token, subject(sessionHash)),
  };
}
export type Csrf = ReturnType<typeof createCsrf>;
