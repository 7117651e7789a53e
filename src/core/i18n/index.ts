/*
 * UI text lives in message catalogs so a page can be translated. Each feature keeps one catalog
 * beside its views, in one shape — `{ en, fr }`, every key in both languages (the compiler checks) —
 * and gets one translator from `defineMessages`. Services never write sentences: they return a
 * `Message` (a key and its parameters) and the view translates it in the reader's language.
 */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

/** Placeholder values; a message as a value (a field's label, say) is translated in the same locale. */
export type Params = Record<string, string | number | Message>;

/** A sentence by key, e.g. `{ key: 'comments.tooManyLinks', params: { max: 3 } }`; translated by the view. */
export interface Message {
  readonly key: string;
  readonly params?: Params;
}

/** One feature's catalog: English is the reference and French carries every key. */
export type Catalog<K extends string = string> = { readonly en: Record<K, string>; readonly fr: Record<K, string> };

export interface Messages<K extends string> {
  /** This catalog's text for `key` in `locale`, with `{name}` placeholders filled from `params`. */
  t(locale: Locale, key: K, params?: Params): string;
  /** A message for a service to return; `translate` turns it into text later. */
  msg(key: K, params?: Params): Message;
}

// Static data only: catalogs are constants, registered once when their module loads. A Message can
// only be made through its catalog's `msg`, so its catalog is always here when it is translated.
const catalogs = new Map<string, Catalog>();

function fill(locale: Locale, text: string, params: Params | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const value = params[name];
    if (value === undefined) return m;
    return typeof value === 'object' ? translate(locale, value) : String(value);
  });
}

/**
 * Registers a feature's catalog under a namespace and returns its translator. Keys are written
 * without the namespace (`t(locale, 'heading')`); messages carry it (`comments.heading`).
 */
export function defineMessages<const E extends Record<string, string>>(
  namespace: string,
  catalog: { en: E; fr: Record<keyof E, string> },
): Messages<keyof E & string> {
  if (catalogs.has(namespace)) throw new Error(`Two message catalogs use the namespace "${namespace}".`);
  catalogs.set(namespace, catalog as Catalog);
  return {
    t: (locale, key, params) => fill(locale, catalog[locale][key] ?? catalog.en[key], params),
    msg: (key, params) => (params ? { key: `${namespace}.${key}`, params } : { key: `${namespace}.${key}` }),
  };
}

/** The text of a message in `locale`; an unknown key is a bug and says so rather than showing nothing. */
export function translate(locale: Locale, message: Message): string {
  const dot = message.key.indexOf('.');
  const catalog = catalogs.get(message.key.slice(0, dot));
  const key = message.key.slice(dot + 1);
  const text = catalog?.[locale][key] ?? catalog?.en[key];
  if (text === undefined) throw new Error(`No message "${message.key}" in any catalog.`);
  return fill(locale, text, message.params);
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The UI locale for a content language ("fr-CA" → "fr"), falling back to English. */
export function uiLocale(language: string | null | undefined): Locale {
  const base = (language ?? '').toLowerCase().split('-')[0];
  return isLocale(base) ? base : 'en';
}

/** Every registered catalog by namespace (read-only), for tests that look for untranslated text. */
export function registeredCatalogs(): ReadonlyMap<string, Catalog> {
  return catalogs;
}
