import { createContext, h, type VNode } from 'preact';
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

/** Whether a form's own elements already carry a `lang` field (looked for through element children). */
function hasLangField(children: unknown): boolean {
  if (Array.isArray(children)) return children.some(hasLangField);
  if (!children || typeof children !== 'object') return false;
  const props = (children as VNode<Record<string, unknown>>).props;
  if (!props) return false;
  return props.name === 'lang' || hasLangField(props.children);
}

/**
 * Makes one element keep the page's language: a link or a POST form's action gets `lang=` (by
 * `withLang`), a GET form — whose action's query the browser drops — a hidden `lang` field. A link
 * marked `hreflang` switches language on purpose and is left alone. Applied to every element of a
 * page as it renders (core/views/render.ts), so no link of a French page can forget.
 */
export function keepLang(vnode: VNode<Record<string, unknown>>, lang: Locale): void {
  const props = vnode.props;
  const inner = props.dangerouslySetInnerHTML as { __html?: unknown } | undefined;
  if (inner && typeof inner.__html === 'string')
    props.dangerouslySetInnerHTML = { __html: keepLangInHtml(inner.__html, lang) };
  if (vnode.type === 'a' && typeof props.href === 'string' && props.hreflang === undefined) {
    props.href = withLang(lang, props.href);
  } else if (vnode.type === 'form') {
    const method = typeof props.method === 'string' ? props.method.toLowerCase() : 'get';
    if (method !== 'get') {
      if (typeof props.action === 'string') props.action = withLang(lang, props.action);
    } else if (!hasLangField(props.children) && !/^\/admin(\/|\?|$)/.test(String(props.action ?? ''))) {
      props.children = [h('input', { type: 'hidden', name: 'lang', value: lang }), props.children as VNode];
    }
  }
}

/**
 * The same for links inside rendered Markdown (a post's body): that HTML comes from the site's own
 * renderer, so every attribute is double-quoted and escaped, and a link's `href` can be read exactly.
 */
export function keepLangInHtml(html: string, lang: Locale): string {
  return html.replace(/(<a\s[^>]*?\bhref=")(\/[^"]*)"/g, (_m, open: string, href: string) => {
    const kept = withLang(lang, href.replaceAll('&amp;', '&')).replaceAll('&', '&amp;');
    return `${open}${kept}"`;
  });
}
