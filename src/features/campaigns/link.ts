import { cleanText } from '../../core/antispam/text.ts';
import type { Message } from '../../core/i18n/index.ts';
import { invalid, ok, type FieldErrors, type Result } from '../../core/result.ts';
import { msg } from './messages.ts';

/* The optional link of a pledge or an event: a plain http(s) address or nothing. */
export const LINK_MAX = 500;

/** Only http(s) addresses with a host, returned normalised; '' stays ''. */
export function checkLink(raw: string, label: Message = msg('linkLabel')): Result<string> {
  const text = raw.trim();
  if (!text) return ok('');
  if (text.length > LINK_MAX) return invalid(msg('linkTooLong', { label, max: LINK_MAX }), 'link');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalid(msg('linkNotAddress', { label }), 'link');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return invalid(msg('linkScheme', { label }), 'link');
  if (!url.hostname || url.username || url.password) return invalid(msg('linkNotPlain', { label }), 'link');
  return ok(url.href);
}

/** A form's link field, cleaned and checked; a problem is written to `fields.link`. */
export function readLink(raw: unknown, fields: FieldErrors): string {
  const text = cleanText(raw, { field: 'link', label: msg('linkLabel'), maxLength: LINK_MAX });
  const checked = text.ok ? checkLink(text.value) : text;
  if (checked.ok) return checked.value;
  fields.link = checked.message;
  return '';
}
