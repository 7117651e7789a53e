import { isLocale, type Locale } from './index.ts';

/*
 * Which language a reader gets, decided in one place for every public page: an explicit `?lang=`
 * wins (a choice the reader made, kept by every link — see core/views/href.ts), otherwise the
 * browser's Accept-Language picks the default. Nothing is remembered: no cookie, so the page cache
 * keys on the resolved language instead (`localeCacheKey`).
 */

/** `?lang=` when it names exactly one language this site has; anything else is no choice. */
export function explicitLocale(lang: unknown): Locale | undefined {
  return isLocale(lang) ? lang : undefined;
}

/**
 * The best supported language of an Accept-Language header (RFC 9110 §12.5.4): ranges sorted by
 * q-value, ties in the order given; `q=0` means "not this"; a region ("fr-CA") counts as its
 * language; `*` means any, which is English. Undefined when the header names nothing we have.
 */
export function negotiateLocale(header: string | string[] | undefined): Locale | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(',') : header;
  // A header is a client's free text: a long one is not worth parsing whole.
  const ranges = text
    .slice(0, 1000)
    .split(',')
    .slice(0, 50)
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim());
      const q = params.find((p) => /^q\s*=/i.test(p));
      const weight = q === undefined ? 1 : Number(q.slice(q.indexOf('=') + 1).trim());
      return { tag: tag.toLowerCase(), q: Number.isFinite(weight) && weight >= 0 && weight <= 1 ? weight : 0, index };
    })
    .filter((r) => r.tag !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === '*') return 'en';
    const base = tag.split('-')[0];
    if (isLocale(base)) return base;
  }
  return undefined;
}

/**
 * The page-cache key of an anonymous GET: the URL itself when it says `?lang=`, otherwise the URL
 * and the language Accept-Language resolves to (never the raw header, so a URL has at most three
 * entries: en, fr and "none").
 */
export function localeCacheKey(url: string, acceptLanguage: string | string[] | undefined): string {
  const q = url.indexOf('?');
  if (q >= 0) {
    const langs = new URLSearchParams(url.slice(q + 1)).getAll('lang');
    if (langs.length === 1 && explicitLocale(langs[0])) return url;
  }
  return `${url}\u0000${negotiateLocale(acceptLanguage) ?? '-'}`;
}

/**
 * The reader's language from a raw request line and header, for answers made before routing (a
 * refused path, a malformed request): the same rule as `readerLocale`, with no page fallback.
 */
export function localeOfRequest(url: string, acceptLanguage: string | string[] | undefined): Locale {
  const q = url.indexOf('?');
  const langs = q >= 0 ? new URLSearchParams(url.slice(q + 1)).getAll('lang') : [];
  return (langs.length === 1 ? explicitLocale(langs[0]) : undefined) ?? negotiateLocale(acceptLanguage) ?? 'en';
}
