import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assetUrl } from '../../core/http/assets.ts';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { makePost } from '../../../test/support/comments.ts';
import { insertImportedComment } from '../comments/repo.ts';

/*
 * Dates readers see (issue 13, item 8): the date in the page's language, the exact time in the
 * `<time>` title, `data-relative` for public/relative-time.js to turn into "3 days ago" (its words
 * are tested in Chromium, test/e2e/readers.e2e.test.ts); comment times no longer ISO beside human
 * dates. Posts are made on 1 November 2026 at 00:00 UTC (test/support/comments.ts).
 */
const times = (html: string): string[] => html.match(/<time\b[^>]*>[^<]*<\/time>/g) ?? [];

for (const dialect of DIALECTS) {
  describe(`dates readers see (${dialect})`, () => {
    let t: TestApp;
    let english = '';
    let french = '';
    before(async () => {
      t = await createTestApp(dialect);
      const post = await makePost(t.db, { title: 'Dated in English' });
      english = post.slug;
      french = (await makePost(t.db, { title: 'Daté en français', language: 'fr' })).slug;
      const comment = { parent_id: null, display_name: 'Robin', body_md: 'Thank you.', fingerprint: 'f' };
      await insertImportedComment(t.db, {
        ...comment,
        post_id: post.id,
        created_at: '2026-11-03T14:05:09.000Z',
        legacy_id: 'dates-1',
      });
    });
    after(() => t.close());

    it('writes a post’s date in the page’s language, the exact time in its title, for the script to make relative', async () => {
      const en = (await t.inject(`/posts/${english}`)).body;
      assert.ok(
        times(en).includes(
          '<time datetime="2026-11-01T00:00:00.000Z" title="Sunday, 1 November 2026 at 00:00:00 UTC" data-relative="date">1 November 2026</time>',
        ),
        times(en).join('\n'),
      );
      assert.ok(en.includes(`<script src="${assetUrl('relative-time.js')}" defer>`), 'the page loads the script');
      const fr = (await t.inject(`/posts/${french}`)).body;
      assert.ok(
        times(fr).includes(
          '<time datetime="2026-11-01T00:00:00.000Z" title="dimanche 1 novembre 2026 à 00:00:00 UTC" data-relative="date">1 novembre 2026</time>',
        ),
        times(fr).join('\n'),
      );
    });

    it('gives comments a human date and time, not an ISO time beside human dates', async () => {
      const html = (await t.inject(`/posts/${english}`)).body;
      const comment = times(html).find((s) => s.includes('2026-11-03'));
      assert.equal(
        comment,
        '<time datetime="2026-11-03T14:05:09.000Z" title="Tuesday, 3 November 2026 at 14:05:09 UTC" data-relative="time">3 November 2026 at 14:05 UTC</time>',
      );
      assert.doesNotMatch(html, /\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    });

    it('does the same on the lists: home and search', async () => {
      for (const url of ['/', `/search?q=Dated`]) {
        const html = (await t.inject(url)).body;
        assert.ok(
          times(html).some((s) => s.includes('title="Sunday, 1 November 2026 at 00:00:00 UTC" data-relative="date"')),
          `${url}: ${times(html).join('\n')}`,
        );
        assert.ok(html.includes(`<script src="${assetUrl('relative-time.js')}" defer>`), `${url} loads the script`);
      }
    });
  });
}
