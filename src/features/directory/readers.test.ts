import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { resolvePlace } from './gazetteer.ts';
import { loginAs, postForm } from '../../../test/support/staff.ts';
import { seedDirectory } from './seed.ts';

/*
 * The public directory as a reader meets it (issue 13): words readers use find the services the
 * vocabulary names ("lawyer" → Legal, « avocat » too), round-the-clock services say so, a listing
 * not checked for six months warns, counts read "1 result", a far more likely place is picked at
 * once with the others offered, and every answer carries the id the search form lands on.
 */
const LEGAL = ['Rede Direitos São Paulo (demo)', 'Toronto Peer Legal Clinic (demo)', 'Écoute Travail du Sexe (demo)'];

/** The names of the result cards, in order. */
function resultNames(html: string): string[] {
  const list = /<ol class="result-list">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<h3><a href="[^"]*">([^<]*)<\/a><\/h3>/g)].map((m) => decode(m[1]!));
}
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#39;|&#x27;/g, "'");
const heading = (html: string) => /<h2 id="results-title">([^<]*)/.exec(html)?.[1] ?? '';

describe('place names', () => {
  it('picks a far more populous place at once and still asks between near equals', () => {
    const london = resolvePlace('London', { preferLikely: true });
    assert.ok(london.kind === 'found' && london.place.country === 'GB', 'London, England is picked');
    assert.ok(london.kind === 'found' && london.others.some((p) => p.country === 'CA'), 'London, Ontario is offered');
    assert.equal(resolvePlace('London').kind, 'ambiguous', 'without preferLikely (geocoding listings) it still asks');
    assert.equal(resolvePlace('Springfield', { preferLikely: true }).kind, 'ambiguous');
  });
});

