/*
 * UI text lives in message catalogs so a page can be translated. Each feature keeps its own
 * catalog beside its views; `createTranslator` merges a catalog with the core one. English is the
 * reference: a missing key in another language falls back to English, never to the key name.
 */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

export type Catalog<K extends string = string> = { en: Record<K, string> } & Partial<
  Record<Locale, Partial<Record<K, string>>>
>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The UI locale for a content language ("fr-CA" → "fr"), falling back to English. */
export function uiLocale(language: string | null | undefined): Locale {
  const base = (language ?? '').toLowerCase().split('-')[0];
  return isLocale(base) ? base : 'en';
}

/**
 * The UI locale a page asks for in its address (`?lang=fr`), else English. The choice lives in the URL,
 * not in Accept-Language or a cookie: anonymous pages are cached by URL, so each language is its own entry.
 */
export function localeFromQuery(query: unknown): Locale {
  const lang = (query as { lang?: unknown } | null | undefined)?.lang;
  return isLocale(lang) ? lang : 'en';
}

export type Translate<K extends string> = (locale: Locale, key: K, params?: Record<string, string | number>) => string;

export function createTranslator<K extends string>(catalog: Catalog<K>): Translate<K> {
  return (locale, key, params) => {
    const text = catalog[locale]?.[key] ?? catalog.en[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}
