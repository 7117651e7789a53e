import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  DIALECTS,
  PROBE_IP,
  PROBE_UA,
  assertNoClientTraces,
  createTestApp,
  dumpDatabase,
  type TestApp,
} from '../../../test/support/app.ts';
import { loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { saveBlockedWords } from '../../core/antispam/index.ts';
import { createJobs } from '../../core/jobs.ts';
import { purgeRejectedComments } from './service.ts';
import {
  anonCsrf,
  easyChallenges,
  footerHtml,
  makePost,
  postComment,
  privateLinkFrom,
  solvedAltcha,
} from '../../../test/support/comments.ts';

for (const dialect of DIALECTS) {
  describe(`comments (${dialect})`, () => {
    let t: TestApp;
    let moderator: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await easyChallenges(t.db);
      moderator = await loginAs(t, 'moderator');
    });
    after(() => t.close());

    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('comments')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const approve = (id: number) => postForm(t, '/admin/comments/moderate', { single: `${id}:approve` }, moderator);
    const latest = () => t.db.selectFrom('comments').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();

    it('takes a comment into the queue, shows the private link once and sets no cookie', async () => {
      const post = await makePost(t.db);
      const res = await postComment(t, post.slug, {
        name: 'River',
        body: 'Try the *demo* drop-in at https://support.example.org/help',
      });
      assert.equal(res.statusCode, 201, res.body.slice(0, 500));
      assert.match(res.body, /waiting for moderation/);
      assert.equal(res.headers['set-cookie'], undefined);
      assert.equal(res.headers['cache-control'], 'no-store');
      const link = privateLinkFrom(res.body);
      const token = link.split('/').pop()!;
      const row = await latest();
      assert.equal(row.status, 'pending');
      assert.equal(row.challenge_passed, 1);
      assert.equal(row.display_name, 'River');
      assert.equal(
        row.token_hash,
        crypto.createHash('sha256').update(token).digest('hex'),
        'only the SHA-256 of the token is stored',
      );
      assert.ok(!(await footerHtml(t, post)).includes('demo'), 'pending comments are not shown');
      const own = await t.inject(link);
      assert.equal(own.statusCode, 200);
      assert.equal(own.headers['cache-control'], 'no-store');
      assert.match(own.body, /data-comment-status="pending"/);
    });

    it('walks the whole path: approve, appear, reply, edit within 15 minutes, delete with the private link', async () => {
      const post = await makePost(t.db);
      const first = await postComment(t, post.slug, {
        name: '',
        body: 'First: **useful** link [clinic](https://clinic.example.org/).',
      });
      assert.equal(first.statusCode, 201);
      const firstRow = await latest();
      assert.equal((await approve(firstRow.id)).statusCode, 303);
      let thread = await footerHtml(t, post);
      assert.match(thread, /Anonymous/);
      assert.match(thread, /<strong>useful<\/strong>/);
      assert.match(thread, /rel="ugc nofollow noopener noreferrer"/);
      assert.match(thread, /clinic\.example\.org/);

      const replyPage = await t.inject(`/posts/${post.slug}/comments/new?reply=${firstRow.id}`);
      assert.match(replyPage.body, new RegExp(`name="parent_id" value="${firstRow.id}"`));
      const reply = await postComment(t, post.slug, {
        name: 'Sol',
        body: 'Seconding this, they were kind.',
        parent_id: String(firstRow.id),
      });
      assert.equal(reply.statusCode, 201);
      const replyRow = await latest();
      assert.equal(replyRow.parent_id, firstRow.id);
      const link = privateLinkFrom(reply.body);

      t.clock.advance(10 * 60_000);
      const page = await t.inject(link);
      const edited = await postForm(t, `${link}/edit`, {
        _csrf: await anonCsrf(t, post.slug),
        name: 'Sol',
        body: 'Seconding this: they were kind and quick.',
      });
      assert.equal(edited.statusCode, 303, edited.body.slice(0, 300));
      assert.match(page.body, /Edit your comment/);
      assert.equal((await latest()).body_md, 'Seconding this: they were kind and quick.');
      const edits = await t.db.selectFrom('comment_edits').selectAll().where('comment_id', '=', replyRow.id).execute();
      assert.equal(edits.length, 1);
      assert.equal(edits[0]!.user_id, null);

      await approve(replyRow.id);
      thread = await footerHtml(t, post);
      assert.match(thread, /class="comment-replies"[\s\S]*kind and quick/);

      t.clock.advance(6 * 60_000);
      const late = await postForm(t, `${link}/edit`, {
        _csrf: await anonCsrf(t, post.slug),
        name: 'Sol',
        body: 'Changed much later',
      });
      assert.equal(late.statusCode, 400);
      assert.match(late.body, /15 minutes/);
      assert.match(late.body, /Changed much later/, 'the text is kept');
      assert.equal((await latest()).body_md, 'Seconding this: they were kind and quick.');

      const del = await postForm(t, `${link}/delete`, { _csrf: await anonCsrf(t, post.slug) });
      assert.equal(del.statusCode, 200);
      assert.equal(
        await t.db.selectFrom('comments').select('id').where('id', '=', replyRow.id).executeTakeFirst(),
        undefined,
      );
      assert.equal((await t.inject(link)).statusCode, 404);
      assert.doesNotMatch(await footerHtml(t, post), /kind and quick/);
    });

    it('shows approved comments on the cached post page as soon as they are approved', async () => {
      const post = await makePost(t.db);
      await t.inject(`/posts/${post.slug}`);
      const cached = await t.inject(`/posts/${post.slug}`);
      assert.equal(cached.headers['x-cache'], 'hit');
      assert.match(cached.body, /id="comment-form"/);
      assert.match(cached.body, /<altcha-widget/);
      await postComment(t, post.slug, { name: 'Wren', body: 'Now visible on the page' });
      assert.doesNotMatch((await t.inject(`/posts/${post.slug}`)).body, /Now visible on the page/);
      await approve((await latest()).id);
      const fresh = await t.inject(`/posts/${post.slug}`);
      assert.notEqual(fresh.headers['x-cache'], 'hit');
      assert.match(fresh.body, /Wren[\s\S]*Now visible on the page/);
      assert.equal(fresh.headers['set-cookie'], undefined);
    });

    it('shows imported threads deeper than two levels under their top-level comment', async () => {
      const post = await makePost(t.db);
      const base = {
        post_id: post.id,
        display_name: '',
        status: 'approved' as const,
        is_staff: 0,
        staff_user_id: null,
        challenge_passed: 1,
        token_hash: null,
        fingerprint: '',
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
        editable_until: null,
        status_changed_at: '2026-01-01T00:00:00.000Z',
        moderated_by: null,
        edit_count: 0,
      };
      const a = (
        await t.db
          .insertInto('comments')
          .values({ ...base, parent_id: null, body_md: 'Imported root', legacy_id: 'wp:1' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const b = (
        await t.db
          .insertInto('comments')
          .values({ ...base, parent_id: a, body_md: 'Imported child', legacy_id: 'wp:2' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await t.db
        .insertInto('comments')
        .values({ ...base, parent_id: b, body_md: 'Imported grandchild', legacy_id: 'wp:3' })
        .execute();
      const html = await footerHtml(t, post);
      assert.match(html, /Imported root[\s\S]*class="comment-replies"[\s\S]*Imported child[\s\S]*Imported grandchild/);
      await assert.rejects(
        t.db
          .insertInto('comments')
          .values({ ...base, parent_id: null, body_md: 'Same legacy id', legacy_id: 'wp:1' })
          .execute(),
        'legacy_id is unique per post',
      );
    });

    it('stores nothing about the writer: no address, no user-agent, in any table or log line', async () => {
      const post = await makePost(t.db);
      await postComment(t, post.slug, { name: 'Private person', body: 'Nothing about me should be kept' });
      await approve((await latest()).id);
      const dump = await dumpDatabase(t.db, t.dialect);
      assert.ok(dump.includes('Nothing about me should be kept'), 'the dump covers the comments table');
      assert.ok(!dump.includes(PROBE_IP) && !dump.includes(PROBE_UA));
      await assertNoClientTraces(t.db, t.dialect, t.logs());
    });

    it('sends comments without the proof of work to the stricter queue', async () => {
      const post = await makePost(t.db);
      const res = await postComment(t, post.slug, { body: 'Sent with JavaScript off' }, { altcha: false });
      assert.equal(res.statusCode, 201);
      const row = await latest();
      assert.equal(row.challenge_passed, 0);
      const unverified = await t.inject({
        url: '/admin/comments?queue=unverified',
        headers: { cookie: moderator.cookie },
      });
      assert.match(unverified.body, /Sent with JavaScript off/);
      const pending = await t.inject({ url: '/admin/comments?queue=pending', headers: { cookie: moderator.cookie } });
      assert.doesNotMatch(pending.body, /Sent with JavaScript off/);
    });

    describe('refuses bad input with a clear message, keeps the text and stores nothing', () => {
      let post: { id: number; slug: string };
      let other: { id: number; slug: string };
      let approvedId: number;
      let pendingId: number;
      let replyId: number;
      before(async () => {
        post = await makePost(t.db);
        other = await makePost(t.db);
        await postComment(t, post.slug, { body: 'An approved top-level comment' });
        approvedId = (await latest()).id;
        await approve(approvedId);
        await postComment(t, post.slug, { body: 'A reply that is approved', parent_id: String(approvedId) });
        replyId = (await latest()).id;
        await approve(replyId);
        await postComment(t, post.slug, { body: 'Still pending here' });
        pendingId = (await latest()).id;
      });

      const cases: [string, () => Record<string, string>, RegExp, { altcha?: string | false }?][] = [
        ['an empty comment', () => ({ name: 'KEEP', body: '   ' }), /Fill in “Comment”/],
        ['an over-long comment', () => ({ body: 'x'.repeat(5001) + ' KEEP' }), /5000 characters or fewer/],
        ['an over-long name', () => ({ name: 'n'.repeat(61), body: 'Name too long KEEP' }), /60 characters or fewer/],
        [
          'a replacement character left by a broken decoder',
          () => ({ body: 'broken \uFFFD KEEP' }),
          /Comment contains characters that could not be read \(invalid UTF-8\)/,
        ],
        ['zero-width characters', () => ({ body: 'hidden\u200Btext KEEP' }), /invisible control characters/],
        [
          'a reply to a comment that does not exist',
          () => ({ body: 'Reply to nothing KEEP', parent_id: '999999' }),
          /not available/,
        ],
        [
          'a reply to a pending comment',
          () => ({ body: 'Reply to pending KEEP', parent_id: String(pendingId) }),
          /not available/,
        ],
        [
          'a reply to a comment on another post',
          () => ({ body: 'Reply elsewhere KEEP', parent_id: String(approvedId) }),
          /not available/,
        ],
        [
          'a reply to a reply (too deep)',
          () => ({ body: 'Too deep KEEP', parent_id: String(replyId) }),
          /top-level comment/,
        ],
        [
          'too many links',
          () => ({ body: 'KEEP https://a.example https://b.example https://c.example https://d.example' }),
          /at most 3 links/,
        ],
        [
          'a failed challenge',
          () => ({ body: 'Bad proof KEEP' }),
          /anti-spam check did not pass/,
          { altcha: Buffer.from('{"challenge":{},"solution":{}}').toString('base64') },
        ],
        [
          'a filled honeypot',
          () => ({ body: 'Bot text KEEP', website: 'http://spam.example' }),
          /could not be accepted/,
        ],
      ];
      for (const [label, fields, message, opts] of cases) {
        it(`refuses ${label}`, async () => {
          const before = await count();
          const target = label.includes('another post') ? other : post;
          const res = await postComment(t, target.slug, fields(), opts);
          assert.equal(res.statusCode, 400, res.body.slice(0, 400));
          assert.match(res.body, message);
          assert.match(res.body, /KEEP/, "the reader's text is kept in the form");
          assert.match(res.body, /class="error-summary"/);
          assert.equal(await count(), before);
        });
      }

      // The input gate refuses these before any route runs: the 400 page names the field; the form is not shown again.
      const gated: [string, string, RegExp][] = [
        [
          'control characters',
          `body=${encodeURIComponent('bell \u0007 KEEP')}`,
          /The field “body” contains invisible control or text-direction characters/,
        ],
        [
          'a text-direction override',
          `name=${encodeURIComponent('evil\u202Eeman')}&body=KEEP`,
          /The field “name” contains invisible control or text-direction characters/,
        ],
        [
          'raw invalid UTF-8 bytes',
          'body=caf%C3%28KEEP',
          /The field “body” contains characters that could not be read \(invalid UTF-8\)/,
        ],
      ];
      for (const [label, fields, message] of gated) {
        it(`refuses ${label} with the input gate's 400 page`, async () => {
          const before = await count();
          const csrf = await anonCsrf(t, post.slug);
          const res = await t.inject({
            method: 'POST',
            url: `/posts/${post.slug}/comments`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: `_csrf=${encodeURIComponent(csrf)}&${fields}`,
          });
          assert.equal(res.statusCode, 400);
          assert.match(res.body, /Something in that request was not right/);
          assert.match(res.body, message);
          assert.doesNotMatch(res.body, /id="comment-form"/);
          assert.equal(await count(), before);
        });
      }

      it('refuses a replayed challenge', async () => {
        const altcha = await solvedAltcha(t);
        t.clock.advance(10 * 60_000);
        assert.equal(
          (await postComment(t, post.slug, { body: 'Original with this proof' }, { altcha, advance: false }))
            .statusCode,
          201,
        );
        const before = await count();
        const res = await postComment(t, post.slug, { body: 'Replay KEEP' }, { altcha, advance: false });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /already sent once/);
        assert.match(res.body, /Replay KEEP/);
        assert.equal(await count(), before);
      });

      it('refuses a missing or wrong CSRF token', async () => {
        const before = await count();
        const missing = await postForm(t, `/posts/${post.slug}/comments`, { body: 'No token' });
        const wrong = await postForm(t, `/posts/${post.slug}/comments`, { body: 'Wrong token', _csrf: 'nope' });
        assert.equal(missing.statusCode, 403);
        assert.equal(wrong.statusCode, 403);
        assert.equal(await count(), before);
      });

      it('refuses the same comment twice on a post', async () => {
        assert.equal((await postComment(t, post.slug, { body: 'Exactly the same words' })).statusCode, 201);
        const before = await count();
        const res = await postComment(t, post.slug, { body: 'exactly the  same words!' });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /already been sent/);
        assert.equal(await count(), before);
      });

      it('refuses blocked words configured by admins', async () => {
        await saveBlockedWords(t.db, ['cheap pills']);
        const before = await count();
        const res = await postComment(t, post.slug, { body: 'Buy CHEAP pills KEEP' });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /does not publish/);
        assert.match(res.body, /Buy CHEAP pills KEEP/);
        assert.equal(await count(), before);
        await saveBlockedWords(t.db, []);
      });

      it('refuses comments on a closed post', async () => {
        const closed = await makePost(t.db, { closed: true });
        const before = await count();
        const res = await postComment(t, closed.slug, { body: 'Closed post KEEP' });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /closed/);
        assert.equal(await count(), before);
        assert.doesNotMatch(await footerHtml(t, closed), /id="comment-form"/);
      });

      it('answers 404 for a post that is not published', async () => {
        const res = await postForm(t, '/posts/no-such-post/comments', {
          _csrf: await anonCsrf(t, post.slug),
          body: 'x',
        });
        assert.equal(res.statusCode, 404);
      });
    });

    it('answers on a French post in French: the form, its refusals and the confirmation', async () => {
      const post = await makePost(t.db, { language: 'fr' });
      const form = await t.inject(`/posts/${post.slug}/comments/new`);
      assert.match(form.body, /Ajouter un commentaire/);
      const before = await count();
      const empty = await postComment(t, post.slug, { name: 'GARDER', body: '  ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Remplissez « Commentaire »\./);
      assert.match(empty.body, /GARDER/);
      await saveBlockedWords(t.db, ['pilules']);
      const blocked = await postComment(t, post.slug, { body: 'Des pilules pas chères' });
      assert.match(blocked.body, /Votre texte contient un mot ou une expression que ce site ne publie pas/);
      await saveBlockedWords(t.db, []);
      assert.equal(await count(), before);
      const sent = await postComment(t, post.slug, { body: 'Merci pour ces ressources' });
      assert.equal(sent.statusCode, 201);
      assert.match(sent.body, /Votre commentaire attend la modération/);
    });

    it('publishes staff comments at once, marked as staff', async () => {
      const post = await makePost(t.db);
      const editor = await loginAs(t, 'editor');
      const res = await postForm(
        t,
        `/posts/${post.slug}/comments`,
        { body: 'From the team: we updated the list.' },
        editor,
      );
      assert.equal(res.statusCode, 201);
      const row = await latest();
      assert.equal(row.status, 'approved');
      assert.equal(row.is_staff, 1);
      assert.equal(row.token_hash, null);
      assert.match(await footerHtml(t, post), /comment--staff[\s\S]*\(staff\)[\s\S]*updated the list/);
    });

    it('lets only moderators and admins moderate', async () => {
      const post = await makePost(t.db);
      await postComment(t, post.slug, { body: 'Permission check comment' });
      const id = (await latest()).id;
      for (const role of ['editor', 'trainer'] as const) {
        const s = await loginAs(t, role);
        assert.equal((await t.inject({ url: '/admin/comments', headers: { cookie: s.cookie } })).statusCode, 403);
        assert.equal((await postForm(t, '/admin/comments/moderate', { single: `${id}:approve` }, s)).statusCode, 403);
      }
      const anon = await t.inject('/admin/comments');
      assert.equal(anon.statusCode, 303);
      assert.equal((await latest()).status, 'pending');
      const admin = await loginAs(t, 'admin');
      const queue = await t.inject({ url: '/admin/comments', headers: { cookie: admin.cookie } });
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, /Permission check comment/);
      const home = await t.inject({ url: '/admin', headers: { cookie: moderator.cookie } });
      assert.match(home.body, /href="\/admin\/comments"/);
    });

    it('approves, rejects and marks spam in bulk, and records it in the audit log', async () => {
      const post = await makePost(t.db);
      const ids: number[] = [];
      for (const body of ['Bulk one', 'Bulk two', 'Bulk three']) {
        await postComment(t, post.slug, { body });
        ids.push((await latest()).id);
      }
      const res = await postForm(
        t,
        '/admin/comments/moderate',
        { ids: ids.slice(0, 2).map(String), action: 'approve' },
        moderator,
      );
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /Approved/);
      await postForm(t, '/admin/comments/moderate', { ids: [String(ids[2])], action: 'spam' }, moderator);
      const rows = await t.db
        .selectFrom('comments')
        .select(['id', 'status'])
        .where('id', 'in', ids)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.status),
        ['approved', 'approved', 'spam'],
      );
      const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'comment.%').execute();
      assert.ok(audit.some((a) => a.action === 'comment.spam'));
      const thread = await footerHtml(t, post);
      assert.match(thread, /Bulk one[\s\S]*Bulk two/);
      assert.doesNotMatch(thread, /Bulk three/);
    });

    it('lets a moderator edit a comment and keeps the previous text', async () => {
      const post = await makePost(t.db);
      await postComment(t, post.slug, { name: 'Kit', body: 'Call me on 555-0100 for help' });
      const id = (await latest()).id;
      const res = await postForm(
        t,
        `/admin/comments/${id}/edit`,
        { name: 'Kit', body: 'Call the (demo) helpline for help' },
        moderator,
      );
      assert.equal(res.statusCode, 303);
      const edits = await t.db.selectFrom('comment_edits').selectAll().where('comment_id', '=', id).execute();
      assert.equal(edits[0]!.previous_body_md, 'Call me on 555-0100 for help');
      assert.equal(edits[0]!.user_id, moderator.userId);
      const page = await t.inject({ url: `/admin/comments/${id}/edit`, headers: { cookie: moderator.cookie } });
      assert.match(page.body, /555-0100/);
    });

    it('closes and reopens comments on a post', async () => {
      const post = await makePost(t.db);
      await postComment(t, post.slug, { body: 'Before closing' });
      const res = await postForm(t, `/admin/comments/posts/${post.id}/close`, {}, moderator);
      assert.equal(res.statusCode, 303);
      assert.match((await postComment(t, post.slug, { body: 'After closing' })).body, /closed/);
      await postForm(t, `/admin/comments/posts/${post.id}/open`, {}, moderator);
      assert.equal((await postComment(t, post.slug, { body: 'After reopening' })).statusCode, 201);
    });

    it('turns a link in a comment into a directory suggestion with the comment as context', async () => {
      const post = await makePost(t.db);
      await postComment(t, post.slug, {
        body: 'The (demo) collective at https://collective.example.org/drop-in helped me.',
      });
      const id = (await latest()).id;
      const queue = await t.inject({ url: '/admin/comments', headers: { cookie: moderator.cookie } });
      assert.match(queue.body, /Suggest as resource/);
      const res = await postForm(
        t,
        `/admin/comments/${id}/suggest`,
        { url: 'https://collective.example.org/drop-in' },
        moderator,
      );
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /Suggested/);
      const suggestion = await t.db
        .selectFrom('resource_suggestions')
        .selectAll()
        .where('source_comment_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(suggestion.source, 'comment');
      assert.equal(suggestion.url, 'https://collective.example.org/drop-in');
      assert.equal(suggestion.domain, 'collective.example.org');
      assert.match(suggestion.context, /helped me/);
      const bad = await postForm(
        t,
        `/admin/comments/${id}/suggest`,
        { url: 'https://not-in-comment.example.org/' },
        moderator,
      );
      assert.match(
        new URLSearchParams(String(bad.headers.location).split('?')[1]).get('error') ?? '',
        /not in this comment/,
      );
    });

    it('purges rejected and spam comments after the configured period', async () => {
      const post = await makePost(t.db);
      await postComment(t, post.slug, { body: 'Will be rejected' });
      const rejected = (await latest()).id;
      await postComment(t, post.slug, { body: 'Will be approved' });
      const kept = (await latest()).id;
      await postForm(t, '/admin/comments/moderate', { single: `${rejected}:reject` }, moderator);
      await approve(kept);
      assert.equal(await purgeRejectedComments(t.db, t.clock), 0);
      t.clock.advance(31 * 24 * 60 * 60_000);
      assert.ok((await purgeRejectedComments(t.db, t.clock)) >= 1);
      assert.equal(
        await t.db.selectFrom('comments').select('id').where('id', '=', rejected).executeTakeFirst(),
        undefined,
      );
      assert.ok(await t.db.selectFrom('comments').select('id').where('id', '=', kept).executeTakeFirst());
    });

    it('runs the purge on a timer that stops when asked', async () => {
      const post = await makePost(t.db);
      await postComment(t, post.slug, { body: 'Spam to purge by timer' });
      const id = (await latest()).id;
      moderator = await loginAs(t, 'moderator');
      await postForm(t, '/admin/comments/moderate', { single: `${id}:spam` }, moderator);
      t.clock.advance(31 * 24 * 60 * 60_000);
      const purged: number[] = [];
      const keepAlive = setInterval(() => {}, 1000); // the purge timer is unref'd so it never holds the process open
      await new Promise<void>((resolve, reject) => {
        const jobs = createJobs({ error: (_obj, message) => reject(new Error(message)) });
        jobs.every('comment purge', 5, async () => {
          purged.push(await purgeRejectedComments(t.db, t.clock));
          jobs.stop();
          resolve();
        });
      });
      clearInterval(keepAlive);
      assert.ok(purged[0]! >= 1);
      assert.equal(await t.db.selectFrom('comments').select('id').where('id', '=', id).executeTakeFirst(), undefined);
    });

    it('lets moderators set blocked words, the link limit and the purge period', async () => {
      moderator = await loginAs(t, 'moderator');
      const page = await t.inject({ url: '/admin/comments/settings', headers: { cookie: moderator.cookie } });
      assert.equal(page.statusCode, 200);
      const bad = await postForm(
        t,
        '/admin/comments/settings',
        { blockedWords: 'lottery win', maxLinks: '-1', purgeDays: '30' },
        moderator,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /lottery win/);
      const res = await postForm(
        t,
        '/admin/comments/settings',
        { blockedWords: 'lottery win\nLottery Win\n', maxLinks: '1', purgeDays: '14' },
        moderator,
      );
      assert.equal(res.statusCode, 303);
      const post = await makePost(t.db);
      assert.match((await postComment(t, post.slug, { body: 'You had a lottery win!' })).body, /does not publish/);
      assert.match(
        (await postComment(t, post.slug, { body: 'https://a.example.org and https://b.example.org' })).body,
        /at most 1 links/,
      );
      const editor = await loginAs(t, 'editor');
      assert.equal(
        (await postForm(t, '/admin/comments/settings', { blockedWords: '', maxLinks: '3', purgeDays: '30' }, editor))
          .statusCode,
        403,
      );
      await postForm(t, '/admin/comments/settings', { blockedWords: '', maxLinks: '3', purgeDays: '30' }, moderator);
    });

    it('offers a per-post and a site-wide Atom feed of approved comments', async () => {
      const post = await makePost(t.db, { title: 'Feed post' });
      const sent = await postComment(t, post.slug, { name: 'Ash', body: 'Approved for the feed' });
      assert.equal(sent.statusCode, 201);
      moderator = await loginAs(t, 'moderator'); // the clock has moved past earlier sessions' expiry
      assert.equal((await approve((await latest()).id)).statusCode, 303);
      await postComment(t, post.slug, { body: 'Pending, not in feed' });
      const feed = await t.inject(`/posts/${post.slug}/comments.atom`);
      assert.equal(feed.statusCode, 200);
      assert.match(String(feed.headers['content-type']), /atom/);
      assert.match(feed.body, /Approved for the feed/);
      assert.doesNotMatch(feed.body, /Pending, not in feed/);
      const site = await t.inject('/comments.atom');
      assert.match(site.body, /Approved for the feed/);
    });

    it('rate-limits submissions per client in memory', async () => {
      const limited = await createTestApp(dialect);
      try {
        await easyChallenges(limited.db);
        const post = await makePost(limited.db);
        const csrf = await anonCsrf(limited, post.slug);
        const responses = [];
        for (let i = 0; i < 11; i++)
          responses.push(
            await postComment(
              limited,
              post.slug,
              { _csrf: csrf, body: `Comment number ${i}` },
              { altcha: false, advance: false },
            ),
          );
        const codes = responses.map((r) => r.statusCode);
        assert.deepEqual(codes.slice(0, 10), Array(10).fill(201));
        assert.equal(codes[10], 429);
        // The form comes back with the refusal and the reader's text, and nothing more is stored.
        assert.match(responses[10]!.body, /Too many forms were sent from your connection/);
        assert.match(responses[10]!.body, /Comment number 10/);
        const stored = await limited.db.selectFrom('comments').select('id').execute();
        assert.equal(stored.length, 10);
      } finally {
        await limited.close();
      }
    });
  });
}
