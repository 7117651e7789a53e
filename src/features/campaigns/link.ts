import { cleanText } from '../../core/antispam/text.ts';
import type { Message } from '../../core/i18n/index.ts';
import { invalid, ok, type FieldErrors, type Result } from '../../core/result.ts';
import { checkUrl } from '../../core/text/urls.ts';
import { msg } from './messages.ts';

/* The optional link of a pledge or an event: a plain http(s) address or nothing. */
export const LINK_MAX = 500;

const PROBLEM = {
  empty: 'linkNotAddress',
  notAddress: 'linkNotAddress',
  scheme: 'linkScheme',
  notPlain: 'linkNotPlain',
} as const;

/** Only http(s) addresses with a host (core/text/urls.ts decides), returned normalised; '' stays ''. */
export function checkLink(raw: string, label: Message = msg('linkLabel')): Result<string> {
  const text = raw.trim();
  if (!text) return ok('');
  const checked = checkUrl(text, { maxLength: LINK_MAX });
  if (checked.ok) return ok(checked.url);
  if (checked.problem === 'tooLong') return invalid(msg('linkTooLong', { label, max: LINK_MAX }), 'link');
  return invalid(msg(PROBLEM[checked.problem], { label }), 'link');
}

/** A form's link field, cleaned and checked; a problem is written to `fields.link`. */
export function readLink(raw: unknown, fields: FieldErrors): string {
  const text = cleanText(raw, { field: 'link', label: msg('linkLabel'), maxLength: LINK_MAX });
  const checked = text.ok ? checkLink(text.value) : text;
  if (checked.ok) return checked.value;
  fields.link = checked.message;
  return '';
}
