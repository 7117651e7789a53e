import crypto from 'node:crypto';
import { WORDS } from './words.ts';

/*
 * Progress codes: the only key to a learner's progress. Five words from a 2048-word list (55
 * bits), joined with dashes, typed back in any case and with any separators. Only an HMAC of the
 * code (server secret) is stored, so a copy of the database alone cannot resume anyone.
 */
export const CODE_WORDS = 5;
const WORD_SET = new Set(WORDS);

export function generateProgressCode(): string {
  const words: string[] = [];
  for (let i = 0; i < CODE_WORDS; i++) words.push(WORDS[crypto.randomInt(WORDS.length)]!);
  return words.join('-');
}

/** "Apple  Tiger, moon…" → "apple-tiger-moon…"; undefined when it cannot be a code. */
export function normalizeProgressCode(input: string): string | undefined {
  const words = input
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  if (words.length !== CODE_WORDS || !words.every((w) => WORD_SET.has(w))) return undefined;
  return words.join('-');
}

export function hashProgressCode(secret: string, code: string): string {
  return crypto.createHmac('sha256', secret).update(`training-progress:${code}`).digest('base64url');
}

// Crockford base32 without I, L, O, U: easy to read from paper and to type.
const CERT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A certificate verification code: 12 characters (60 bits) in three groups, e.g. "7KQ2-M9XD-4TPA". */
export function generateCertificateCode(): string {
  let out = '';
  for (let i = 0; i < 12; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += CERT_ALPHABET[crypto.randomInt(CERT_ALPHABET.length)];
  }
  return out;
}

export function normalizeCertificateCode(input: string): string | undefined {
  const raw = input
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (raw.length !== 12 || ![...raw].every((c) => CERT_ALPHABET.includes(c))) return undefined;
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}
