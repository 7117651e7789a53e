import { options, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Locale } from '../i18n/index.ts';
import type { PageContext } from './context.ts';
import { keepLang } from './href.tsx';

/*
 * While a page renders (and in what its handler built beforehand), every link and form in it keeps the reader's language (`keepLang`): the
 * page's context says which (`ctx.linkLang`, none on an English page nobody chose). Rendering is
 * synchronous, so the language is set for exactly one page at a time.
 */
let renderingLang: Locale | undefined;
const previousVnodeHook = options.vnode;
options.vnode = (vnode) => {
  if (renderingLang && typeof vnode.type === 'string') keepLang(vnode as VNode<Record<string, unknown>>, renderingLang);
  previousVnodeHook?.(vnode);
};

/** Elements a handler built before rendering (passed down as children or props) get the same treatment. */
function keepLangInTree(node: unknown, lang: Locale, seen: Set<unknown>): void {
  if (Array.isArray(node)) {
    for (const item of node) keepLangInTree(item, lang, seen);
    return;
  }
  if (!node || typeof node !== 'object' || seen.has(node) || !('props' in node) || !('type' in node)) return;
  seen.add(node);
  const vnode = node as VNode<Record<string, unknown>>;
  if (typeof vnode.type === 'string') keepLang(vnode, lang);
  for (const value of Object.values(vnode.props ?? {})) keepLangInTree(value, lang, seen);
}

/** A whole HTML document from a page component. Text and attributes are escaped by preact. */
export function renderDocument(page: VNode): string {
  renderingLang = (page.props as { ctx?: PageContext }).ctx?.linkLang;
  if (renderingLang) keepLangInTree(page, renderingLang, new Set());
  try {
    return '<!doctype html>' + renderToString(page);
  } finally {
    renderingLang = undefined;
  }
}

export { renderToString };
