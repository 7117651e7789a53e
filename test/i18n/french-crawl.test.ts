import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registeredCatalogs } from '../../src/core/i18n/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DIALECTS, createTestApp, type TestApp } from '../support/app.ts';
import { pageLinks, pageText, type PageLink } from '../support/page-text.ts';
import { cookieFrom, csrfFrom, formValues } from '../support/staff.ts';
import { PROGRESS_COOKIE } from '../../src/features/training/routes.tsx';
import { allLessons, isGraded, type CourseContent } from '../../src/features/training/content.ts';

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

async function crawl(t: TestApp, start: string, fragments: Fragment[], cookie?: string): Promise<Crawl> {
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
    const res = await t.inject({ url, headers: cookie ? { cookie } : {} });
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

    it('a learner with a progress code, forms sent back with errors, a missing page: French too', async () => {
      const english: string[] = [];
      const dropped: string[] = [];
      const check = (url: string, res: { statusCode: number; body: string }) => {
        assert.ok(res.statusCode < 500, `${url} answered ${res.statusCode}`);
        const text = pageText(res.body);
        for (const f of fragments) if (text.includes(f.text)) english.push(`${url}: "${f.text}" (${f.key})`);
        for (const link of pageLinks(res.body)) {
          const path = sitePath(link.href, t.config.publicUrl);
          if (path !== undefined && !NOT_A_PAGE.test(path) && !keepsLang(link, path))
            dropped.push(`${url}: ${link.kind} ${link.href}`);
        }
      };
      const get = async (url: string, cookie?: string) => {
        const res = await t.inject({ url, headers: cookie ? { cookie } : {} });
        check(url, res);
        return res;
      };
      const send = async (action: string, fields: Record<string, string | string[]>, cookie?: string) => {
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) body.append(k, item);
        const res = await t.inject({
          method: 'POST',
          url: action,
          payload: body.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        });
        if (res.statusCode !== 303) check(`POST ${action}`, res);
        return res;
      };

      // A learner starts the demo course in French: the code page, the lessons with progress, a failed
      // and a passed quiz, the certificate form, the congratulation and verification pages.
      const course = await t.db
        .selectFrom('training_courses as c')
        .innerJoin('training_course_versions as v', 'v.id', 'c.published_version_id')
        .select(['c.slug', 'v.content_json'])
        .orderBy('c.id')
        .executeTakeFirstOrThrow();
      const content = JSON.parse(course.content_json) as CourseContent;
      const coursePage = await get(`/training/${course.slug}?lang=fr`);
      const started = await send(`/training/${course.slug}/start?lang=fr`, { _csrf: csrfFrom(coursePage.body) });
      assert.equal(started.statusCode, 303);
      assert.match(String(started.headers.location), /lang=fr/, 'the redirect keeps the language');
      const cookie = `${PROGRESS_COOKIE}=${cookieFrom(started.headers['set-cookie'], PROGRESS_COOKIE)}`;
      const learner = await crawl(t, String(started.headers.location), fragments, cookie);
      assert.ok(
        [...learner.pages.keys()].some((u) => u.startsWith('/training/code')),
        'the crawl reached the code page',
      );
      english.push(...learner.english);
      dropped.push(...learner.dropped);
      const csrf = csrfFrom(coursePage.body);
      for (const lesson of allLessons(content)) {
        const graded = lesson.questions.filter(isGraded);
        const base = `/training/${course.slug}/${lesson.slug}`;
        if (graded.length === 0) {
          assert.equal((await send(`${base}/complete?lang=fr`, { _csrf: csrf }, cookie)).statusCode, 303);
          continue;
        }
        // Every right option, or the first wrong one (a single-choice question takes one answer).
        const answers = (right: boolean) =>
          Object.fromEntries(
            graded.map((q) => {
              const picked = q.options.flatMap((o, i) => (o.isCorrect === right ? [String(i)] : []));
              return [`q_${q.key}`, right ? picked : picked.slice(0, 1)];
            }),
          );
        const failed = await send(`${base}/quiz?lang=fr`, { _csrf: csrf, ...answers(false) }, cookie);
        assert.equal(failed.statusCode, 200, `a wrong answer to ${lesson.slug} is graded`);
        const passed = await send(`${base}/quiz?lang=fr`, { _csrf: csrf, ...answers(true) }, cookie);
        assert.equal(passed.statusCode, 200, `the right answers to ${lesson.slug} are graded`);
      }
      const finished = await get(`/training/${course.slug}?lang=fr`, cookie);
      const certAction = `/training/${course.slug}/certificate?lang=fr`;
      assert.equal(
        (await send(certAction, { ...formValues(finished.body, certAction), name: '' }, cookie)).statusCode,
        400,
      );
      const issued = await send(certAction, { ...formValues(finished.body, certAction), name: 'Camille Test' }, cookie);
      assert.equal(issued.statusCode, 303, 'a certificate is issued');
      const congratulation = await get(String(issued.headers.location), cookie);
      assert.match(congratulation.body, /Camille Test/);
      await get(String(issued.headers.location).replace('/issued', ''));
      assert.equal((await send('/training/resume?lang=fr', { _csrf: csrf, code: 'not a code' })).statusCode, 400);

      // Forms sent back with their errors, as a reader would see them.
      const campaign = await t.db.selectFrom('campaigns').select('slug').orderBy('id').executeTakeFirstOrThrow();
      const campaignPage = await get(`/campaigns/${campaign.slug}?lang=fr`);
      const pledge = await send(`/campaigns/${campaign.slug}/pledges?lang=fr`, { _csrf: csrfFrom(campaignPage.body) });
      assert.equal(pledge.statusCode, 400);
      assert.match(pledge.body, /class="error-summary"/);
      const post = await t.db
        .selectFrom('posts')
        .select('slug')
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
      const postPage = await get(`/posts/${post.slug}?lang=fr`);
      const comment = await send(`/posts/${post.slug}/comments?lang=fr`, { _csrf: csrfFrom(postPage.body) });
      assert.equal(comment.statusCode, 400);
      const suggest = await get('/resources/suggest?lang=fr');
      assert.equal((await send('/resources/suggest?lang=fr', { _csrf: csrfFrom(suggest.body) })).statusCode, 400);
      assert.equal((await get('/no-such-page?lang=fr')).statusCode, 404);

      assert.deepEqual(dropped, [], `links that drop lang=fr: ${report(dropped)}`);
      assert.deepEqual(english, [], `English on French pages: ${report(english)}`);
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
