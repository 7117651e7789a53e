import type { GuardStore } from './store.ts';

/*
 * A store for @fastify/rate-limit over the shared guard store: a route's `config.rateLimit` counts
 * in the same table as every other limit, so all workers and instances share it and a restart
 * keeps it. Each route counts apart (`child` is called once per route with its method and path).
 */
type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/** What the plugin really passes to `child` (its typings say the route's options; they sit under `routeInfo`). */
interface RouteParams {
  routeInfo?: { method?: string | string[]; url?: string };
}

export function guardRateLimitStore(guards: GuardStore, now: () => number) {
  return class GuardRateLimitStore {
    constructor(
      _params: unknown,
      private readonly prefix = 'route:*',
    ) {}

    incr(key: string, cb: Callback, timeWindow: number): void {
      guards.hit(`${this.prefix}:${key}`, timeWindow).then(
        ({ count, resetAt }) => cb(null, { current: count, ttl: Math.max(0, resetAt - now()) }),
        (err: Error) => cb(err),
      );
    }

    child(params: object): GuardRateLimitStore {
      const { method, url } = (params as RouteParams).routeInfo ?? {};
      const methods = Array.isArray(method) ? method.join(',') : (method ?? '');
      return new GuardRateLimitStore(undefined, `route:${methods} ${url ?? ''}`);
    }
  };
}
