import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';

/**
 * A key for in-memory rate limits that never reveals the client: HMAC of the address with a
 * random salt that lives only in memory and changes every UTC day. Nothing derived from it is
 * stored or logged, and yesterday's keys cannot be recomputed after the salt is gone.
 */
export function createClientKeyer(clock: Clock) {
  let day = '';
  let salt = Buffer.alloc(0);
  return (address: string): string => {
    const today = clock.now().toISOString().slice(0, 10);
    if (today !== day) {
      day = today;
      salt = crypto.randomBytes(32);
    }
    return crypto.createHmac('sha256', salt).update(address).digest('base64url').slice(0, 22);
  };
}
