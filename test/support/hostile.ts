import fc from 'fast-check';

/*
 * fast-check generators of hostile input, for the route fuzzer (test/hardening/fuzz.test.ts): text
 * with the characters the input gate exists for (NUL, C0/C1 controls, bidi overrides, lone
 * surrogates) and those that trip naive code, bytes that are not UTF-8, huge values, numbers beyond
 * 2^53, deeply nested JSON, repeated fields where one value is expected — encoded the ways they
 * reach a server: percent-escapes in a path or query, raw bytes in a form, JSON text, multipart parts.
 */
const NASTY = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000B',
  '\u001B',
  '\u007F',
  '\u0080',
  '\u0085',
  '\u009B',
  '\u009F',
  '\u200B',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u2028',
  '\u2029',
  '\uFEFF',
  '\uFFFD',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\r',
  '\n',
  '\t',
  ' ',
  '\u00A0',
  '\u0301',
  '%',
  '&',
  '=',
  '+',
  '#',
  '?',
  '/',
  '\\',
  '.',
  '"',
  "'",
  '<',
  '>',
  '`',
  ';',
  ':',
  '[',
  ']',
  '{',
  '}',
  'é',
  'ß',
  'İ',
  '😀',
  '𝕏',
  '\u{10FFFF}',
];

/** What the input gate refuses: NUL, C0 and C1 controls, bidi overrides and isolates, a lone surrogate. */
const GATED = ['\u0000', '\u0001', '\u001B', '\u007F', '\u0085', '\u009B', '\u202E', '\u2066', '\uD800'];

/** Words with a meaning somewhere: prototype keys, numbers no column holds, paths, markup, SQL. */
const WORDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0',
  '-1',
  '1.5',
  '1e309',
  '-1e309',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551616',
  '2147483648',
  '-2147483649',
  '99999999999999999999999999999',
  '0x1F',
  '0b11',
  '1_000',
  '١٢٣',
  'true',
  'false',
  '[]',
  '{}',
  '',
  ' ',
  '.',
  '..',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'CON',
  'a/../../b',
  '%00',
  '%2e%2e%2f',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  '//evil.example/x',
  '/\\evil.example',
  'http://evil.example/',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '${7*7}',
  '{{7*7}}',
  '2026-02-30',
  '2026-13-01T25:61:61Z',
  '9999-12-31',
  '0000-00-00',
];

const nastyChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)) },
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', '1', '-', '_') },
);

/** A character repeated past every length limit (a field's, the body's, a URL's): kept as the pair, so it can be encoded once and repeated. */
const huge = fc.tuple(
  fc.constantFrom('x', 'é', '😀', '\u0000', '9', '\u202E'),
  fc.constantFrom(101, 1001, 10_001, 100_001, 300_001),
);

/** Hostile text of ordinary length: a JS string, which may hold lone surrogates (no UTF-8 can carry those). */
const shortText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: nastyChar, maxLength: 24 }) },
  {
    // Often one character the input gate exists for, in otherwise ordinary text: so a few runs per route find it.
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'abc', 'x y', 'é'), fc.constantFrom(...GATED), fc.constantFrom('', 'b'))
      .map(([head, c, tail]) => head + c + tail),
  },
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...WORDS), fc.string({ unit: nastyChar, maxLength: 4 }))
      .map(([word, tail]) => word + tail),
  },
);

/** Hostile text, now and then huge. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: shortText },
  { weight: 1, arbitrary: huge.map(([c, n]) => c.repeat(n)) },
);

/** Raw bytes, valid UTF-8 or (usually) not: overlong forms, surrogates, truncated sequences, 0xFF. */
export const hostileBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      [0xff],
      [0xfe, 0xff],
      [0xc0, 0xaf],
      [0xc0, 0x80],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xed, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xe2, 0x82],
      [0x80],
      [0x61, 0x00, 0x62],
      [0xef, 0xbb, 0xbf],
    )
    .map((b) => Buffer.from(b)),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => Buffer.from(b)),
);

/** Each byte as a URL carries it: the unreserved ASCII ones as they are, every other one percent-escaped. */
const ESCAPED = Array.from({ length: 256 }, (_, b) =>
  /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
    ? String.fromCharCode(b)
    : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
);
export function percentEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += ESCAPED[b];
  return out;
}

export const URL_BYTES = 16 * 1024;

/** A hostile value as it appears in a URL: escaped text, escaped invalid bytes, or broken escapes. */
export const urlPiece: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: shortText.map((s) => percentEncode(Buffer.from(s, 'utf8'))) },
  {
    weight: 1,
    // Node refuses a request line and headers over 16 KB (431) before the app sees them: longer is not worth sending.
    arbitrary: huge.map(([c, n]) => {
      const one = percentEncode(Buffer.from(c, 'utf8'));
      return one.repeat(Math.min(n, Math.floor(URL_BYTES / one.length)));
    }),
  },
  { weight: 3, arbitrary: hostileBytes.map(percentEncode) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%',
      '%2',
      '%G0',
      '%%',
      '%u0041',
      '%C0%AF',
      '%ED%A0%80',
      '%E2%80%AE',
      '%00',
      '%2F',
      '%5C',
    ),
  },
);

/** A form value: text (percent-escaped, or its UTF-8 sent raw), or raw bytes. */
export const formValue: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: urlPiece.map((s) => Buffer.from(s)) },
  { weight: 2, arbitrary: hostileText.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 2, arbitrary: hostileBytes },
);

/** Field names: the route's own (more often), the prototype's, or anything. */
export function fieldName(known: string[]): fc.Arbitrary<string> {
  const own = known.length ? [{ weight: 6, arbitrary: fc.constantFrom(...known) }] : [];
  return fc.oneof(
    ...own,
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '_csrf', 'a[b]', 'a.b', '') },
    { weight: 1, arbitrary: hostileText },
  );
}

const NUMBERS = [
  '9007199254740993',
  '-9007199254740993',
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '-0',
  '0.1e-400',
  '2147483648',
];

/** JSON text (built as text, so numbers beyond 2^53 and duplicate keys survive), nested at most `depth` deep. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    shortText.map((s) => JSON.stringify(s)),
    fc.constantFrom(...NUMBERS, 'true', 'false', 'null', '0', '1'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(shortText, tie('value')), { maxLength: 4 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** Nesting far deeper than any form: objects and arrays thousands of levels deep. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(9, 100, 5_000, 50_000), fc.boolean())
  .map(([n, arrays]) => (arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));

/** A JSON object body: the given fields (values from `jsonText` or `deepJson`), as text. */
export function jsonBody(known: string[], fixed: Record<string, string>): fc.Arbitrary<string> {
  const value = fc.oneof(
    { weight: 8, arbitrary: jsonText },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: huge.map(([c, n]) => JSON.stringify(c.repeat(n))) },
  );
  return fc
    .array(fc.tuple(fieldName(known), value), { maxLength: 6 })
    .map(
      (pairs) =>
        `{${[...Object.entries(fixed).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`), ...pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`)].join(',')}}`,
    );
}
