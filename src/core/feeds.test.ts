import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Feed } from 'feed';
import Parser from 'rss-parser';
import { renderCommentMarkdown, renderMarkdown } from './markdown/render.ts';
import {
  absolutise,
  absoluteUrl,
  buildFeed,
  escapeHtml,
  FEED_CONTENT_TYPES,
  type FeedEntry,
  type FeedMeta,
} from './feeds.ts';

/*
 * Feeds are read by programs we do not control, so the checks read them back with an independent
 * parser (rss-parser) and look at the raw XML too: what a reader wrote must come out as the same
 * text, never as markup, in every format.
 */

const BASE = 'https://alongside.example';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert("x")</script>',
  'a]]>b]]><img src=x onerror=alert(1)>',
  'Tom &amp; Jerry & co &lt;b&gt; &#60;i&#62;',
  'Ünïcödé — 日本語, עברית, 🏳️‍⚧️ «guillemets» ’apostrophe’ "quotes" \'single\'',
];

type Bag = Record<string, unknown>;
const parser = new Parser<Bag, Bag>({
  customFields: {
    feed: ['subtitle', 'rights', 'icon', 'generator'],
    item: [
      ['author', 'authors', { keepArray: true }],
      ['category', 'cats', { keepArray: true }],
      ['dc:creator', 'creators', { keepArray: true }],
    ],
  },
});

/** What a reader shows for a field the format calls HTML: it must hold no markup, only escaped text. */
function htmlAsText(html: unknown): string {
  assert.equal(typeof html, 'string');
  assert.doesNotMatch(html as string, /</, `markup in an HTML field: ${String(html)}`);
  return (html as string).replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()]!;
  });
}

const ELEMENTS = new Set(
  (
    '?xml feed id title updated generator link subtitle icon rights entry summary content author name uri category ' +
    'published rss channel description lastBuildDate docs language copyright atom:link item guid pubDate ' +
    'content:encoded dc:creator enclosure'
  ).split(' '),
);

function elementNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) elementNames(n, out);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k !== '#text') out.add(k);
      elementNames(v, out);
    }
  return out;
}

/**
 * Everything in a raw XML feed that could let reader-written text act as markup: ill-formed XML,
 * a raw <img or <script anywhere (CDATA included), an attribute holding "<" or a bare "&", or an
 * element no feed format has (text that broke out of its CDATA).
 */
function markupIn(xml: string): string[] {
  const found: string[] = [];
  if (XMLValidator.validate(xml) !== true) found.push('not well-formed');
  if (/<(img|script)\b/i.test(xml)) found.push('raw <img or <script');
  for (const [, value] of xml.matchAll(/\s[\w:-]+="([^"]*)"/g))
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(value!)) found.push(`attribute "${value}"`);
  const tree = new XMLParser({ ignoreAttributes: true, ignoreDeclaration: false }).parse(xml) as unknown;
  for (const name of elementNames(tree)) if (!ELEMENTS.has(name)) found.push(`element <${name}>`);
  return found;
}

function meta(over: Partial<FeedMeta> = {}): FeedMeta {
  return {
    publicUrl: BASE,
    title: 'Alongside',
    description: 'News',
    link: '/',
    self: { atom: '/atom.xml', rss: '/feed.xml', json: '/feed.json' },
    language: 'en',
    siteName: 'Alongside',
    favicon: '/static/favicon.svg',
    fallbackAuthor: 'Anonymous',
    ...over,
  };
}

const entry = (over: Partial<FeedEntry> = {}): FeedEntry => ({
  link: '/posts/one',
  title: 'One',
  published: new Date('2026-11-20T10:00:00Z'),
  ...over,
});

