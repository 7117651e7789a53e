import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';

/*
 * The site's time zone: an admin picks it; editors enter "Publish at" in it and see the UTC time
 * beside it; the post goes live at that UTC instant (manual clock), summer time or not.
 */
for (const dialect of DIALECTS) {
  describe(`scheduling in the site’s time zone (${dialect})`, () => {
    let t: TestApp;
    let admin: StaffSession;
    let editor: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      admin = await loginAs(t, 'admin');
      editor = await loginAs(t, 'editor');
    });
    after(() => t.close());

    const setZone = (zone: string) =>
      postForm(t, '/admin/identity', { name: 'Alongside', time_zone: zone, accent_default: '1' }, admin);
    const published = async (slug: string) =>
      (await t.db.selectFrom('posts').where('slug', '=', slug).select('published_at').executeTakeFirstOrThrow())
        .published_at;
    const schedule = (slug: string, when: string) =>
      postForm(
        t,
        '/admin/posts',
        { title: slug, slug, body_md: 'Words.', language: 'en', intent: 'schedule', publish_at: when },
        editor,
      );

    it('lets an admin choose the zone from the list, and refuses any other', async () => {
      const page = await t.inject({ url: '/admin/identity', headers: { cookie: admin.cookie } });
      assert.match(page.body, /<select id="field-time_zone" name="time_zone"/);
      assert.match(page.body, /<option value="UTC" selected>UTC<\/option>/);
      assert.match(page.body, /<option value="Europe\/Paris">Europe\/Paris<\/option>/);
      for (const bad of ['Mars/Olympus_Mons', 'europe/paris', '+01:00', 'Europe/Paris\u0000']) {
        const res = await setZone(bad);
        assert.equal(res.statusCode, 400, bad);
        if (!bad.includes('\u0000')) assert.match(res.body, /Choose the time zone from the list/);
      }
      assert.equal(t.app.deps.identity.stored().timeZone, 'UTC', 'nothing changed');
      const res = await setZone('Europe/Paris');
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      assert.equal(t.app.deps.identity.stored().timeZone, 'Europe/Paris');
      const audit = await t.db
        .selectFrom('audit_log')
        .where('action', '=', 'identity.update')
        .select('detail')
        .execute();
      assert.ok(
        audit.some((a) => /timeZone/.test(a.detail ?? '')),
        'the change is audited',
      );
    });

    it('reads "Publish at" in that zone, shows the UTC beside it and publishes at that instant', async () => {
      // Sessions end after a while without use: a fresh one after moving the clock.
      t.clock.set('2026-11-30T12:00:00Z');
      editor = await loginAs(t, 'editor');
      const res = await schedule('winter-post', '2026-12-01T10:00');
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      assert.equal(await published('winter-post'), '2026-12-01T09:00:00.000Z');
      const id = /\/admin\/posts\/(\d+)\/edit/.exec(String(res.headers.location))![1];
      const page = await t.inject({ url: `/admin/posts/${id}/edit`, headers: { cookie: editor.cookie } });
      assert.match(page.body, /Publish at \(Europe\/Paris time\)/);
      assert.match(page.body, /name="publish_at"[^>]*value="2026-12-01T10:00"/);
      assert.match(page.body, /2026-12-01 10:00 \(Europe\/Paris\) = 2026-12-01 09:00 UTC/);

      t.clock.set('2026-12-01T08:59:59Z');
      assert.equal((await t.inject('/posts/winter-post')).statusCode, 404, 'not before 10:00 in Paris');
      t.clock.set('2026-12-01T09:00:00Z');
      assert.equal((await t.inject('/posts/winter-post')).statusCode, 200, 'live at 09:00 UTC');
    });

    it('follows summer time, and refuses the hour the clocks skip with a clear message', async () => {
      t.clock.set('2027-01-10T12:00:00Z');
      editor = await loginAs(t, 'editor');
      assert.equal((await schedule('summer-post', '2027-07-01T10:00')).statusCode, 303);
      assert.equal(await published('summer-post'), '2027-07-01T08:00:00.000Z');
      const gap = await schedule('gap-post', '2027-03-28T02:30');
      assert.equal(gap.statusCode, 400);
      assert.match(gap.body, /That time does not exist in Europe\/Paris/);
      assert.equal(
        await t.db.selectFrom('posts').where('slug', '=', 'gap-post').select('id').executeTakeFirst(),
        undefined,
      );
      // Past in Paris though still future in UTC terms a moment earlier: 2027-01-10 12:30 Paris is 11:30 UTC.
      const past = await schedule('past-post', '2027-01-10T12:30');
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /in the past/);
    });
  });
}
