import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** `https` sites also tell browsers to come back over HTTPS only (HSTS, one year, this host). */
export async function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: it breaks plain-HTTP installs on a LAN.
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    // Browsers must not send or store a location, camera or similar permission for this site.
    reply.header('Permissions-Policy', 'geolocation=(self), camera=(), microphone=(), interest-cohort=()');
    return payload;
  });
}

/**
 * Behind a reverse proxy every request seems to come from the proxy unless TRUST_PROXY names it:
 * then all visitors share one rate limit. Warns once (without any address) when a request carries
 * X-Forwarded-For from a peer that is not trusted.
 */
export function warnOnUntrustedForwarding(app: FastifyInstance): void {
  let warned = false;
  app.addHook('onRequest', async (req) => {
    if (warned || req.headers['x-forwarded-for'] === undefined) return;
    // `ips` runs from the peer outwards through trusted proxies: more than one means the peer was trusted.
    if (app.deps.config.trustProxy !== false && (req.ips?.length ?? 0) > 1) return;
    warned = true;
    req.log.warn(
      'A request arrived with X-Forwarded-For from a peer that TRUST_PROXY does not name, so the header was ignored. Behind a reverse proxy, set TRUST_PROXY to its address (or hop count), or every visitor shares one rate limit.',
    );
  });
}

/** For pages that show something about one person (a private link, a staff page): keep out of every cache. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store');
}

/**
 * State-changing requests from another site are refused before anything else runs. Browsers
 * send Sec-Fetch-Site on form posts; older ones send Origin — which is "null" on this site,
 * because Referrer-Policy: no-referrer hides it, so "null" proves nothing either way. Requests
 * with neither (curl, tests) rely on the CSRF token alone.
 */
export function isCrossSite(
  headers: Record<string, string | string[] | undefined>,
  publicOrigin: string,
  hostHeader: string | undefined,
): boolean {
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = headers['origin'];
  if (typeof origin !== 'string' || origin === 'null' || origin === publicOrigin) return false;
  try {
    return new URL(origin).host !== hostHeader;
  } catch {
    return true;
  }
}
