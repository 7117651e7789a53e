import type { FastifyRequest } from 'fastify';
import type { Message } from '../i18n/index.ts';
import { msg } from '../views/messages.ts';
import { isCleanText } from '../text/gate.ts';
import { INVALID_FIELDS } from './form-parser.ts';

/*
 * The input gate: every string a request carries (path, query, form or JSON body) is well-formed
 * text or the request is refused with a 400 that names the field — before any handler, schema or
 * database sees it. What counts as text is core/text/gate.ts, the same check the file imports use:
 * UTF-8, no NUL or other C0/C1 controls (tab, line feed and carriage return are allowed in bodies,
 * where text can span lines), no bidirectional overrides or isolates.
 */
/** Kept here too for callers that knew it from this module. */
export { isCleanText };

/** Deeper than any form or API body this site takes; deeper input is refused, not walked. */
const MAX_DEPTH = 8;

/** The first field whose text is refused, with the reason, or null. */
function findRefused(value: unknown, field: string, multiline: boolean, depth = 0): Message | null {
  if (typeof value === 'string') {
    return isCleanText(value, multiline) ? null : msg('controlCharacters', { field });
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return null;
  if (depth > MAX_DEPTH) return msg('badInput');
  const invalid = (value as { [INVALID_FIELDS]?: string[] })[INVALID_FIELDS];
  if (invalid?.length) return msg('invalidEncoding', { field: invalid[0]! });
  for (const [key, inner] of Object.entries(value)) {
    const keyProblem = isCleanText(key, false) ? null : msg('controlCharacters', { field: '(a field name)' });
    const problem = keyProblem ?? findRefused(inner, key, multiline, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/** Why the request's text is refused, or null when every string in it is clean. */
export function refusedInput(req: FastifyRequest): Message | null {
  return (
    findRefused(req.params, 'path', false) ??
    findRefused(req.query, 'query', false) ??
    findRefused(req.body, 'body', true)
  );
}
