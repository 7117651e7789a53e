import type { GuardStore } from './guards/store.ts';

/*
 * Limits a service decides (only accepted submissions, only failed attempts), one mechanism: a
 * fixed window per key that starts with the key's first hit, counted in the shared guard store
 * (core/guards), so every worker and every instance shares one count and a restart keeps it. A key
 * is always `deps.clientKey(req.ip)` (an HMAC under a salt that rotates daily) or another
 * non-identifying key; each limiter puts its `name` in front, so limiters never share counts.
 * Routes also use Fastify's `config.rateLimit`, counted in the same store (guards/rate-limit-store.ts).
 */
export interface RateLimiter {
  /** Counts one hit; false when the key is over its limit for the current window. */
  hit(key: string): Promise<boolean>;
  readonly enabled: boolean;
}

/** At most `max` hits per key per window; disabled, every hit is allowed (benchmarks, tests). */
export function createRateLimiter(opts: {
  store: GuardStore;
  name: string;
  max: number;
  windowMs: number;
  enabled?: boolean;
}): RateLimiter {
  const enabled = opts.enabled ?? true;
  return {
    enabled,
    // The store counts atomically: of N concurrent hits, exactly `max` see a count within the limit.
    hit: async (key) => !enabled || (await opts.store.hit(`${opts.name}:${key}`, opts.windowMs)).count <= opts.max,
  };
}

export interface AttemptLimiter {
  /**
   * Reserves one attempt before the answer is checked; false once `max` failures (or attempts still
   * being checked) fill the window. Reserving first keeps the limit exact under concurrent attempts.
   */
  attempt(key: string): Promise<boolean>;
  /** A right answer gives its attempt back: only failures use up the allowance. */
  succeeded(key: string): Promise<void>;
  /** True once the key has failed `max` times in the current window. */
  isBlocked(key: string): Promise<boolean>;
}

export function createAttemptLimiter(opts: {
  store: GuardStore;
  name: string;
  max: number;
  windowMs: number;
}): AttemptLimiter {
  const key = (k: string) => `${opts.name}:${k}`;
  return {
    attempt: async (k) => (await opts.store.hit(key(k), opts.windowMs)).count <= opts.max,
    succeeded: (k) => opts.store.release(key(k)),
    isBlocked: async (k) => (await opts.store.peek(key(k))) >= opts.max,
  };
}
