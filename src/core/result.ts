import { translate, type Message } from './i18n/index.ts';
import { msg } from './views/messages.ts';

/*
 * Expected outcomes are values, not exceptions: callers must handle them. A problem carries a
 * message by key (translated by the view, in the reader's language) and, for invalid input, the
 * message for each field it concerns.
 */
export type Problem =
  | { kind: 'invalid'; message: Message; fields?: FieldErrors }
  | { kind: 'not_found'; message: Message }
  | { kind: 'denied'; message: Message }
  | { kind: 'conflict'; message: Message };

/** Field name → message; `_form` for what concerns the whole form. */
export type FieldErrors = Record<string, Message>;

export type Failure = { ok: false } & Problem;
export type Result<T> = { ok: true; value: T } | Failure;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Invalid input; with `field`, the message is shown beside that field too. */
export const invalid = (message: Message, field?: string): Failure =>
  field
    ? { ok: false, kind: 'invalid', message, fields: { [field]: message } }
    : { ok: false, kind: 'invalid', message };

/** Invalid input in several fields at once; the first field's message stands for the whole. */
export function invalidFields(fields: FieldErrors): Failure {
  const first = Object.values(fields)[0];
  if (!first) throw new Error('invalidFields needs at least one field.');
  return { ok: false, kind: 'invalid', message: first, fields };
}

export const notFound = (message: Message = msg('notFound')): Failure => ({ ok: false, kind: 'not_found', message });
export const denied = (message: Message = msg('denied')): Failure => ({ ok: false, kind: 'denied', message });
export const conflict = (message: Message): Failure => ({ ok: false, kind: 'conflict', message });

/** The one way from a problem to form errors: its fields, or its message for the whole form. */
export function fieldErrorsOf(problem: Problem): FieldErrors {
  return (problem.kind === 'invalid' && problem.fields) || { _form: problem.message };
}

/** HTTP status for a problem, used by every route that turns a Result into a response. */
export function statusOf(problem: Problem): number {
  switch (problem.kind) {
    case 'invalid':
      return 400;
    case 'not_found':
      return 404;
    case 'denied':
      return 403;
    case 'conflict':
      return 409;
  }
}

/** The value of a result that cannot fail unless something is broken (seeding, set-up); else throws. */
export function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(translate('en', result.message));
  return result.value;
}
