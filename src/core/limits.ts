import type { Clock } from './clock.ts';

/*
 * In-memory limits, one mechanism: a fixed-window counter per key, where a key is always
 * `deps.clientKey(req.ip)` (a salted hash that rotates daily) or another non-identifying key.
 * Nothing is stored; a restart forgets everything, on purpose. Counted on the app clock, so tests
 * can move time. (Routes can also use Fastify's `config.rateLimit`; these are for limits a
 * service decides, such as only accepted submissions or only failed attempts.)
 */
export interface WindowCounter {
  /** Adds one to the key's count in its current window; returns the new count. */
  add(key: string): number;
  /** The key's count in its current window. */
  peek(key: string): number;
  reset(): void;
}

/** Keys beyond this are swept of finished windows, so a flood of keys cannot grow memory without end. */
const MAX_KEYS = 50_000;

export function createWindowCounter(opts: { clock: Clock; windowMs: number }): WindowCounter {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (key: string, now: number) => {
    const w = windows.get(key);
    return w && now - w.start < opts.windowMs ? w : undefined;
  };
  return {
    add(key) {
      const now = opts.clock.now().getTime();
      if (windows.size > MAX_KEYS) for (const [k, w] of windows) if (now - w.start >= opts.windowMs) windows.delete(k);
      const w = current(key, now);
      if (w) return ++w.count;
      windows.set(key, { start: now, count: 1 });
      return 1;
    },
    peek(key) {
      return current(key, opts.clock.now().getTime())?.count ?? 0;
    },
    reset() {
      windows.clear();
    },
  };
}

export interface RateLimiter {
  /** Counts one hit; false when the key is over its limit for the current window. */
  hit(key: string): boolean;
  reset(): void;
  readonly enabled: boolean;
}

/** At most `max` hits per key per window; disabled, every hit is allowed (benchmarks, tests). */
export function createRateLimiter(opts: {
  clock: Clock;
  max: number;
  windowMs: number;
  enabled?: boolean;
}): RateLimiter {
  const counter = createWindowCounter(opts);
  const enabled = opts.enabled ?? true;
  return {
    enabled,
    hit: (key) => !enabled || counter.add(key) <= opts.max,
    reset: () => counter.reset(),
  };
}

export interface AttemptLimiter {
  /** True once the key has failed `max` times in the current window. */
  isBlocked(key: string): boolean;
  recordFailure(key: string): void;
}

/** Counts only failures (wrong codes, wrong passwords): right answers never use up the allowance. */
export function createAttemptLimiter(opts: { clock: Clock; max: number; windowMs: number }): AttemptLimiter {
  const counter = createWindowCounter(opts);
  return {
    isBlocked: (key) => counter.peek(key) >= opts.max,
    recordFailure: (key) => void counter.add(key),
  };
}