describe('feeds: plain text stays text in every format', () => {
  for (const text of [...HOSTILE, HOSTILE.join(' ')]) {
    it(`round-trips ${JSON.stringify(text.slice(0, 40))}`, async () => {
      const feed = buildFeed(
        meta({ title: text, description: text, rights: text, siteName: text, fallbackAuthor: text }),
        [
          entry({
            title: text,
            summary: text,
            authors: [{ name: text, link: '/authors/x' }],
            categories: [{ name: text, link: '/tags/x?a=1&b=2' }],
          }),
          entry({ link: '/posts/two', title: text }),
        ],
      );

      const atomXml = feed.atom();
      assert.deepEqual(markupIn(atomXml), []);
      const atom = await parser.parseString(atomXml);
      assert.equal(atom.title, text, 'Atom feed title is a text construct');
      assert.equal(atom.subtitle, text);
      assert.equal(atom.rights, text);
      assert.equal(atom.generator, text);
      const [a1, a2] = atom.items;
      assert.equal(htmlAsText(a1!.title), text, 'Atom entry title is type="html"');
      assert.equal(htmlAsText(a1!.summary), text);
      assert.equal(a1!.author, text);
      assert.equal(a2!.author, text, 'the fallback author');
      // The one lossy spot: "<" cannot be escaped in the package's attribute path (see attributeText).
      const cat = (a1!.cats as { $: { label: string; term: string } }[])[0]!.$;
      assert.equal(cat.label, text.replace(/</g, '＜'));
      assert.equal(cat.term, cat.label);

      const rssXml = feed.rss();
      assert.deepEqual(markupIn(rssXml), []);
      const rss = await parser.parseString(rssXml);
      assert.equal(htmlAsText(rss.title), text, 'RSS titles are treated as HTML');
      assert.equal(htmlAsText(rss.description), text);
      assert.equal(rss.copyright, text);
      assert.equal(rss.generator, text);
      const [r1, r2] = rss.items;
      assert.equal(htmlAsText(r1!.title), text);
      assert.equal(htmlAsText(r1!.content), text, 'RSS description is HTML');
      assert.deepEqual(r1!.creators, [text]);
      assert.deepEqual(r2!.creators, [text]);
      const rssCat = (r1!.cats as { _: string; $: { domain: string } }[])[0]!;
      assert.equal(rssCat._, text);
      assert.equal(rssCat.$.domain, `${BASE}/tags/x?a=1&b=2`);

      const json = JSON.parse(feed.json()) as Bag & { items: Bag[] };
      assert.equal(json.title, text);
      assert.equal(json.description, text);
      const [j1, j2] = json.items;
      assert.equal(j1!.title, text);
      assert.equal(j1!.summary, text);
      assert.equal(j1!.content_text, text, 'plain text goes to content_text');
      assert.equal(j1!.content_html, undefined, 'never to content_html');
      assert.deepEqual(j1!.authors, [{ name: text, url: `${BASE}/authors/x` }]);
      assert.deepEqual(j1!.tags, [text]);
      assert.deepEqual(j2!.authors, [{ name: text }]);
    });
  }

  it('keeps XML well-formed when text holds characters XML cannot carry', async () => {
    const feed = buildFeed(meta(), [entry({ title: 'bell\u0007 and \uFFFF', authors: [{ name: 'nul\u0000' }] })]);
    for (const xml of [feed.atom(), feed.rss()]) {
      assert.deepEqual(markupIn(xml), []);
      const parsed = await parser.parseString(xml);
      assert.equal(htmlAsText(parsed.items[0]!.title), 'bell\uFFFD and \uFFFD');
    }
  });
});

