import type { Clock } from '../clock.ts';

/*
 * A fixed-window counter held only in memory, keyed by `deps.clientKey(req.ip)` (a salted
 * hash that rotates daily). Nothing is stored; a restart forgets everything, on purpose.
 * Routes can also use Fastify's `config.rateLimit`; this is for limits a service decides
 * (e.g. per post, or only for accepted submissions).
 */
export interface RateLimiter {
  /** Counts one hit; false when the key is over its limit for the current window. */
  hit(key: string): boolean;
  reset(): void;
  readonly enabled: boolean;
}

export function createRateLimiter(opts: {
  clock: Clock;
  max: number;
  windowMs: number;
  enabled?: boolean;
}): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const enabled = opts.enabled ?? true;
  return {
    enabled,
    hit(key) {
      if (!enabled) return true;
      const now = opts.clock.now().getTime();
      if (windows.size > 50_000) for (const [k, w] of windows) if (now - w.start >= opts.windowMs) windows.delete(k);
      const w = windows.get(key);
      if (!w || now - w.start >= opts.windowMs) {
        windows.set(key, { start: now, count: 1 });
        return true;
      }
      w.count++;
      return w.count <= opts.max;
    },
    reset() {
      windows.clear();
    },
  };
}