for (const dialect of DIALECTS) {
  describe(`the directory answers readers (${dialect})`, () => {
    let t: TestApp;
    const get = async (url: string) => {
      const res = await t.inject(url);
      assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
      return res.body;
    };
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
    });
    after(() => t.close());

    it('finds the Legal listings for "lawyer" and « avocat », by the vocabulary’s synonyms', async () => {
      for (const url of ['/resources?q=lawyer', '/resources?q=lawyers', '/resources?q=avocat&lang=fr']) {
        const found = resultNames(await get(url));
        // The three Legal listings, and one whose text offers "a legal advice day".
        assert.deepEqual(found.sort(), [...LEGAL, 'Bangkok Sisters Drop-in (demo)'].sort(), url);
      }
      // A synonym narrows like any other word: with "Toronto" only the Toronto clinic is left.
      assert.deepEqual(resultNames(await get('/resources?q=lawyer+toronto')), ['Toronto Peer Legal Clinic (demo)']);
      // "clinic" reaches Health listings whose text never says "clinic".
      assert.ok(resultNames(await get('/resources?q=clinic')).includes('Red Umbrella Drop-in (demo)'));
    });

    it('lets curators edit a term’s synonyms in English and French, and the search follows', async () => {
      assert.deepEqual(resultNames(await get('/resources?q=shelterhouse')), []);
      const admin = await loginAs(t, 'admin');
      const page = await t.inject({ url: '/admin/resources/taxonomy', headers: { cookie: admin.cookie } });
      const housing =
        /action="\/admin\/resources\/taxonomy\/([0-9a-f-]+)\/synonyms"(?:(?!<\/form>)[^])*English synonyms of Housing/.exec(
          page.body,
        );
      assert.ok(housing, 'each term has a synonyms form');
      const url = `/admin/resources/taxonomy/${housing[1]}/synonyms`;
      const refused = await postForm(t, url, { en: 'shelter, two words', fr: '' }, admin);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /“two words” is not one word/);
      const res = await postForm(t, url, { en: 'shelter, Shelterhouse', fr: 'logement, maisonabri' }, admin);
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const found = resultNames(await get('/resources?q=shelterhouse'));
      assert.ok(found.includes('Safe Harbour House (demo)'), found.join());
      assert.ok(resultNames(await get('/resources?q=maisonabri&lang=fr')).includes('Safe Harbour House (demo)'));
      assert.deepEqual(resultNames(await get('/resources?q=hostel')), [], 'a synonym taken away no longer matches');
    });

    it('says "Open 24 hours" for round-the-clock services, in both languages', async () => {
      const en = await get('/resources/worldwide-peer-chat');
      assert.match(en, /Open 24 hours/);
      assert.doesNotMatch(en, /00:00–00:00/);
      const fr = await get('/resources/worldwide-peer-chat?lang=fr');
      assert.match(fr, /Ouvert 24 h\/24/);
      assert.doesNotMatch(fr, /00:00–00:00/);
      const results = await get('/resources?q=peer+chat');
      assert.match(results, /Open 24 hours/);
      assert.doesNotMatch(results, /00:00–00:00/);
    });

    it('warns readers about a listing not checked for over six months, and not about a recent one', async () => {
      // Safe Harbour House was verified 300 days before the test clock; Worldwide Peer Chat 5 days before.
      const stale = await get('/resources/safe-harbour-house');
      assert.match(stale, /Last checked more than 6 months ago/);
      assert.match(await get('/resources/safe-harbour-house?lang=fr'), /il y a plus de 6 mois/);
      assert.doesNotMatch(await get('/resources/worldwide-peer-chat'), /more than 6 months/);
      assert.match(await get('/resources?q=harbour'), /Not checked for over 6 months/);
    });

    it('counts with the language’s plural rules', async () => {
      assert.equal(heading(await get('/resources?q=toronto+lawyer')), '1 result');
      assert.equal(heading(await get('/resources?q=toronto+lawyer&lang=fr')), '1 résultat');
      assert.equal(heading(await get('/resources?q=lawyer')), '4 results');
      assert.equal(heading(await get('/resources?q=lawyer&lang=fr')), '4 résultats');
      assert.equal(heading(await get('/resources?q=qqqqzzzz')), '0 results');
      assert.equal(heading(await get('/resources?q=qqqqzzzz&lang=fr')), '0 résultat');
    });

    it('searches near London at once, offering the other Londons, and asks between Springfields', async () => {
      const london = await get('/resources?place=London');
      assert.match(heading(london), /London, England, United Kingdom/);
      assert.ok(resultNames(london).includes('Red Umbrella Drop-in (demo)'));
      assert.match(london, /<summary>Not this London\?<\/summary>/);
      assert.match(london, /London, Ontario, Canada<\/a>/);
      assert.match(await get('/resources?place=London&lang=fr'), /Pas ce lieu « London » \?/);
      const springfield = await get('/resources?place=Springfield');
      assert.match(
        springfield,
        /<section[^>]*id="answer"[^>]*>\s*<h2 id="place-choices">Which Springfield do you mean\?/,
      );
      assert.equal(resultNames(springfield).length, 0);
    });

    it('lands every search on its answer: results first, filters folded with their count, empty choices folded', async () => {
      const html = await get('/resources?q=lawyer&category=legal');
      assert.match(html, /<form method="get" action="\/resources#answer" class="directory-search"/);
      const results = html.indexOf('id="answer"');
      const filters = html.indexOf('<details class="filters-fold"');
      assert.ok(results > 0 && filters > results, 'results come before the filters');
      assert.match(html, /<summary>Filters \(chosen: 1\)<\/summary>/);
      assert.match(html, /<form method="get" action="\/resources#answer" class="filters"/);
      // Choices none of these results carry fold away; the chosen one stays in sight.
      const category = /<legend>Category<\/legend>([\s\S]*?)<\/fieldset>/.exec(html)![1]!;
      const [open, folded = ''] = category.split('<details class="facet-more">');
      assert.match(open!, /value="legal" checked/);
      assert.doesNotMatch(open!, /\(0\)/, 'no zero count outside the fold');
      assert.match(folded, /value="housing"/);
      // An error is the answer when the search cannot run.
      const bad = await t.inject('/resources?radius=1000&place=Paris');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /<div id="answer" class="answer"><div id="error-summary"/);
    });
  });
}
