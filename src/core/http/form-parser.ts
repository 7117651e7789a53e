/*
 * One strict parser for every form body and query string (both are application/x-www-form-urlencoded).
 * The usual parsers turn bytes that are not UTF-8 into Latin-1 or U+FFFD without a trace; here each
 * field is decoded strictly, and the names of fields that were not valid UTF-8 travel with the result
 * (under INVALID_FIELDS) so the input gate can refuse the request naming the field.
 */
export const INVALID_FIELDS = Symbol('fields that were not valid UTF-8');

export type FormData = Record<string, string | string[]> & { [INVALID_FIELDS]?: string[] };

const strict = new TextDecoder('utf-8', { fatal: true });
const HEX = /^[0-9a-fA-F]{2}$/;

/** Percent- and plus-decodes one name or value; `undefined` when its bytes are not UTF-8. */
function decodePart(bytes: Uint8Array): string | undefined {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const hex = b === 0x25 && i + 2 < bytes.length ? String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!) : '';
    if (b === 0x2b) out[n++] = 0x20;
    else if (HEX.test(hex)) {
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else out[n++] = b;
  }
  try {
    return strict.decode(out.subarray(0, n));
  } catch {
    return undefined;
  }
}

export function parseFormStrict(body: Uint8Array): FormData {
  const result: FormData = Object.create(null);
  const invalid: string[] = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x26) continue;
    const part = body.subarray(start, i);
    start = i + 1;
    if (part.length === 0) continue;
    const eq = part.indexOf(0x3d);
    const rawKey = decodePart(eq === -1 ? part : part.subarray(0, eq));
    const value = eq === -1 ? '' : decodePart(part.subarray(eq + 1));
    const key = rawKey ?? '(a field name)';
    if (rawKey === undefined || value === undefined) {
      invalid.push(key);
      continue;
    }
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing, value];
  }
  if (invalid.length > 0) Object.defineProperty(result, INVALID_FIELDS, { value: invalid, enumerable: false });
  return result;
}

/** A query string as the request line carried it (Node keeps its bytes as Latin-1 characters). */
export function parseQueryStrict(query: string): FormData {
  return parseFormStrict(Buffer.from(query, 'latin1'));
}
