import http from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../../config.ts';
import { translate } from '../i18n/index.ts';
import { localeOfRequest } from '../i18n/negotiate.ts';
import type { PageContext } from '../views/context.ts';
import { msg } from '../views/messages.ts';
import { renderDocument } from '../views/render.ts';
import { ErrorPage } from './error-pages.tsx';

/*
 * Requests Node's HTTP parser refuses before Fastify sees them — headers over the size limit (a
 * browser with too many cookies for the address), a malformed request line or header, a request
 * that took too long — are answered on the socket. Fastify's own answer is JSON; a person in a
 * browser gets the site's error page instead (JSON still under /api/ and /healthz, when the request
 * line got far enough to say where it was going). Nothing is logged: these say nothing about the site.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface ClientError extends Error {
  code?: string;
  /** What the parser had read (Node gives a Buffer; Fastify's type says otherwise). */
  rawPacket?: unknown;
}

function statusOf(err: ClientError): number {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (err.code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

/** The request line's path, when the parser got that far. */
function pathOf(err: ClientError): string {
  if (!Buffer.isBuffer(err.rawPacket)) return '';
  const line = err.rawPacket.subarray(0, 2048).toString('latin1').split('\r\n', 1)[0] ?? '';
  return /^[A-Z]+ (\S+)/.exec(line)?.[1] ?? '';
}

/** The Accept-Language header, when the parser read that far (the page's language, like every page's). */
function acceptLanguageOf(err: ClientError): string | undefined {
  if (!Buffer.isBuffer(err.rawPacket)) return undefined;
  const head = err.rawPacket.subarray(0, 16_384).toString('latin1');
  return /\r\naccept-language:[ \t]*([^\r\n]{0,1000})/i.exec(head)?.[1];
}

export function clientErrorAnswer(config: Config) {
  const ctx: PageContext = {
    siteName: 'Alongside',
    publicUrl: config.publicUrl,
    quickExitUrl: config.quickExitUrl,
    locale: 'en',
    csrfToken: '',
  };
  return (err: ClientError, socket: Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const status = statusOf(err);
    const path = pathOf(err);
    const json = path.startsWith('/api/') || path.startsWith('/healthz');
    const locale = localeOfRequest(path, acceptLanguageOf(err));
    const page = { ...ctx, locale, ...(locale === 'en' ? {} : { linkLang: locale }) };
    const message = status === 408 ? msg('timedOut') : status === 431 ? msg('headersTooLarge') : msg('notUnderstood');
    const body = Buffer.from(
      json
        ? JSON.stringify({ error: translate('en', message), statusCode: status })
        : renderDocument(<ErrorPage ctx={page} status={status} message={message} />),
    );
    const headers = [
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`,
      `Content-Type: ${json ? 'application/json' : 'text/html'}; charset=utf-8`,
      `Content-Length: ${body.length}`,
      'Cache-Control: no-store',
      ...(json ? [] : [`Content-Security-Policy: ${CSP}`, 'X-Frame-Options: DENY', 'Referrer-Policy: no-referrer']),
      'X-Content-Type-Options: nosniff',
      'Connection: close',
    ];
    if (socket.writable) socket.write(Buffer.concat([Buffer.from(headers.join('\r\n') + '\r\n\r\n'), body]));
    socket.destroy();
  };
}