describe('feeds: trusted HTML, authors, links and dates', () => {
  const md =
    'Hello **you**. See [the guide](/guides/safety) and ![a map](/media/map.png) or [out](https://elsewhere.example/x).';

  it('publishes the renderer’s HTML as HTML, with same-site links made absolute', async () => {
    const html = renderMarkdown(md);
    const expected = absolutise(html, BASE);
    assert.match(expected, /href="https:\/\/alongside\.example\/guides\/safety"/);
    assert.match(expected, /src="https:\/\/alongside\.example\/media\/map\.png"/);
    assert.match(expected, /href="https:\/\/elsewhere\.example\/x"/);
    const feed = buildFeed(meta(), [entry({ trustedHtml: html, summary: 'Short' })]);

    const atom = await parser.parseString(feed.atom());
    assert.equal(atom.items[0]!.content, expected);
    assert.match(String(atom.items[0]!.content), /<strong>you<\/strong>/);
    const rss = await parser.parseString(feed.rss());
    assert.equal(rss.items[0]!['content:encoded'], expected);
    assert.equal(htmlAsText(rss.items[0]!.content), 'Short');
    const json = JSON.parse(feed.json()) as { items: Bag[] };
    assert.equal(json.items[0]!.content_html, expected);
    assert.equal(json.items[0]!.content_text, undefined);
    for (const out of [feed.atom(), feed.rss(), feed.json()]) assert.doesNotMatch(out, /(href|src)=\\?"\//);
  });

  it('keeps a comment’s rendered Markdown intact, escaped HTML in it included', async () => {
    const html = renderCommentMarkdown('I wrote <img src=x onerror=alert(1)> and ]]> twice ]]>.');
    assert.doesNotMatch(html, /<img/, 'the renderer escapes raw HTML');
    const feed = buildFeed(meta(), [entry({ trustedHtml: html })]);
    assert.deepEqual(markupIn(feed.atom()), []);
    assert.equal((await parser.parseString(feed.atom())).items[0]!.content, html);
  });

  it('never lets "]]>" in trusted HTML close its CDATA section', async () => {
    const html = '<p>x]]>y]]><b>z</b></p>';
    const feed = buildFeed(meta(), [entry({ trustedHtml: html })]);
    for (const xml of [feed.atom(), feed.rss()]) assert.deepEqual(markupIn(xml), []);
    assert.equal((await parser.parseString(feed.atom())).items[0]!.content, '<p>x]]&gt;y]]&gt;<b>z</b></p>');
  });

  it('gives every Atom entry an author: its own, else the fallback (also for blank names)', () => {
    const feed = buildFeed(meta({ fallbackAuthor: 'Anonymous' }), [
      entry({ authors: [{ name: 'Sam' }, { name: 'Kim' }] }),
      entry({ link: '/posts/2' }),
      entry({ link: '/posts/3', authors: [] }),
      entry({ link: '/posts/4', authors: [{ name: '  ' }] }),
    ]);
    const doc = new XMLParser({ isArray: (name) => ['entry', 'author', 'item', 'dc:creator'].includes(name) }).parse(
      feed.atom(),
    ) as { feed: { entry: { author?: { name: string }[] }[] } };
    assert.deepEqual(
      doc.feed.entry.map((e) => e.author?.map((a) => a.name)),
      [['Sam', 'Kim'], ['Anonymous'], ['Anonymous'], ['Anonymous']],
    );
    const rss = new XMLParser({ isArray: (name) => ['item', 'dc:creator'].includes(name) }).parse(feed.rss()) as {
      rss: { channel: { item: { 'dc:creator': string[] }[] } };
    };
    assert.deepEqual(
      rss.rss.channel.item.map((i) => i['dc:creator']),
      [['Sam', 'Kim'], ['Anonymous'], ['Anonymous'], ['Anonymous']],
    );
    const json = JSON.parse(feed.json()) as { items: { authors: { name: string }[] }[] };
    assert.deepEqual(json.items[1]!.authors, [{ name: 'Anonymous' }]);
  });

  it('declares the dc: namespace in RSS even when no entry has HTML content', () => {
    const xml = buildFeed(meta(), [entry({ summary: 'plain' })]).rss();
    assert.match(xml, /<rss version="2\.0" xmlns:dc="http:\/\/purl\.org\/dc\/elements\/1\.1\/"/);
    assert.equal(xml.match(/xmlns:dc=/g)!.length, 1);
  });

  it('makes every link absolute and keeps the ids it is given', async () => {
    const feed = buildFeed(
      meta({ id: '/campaigns/c/pledges.atom', link: '/campaigns/c', self: { atom: '/campaigns/c/pledges.atom' } }),
      [entry({ id: '/campaigns/c#pledge-7', link: '/campaigns/c#pledge-7', image: '/media/posts/a.jpg' })],
    );
    const atomXml = feed.atom();
    assert.match(atomXml, /<id>https:\/\/alongside\.example\/campaigns\/c\/pledges\.atom<\/id>/);
    assert.match(atomXml, /<link rel="self" href="https:\/\/alongside\.example\/campaigns\/c\/pledges\.atom"\/>/);
    assert.match(atomXml, /<icon>https:\/\/alongside\.example\/static\/favicon\.svg<\/icon>/);
    const atom = await parser.parseString(atomXml);
    assert.equal(atom.link, `${BASE}/campaigns/c`);
    assert.equal(atom.items[0]!.id, `${BASE}/campaigns/c#pledge-7`);
    assert.equal(atom.items[0]!.link, `${BASE}/campaigns/c#pledge-7`);
    for (const xml of [atomXml, feed.rss()]) {
      const links = [
        ...[...xml.matchAll(/\s(?:href|url|domain)="([^"]*)"/g)].map((m) => m[1]!),
        ...[...xml.matchAll(/<(?:id|link|guid|icon|uri)(?:\s[^>]*[^/])?>([^<]+)</g)].map((m) => m[1]!),
      ];
      assert.ok(links.length >= 4, links.join(' '));
      for (const u of links) assert.match(u, /^https:\/\/alongside\.example\//, `absolute: ${u}`);
    }
    const json = JSON.parse(feed.json()) as Bag & { items: Bag[] };
    assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(json.home_page_url, `${BASE}/campaigns/c`);
    assert.equal(json.items[0]!.url, `${BASE}/campaigns/c#pledge-7`);
    assert.equal(json.items[0]!.image, `${BASE}/media/posts/a.jpg`);
  });

  it('accepts paths and http(s) URLs only', () => {
    assert.equal(absoluteUrl(`${BASE}/`, '/x'), `${BASE}/x`);
    assert.equal(absoluteUrl(BASE, 'https://other.example/y'), 'https://other.example/y');
    for (const bad of ['x', '//evil.example/x', 'javascript:alert(1)', 'mailto:a@b.example'])
      assert.throws(() => absoluteUrl(BASE, bad));
    assert.throws(() => buildFeed(meta(), [entry({ link: 'posts/one' })]));
    assert.equal(
      absolutise('<a href="/a">x</a><a href="//b">y</a><img src="/c">', `${BASE}/`),
      `<a href="${BASE}/a">x</a><a href="//b">y</a><img src="${BASE}/c">`,
    );
  });

  it('dates the feed by its newest entry or its own change, whichever is later; never by the clock', async () => {
    const older = new Date('2026-01-01T00:00:00Z');
    const newer = new Date('2026-06-01T00:00:00Z');
    const edited = new Date('2026-07-01T00:00:00Z');
    const entries = [entry({ published: older }), entry({ link: '/p/2', published: newer, updated: edited })];
    const atom = await parser.parseString(buildFeed(meta(), entries).atom());
    assert.equal(atom.lastBuildDate, edited.toISOString());
    const later = new Date('2026-08-01T00:00:00Z');
    assert.equal(
      (await parser.parseString(buildFeed(meta({ updated: later }), entries).atom())).lastBuildDate,
      later.toISOString(),
    );
    assert.equal((await parser.parseString(buildFeed(meta(), []).atom())).lastBuildDate, new Date(0).toISOString());
    assert.equal(buildFeed(meta(), entries).rss(), buildFeed(meta(), entries).rss(), 'same input, same bytes');
    // RSS pubDate is the first publication, so an edit does not move an entry up; Atom <updated> is the edit.
    const rss = await parser.parseString(buildFeed(meta(), entries).rss());
    assert.equal(rss.items[1]!.isoDate, newer.toISOString());
    assert.match(buildFeed(meta(), entries).atom(), /<updated>2026-07-01T00:00:00.000Z<\/updated>\s*<author>/);
  });

  it('names the content type of each format', () => {
    assert.deepEqual(FEED_CONTENT_TYPES, {
      atom: 'application/atom+xml; charset=utf-8',
      rss: 'application/rss+xml; charset=utf-8',
      json: 'application/feed+json; charset=utf-8',
    });
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('feeds: the checks above catch what the bare package lets through (positive controls)', () => {
  const bare = (item: Partial<ConstructorParameters<typeof Feed>[0]> = {}) =>
    new Feed({ id: `${BASE}/`, title: 'T', link: `${BASE}/`, updated: new Date(0), ...item });
  const add = (feed: Feed, over: Partial<Parameters<Feed['addItem']>[0]>) => {
    feed.addItem({ title: 'x', link: `${BASE}/p`, date: new Date(0), ...over });
    return feed;
  };

  it('flags a raw <img> in an HTML field, in the XML and after parsing', async () => {
    const xml = add(bare(), { title: HOSTILE[0]! }).atom1();
    assert.deepEqual(markupIn(xml), ['raw <img or <script']);
    const parsed = await parser.parseString(xml);
    assert.throws(() => htmlAsText(parsed.items[0]!.title), /markup in an HTML field/);
    assert.deepEqual(markupIn(add(bare(), { description: '<script>x</script>' }).rss2()), ['raw <img or <script']);
  });

  it('flags text that breaks out of its CDATA through a second "]]>"', () => {
    assert.deepEqual(markupIn(add(bare(), { title: 'a]]>b]]><b>bold</b>' }).atom1()), ['element <b>']);
  });

  it('flags a "<" in an attribute', () => {
    const found = markupIn(add(bare(), { category: [{ name: 'a<b', term: 't' }] }).atom1());
    assert.deepEqual(found, ['attribute "a<b"']);
  });

  it('sees the text-node round trip fail when "&amp;" is handed over unescaped', async () => {
    const atom = await parser.parseString(
      add(bare({ title: 'Tom &amp; Jerry' }), { author: [{ name: '&amp;' }] }).atom1(),
    );
    assert.notEqual(atom.title, 'Tom &amp; Jerry');
    assert.notEqual(atom.items[0]!.author, '&amp;');
  });
});
