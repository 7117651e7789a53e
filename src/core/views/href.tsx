import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Locale } from '../i18n/index.ts';

/*
 * The one way a public page builds a link or form action to another page of the site: the reader's
 * language travels in the URL (`?lang=fr`, never a cookie), so every link of a French page must
 * carry it. `ctx.linkLang` says which language to carry (none on an English page nobody chose).
 */

/** `href` with `lang=` added when the page carries a language; other sites, fragments and staff or static paths unchanged. */
export function withLang(lang: Locale | undefined, href: string): string {
  if (!lang || !href.startsWith('/') || href.startsWith('//')) return href;
  if (/^\/(admin|static|media)(\/|$|\?)/.test(href)) return href;
  const hash = href.indexOf('#');
  const base = hash >= 0 ? href.slice(0, hash) : href;
  const fragment = hash >= 0 ? href.slice(hash) : '';
  if (/[?&]lang=/.test(base)) return href;
  return `${base}${base.includes('?') ? '&' : '?'}lang=${lang}${fragment}`;
}

/** A public href for a page whose context is at hand: `localHref(ctx, '/resources')`. */
export function localHref(ctx: { linkLang?: Locale | undefined }, href: string): string {
  return withLang(ctx.linkLang, href);
}

/** The language links carry, provided by the layout for shared components (pagination). */
export const LinkLangContext = createContext<Locale | undefined>(undefined);

/** Inside the layout: a function that builds public hrefs keeping the page's language. */
export function useLocalHref(): (href: string) => string {
  const lang = useContext(LinkLangContext);
  return (href) => withLang(lang, href);
}

/** A GET form drops its action's query when submitted: this hidden field keeps the language instead. */
export function LangField({ lang }: { lang: Locale | undefined }) {
  return lang ? <input type="hidden" name="lang" value={lang} /> : null;
}
