import type { FastifyInstance } from 'fastify';

/*
 * Form bodies for comment routes, decoded strictly as UTF-8. The default parser (querystring)
 * turns bytes that are not valid UTF-8 into Latin-1 characters without a trace; here they
 * become U+FFFD, which text validation (core/antispam/text.ts) refuses with a clear message.
 */
const decoder = new TextDecoder('utf-8', { fatal: false });

function decodePart(bytes: Buffer): string {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x2b) out.push(0x20);
    else if (
      b === 0x25 &&
      i + 2 < bytes.length &&
      /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!))
    ) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
      i += 2;
    } else out.push(b);
  }
  return decoder.decode(Uint8Array.from(out));
}

export function parseFormStrict(body: Buffer): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x26) continue;
    const part = body.subarray(start, i);
    start = i + 1;
    if (part.length === 0) continue;
    const eq = part.indexOf(0x3d);
    const key = decodePart(eq === -1 ? part : part.subarray(0, eq));
    const value = eq === -1 ? '' : decodePart(part.subarray(eq + 1));
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing, value];
  }
  return result;
}

/** Replaces the form parser inside the calling (encapsulated) plugin only. */
export function useStrictFormParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/x-www-form-urlencoded');
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 256 * 1024 },
    (_req, body, done) => {
      done(null, parseFormStrict(body as Buffer));
    },
  );
}
