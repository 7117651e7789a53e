import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registeredCatalogs } from '../../src/core/i18n/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DIALECTS, createTestApp, type TestApp } from '../support/app.ts';
import { pageLinks, pageText, type PageLink } from '../support/page-text.ts';

/*
 * Every public page reachable from the French home page is French: no English sentence from the
 * message catalogs in its text (or in what is read aloud: titles, labels, alt text), and no link
 * or form that drops `lang=fr`. Then the same pages again with no `?lang=` and
 * `Accept-Language: fr`, which must give French too.
 *
 * What counts as "an English string from the catalogs" — every `en` text, cut at its `{placeholders}`,
 * keeping each piece that
 *  - differs from the French text of the same key and does not appear inside it (an English text
 *    identical in French — "Pages", a brand, a URL — says nothing about the page's language);
 *  - has at least two words and 10 characters: single words ("Home", "Training", "Next") and
 *    two-letter fragments also occur in the English *content* French pages show by design (an
 *    English post listed on a French page, a listing's own English name), so they would be found
 *    there rather than in the page's chrome. Multi-word sentences from a catalog do not occur in
 *    content by chance.
 */
const MIN_CHARS = 10;

interface Fragment {
  text: string;
  key: string;
}

function englishFragments(): Fragment[] {
  const found: Fragment[] = [];
  for (const [namespace, catalog] of registeredCatalogs()) {
    for (const [key, en] of Object.entries(catalog.en)) {
      const fr = catalog.fr[key] ?? '';
      if (en === fr) continue;
      for (const piece of en.split(/\{\w+\}/)) {
        const text = piece.replace(/\s+/g, ' ').trim();
        if (text.length < MIN_CHARS || !text.includes(' ') || fr.includes(text)) continue;
        found.push({ text, key: `${namespace}.${key}` });
      }
    }
  }
  return found;
}

/** Same-site paths a reader's page may link to; staff pages, files and machine-readable feeds are not pages to crawl. */
function sitePath(href: string, publicUrl: string): string | undefined {
  let path = href;
  if (path.startsWith(publicUrl)) path = path.slice(publicUrl.length) || '/';
  if (!path.startsWith('/') || path.startsWith('//')) return undefined;
  return path;
}

const NOT_A_PAGE = /^\/(admin|static|media|api|healthz)(\/|\?|$)|\.(xml|json|ics|txt)(\?|#|$)/;
const hasLang = (path: string, lang: string) =>
  new URLSearchParams(path.split('#')[0]!.split('?')[1] ?? '').get('lang') === lang;

/** A link that keeps the language, or says which language it switches to (a hreflang alternate). */
function keepsLang(link: PageLink, path: string): boolean {
  if (link.kind === 'form' && link.method === 'get') return link.hidden?.lang === 'fr' || hasLang(path, 'fr');
  // A language switch (hreflang) goes to a page in that language: it may carry that language or none.
  if (link.hreflang) return !/[?&]lang=/.test(path) || hasLang(path, link.hreflang.split('-')[0]!);
  return hasLang(path, 'fr');
}

/** At most this many pages per path: enough to reach every kind of page without walking every filter combination. */
const PER_PATH = 3;
const MAX_PAGES = 250;

interface Crawl {
  pages: Map<string, string>;
  english: string[];
  dropped: string[];
}

async function crawl(t: TestApp, start: string, fragments: Fragment[]): Promise<Crawl> {
  const result: Crawl = { pages: new Map(), english: [], dropped: [] };
  const queue = [start];
  const perPath = new Map<string, number>();
  while (queue.length > 0 && result.pages.size < MAX_PAGES) {
    const url = queue.shift()!;
    if (result.pages.has(url)) continue;
    const bare = url.split('?')[0]!;
    const seen = perPath.get(bare) ?? 0;
    if (seen >= PER_PATH) continue;
    perPath.set(bare, seen + 1);
    const res = await t.inject(url);
    if (!String(res.headers['content-type']).startsWith('text/html')) continue;
    assert.ok(res.statusCode < 500, `${url} answered ${res.statusCode}`);
    result.pages.set(url, res.body);
    const text = pageText(res.body);
    for (const f of fragments) if (text.includes(f.text)) result.english.push(`${url}: "${f.text}" (${f.key})`);
    for (const link of pageLinks(res.body)) {
      const path = sitePath(link.href, t.config.publicUrl);
      if (path === undefined || NOT_A_PAGE.test(path)) continue;
      if (!keepsLang(link, path)) result.dropped.push(`${url}: ${link.kind} ${link.method ?? ''} ${link.href}`);
      const next = path.split('#')[0]!;
      if (link.kind === 'a' && !link.hreflang) queue.push(next);
    }
  }
  return result;
}

const report = (lines: string[]) => `${lines.length} found:\n${[...new Set(lines)].slice(0, 60).join('\n')}`;

for (const dialect of DIALECTS) {
  describe(`every public page in French (${dialect})`, () => {
    let t: TestApp;
    const fragments = englishFragments();
    let first: Crawl;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDemo(t.db, t.clock);
    });
    after(() => t.close());

    it('builds its list of English strings from every catalog', () => {
      assert.ok(registeredCatalogs().size >= 9, `catalogs: ${[...registeredCatalogs().keys()].join(', ')}`);
      assert.ok(fragments.length > 300, `only ${fragments.length} fragments`);
    });

    it('with ?lang=fr: no English catalog string on any page reachable from /, and every link keeps lang=fr', async () => {
      first = await crawl(t, '/?lang=fr', fragments);
      assert.ok(first.pages.size >= 25, `only ${first.pages.size} pages reached: ${[...first.pages.keys()].join(' ')}`);
      assert.deepEqual(first.dropped, [], `links that drop lang=fr: ${report(first.dropped)}`);
      assert.deepEqual(first.english, [], `English on French pages: ${report(first.english)}`);
    });

    it('with Accept-Language: fr and no ?lang: the same pages are French', async () => {
      const english: string[] = [];
      for (const url of first.pages.keys()) {
        const params = new URLSearchParams(url.split('?')[1] ?? '');
        params.delete('lang');
        const bare = url.split('?')[0]! + (params.size ? `?${params}` : '');
        const res = await t.inject({ url: bare, headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.8' } });
        const text = pageText(res.body);
        for (const f of fragments) if (text.includes(f.text)) english.push(`${bare}: "${f.text}" (${f.key})`);
        assert.match(String(res.headers.vary), /accept-language/i, `${bare} must vary on Accept-Language`);
      }
      assert.deepEqual(english, [], report(english));
    });
  });
}
