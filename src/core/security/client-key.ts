import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { GuardStore } from '../guards/store.ts';

/*
 * A key for rate limits that never reveals the client: HMAC-SHA-256 of the address under a random
 * salt that changes every UTC day, so yesterday's keys cannot be recomputed once the salt is gone.
 *
 * Where the salt lives:
 * - one process alone on SQLite (the default): in memory only, never written; a restart draws a
 *   new one, so per-client windows start afresh then (README: Operate);
 * - workers, or PostgreSQL (where other instances may share the database): in the shared guard
 *   store under `salt:<day>`, expiring at the end of its day, so every process keys a client alike.
 *   Each process reads it once a day and keeps it in memory; the first process to need the next
 *   day's salt deletes the expired ones, and the guard sweep deletes any left. On PostgreSQL the
 *   table is UNLOGGED (never in the WAL, a replica or a WAL archive); backups leave its rows out.
 */
export type ClientKeyer = (address: string) => Promise<string>;

const SALT_PREFIX = 'salt:';

export function createClientKeyer(clock: Clock, shared?: GuardStore): ClientKeyer {
  let current: { day: string; salt: Promise<Buffer> } | undefined;
  const saltFor = (day: string): Promise<Buffer> => {
    if (!shared) return Promise.resolve(crypto.randomBytes(32));
    const endOfDay = Date.parse(`${day}T00:00:00Z`) + 24 * 3600_000;
    return (async () => {
      await shared.sweep(SALT_PREFIX);
      const value = await shared.keep(SALT_PREFIX + day, endOfDay, () => crypto.randomBytes(32).toString('base64'));
      return Buffer.from(value, 'base64');
    })();
  };
  return async (address) => {
    const day = clock.now().toISOString().slice(0, 10);
    if (current?.day !== day) {
      const salt = saltFor(day);
      current = { day, salt };
      // A failed read is tried again by the next request instead of being kept for the day.
      salt.catch(() => {
        if (current?.salt === salt) current = undefined;
      });
    }
    const salt = await current.salt;
    return crypto.createHmac('sha256', salt).update(address).digest('base64url').slice(0, 22);
  };
}
