import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { anonCsrf, easyChallenges, makePost, solvedAltcha } from '../../../test/support/comments.ts';
import { csrfFrom, loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { UNVERIFIED_PER_HOUR } from '../../core/antispam/ceiling.ts';
import type { CommentStatus } from '../../core/db/schema.ts';
import { readSetting } from '../../core/settings/index.ts';
import { createCommentsRuntime, RATE_LIMIT } from './service.ts';

/*
 * Floods of comments sent without the proof of work (JavaScript off, or a bot that never runs it):
 * the site-wide hourly ceiling that holds them whatever the addresses, its setting, and the
 * moderators' one action that rejects the whole unverified queue after a confirmation.
 */
const REFUSED_EN =
  'Too many messages arrived without the anti-spam check in the last hour. Try again later, or enable JavaScript.';
const REFUSED_FR =
  'Trop de messages sont arrivés sans la vérification anti-spam au cours de la dernière heure. Réessayez plus tard, ou activez JavaScript.';

let addressCounter = 0;
/** A client address of its own for each submission: the per-client limit never applies, as with rotating addresses. */
const nextAddress = () => `10.88.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`;

/** A reader's comment from its own address, with or without a solved proof of work. */
async function sendComment(t: TestApp, slug: string, body: string, altcha?: string) {
  const fields = new URLSearchParams({ _csrf: await anonCsrf(t, slug), body, ...(altcha ? { altcha } : {}) });
  return t.inject({
    method: 'POST',
    url: `/posts/${slug}/comments`,
    payload: fields.toString(),
    remoteAddress: nextAddress(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const countComments = async (t: TestApp) =>
  Number(
    (
      await t.db
        .selectFrom('comments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Saves the anti-spam settings as a moderator would, keeping the other values as the page shows them. */
async function saveCeiling(t: TestApp, moderator: StaffSession, value: string) {
  return postForm(
    t,
    '/admin/comments/settings',
    { blockedWords: '', maxLinks: '3', purgeDays: '30', unverifiedPerHour: value },
    moderator,
  );
}

for (const dialect of DIALECTS) {
  describe(`comment floods (${dialect})`, () => {
    let t: TestApp;
    let moderator: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await easyChallenges(t.db);
      moderator = await loginAs(t, 'moderator');
    });
    after(() => t.close());

    it('lets moderators set the hourly ceiling with the other anti-spam settings, 60 by default', async () => {
      const page = await t.inject({ url: '/admin/comments/settings', headers: { cookie: moderator.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="unverifiedPerHour"[^>]*value="60"/);
      const bad = await saveCeiling(t, moderator, '-5');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter a number of messages per hour from 0 to 1000000/);
      assert.equal(await readSetting(t.db, UNVERIFIED_PER_HOUR), 60, 'a refused form changes nothing');
      assert.equal((await saveCeiling(t, moderator, '3')).statusCode, 303);
      assert.equal(await readSetting(t.db, UNVERIFIED_PER_HOUR), 3);
      const editor = await loginAs(t, 'editor');
      assert.equal((await saveCeiling(t, editor, '100000')).statusCode, 403);
      assert.equal(await readSetting(t.db, UNVERIFIED_PER_HOUR), 3);
    });

    it('holds a flood from rotating addresses at the ceiling, keeps the text in the form, and lets checked comments through', async () => {
      const post = await makePost(t.db);
      const french = await makePost(t.db, { language: 'fr' });
      const before = await countComments(t);
      for (let i = 0; i < 3; i++)
        assert.equal((await sendComment(t, post.slug, `Without JavaScript, number ${i}`)).statusCode, 201);

      const refused = await sendComment(t, post.slug, 'One more from yet another address');
      assert.equal(refused.statusCode, 429);
      assert.ok(refused.body.includes(REFUSED_EN), 'the friendly refusal, in English');
      assert.match(refused.body, /<textarea[^>]*>One more from yet another address<\/textarea>/, 'the text is kept');
      const refusedFr = await sendComment(t, french.slug, 'Encore un, sans JavaScript');
      assert.equal(refusedFr.statusCode, 429);
      assert.ok(refusedFr.body.includes(REFUSED_FR), 'and in French on a French post');
      assert.equal(await countComments(t), before + 3, 'nothing refused is stored');

      // A comment with the proof of work solved is never held by the ceiling.
      const checked = await sendComment(t, post.slug, 'Sent with JavaScript on', await solvedAltcha(t));
      assert.equal(checked.statusCode, 201);

      // The ceiling counts the last hour: an hour later the places are free again.
      t.clock.advance(61 * 60_000);
      assert.equal((await sendComment(t, post.slug, 'Without JavaScript, an hour later')).statusCode, 201);
      assert.equal(await countComments(t), before + 5);
    });

    it('holds one address to its per-client limit when its first submissions arrive at once, in a fresh process', async () => {
      // The limiter is made on first use, after reading its setting: every submission that arrived
      // during that read once made a limiter of its own (31 let through from one address in
      // bench/flood.ts on PostgreSQL, for a limit of 10).
      const runtime = createCommentsRuntime({
        db: t.db,
        clock: t.clock,
        pageCache: t.app.deps.pageCache,
        guards: t.app.deps.guards,
        ceiling: t.app.unverifiedCeiling,
      });
      const allowed = await Promise.all(Array.from({ length: 30 }, () => runtime.allowSubmission('one client')));
      assert.equal(allowed.filter(Boolean).length, await readSetting(t.db, RATE_LIMIT));
      assert.equal(await runtime.allowSubmission('another client'), true, 'other clients keep their own count');
    });

    it('accepts none without the check at 0, and a raised ceiling takes effect at once', async () => {
      t.clock.advance(61 * 60_000);
      const post = await makePost(t.db);
      assert.equal((await saveCeiling(t, moderator, '0')).statusCode, 303);
      assert.equal((await sendComment(t, post.slug, 'Refused at a ceiling of zero')).statusCode, 429);
      assert.equal((await saveCeiling(t, moderator, '1000')).statusCode, 303);
      assert.equal((await sendComment(t, post.slug, 'Accepted once the ceiling is raised')).statusCode, 201);
      assert.equal((await saveCeiling(t, moderator, '60')).statusCode, 303);
    });

    describe('reject all unverified', () => {
      let post: { id: number; slug: string };
      const insert = async (body: string, status: CommentStatus, challengePassed: 0 | 1) => {
        const now = t.clock.now().toISOString();
        const row = await t.db
          .insertInto('comments')
          .values({
            post_id: post.id,
            parent_id: null,
            display_name: '',
            body_md: body,
            status,
            is_staff: 0,
            staff_user_id: null,
            challenge_passed: challengePassed,
            token_hash: null,
            fingerprint: `fp-${body}`,
            legacy_id: null,
            created_at: now,
            updated_at: now,
            editable_until: null,
            status_changed_at: now,
            moderated_by: null,
            edit_count: 0,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return row.id;
      };
      const statusOf = async (id: number) =>
        (await t.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      const unverifiedIds = async () =>
        (
          await t.db
            .selectFrom('comments')
            .select('id')
            .where('status', '=', 'pending')
            .where('challenge_passed', '=', 0)
            .execute()
        ).map((r) => r.id);

      before(async () => {
        moderator = await loginAs(t, 'moderator');
        post = await makePost(t.db);
        // Whatever earlier tests left in the queue is part of the flood too.
        for (let i = 0; i < 120; i++) await insert(`Flood comment ${i}`, 'pending', 0);
      });

      it('asks first, with the count, then rejects the whole queue in one action, audited; later arrivals stay', async () => {
        const flood = await unverifiedIds();
        assert.ok(flood.length >= 120);
        const checked = await insert('A checked comment waiting', 'pending', 1);
        const approved = await insert('An approved comment', 'approved', 1);

        const queue = await t.inject({
          url: '/admin/comments?queue=unverified',
          headers: { cookie: moderator.cookie },
        });
        assert.match(
          queue.body,
          new RegExp(
            `href="/admin/comments/reject-unverified"[^>]*>\\s*Reject all ${flood.length} unverified comments`,
          ),
        );
        const confirm = await t.inject({
          url: '/admin/comments/reject-unverified',
          headers: { cookie: moderator.cookie },
        });
        assert.equal(confirm.statusCode, 200);
        assert.match(confirm.body, new RegExp(`<h1>Reject all ${flood.length} unverified comments\\?</h1>`));
        const upTo = /name="upTo" value="(\d+)"/.exec(confirm.body)?.[1];
        assert.equal(Number(upTo), Math.max(...flood), 'the confirmation carries the newest comment it counted');

        // One more arrives while the moderator reads the page: not what they confirmed.
        const late = await insert('Arrived after the confirmation', 'pending', 0);

        const forged = await t.inject({
          method: 'POST',
          url: '/admin/comments/reject-unverified',
          payload: `upTo=${upTo}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: moderator.cookie },
        });
        assert.equal(forged.statusCode, 403, 'no CSRF token, no action');
        const editor = await loginAs(t, 'editor');
        assert.equal((await postForm(t, '/admin/comments/reject-unverified', { upTo: upTo! }, editor)).statusCode, 403);
        assert.equal((await unverifiedIds()).length, flood.length + 1, 'nothing changed by a refused request');

        const done = await postForm(
          t,
          '/admin/comments/reject-unverified',
          { _csrf: csrfFrom(confirm.body), upTo: upTo! },
          moderator,
        );
        assert.equal(done.statusCode, 303);
        assert.match(String(done.headers.location), /^\/admin\/comments\?queue=unverified&done=/);
        assert.deepEqual(await unverifiedIds(), [late]);
        for (const id of flood) assert.equal(await statusOf(id), 'rejected');
        assert.equal(await statusOf(checked), 'pending', 'checked comments are not touched');
        assert.equal(await statusOf(approved), 'approved');

        const audit = await t.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'comment.reject_all_unverified')
          .execute();
        assert.equal(audit.length, 1);
        assert.match(audit[0]!.detail, new RegExp(`^${flood.length} rejected`));

        const after = await t.inject({ url: String(done.headers.location), headers: { cookie: moderator.cookie } });
        assert.match(after.body, new RegExp(`Rejected every unverified comment you confirmed: ${flood.length}\\.`));
        assert.match(after.body, /Reject the 1 unverified comment…/);
      });

      it('says there is nothing to reject when the queue is empty', async () => {
        for (const id of await unverifiedIds())
          await t.db.updateTable('comments').set({ status: 'spam' }).where('id', '=', id).execute();
        const confirm = await t.inject({
          url: '/admin/comments/reject-unverified',
          headers: { cookie: moderator.cookie },
        });
        assert.equal(confirm.statusCode, 200);
        assert.match(confirm.body, /nothing to reject/);
        assert.doesNotMatch(confirm.body, /name="upTo"/);
      });
    });
  });
}
