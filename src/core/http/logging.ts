import type { FastifyServerOptions } from 'fastify';
import type { Writable } from 'node:stream';

/*
 * Request logs carry the method, the route *pattern* (never the URL, which could hold search
 * coordinates or a private token), the status and the time taken — never an IP address or a
 * user-agent. Fastify's own request logging is off; `logRequests` below replaces it.
 */
export function loggerOptions(level: string, stream?: Writable): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    redact: { paths: ['req.headers', 'req.remoteAddress', 'req.ip', 'headers'], remove: true },
  };
}
