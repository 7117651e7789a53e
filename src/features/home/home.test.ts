import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { makePost } from '../../../test/support/comments.ts';
import { seedDirectory } from '../directory/seed.ts';

/*
 * The home page puts help first (issue 13): the directory search, "Talk to someone now" with the
 * crisis lines for the region the reader picked (?region=, nothing stored) and worldwide ones, and
 * "Stay safe on this site" — all before the introduction and the posts. Posts can be searched from
 * the header; a card in another language than the page says which.
 */
const crisisSection = (html: string) => /<section class="help-talk"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
/** The names of the crisis lines listed, in order. */
const lineNames = (html: string) =>
  [...crisisSection(html).matchAll(/<li><a href="\/resources\/[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]);

for (const dialect of DIALECTS) {
  describe(`home page: help first (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      await makePost(t.db, { title: 'Une note en français', slug: 'une-note', language: 'fr' });
      await makePost(t.db, { title: 'A note in English', slug: 'a-note' });
    });
    after(() => t.close());

    it('shows find support, talk to someone and stay safe before the introduction and the posts', async () => {
      const res = await t.inject('/');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['set-cookie'], undefined, 'an anonymous page sets no cookie');
      const html = res.body;
      const at = (needle: string) => {
        const i = html.indexOf(needle);
        assert.ok(i >= 0, `${needle} is on the page`);
        return i;
      };
      const order = [
        at('id="home-directory-title"'),
        at('id="help-talk-title"'),
        at('id="help-safe-title"'),
        at('class="intro"'),
        at('A note in English'),
      ];
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        'help, then the introduction, then posts',
      );
      assert.match(html, /<form[^>]*data-directory-search[^>]*>/, 'the directory search itself, not a link to it');
      assert.match(html, /<a href="\/safety">How to visit safely<\/a>/);
      assert.match(html, /<form method="get" action="\/search" role="search" class="header-search"/);
    });

    it('lists worldwide crisis lines, and the chosen region’s own lines first', async () => {
      assert.deepEqual(lineNames((await t.inject('/')).body), ['Worldwide Peer Chat (demo)']);
      const gb = (await t.inject('/?region=gb')).body;
      assert.deepEqual(lineNames(gb), ['Nightline for Sex Workers (demo)', 'Worldwide Peer Chat (demo)']);
      assert.match(crisisSection(gb), /Call <a href="tel:\+442079460120">\+44 20 7946 0120<\/a>/);
      assert.match(crisisSection(gb), /Text <a href="sms:\+442079460121">\+44 20 7946 0121<\/a>/);
      assert.match(gb, /<option value="gb" selected[^>]*>United Kingdom<\/option>/);
      // The region travels in the address only; upper case works too.
      assert.deepEqual(lineNames((await t.inject('/?region=US')).body), [
        'Trafficking Support Line USA (demo)',
        'Worldwide Peer Chat (demo)',
      ]);
      // The chooser offers the regions some crisis line covers, and lands back on the lines.
      assert.match(crisisSection(gb), /<form method="get" action="\/#talk"/);
      assert.match(crisisSection(gb), /<option value="us"/);
    });

    it('treats a region it does not know, or nonsense, as worldwide; refuses an over-long one', async () => {
      for (const region of ['zz', 'gbr', '%3Cscript%3E', '', '12', 'g%20b']) {
        const res = await t.inject(`/?region=${region}`);
        assert.equal(res.statusCode, 200, region);
        assert.deepEqual(lineNames(res.body), ['Worldwide Peer Chat (demo)'], region);
        assert.doesNotMatch(res.body, /<script>/);
      }
      const long = await t.inject(`/?region=${'a'.repeat(11)}`);
      assert.equal(long.statusCode, 400);
      const twice = await t.inject('/?region=gb&region=us');
      assert.equal(twice.statusCode, 400, 'one region, not a list');
    });

    it('labels a card in another language with that language’s own name', async () => {
      const html = (await t.inject('/')).body;
      const card = (title: string) =>
        new RegExp(`<li class="card"[^>]*>(?:(?!</li>)[\\s\\S])*${title}[\\s\\S]*?</li>`).exec(html)?.[0] ?? '';
      assert.match(card('Une note en français'), /^<li class="card" lang="fr">/);
      assert.match(card('Une note en français'), /<p class="lang-label">Français<\/p>/);
      assert.match(card('A note in English'), /^<li class="card">/);
      assert.doesNotMatch(card('A note in English'), /lang-label/);
    });
  });
}
