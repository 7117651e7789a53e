import type { Message } from '../i18n/index.ts';
import { invalid, ok, type Result } from '../result.ts';
import { msg } from '../views/messages.ts';

/*
 * Text from the public arrives as whatever a client chose to send. One gate turns it into
 * well-formed, NFC-normalised text or refuses it with a sentence a reader understands.
 */
export interface TextRules {
  field: string;
  /** The field's name as the reader sees it, e.g. msg('nameLabel'). */
  label: Message;
  /** Longest accepted length, in characters after normalisation. */
  maxLength: number;
  minLength?: number;
  /** Comments keep line breaks; names and titles do not. */
  multiline?: boolean;
}

// C0 and C1 controls except tab and line feed, plus zero-width/bidi controls used to hide text.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string carries bytes that were not valid UTF-8 (decoded as U+FFFD) or lone surrogates. */
export function hasInvalidEncoding(value: string): boolean {
  return value.includes('\uFFFD') || LONE_SURROGATE.test(value);
}

export function hasControlCharacters(value: string, multiline = true): boolean {
  const v = multiline ? value.replace(/\r\n?/g, '\n').replace(/\t/g, ' ') : value;
  if (!multiline && /[\n\t]/.test(v)) return true;
  return CONTROL.test(v);
}

/** Validates and normalises one text field. Empty optional fields come back as ''. */
export function cleanText(raw: unknown, rules: TextRules): Result<string> {
  const { field, label } = rules;
  if (raw === undefined || raw === null) raw = '';
  if (typeof raw !== 'string') return invalid(msg('textNotText', { label }), field);
  if (hasInvalidEncoding(raw)) return invalid(msg('textInvalidEncoding', { label }), field);
  let text = raw.replace(/\r\n?/g, '\n');
  if (!rules.multiline) text = text.replace(/\n/g, ' ');
  text = text.replace(/\t/g, ' ');
  if (CONTROL.test(text)) return invalid(msg('textControl', { label }), field);
  text = text.normalize('NFC').trim();
  if (rules.multiline) text = text.replace(/\n{3,}/g, '\n\n');
  else text = text.replace(/ {2,}/g, ' ');
  const length = [...text].length;
  if (rules.minLength && length < rules.minLength) {
    return invalid(
      rules.minLength === 1 ? msg('textRequired', { label }) : msg('textTooShort', { label, min: rules.minLength }),
      field,
    );
  }
  if (length > rules.maxLength) return invalid(msg('textTooLong', { label, max: rules.maxLength, length }), field);
  return ok(text);
}

const LINK = /\bhttps?:\/\/[^\s<>()[\]"']+|\bwww\.[^\s<>()[\]"']+/gi;

/** Every http(s) address written in the text (Markdown links included), in order. */
export function findLinks(text: string): string[] {
  return [...text.matchAll(LINK)].map((m) => m[0].replace(/[.,;:!?*_]+$/, ''));
}

export function countLinks(text: string): number {
  return findLinks(text).length;
}

/** A fingerprint of what the text says, ignoring case, spacing and punctuation: for duplicate checks. */
export function contentFingerprint(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim();
}
