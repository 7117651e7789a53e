/*
 * A moment shown to readers: the date (or date and time) in the reader's language, the exact time
 * in the title, and `data-relative` so public/relative-time.js can say "3 days ago" / « il y a
 * 3 jours » in the browser.
 *
 * Why the relative words are written in the browser and not here: pages holding these times are
 * kept in the page cache (and in browsers' back-forward caches and open tabs), so "2 minutes ago"
 * written by the server would soon be wrong, while an absolute date never is; and only the browser
 * knows the reader's time zone, so only it can tell "yesterday" from "today". Without JavaScript the
 * reader gets the absolute date in their language, which stays true.
 */

import { assetUrl } from '../http/assets.ts';

/** The script pages showing `<When>` times list in their Layout's `scripts`. */
export const relativeTimeScript = () => assetUrl('relative-time.js');

const intlLocale = (locale: string) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

/** "29 November 2026" / "29 novembre 2026", or with the time "29 November 2026, 15:20 UTC". */
export function readerDate(iso: string, locale: string, withTime = false): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'UTC',
  })
    .format(new Date(iso))
    .concat(withTime ? ' UTC' : '');
}

/** The exact moment, for the title: "Sunday, 29 November 2026 at 15:20:07 UTC". */
export function exactTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'full',
    timeStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(iso));
}

/** A `<time>` readers see; `withTime` for moments where the hour matters (comments). */
export function When({ iso, locale, withTime = false }: { iso: string; locale: string; withTime?: boolean }) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <time>{iso}</time>;
  return (
    <time datetime={date.toISOString()} title={exactTime(iso, locale)} data-relative={withTime ? 'time' : 'date'}>
      {readerDate(iso, locale, withTime)}
    </time>
  );
}
