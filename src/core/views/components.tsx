import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../result.ts';
import { useLocale, useTranslate } from './locale.ts';
import { t } from './messages.ts';

export type { FieldErrors };

/*
 * The one form-error pattern: an error summary at the top that links to each field, and the
 * message repeated beside the field. Every form on the site uses these; errors arrive as
 * messages (`fieldErrorsOf` in core/result.ts) and are translated in the page's locale here.
 */
export function ErrorSummary({ errors, title }: { errors: FieldErrors | undefined; title?: string }) {
  const locale = useLocale();
  const tr = useTranslate();
  const entries = Object.entries(errors ?? {});
  if (entries.length === 0) return null;
  return (
    // The id is where a form posting to `…#error-summary` lands (landing.js then moves focus to it).
    <div id="error-summary" class="error-summary" role="alert" tabindex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{title ?? t(locale, 'problemTitle')}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>{field === '_form' ? tr(message) : <a href={`#field-${field}`}>{tr(message)}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  errors?: FieldErrors;
  children: (attrs: {
    id: string;
    name: string;
    'aria-describedby'?: string;
    'aria-invalid'?: 'true';
  }) => ComponentChildren;
}

/** A labelled field with hint and error wired to aria-describedby. */
export function Field({ name, label, hint, errors, children }: FieldProps) {
  const tr = useTranslate();
  const id = `field-${name}`;
  const message = errors?.[name];
  const error = message && tr(message);
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {children({ id, name, 'aria-describedby': describedBy, ...(error ? { 'aria-invalid': 'true' as const } : {}) })}
    </div>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** One way to paginate: numbered pages with previous/next, links built by the caller. */
export function Pagination({
  page,
  pageCount,
  href,
  label,
}: {
  page: number;
  pageCount: number;
  href: (page: number) => string;
  label?: string;
}) {
  const locale = useLocale();
  if (pageCount <= 1) return null;
  return (
    <nav class="pagination" aria-label={label ?? t(locale, 'pages')}>
      <ul>
        {page > 1 && (
          <li>
            <a href={href(page - 1)} rel="prev">
              ← {t(locale, 'previous')}
            </a>
          </li>
        )}
        <li aria-current="page">{t(locale, 'pageOf', { page, pageCount })}</li>
        {page < pageCount && (
          <li>
            <a href={href(page + 1)} rel="next">
              {t(locale, 'next')} →
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

/**
 * A wide table on a phone: it scrolls sideways inside this box (its first column stays in view)
 * instead of pushing the whole page wider. The box is a named, focusable region so a keyboard can
 * scroll it too.
 */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabindex={0}>
      {children}
    </div>
  );
}

export function Notice({
  children,
  kind = 'info',
}: {
  children: ComponentChildren;
  kind?: 'info' | 'success' | 'warning';
}) {
  return (
    <div class={`notice notice--${kind}`} role={kind === 'info' ? undefined : 'status'}>
      {children}
    </div>
  );
}

export function formatDate(isoDate: string, locale = 'en'): string {
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(isoDate),
  );
}
