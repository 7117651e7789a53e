import { XMLParser, XMLValidator } from 'fast-xml-parser';

/*
 * Chromium shows an Atom or RSS document as plain text, so loading a feed proves little: the
 * danger is in the feed reader, which renders the fields the format calls HTML. `readFeed` does
 * what a simple reader does — parses the feed (Atom, RSS 2.0 or JSON Feed) and lays out every
 * entry, HTML fields as HTML and text fields as text — into a page with no CSP, for the XSS
 * detector to load. It also reports what no reader should meet: XML that is not well-formed, and
 * elements a feed does not have (a CDATA section broken open lets a reader's text become markup).
 */
const FEED_ELEMENTS = new Set(
  (
    'feed id title updated generator link subtitle icon logo rights entry summary content author name uri email ' +
    'category published contributor source rss channel description lastBuildDate docs language copyright ' +
    'atom:link item guid pubDate content:encoded dc:creator enclosure managingEditor webMaster ttl image url width height'
  ).split(' '),
);

export interface ReadFeed {
  /** An HTML document with every entry laid out as a reader would. */
  page: string;
  /** What is wrong with the feed as XML (empty when it is sound). */
  problems: string[];
  /** All the text of the feed, for checking the payloads are there. */
  text: string;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Node = string | { '#text'?: string; '@type'?: string; [k: string]: unknown };

function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join(' ');
  return String((node as { '#text'?: unknown })['#text'] ?? '');
}

/** An Atom text construct: type="html" is markup to a reader, "text" (the default) is text. */
function atomField(node: unknown): string {
  if (node === undefined) return '';
  const type = typeof node === 'object' && node !== null ? (node as Node & object)['@type'] : undefined;
  return type === 'html' || type === 'xhtml' ? textOf(node) : escape(textOf(node));
}

function walk(node: unknown, seen: Set<string>) {
  if (Array.isArray(node)) for (const n of node) walk(n, seen);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (!k.startsWith('@') && k !== '#text' && k !== '?xml') seen.add(k);
      walk(v, seen);
    }
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

export function readFeed(body: string, contentType: string): ReadFeed {
  const problems: string[] = [];
  const entries: string[] = [];
  if (/json/.test(contentType)) {
    const feed = JSON.parse(body) as { items?: Record<string, unknown>[] };
    for (const item of feed.items ?? []) {
      const text = ['title', 'summary', 'content_text'].map((k) => escape(String(item[k] ?? ''))).join('<br>');
      entries.push(`<article>${text}<div>${String(item.content_html ?? '')}</div></article>`);
    }
  } else {
    const valid = XMLValidator.validate(body);
    if (valid !== true) problems.push(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      parseTagValue: false,
      processEntities: true,
      htmlEntities: true,
    }).parse(body) as Record<string, Record<string, unknown>>;
    const seen = new Set<string>();
    walk(parsed, seen);
    for (const name of seen) if (!FEED_ELEMENTS.has(name)) problems.push(`an element a feed does not have: <${name}>`);
    if (parsed.feed) {
      for (const e of asArray(parsed.feed.entry as Record<string, unknown>[])) {
        const parts = [atomField(e.title), atomField(e.summary), atomField(e.content)];
        entries.push(`<article><h2>${parts[0]}</h2><div>${parts[1]}</div><div>${parts[2]}</div></article>`);
      }
    } else if (parsed.rss) {
      const channel = parsed.rss.channel as Record<string, unknown>;
      for (const item of asArray(channel.item as Record<string, unknown>[])) {
        const html = `${textOf(item.description)}${textOf(item['content:encoded'])}`;
        entries.push(`<article><h2>${escape(textOf(item.title))}</h2><div>${html}</div></article>`);
      }
    } else problems.push('neither Atom nor RSS');
  }
  const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Feed reader</title><body>${entries.join('\n')}</body></html>`;
  return { page, problems, text: body };
}
