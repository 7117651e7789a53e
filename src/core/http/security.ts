import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
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
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    // Browsers must not send or store a location, camera or similar permission for this site.
    reply.header('Permissions-Policy', 'geolocation=(self), camera=(), microphone=(), interest-cohort=()');
    return payload;
  });
}

/** For pages that show something about one person (a private link, a staff page): keep out of every cache. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store');
}

/**
 * State-changing requests from another site are refused before anything else runs. Browsers
 * send Sec-Fetch-Site or Origin on form posts; requests without either (curl, tests) rely on
 * the CSRF token alone.
 */
export function isCrossSite(headers: Record<string, string | string[] | undefined>, publicOrigin: string, hostHeader: string | undefined): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = headers['origin'];
  if (typeof origin !== 'string' || origin === 'null') return origin === 'null';
  if (origin === publicOrigin) return false;
  try {
    return new URL(origin).host !== hostHeader;
  } catch {
    return true;
  }
}
