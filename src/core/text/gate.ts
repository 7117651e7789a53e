/*
 * The one text check, for every string that comes from outside: a request (core/http/input-gate.ts),
 * a CSV or JSON file (the HSDS import) or a WordPress export. Text is refused when it holds:
 * - something that was not UTF-8: a lone surrogate, which is also what decodeUtf8Marked turns each
 *   invalid byte into, so a file's bad bytes are found where they are, field by field;
 * - NUL and the other C0 and C1 controls (tab, line feed and carriage return are allowed where text
 *   may span lines);
 * - the bidirectional overrides and isolates used to make text read differently than it is.
 */
const BIDI_OVERRIDES = '\u202A-\u202E\u2066-\u2069';
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const FORBIDDEN_IN_LINE = new RegExp(`[\\u0000-\\u001F\\u007F-\\u009F${BIDI_OVERRIDES}]|${LONE_SURROGATE}`);
const FORBIDDEN_IN_TEXT = new RegExp(
  `[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${BIDI_OVERRIDES}]|${LONE_SURROGATE}`,
);
const BIDI = new RegExp(`[${BIDI_OVERRIDES}]`);

export type TextFaultKind = 'encoding' | 'control' | 'bidi';

export interface TextFault {
  kind: TextFaultKind;
  /** 1-based position of the character in the string (UTF-16 code units, as a text editor's column near enough). */
  position: number;
  /** The character as U+XXXX, for a message a person can act on (never the character itself). */
  code: string;
}

/** The first character that makes `value` unacceptable as text, or null. `multiline` allows tab, LF and CR. */
export function findTextFault(value: string, multiline: boolean): TextFault | null {
  const m = (multiline ? FORBIDDEN_IN_TEXT : FORBIDDEN_IN_LINE).exec(value);
  if (!m) return null;
  const unit = m[0].charCodeAt(0);
  const kind: TextFaultKind = unit >= 0xd800 && unit <= 0xdfff ? 'encoding' : BIDI.test(m[0]) ? 'bidi' : 'control';
  // A marked byte (U+DC80–U+DCFF from decodeUtf8Marked) is shown as the byte it was.
  const code =
    kind === 'encoding' && unit >= 0xdc80 && unit <= 0xdcff
      ? `0x${(unit - 0xdc00).toString(16).toUpperCase()}`
      : `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  return { kind, position: m.index + 1, code };
}

export function isCleanText(value: string, multiline: boolean): boolean {
  return findTextFault(value, multiline) === null;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes as text, or undefined when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * UTF-8 bytes as text where every byte that is not part of valid UTF-8 becomes a lone surrogate
 * (U+DC80–U+DCFF, as Python's "surrogateescape"). Valid text never holds one, and findTextFault
 * refuses it naming the byte: so a file can be parsed first and each field checked afterwards,
 * and a bad byte is reported in the field it sits in instead of as "somewhere in the file".
 */
export function decodeUtf8Marked(bytes: Uint8Array): string {
  const whole = decodeUtf8(bytes);
  if (whole !== undefined) return whole;
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    if (i > start) parts.push(strict.decode(bytes.subarray(start, i)));
    parts.push(String.fromCharCode(0xdc00 + bytes[i]!));
    i++;
    start = i;
  }
  if (i > start) parts.push(strict.decode(bytes.subarray(start, i)));
  return parts.join('');
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0 when the byte there starts none. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
