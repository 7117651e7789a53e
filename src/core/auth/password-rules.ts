import type { Message } from '../i18n/index.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';
import { msg } from './messages.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';

/*
 * The rules for a password a person chooses, after NIST SP 800-63B §3.1.1.2: at least 12
 * characters (counted as Unicode code points, after NFKC normalisation), at most 1,024, no
 * composition rules (no "one digit, one symbol"), and refused when it is a value known to be
 * commonly used: a password from the common list, a run of repeated or sequential characters, or
 * one built from the account's own e-mail address or the site's name.
 */
export const MAX_PASSWORD_LENGTH = 1024;

const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '01234567890123456789', 'qwertyuiopasdfghjklzxcvbnm'];

const isRepetitive = (pw: string) => new Set(pw).size < 4;
const isSequential = (pw: string) => SEQUENCES.some((s) => s.includes(pw) || [...s].reverse().join('').includes(pw));

/** The message to show when a chosen password is refused, or undefined when it may be used. */
export function passwordProblem(password: string, context: { email?: string } = {}): Message | undefined {
  const pw = password.normalize('NFKC');
  const length = [...pw].length;
  if (length < MIN_PASSWORD_LENGTH) return msg('newPasswordTooShort', { min: MIN_PASSWORD_LENGTH });
  if (length > MAX_PASSWORD_LENGTH) return msg('passwordTooLong', { max: MAX_PASSWORD_LENGTH });
  const lower = pw.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(lower.replace(/\s+/g, ''))) return msg('passwordCommon');
  if (isRepetitive(lower) || isSequential(lower)) return msg('passwordCommon');
  const local = context.email?.split('@')[0]?.toLowerCase() ?? '';
  const stripped = lower.replace(/[^\p{L}\p{N}]+/gu, '');
  if (/^(alongside)+\d*$/.test(stripped)) return msg('passwordContext');
  if (local.length >= 4 && stripped.replace(local.replace(/[^\p{L}\p{N}]+/gu, ''), '').length < 4) {
    return msg('passwordContext');
  }
  return undefined;
}
