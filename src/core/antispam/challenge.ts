import crypto from 'node:crypto';
import { createChallenge, verifySolution, randomInt, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import type { GuardStore } from '../guards/store.ts';
import { intSetting, readSetting } from '../settings/index.ts';

/*
 * Self-hosted proof of work (ALTCHA v2, altcha-lib). The server signs a challenge; the
 * browser's widget finds the counter; the server checks the signature and the key. altcha-lib
 * accepts the same solution twice, so replay protection is ours: a used challenge is claimed in
 * the shared guard store (core/guards) until it expires, so a solution used on one worker or
 * instance is refused on every other. Expiry is checked with the app clock (signed into the
 * challenge's data), so tests can move time.
 */
const DEFAULT_MAX_COUNTER = 50_000;
/** The proof of work's difficulty (its largest counter); tests and benchmarks lower it. */
export const POW_DIFFICULTY = intSetting('antispam.pow_max_counter', {
  defaultValue: DEFAULT_MAX_COUNTER,
  min: 2,
  max: 10_000_000,
});
const ALGORITHM = 'SHA-256';

export type ChallengeOutcome = 'verified' | 'missing' | 'invalid' | 'expired' | 'replayed';

export interface ProofOfWork {
  issue(): Promise<Challenge>;
  /** Checks an `altcha` form field (base64 JSON of { challenge, solution }). */
  verify(payload: unknown): Promise<ChallengeOutcome>;
}

export interface ProofOfWorkOptions {
  secret: string;
  clock: Clock;
  db: Db;
  /** Where used challenges are claimed (shared by all instances). */
  guards: GuardStore;
  ttlMs?: number;
  /** Upper bound of the secret counter: average work is half of it. Admins may tune it in settings. */
  maxCounter?: number;
}

export function createProofOfWork(opts: ProofOfWorkOptions): ProofOfWork {
  const hmacSignatureSecret = crypto.createHmac('sha256', opts.secret).update('altcha-signature').digest('base64url');
  const hmacKeySignatureSecret = crypto.createHmac('sha256', opts.secret).update('altcha-key').digest('base64url');
  const ttlMs = opts.ttlMs ?? 20 * 60_000;

  async function maxCounter(): Promise<number> {
    if (opts.maxCounter) return opts.maxCounter;
    return readSetting(opts.db, POW_DIFFICULTY);
  }

  return {
    async issue() {
      const max = await maxCounter();
      return createChallenge({
        algorithm: ALGORITHM,
        cost: 1,
        counter: randomInt(max, Math.floor(max / 10)),
        deriveKey,
        data: { exp: opts.clock.now().getTime() + ttlMs },
        hmacSignatureSecret,
        hmacKeySignatureSecret,
      });
    },
    async verify(payload) {
      if (typeof payload !== 'string' || payload.trim() === '') return 'missing';
      if (payload.length > 10_000) return 'invalid';
      let decoded: { challenge?: Challenge; solution?: { counter: number; derivedKey: string } };
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
      } catch {
        return 'invalid';
      }
      const { challenge, solution } = decoded ?? {};
      if (
        !challenge?.parameters ||
        typeof challenge.signature !== 'string' ||
        !solution ||
        typeof solution.counter !== 'number' ||
        typeof solution.derivedKey !== 'string'
      )
        return 'invalid';
      if (challenge.parameters.algorithm !== ALGORITHM) return 'invalid';
      let verified: boolean;
      try {
        const result = await verifySolution({
          challenge,
          solution,
          deriveKey,
          hmacSignatureSecret,
          hmacKeySignatureSecret,
        });
        verified = result.verified;
      } catch {
        return 'invalid';
      }
      if (!verified) return 'invalid';
      const exp = Number(challenge.parameters.data?.exp);
      if (!Number.isFinite(exp) || exp <= opts.clock.now().getTime()) return 'expired';
      const hash = crypto.createHash('sha256').update(challenge.signature).digest('hex');
      return (await opts.guards.claim(`challenge:${hash}`, exp)) ? 'verified' : 'replayed';
    },
  };
}
