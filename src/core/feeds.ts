import { Feed, type Item } from 'feed';

/*
 * The one feed builder for the site: Atom 1.0, RSS 2.0 and JSON Feed 1.1 from one description,
 * over the `feed` package. Callers give PLAIN TEXT (titles, summaries, names, categories — often
 * written by readers) and, separately, TRUSTED HTML from our own Markdown renderer. Plain text is
 * never sent anywhere a reader could take it as markup:
 *
 * - Atom: the package writes entry title, summary and content as type="html" in CDATA, so plain
 *   text is HTML-escaped there. Feed title, subtitle and names are Atom text constructs.
 * - RSS 2.0 says only that description is HTML, and readers differ on titles; the package puts
 *   item titles and descriptions in CDATA. We escape titles and descriptions (channel and item)
 *   as HTML: the worst a reader can then do is show "&amp;" literally, never run markup.
 * - JSON Feed: title, summary, names and tags are plain text by the spec and go out as they are;
 *   only trusted HTML goes to content_html.
 *
 * Two quirks of xml-js (the package's serialiser) are handled here rather than trusted:
 * text nodes turn "&amp;" back into "&" before escaping (so we escape "&" first, as the package
 * itself does for the generator), and only the first "]]>" in a CDATA section is split (so no
 * "]]>" is ever handed to it). Attribute values are escaped for quotes only; see `attributeText`.
 */

export interface FeedMeta {
  /** PUBLIC_URL: every path given below becomes an absolute link under it. */
  publicUrl: string;
  /** Plain text. */
  title: string;
  /** Plain text: Atom subtitle, RSS and JSON description. */
  description?: string;
  /** The page this feed follows (path or URL). */
  link: string;
  /** The feed's permanent id (path or URL); defaults to `link`. Never change it: readers would see a new feed. */
  id?: string;
  /** Where the feed is served in each format (paths or URLs): each format's rel="self". */
  self: { atom?: string; rss?: string; json?: string };
  /** Content language, e.g. "fr" (RSS and JSON; the package writes no xml:lang for Atom). */
  language?: string;
  /** When the feed itself last changed (e.g. its campaign); the feed's date is the later of this and its newest entry. */
  updated?: Date;
  /** Names the generator; never the package's own URL. */
  siteName: string;
  /** Path or URL of the site's icon. */
  favicon?: string;
  /** Plain text, e.g. "© Alongside". Omit it for readers' words, which are not ours to claim. */
  rights?: string;
  /** Plain text author for entries that have none (RFC 4287 wants an author on every Atom entry), e.g. "Anonymous". */
  fallbackAuthor: string;
}

export interface FeedPerson {
  /** Plain text. */
  name: string;
  /** Path or URL of their page. */
  link?: string;
}

export interface FeedCategory {
  /** Plain text, shown to people. */
  name: string;
  /** A stable identifier such as a slug (Atom's `term`); defaults to the name. */
  term?: string;
  /** Path or URL of the category's page. */
  link?: string;
}

export interface FeedEntry {
  /** Path or URL of the entry's page. */
  link: string;
  /** Permanent id (path or URL); defaults to `link`. */
  id?: string;
  /** Plain text. */
  title: string;
  /** Plain text: Atom summary, RSS description, JSON summary (and content_text without trusted HTML). */
  summary?: string;
  /**
   * HTML from our own safe renderer (core/markdown/render.ts) and nothing else: it is published as
   * HTML. Same-site links and images in it are made absolute.
   */
  trustedHtml?: string;
  /** Empty or missing: the feed's `fallbackAuthor`. */
  authors?: FeedPerson[];
  categories?: FeedCategory[];
  /** First publication: RSS pubDate, so an edit does not move the entry up. */
  published: Date;
  /** Last change; defaults to `published`. */
  updated?: Date;
  /** The entry's own language (JSON Feed only). */
  language?: string;
  /** Path or URL of an image (an enclosure). */
  image?: string;
}

export interface BuiltFeed {
  atom(): string;
  rss(): string;
  json(): string;
}

export type FeedFormat = keyof BuiltFeed;

