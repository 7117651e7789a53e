import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fingerprintHash } from '../../core/antispam/index.ts';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { makePost } from '../../../test/support/comments.ts';
import { loginAs } from '../../../test/support/staff.ts';
import { insertComment } from '../comments/repo.ts';

/*
 * The staff dashboard over HTTP: what waits in each queue, shown only to roles that may act on it,
 * each count a link to its queue; the per-day trend drawn as a chart with its numbers behind it;
 * and the staff header and footer (logout, the session cookie named) on every staff page.
 */
for (const dialect of DIALECTS) {
  describe(`staff dashboard (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      const post = await makePost(t.db, { title: 'Dashboard post' });
      const at = (daysAgo: number) => new Date(t.clock.now().getTime() - daysAgo * 86_400_000).toISOString();
      for (const [name, daysAgo] of [
        ['<img src=x onerror=alert(1)>', 0],
        ['Two days ago', 2],
        ['Also two days ago', 2],
      ] as const) {
        await insertComment(t.db, {
          post_id: post.id,
          parent_id: null,
          display_name: name,
          body_md: `A comment from ${name}`,
          status: 'pending',
          is_staff: 0,
          staff_user_id: null,
          challenge_passed: 1,
          token_hash: null,
          fingerprint: fingerprintHash(`${name} ${daysAgo}`),
          legacy_id: null,
          created_at: at(daysAgo),
          updated_at: at(daysAgo),
          editable_until: null,
          status_changed_at: at(daysAgo),
          moderated_by: null,
          edit_count: 0,
        });
      }
    });
    after(() => t.close());

    it('counts the waiting work a moderator may do, each count linking to its queue', async () => {
      const s = await loginAs(t, 'moderator');
      const home = await t.inject({ url: '/admin', headers: { cookie: s.cookie } });
      assert.equal(home.statusCode, 200);
      assert.match(
        home.body,
        /<li class="queue-count queue-count--waiting" data-queue="comments_pending"><a href="\/admin\/comments\?queue=pending"><span class="queue-count__number">3<\/span>/,
      );
      for (const queue of [
        'pledges_pending',
        'resource_suggestions',
        'resource_reports',
        'listings_due_for_verification',
      ])
        assert.match(home.body, new RegExp(`data-queue="${queue}"`), queue);
    });

    it('shows a role only the queues it may act on', async () => {
      const trainer = await loginAs(t, 'trainer');
      const home = await t.inject({ url: '/admin', headers: { cookie: trainer.cookie } });
      assert.equal(home.statusCode, 200);
      assert.doesNotMatch(home.body, /data-queue=|data-waiting|queue-trends/, 'a trainer moderates nothing');
      const editor = await loginAs(t, 'editor');
      const editorHome = await t.inject({ url: '/admin', headers: { cookie: editor.cookie } });
      assert.match(editorHome.body, /data-queue="pledges_pending"/);
      assert.doesNotMatch(editorHome.body, /data-queue="comments_pending"/);
    });

    it('draws what arrived per day as a chart with the numbers in a table behind it', async () => {
      const s = await loginAs(t, 'moderator');
      const home = await t.inject({ url: '/admin', headers: { cookie: s.cookie } });
      assert.match(home.body, /<figure class="chart" id="queue-trends" aria-labelledby="queue-trends-caption">/);
      assert.match(home.body, /<svg class="chart__svg"[^>]*role="img"[^>]*aria-label="Arrivals and verifications/);
      const day = (daysAgo: number) =>
        new Date(t.clock.now().getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
      // Columns in the order features registered: Day, Suggestions, Reports, Verified, Comments, Pledges.
      assert.match(
        home.body,
        new RegExp(`<th scope="row">${day(2)}</th><td>0</td><td>0</td><td>0</td><td>2</td><td>0</td>`),
      );
      assert.match(
        home.body,
        new RegExp(`<th scope="row">${day(0)}</th><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td>`),
      );
      assert.match(
        home.body,
        new RegExp(`<th scope="row">${day(1)}</th><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>`),
      );
    });

    it('puts logout in the header and names the session cookie in the footer of staff pages', async () => {
      const s = await loginAs(t, 'moderator');
      const queue = await t.inject({ url: '/admin/comments', headers: { cookie: s.cookie } });
      const header = queue.body.slice(queue.body.indexOf('<header'), queue.body.indexOf('</header>'));
      assert.match(header, /<form method="post" action="\/admin\/logout">/);
      assert.match(header, /Signed in as Test moderator/);
      const footer = queue.body.slice(queue.body.indexOf('<footer'));
      assert.match(footer, /one cookie, alongside_staff, that holds your session for up to 12 hours/);
      assert.doesNotMatch(footer, /nothing kept in your browser/);
      // The hostile name in the queue is text, inside the verdict group's label too.
      assert.doesNotMatch(queue.body, /<img src=x/);
      assert.match(queue.body, /role="group" aria-label="Comment by &lt;img src=x onerror=alert\(1\)>/);
      // A reader's page keeps the anonymous footer and no staff bar.
      const reader = await t.inject({ url: '/safety' });
      assert.doesNotMatch(reader.body, /data-staff-bar|data-logout/);
      assert.match(reader.body, /nothing kept in your browser unless/);
    });
  });
}
