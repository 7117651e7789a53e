import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { createTestApp, DIALECTS, type TestApp } from '../../../test/support/app.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { seedDemo } from '../../demo/seed.ts';

/*
 * Every feed the site serves, read by an independent parser (rss-parser) after readers and staff
 * wrote markup into every plain-text field they control: what they wrote comes back as the same
 * text, and no raw element of theirs is left anywhere in the XML. And the sitemap lists listings
 * and campaigns too, but no confidential or closed listing.
 */
const IMG = '<img src="https://tracker.example/p.gif">';
const SCRIPT = '<script>alert(1)</script>';
const POST_TITLE = `Rights & wrongs <b>${IMG}`;

type Bag = Record<string, unknown>;
const parser = new Parser<Bag, Bag>({
  customFields: {
    item: [
      ['author', 'authors', { keepArray: true }],
      ['summary', 'summaryText'],
    ],
  },
});

/** HTML text as a reader shows it: no markup of its own, entities decoded. */
function shown(html: unknown): string {
  assert.equal(typeof html, 'string');
  assert.doesNotMatch(html as string, /</, `markup in an HTML field: ${String(html)}`);
  return (html as string)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function assertNoRawMarkup(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  assert.doesNotMatch(xml, /<img|<script|<b>/i, 'no raw element from reader-written text');
}

for (const dialect of DIALECTS) {
  describe(`feeds with hostile reader-written text, and the sitemap (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      t.clock.set(new Date('2026-11-28T12:00:00Z'));
      await seedDemo(t.db, t.clock);
      // Approved reader-written text, as moderation would leave it.
      await t.db
        .updateTable('campaign_pledges')
        .set({ action: `I will ${IMG}${SCRIPT}`, display_name: `Ana ${IMG}`, place: `Leeds ${SCRIPT}` })
        .where('status', '=', 'approved')
        .execute();
      await t.db
        .updateTable('comments')
        .set({ display_name: `Bo ${IMG}`, body_md: `Thanks ${SCRIPT} ${IMG}` })
        .where('status', '=', 'approved')
        .execute();
      await t.db.updateTable('posts').set({ title: POST_TITLE }).where('slug', '=', 'support-not-rescue').execute();
    });
    after(() => t.close());

    it('pledges.atom: pledge text, names and places are text, and every entry has an author', async () => {
      const res = await t.inject('/campaigns/16-days-2026/pledges.atom');
      assert.equal(res.statusCode, 200);
      assertNoRawMarkup(res.body);
      const feed = await parser.parseString(res.body);
      assert.ok(feed.items.length > 0);
      for (const item of feed.items) {
        assert.ok(shown(item.title).startsWith(`Ana ${IMG}: `), String(item.title));
        assert.equal(shown(item.summaryText), `I will ${IMG}${SCRIPT} (Leeds ${SCRIPT})`);
        const authors = item.authors as { name: string[] }[];
        assert.deepEqual(
          authors.map((a) => a.name[0]),
          [`Ana ${IMG}`],
        );
      }
    });

    it('comment feeds: names and titles are text; the body only as our renderer’s escaped HTML', async () => {
      for (const url of ['/comments.atom', '/posts/support-not-rescue/comments.atom']) {
        const res = await t.inject(url);
        assert.equal(res.statusCode, 200, url);
        assertNoRawMarkup(res.body);
        const feed = await parser.parseString(res.body);
        assert.ok(feed.items.length > 0, url);
        for (const item of feed.items) {
          assert.match(shown(item.title), /^Bo <img src="https:\/\/tracker\.example\/p\.gif"> — /);
          assert.doesNotMatch(
            String(item.content),
            /<img|<script/i,
            'the rendered comment holds no markup of the reader',
          );
          assert.ok(((item.authors as unknown[]) ?? []).length > 0, 'an author on every entry');
        }
        assert.ok(feed.items.some((i) => shown(i.title).endsWith(`— ${POST_TITLE}`)));
      }
    });

    it('post feeds (RSS, Atom, JSON): a title with < and & is text, in every format', async () => {
      for (const url of ['/feed.xml', '/atom.xml']) {
        const res = await t.inject(url);
        assertNoRawMarkup(res.body);
        const feed = await parser.parseString(res.body);
        const item = feed.items.find((i) => String(i.link).endsWith('/posts/support-not-rescue'))!;
        assert.equal(shown(item.title), POST_TITLE, url);
      }
      const json = JSON.parse((await t.inject('/feed.json')).body) as { items: { title: string; url: string }[] };
      assert.equal(json.items.find((i) => i.url.endsWith('/posts/support-not-rescue'))!.title, POST_TITLE);
    });

    it('the sitemap lists open listings and campaigns, and no confidential or closed listing', async () => {
      const closed = await t.db
        .selectFrom('service')
        .select(['id', 'slug'])
        .where('slug', 'like', 'nightline%')
        .executeTakeFirstOrThrow();
      await t.db.updateTable('service').set({ status: 'inactive' }).where('id', '=', closed.id).execute();
      await t.app.deps.pageCache.invalidate(cacheTags.all);
      const res = await t.inject('/sitemap.xml');
      assert.equal(res.statusCode, 200);
      assert.equal(XMLValidator.validate(res.body), true);
      const doc = new XMLParser().parse(res.body) as { urlset: { url: { loc: string }[] } };
      const locs = doc.urlset.url.map((u) => u.loc);
      assert.ok(locs.includes('http://alongside.test/campaigns/16-days-2026'));
      const listings = locs.filter((l) => l.startsWith('http://alongside.test/resources/'));
      const confidential = await t.db
        .selectFrom('service')
        .innerJoin('service_at_location as sal', 'sal.service_id', 'service.id')
        .innerJoin('location', 'location.id', 'sal.location_id')
        .select('service.slug')
        .where('location.is_confidential', '=', 1)
        .execute();
      assert.ok(confidential.length > 0, 'the demo has a confidential listing');
      const open = await t.db.selectFrom('service').select('slug').where('status', '=', 'active').execute();
      const expected = open
        .map((s) => s.slug)
        .filter((s) => !confidential.some((c) => c.slug === s))
        .map((s) => `http://alongside.test/resources/${s}`)
        .sort();
      assert.deepEqual(listings.sort(), expected);
      assert.ok(!listings.some((l) => l.endsWith(`/${closed.slug}`)), 'a closed listing is left out');
      for (const c of confidential) assert.ok(!listings.some((l) => l.endsWith(`/${c.slug}`)), c.slug);
    });
  });
}