/** The Content-Type each format is served with. */
export const FEED_CONTENT_TYPES: Readonly<Record<FeedFormat, string>> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** Plain text as HTML text: for every place a format means HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Same-site `href="/…"` and `src="/…"` in rendered HTML become absolute: feed readers show them on other sites. */
export function absolutise(html: string, publicUrl: string): string {
  const base = trimSlash(publicUrl);
  return html.replace(/(href|src)="\/(?!\/)/g, (_m, attr: string) => `${attr}="${base}/`);
}

/** A path ("/x") under PUBLIC_URL, or an http(s) URL as it is; anything else is a bug in the caller. */
export function absoluteUrl(publicUrl: string, pathOrUrl: string): string {
  if (pathOrUrl.startsWith('/') && !pathOrUrl.startsWith('//')) return new URL(trimSlash(publicUrl) + pathOrUrl).href;
  if (/^https?:\/\//i.test(pathOrUrl)) return new URL(pathOrUrl).href;
  throw new Error(`A feed link must be a path starting with "/" or an http(s) URL, not "${pathOrUrl}".`);
}

/** Describes a feed once; each format is written on demand. */
export function buildFeed(meta: FeedMeta, entries: readonly FeedEntry[]): BuiltFeed {
  const feed = resolve(meta, entries);
  return { atom: () => atom(feed), rss: () => rss(feed), json: () => json(feed) };
}

// ── shared preparation ────────────────────────────────────────────────────

interface Resolved {
  meta: FeedMeta & { link: string; id: string; self: { atom?: string; rss?: string; json?: string } };
  favicon?: string;
  updated: Date;
  entries: ResolvedEntry[];
}

interface ResolvedEntry extends Omit<FeedEntry, 'authors' | 'categories'> {
  id: string;
  updated: Date;
  authors: FeedPerson[];
  categories: FeedCategory[];
}

function resolve(meta: FeedMeta, entries: readonly FeedEntry[]): Resolved {
  const url = (p: string) => absoluteUrl(meta.publicUrl, p);
  const maybe = (p: string | undefined) => (p === undefined ? undefined : url(p));
  const link = url(meta.link);
  const resolved = entries.map((e): ResolvedEntry => {
    const named = (e.authors ?? []).filter((a) => a.name.trim() !== '');
    return {
      ...e,
      link: url(e.link),
      id: url(e.id ?? e.link),
      updated: e.updated ?? e.published,
      trustedHtml: e.trustedHtml === undefined ? undefined : absolutise(e.trustedHtml, meta.publicUrl),
      authors: (named.length ? named : [{ name: meta.fallbackAuthor }]).map((a) => ({
        name: a.name,
        link: maybe(a.link),
      })),
      categories: (e.categories ?? []).map((c) => ({ ...c, link: maybe(c.link) })),
      image: maybe(e.image),
    };
  });
  // Never "now": the same content must give the same bytes (cached pages, ETags, tests).
  const times = [meta.updated?.getTime() ?? 0, ...resolved.map((e) => e.updated.getTime())];
  return {
    meta: {
      ...meta,
      link,
      id: meta.id === undefined ? link : url(meta.id),
      self: { atom: maybe(meta.self.atom), rss: maybe(meta.self.rss), json: maybe(meta.self.json) },
    },
    favicon: maybe(meta.favicon),
    updated: new Date(Math.max(...times)),
    entries: resolved,
  };
}

// ── XML text for the `feed` package ───────────────────────────────────────

// Characters XML 1.0 cannot carry at all; one would make the whole feed unreadable.
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const xmlChars = (s: string) => s.replace(NOT_XML, '\uFFFD');

/** Plain text for an XML text node: xml-js collapses "&amp;" to "&" before escaping, so "&" goes in escaped. */
const textNode = (s: string) => xmlChars(s).replace(/&/g, '&amp;');

/** Plain text for a place that means HTML (CDATA or text); escaped HTML holds no "]]>". */
const htmlNode = (s: string) => textNode(escapeHtml(s));
const htmlCdata = (s: string) => xmlChars(escapeHtml(s));

/** Trusted HTML in CDATA: xml-js splits only the first "]]>", so none is left for it (">" = "&gt;" in HTML text). */
const trustedCdata = (html: string) => xmlChars(html).replace(/]]>/g, ']]&gt;');

/**
 * Plain text for an attribute the package passes through its `sanitize` (which escapes "&") and xml-js
 * (which escapes only quotes): a "<" cannot be escaped on that path and would make the XML ill-formed,
 * so it becomes the fullwidth "＜". Only Atom category labels and terms take this path.
 */
const attributeText = (s: string) => xmlChars(s).replace(/</g, '\uFF1C');

/** A URL in an attribute the package does not sanitize (RSS category domain). */
const attributeUrl = (u: string) => u.replace(/&/g, '&amp;');

const trimSlash = (u: string) => u.replace(/\/+$/, '');

// ── formats ───────────────────────────────────────────────────────────────

function atom({ meta, favicon, updated, entries }: Resolved): string {
  const feed = new Feed({
    id: textNode(meta.id),
    title: textNode(meta.title),
    description: meta.description === undefined ? undefined : textNode(meta.description),
    link: meta.link,
    feedLinks: { atom: meta.self.atom },
    updated,
    generator: meta.siteName, // the package escapes "&" here itself
    favicon: favicon === undefined ? undefined : textNode(favicon),
    copyright: meta.rights === undefined ? undefined : textNode(meta.rights),
  });
  for (const e of entries) {
    feed.addItem({
      ...common(e),
      title: htmlCdata(e.title),
      description: e.summary === undefined ? undefined : htmlCdata(e.summary),
      content: e.trustedHtml === undefined ? undefined : trustedCdata(e.trustedHtml),
      author: e.authors.map((a) => ({ name: textNode(a.name), link: a.link })),
      category: e.categories.map((c) => ({ term: attributeText(c.term ?? c.name), name: attributeText(c.name) })),
    });
  }
  return feed.atom1();
}

const DC = 'http://purl.org/dc/elements/1.1/';

function rss({ meta, updated, entries }: Resolved): string {
  const feed = new Feed({
    id: meta.id,
    title: htmlNode(meta.title),
    description: htmlNode(meta.description ?? ''),
    link: meta.link,
    feedLinks: { rss: meta.self.rss },
    language: meta.language === undefined ? undefined : textNode(meta.language),
    updated,
    generator: textNode(meta.siteName),
    copyright: meta.rights === undefined ? undefined : textNode(meta.rights),
  });
  for (const e of entries) {
    feed.addItem({
      ...common(e),
      guid: textNode(e.id),
      title: htmlCdata(e.title),
      description: e.summary === undefined ? undefined : htmlCdata(e.summary),
      content: e.trustedHtml === undefined ? undefined : trustedCdata(e.trustedHtml),
      category: e.categories.map((c) => ({
        name: textNode(c.name),
        domain: c.link === undefined ? undefined : attributeUrl(c.link),
      })),
      // RSS <author> is an e-mail address; names go in dc:creator, one element each.
      extensions: [
        {
          name: 'dc:creator',
          objects: e.authors.map((a) => ({ _text: textNode(a.name) })) as unknown as Record<string, unknown>,
        },
      ],
    });
  }
  const xml = feed.rss2();
  // The package declares the dc: namespace only when some item has content:encoded.
  return entries.length > 0 && !xml.includes(`xmlns:dc="${DC}"`)
    ? xml.replace('<rss version="2.0"', `<rss version="2.0" xmlns:dc="${DC}"`)
    : xml;
}

function common(e: ResolvedEntry): Pick<Item, 'id' | 'link' | 'date' | 'published' | 'image'> {
  // The package's Atom <updated> is `date`; its RSS pubDate prefers `published`.
  return { id: e.id, link: e.link, date: e.updated, published: e.published, image: e.image };
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written here: the package writes 1.0. */
function json({ meta, favicon, entries }: Resolved): string {
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: meta.title,
    home_page_url: meta.link,
    feed_url: meta.self.json,
    description: meta.description,
    favicon,
    language: meta.language,
    items: entries.map((e) => ({
      id: e.id,
      url: e.link,
      title: e.title,
      summary: e.summary,
      // One of the two is required; plain text is never offered as HTML.
      ...(e.trustedHtml !== undefined ? { content_html: e.trustedHtml } : { content_text: e.summary ?? e.title }),
      image: e.image,
      date_published: e.published.toISOString(),
      date_modified: e.updated.toISOString(),
      authors: e.authors.map((a) => ({ name: a.name, url: a.link })),
      tags: e.categories.length ? e.categories.map((c) => c.name) : undefined,
      language: e.language,
    })),
  };
  return JSON.stringify(doc);
}
