import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import sharp from 'sharp';
import { multipartBody } from '../../../test/support/multipart.ts';
import { loginAs, type StaffSession } from '../../../test/support/staff.ts';
import { savePost, type PostInput } from './service.ts';

/*
 * Hostile input on every publishing route: wrong types, numbers beyond 2^31 or below 1, arrays where
 * one value is expected, over-long strings, bytes that are not UTF-8, NUL and bidi overrides — in
 * paths, queries, form bodies and multipart bodies. Each gets a 400 (an HTML page, or JSON under
 * /api), never a 500 or a stack trace, and the database does not change.
 */

const LONG = (n: number) => 'a'.repeat(n);
/** Query values refused by the input gate whatever the route declares. */
const GATE = ['x=%FF', 'x=a%00b', 'x=a%E2%80%AEb'];
/** `?page=` values a PageNumber refuses. */
const PAGES = ['page=abc', 'page=0', 'page=-1', 'page=1.5', 'page=99999999999', 'page=1&page=2', `page=${LONG(30)}`];
/** Path ids an Id refuses. */
const IDS = ['abc', '0', '-1', '1.5', '2147483648', '99999999999999999999'];

const input = (over: Partial<PostInput>): PostInput => ({
  title: 'Hostile target',
  slug: 'hostile-target',
  excerpt: 'A post the hostile requests aim at.',
  body_md: 'Words that must not change.',
  content_note: '',
  language: 'en',
  tags: 'Target',
  publish_at: '',
  translation_of: '',
  cover_alt: '',
  ...over,
});

function multipart(fields: Record<string, string | Buffer>) {
  const boundary = '----hostile' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`),
      Buffer.from(v),
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const dialect of DIALECTS) {
  describe(`hostile input to publishing (${dialect})`, () => {
    let t: TestApp;
    let editor: StaffSession;
    let postId: number;
    let revisionId: number;
    let authorSlug: string;

    /** Everything publishing stores, and the audit log: no hostile request may change any of it. */
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all([
          t.db.selectFrom('posts').selectAll().orderBy('id').execute(),
          t.db.selectFrom('tags').selectAll().orderBy('id').execute(),
          t.db.selectFrom('post_tags').selectAll().orderBy('post_id').orderBy('tag_id').execute(),
          t.db.selectFrom('post_revisions').selectAll().orderBy('id').execute(),
          t.db.selectFrom('post_slugs_old').selectAll().orderBy('slug').execute(),
          t.db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
        ]),
      );

    before(async () => {
      t = await createTestApp(dialect);
      editor = await loginAs(t, 'editor');
      const saved = await savePost(
        t.db,
        t.clock,
        { id: editor.userId, role: 'editor' },
        undefined,
        input({}),
        'publish',
      );
      assert.ok(saved.ok);
      postId = saved.value.id;
      const row = await t.db
        .selectFrom('posts')
        .innerJoin('users', 'users.id', 'posts.author_id')
        .where('posts.id', '=', postId)
        .select('users.slug')
        .executeTakeFirstOrThrow();
      authorSlug = row.slug;
      revisionId = (
        await t.db.selectFrom('post_revisions').where('post_id', '=', postId).select('id').executeTakeFirstOrThrow()
      ).id;
    });
    after(() => t.close());

    async function expect400(options: InjectOptions, json: boolean) {
      const label = `${options.method ?? 'GET'} ${options.url}`.slice(0, 160);
      const res = await t.inject(options);
      assert.equal(res.statusCode, 400, `${label}: ${res.body.slice(0, 300)}`);
      assert.doesNotMatch(res.body, /\.tsx?:\d+|node_modules|at async /, `${label}: no stack trace`);
      if (json) {
        assert.match(String(res.headers['content-type']), /application\/json/, label);
        const body = JSON.parse(res.body) as { error: unknown; statusCode: unknown };
        assert.equal(typeof body.error, 'string', label);
        assert.equal(body.statusCode, 400, label);
      } else {
        assert.match(String(res.headers['content-type']), /text\/html/, label);
        assert.match(res.body, /<h1>/, label);
      }
      return res;
    }

    /**
     * Some paths never reach a schema: Fastify's router refuses a segment over 100 characters
     * (maxParamLength, 414) or one that does not decode (%FF, 400) first, with its own JSON answer.
     * No stack, no change, no handler ran.
     */
    async function expectRouterRefusal(url: string, status = 414) {
      const res = await t.inject({ url, headers: { cookie: editor.cookie } });
      assert.equal(res.statusCode, status, url.slice(0, 80));
      assert.doesNotMatch(res.body, /\.tsx?:\d+|node_modules|at async /);
    }

    const get = (url: string, json = false, staff = false) =>
      expect400({ url, headers: staff ? { cookie: editor.cookie } : {} }, json);

    const form = (url: string, body: string | Buffer) =>
      expect400(
        {
          method: 'POST',
          url,
          payload: body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: editor.cookie },
        },
        false,
      );

    /** A form body with a valid CSRF token, so each refusal is the hostile field's. */
    const withToken = (fields: string) => `_csrf=${encodeURIComponent(editor.csrf)}&${fields}`;

    it('refuses hostile paths and queries on readers’ pages with a 400 page', async () => {
      const before = await snapshot();
      const paged = ['/', '/tags/target', `/authors/${authorSlug}`, '/search'];
      for (const url of paged) for (const q of [...PAGES, ...GATE]) await get(`${url}?${q}`);
      for (const q of [`q=${LONG(201)}`, 'q=a&q=b', 'q=%FF', 'q=a%00', 'q=%E2%80%AE']) await get(`/search?${q}`);
      for (const url of ['/tags', '/sitemap.xml', '/robots.txt', '/posts/hostile-target', '/media/posts/x.jpg'])
        for (const q of GATE) await get(`${url}?${q}`);
      for (const base of ['/posts/', '/tags/', '/authors/'])
        for (const slug of ['a%00b', 'a%E2%80%AEb']) await get(`${base}${slug}`);
      await get('/media/posts/a%00.jpg');
      for (const url of ['/posts/', '/tags/', '/authors/', '/media/posts/'])
        await expectRouterRefusal(`${url}%FF`, 400);
      for (const url of ['/posts/', '/tags/', '/authors/', '/media/posts/']) await expectRouterRefusal(url + LONG(101));
      assert.equal(await snapshot(), before);
    });

    it('refuses hostile feed requests with a 400 page', async () => {
      const before = await snapshot();
      for (const base of ['', '/tags/target', `/authors/${authorSlug}`])
        for (const file of ['feed.xml', 'atom.xml', 'feed.json'])
          for (const q of [`lang=${LONG(36)}`, 'lang=en&lang=fr', 'lang=%FF', 'lang=e%00n', ...GATE])
            await get(`${base}/${file}?${q}`);
      for (const base of ['/tags/', '/authors/'])
        for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
          await get(`${base}a%00b/${file}`);
          await expectRouterRefusal(`${base}${LONG(101)}/${file}`);
        }
      assert.equal(await snapshot(), before);
    });

    it('answers hostile read-API requests with a JSON 400', async () => {
      const before = await snapshot();
      const list = [
        ...PAGES,
        ...GATE,
        'per_page=0',
        'per_page=101',
        'per_page=abc',
        'per_page=1&per_page=2',
        `tag=${LONG(101)}`,
        'tag=a&tag=b',
        `author=${LONG(101)}`,
        `language=${LONG(36)}`,
        `fields=${LONG(301)}`,
        'fields=slug&fields=title',
        'fields=password_hash',
        'fields=slug,%FF',
      ];
      for (const q of list) await get(`/api/posts?${q}`, true);
      for (const q of [...GATE, `fields=${LONG(301)}`, 'fields=email', 'fields=a&fields=b'])
        await get(`/api/posts/hostile-target?${q}`, true);
      await get('/api/posts/a%00b', true);
      await expectRouterRefusal('/api/posts/%FF', 400);
      await expectRouterRefusal(`/api/posts/${LONG(101)}`);
      for (const url of ['/api/tags', '/api/authors']) for (const q of GATE) await get(`${url}?${q}`, true);
      assert.equal(await snapshot(), before);
    });

    it('refuses hostile queries and ids on the editors’ pages', async () => {
      const before = await snapshot();
      for (const q of [...PAGES, ...GATE, 'done=bogus', 'done=deleted&done=deleted'])
        await get(`/admin/posts?${q}`, false, true);
      for (const q of [`translation_of=${LONG(201)}`, 'translation_of=a&translation_of=b', ...GATE])
        await get(`/admin/posts/new?${q}`, false, true);
      for (const id of IDS) await get(`/admin/posts/${id}/edit`, false, true);
      for (const q of ['done=bogus', 'done=save&done=save', ...GATE])
        await get(`/admin/posts/${postId}/edit?${q}`, false, true);
      for (const [id, rev] of [...IDS.map((x) => [x, String(revisionId)]), ...IDS.map((x) => [String(postId), x])])
        await get(`/admin/posts/${id}/revisions/${rev}`, false, true);
      assert.equal(await snapshot(), before);
    });

    it('refuses hostile editor forms (urlencoded) and saves nothing', async () => {
      const before = await snapshot();
      const bodies = [
        'title=a&title=b',
        'intent=bogus',
        'intent=save&intent=publish',
        `title=${LONG(1001)}`,
        `body_md=${LONG(250_001)}`,
        `comments_closed=${LONG(11)}`,
        'title=a%00b',
        'title=a%E2%80%AEb',
        'excerpt=a%07b',
      ];
      for (const url of ['/admin/posts', `/admin/posts/${postId}`]) {
        for (const body of bodies) await form(url, withToken(`${body}&slug=hostile-new`));
        await form(url, Buffer.concat([Buffer.from(withToken('title=')), Buffer.from([0x62, 0xff])]));
      }
      for (const id of IDS) await form(`/admin/posts/${id}`, withToken('title=x&intent=save'));
      for (const body of ['body_md=a&body_md=b', `body_md=${LONG(250_001)}`, 'body_md=a%00']) {
        await form('/admin/posts/preview', withToken(body));
      }
      await form('/admin/posts/preview', Buffer.concat([Buffer.from(withToken('body_md=')), Buffer.from([0xff])]));
      assert.equal(await snapshot(), before);
    });

    it('refuses hostile multipart editor forms, naming the field, and saves nothing', async () => {
      const before = await snapshot();
      const send = async (fields: Record<string, string | Buffer>, url = '/admin/posts') => {
        const { payload, contentType } = multipart({
          _csrf: editor.csrf,
          intent: 'publish',
          slug: 'mp-new',
          ...fields,
        });
        return expect400(
          { method: 'POST', url, payload, headers: { 'content-type': contentType, cookie: editor.cookie } },
          false,
        );
      };
      for (const url of ['/admin/posts', `/admin/posts/${postId}`]) {
        const unreadable = await send({ title: Buffer.from([0x62, 0xff]) }, url);
        assert.match(unreadable.body, /“title” contains characters that could not be read/);
        const bidi = await send({ title: 'a\u202Eb' }, url);
        assert.match(bidi.body, /“title” contains invisible/);
        await send({ title: 'a\u0000b' }, url);
        await send({ intent: 'bogus' }, url);
        await send({ title: LONG(1001) }, url);
      }
      assert.equal(await snapshot(), before);
    });

    it('refuses hostile images for the text (script and no-JavaScript form) and stores nothing', async () => {
      const before = await snapshot();
      const media = () => t.db.selectFrom('media_files').select('name').execute();
      const mediaBefore = await media();
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
        .gif()
        .toBuffer();
      const script = '<script>alert(document.cookie)</script>';
      const hostile: [string, { name: string; type: string; data: Buffer }, RegExp][] = [
        [
          'text',
          { name: 'photo.jpg', type: 'image/jpeg', data: Buffer.from('just words, not a picture') },
          /JPEG, PNG or WebP/,
        ],
        [
          'too big',
          { name: 'big.png', type: 'image/png', data: Buffer.alloc(5 * 1024 * 1024 + 10, 1) },
          /larger than 5 MB/,
        ],
        // A JPEG's first bytes, then a page: what a browser sniffing the content could run.
        [
          'polyglot',
          {
            name: 'x.jpg',
            type: 'image/jpeg',
            data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`<html>${script}`)]),
          },
          /JPEG, PNG or WebP/,
        ],
        [
          'svg',
          {
            name: 'x.svg',
            type: 'image/svg+xml',
            data: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg">${script}</svg>`),
          },
          /JPEG, PNG or WebP/,
        ],
        [
          'svg named png',
          { name: 'x.png', type: 'image/png', data: Buffer.from(`<svg onload="alert(1)"/>`) },
          /JPEG, PNG or WebP/,
        ],
        ['gif', { name: 'x.gif', type: 'image/gif', data: gif }, /JPEG, PNG or WebP/],
        ['png with a cut', { name: 'x.png', type: 'image/png', data: png.subarray(0, 20) }, /JPEG, PNG or WebP/],
      ];
      for (const [label, file, message] of hostile) {
        const script = multipartBody({ _csrf: editor.csrf, image_alt: 'A description', image: file });
        const res = await t.inject({
          method: 'POST',
          url: '/admin/posts/images',
          payload: script.payload,
          headers: { 'content-type': script.contentType, cookie: editor.cookie },
        });
        assert.equal(res.statusCode, 400, label);
        assert.match(res.json<{ error: string }>().error, message, label);
        const form = multipartBody({
          _csrf: editor.csrf,
          title: 'x',
          add_image: '1',
          image_alt: 'A description',
          image: file,
        });
        const page = await t.inject({
          method: 'POST',
          url: `/admin/posts/${postId}`,
          payload: form.payload,
          headers: { 'content-type': form.contentType, cookie: editor.cookie },
        });
        assert.equal(page.statusCode, 400, label);
        assert.match(page.body, /id="field-image-error"/, label);
        assert.match(page.body, message, label);
      }
      // Descriptions that are not one line of plain text, and fields sent twice.
      for (const alt of ['a\u0000b', 'a\u202Eb', 'two\nlines', 'x'.repeat(301)]) {
        const body = multipartBody({
          _csrf: editor.csrf,
          image_alt: alt,
          image: { name: 'a.png', type: 'image/png', data: png },
        });
        const res = await t.inject({
          method: 'POST',
          url: '/admin/posts/images',
          payload: body.payload,
          headers: { 'content-type': body.contentType, cookie: editor.cookie },
        });
        assert.equal(res.statusCode, 400, JSON.stringify(alt));
        assert.doesNotMatch(res.body, /\.tsx?:\d+|node_modules|at async /);
      }
      const twice = multipartBody({ _csrf: editor.csrf, image_alt: 'a', 'image_alt ': 'b' });
      assert.equal(
        (
          await t.inject({
            method: 'POST',
            url: '/admin/posts/images',
            payload: twice.payload,
            headers: { 'content-type': twice.contentType, cookie: editor.cookie },
          })
        ).statusCode,
        400,
      );
      // Without the form token nothing is read into the store either.
      const noToken = multipartBody({
        image_alt: 'A description',
        image: { name: 'a.png', type: 'image/png', data: png },
      });
      const forged = await t.inject({
        method: 'POST',
        url: '/admin/posts/images',
        payload: noToken.payload,
        headers: { 'content-type': noToken.contentType, cookie: editor.cookie },
      });
      assert.equal(forged.statusCode, 403);
      assert.deepEqual(await media(), mediaBefore, 'nothing was stored');
      assert.equal(await snapshot(), before);
    });

    it('keeps only the picture of a real image carrying a payload after its end', async () => {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      const payload = '<script>alert(1)</script>';
      const body = multipartBody({
        _csrf: editor.csrf,
        image_alt: 'A white square',
        image: { name: 'a.png', type: 'image/png', data: Buffer.concat([png, Buffer.from(payload)]) },
      });
      const res = await t.inject({
        method: 'POST',
        url: '/admin/posts/images',
        payload: body.payload,
        headers: { 'content-type': body.contentType, cookie: editor.cookie },
      });
      assert.equal(res.statusCode, 201, res.body);
      const served = await t.inject(res.json<{ url: string }>().url);
      assert.equal(served.headers['content-type'], 'image/png');
      assert.ok(!served.rawPayload.includes(payload), 're-encoded: the payload is gone');
    });

    it('refuses hostile deletions and restores and changes nothing', async () => {
      const before = await snapshot();
      for (const id of IDS) await form(`/admin/posts/${id}/delete`, withToken('confirm=yes'));
      for (const body of ['confirm=yes&confirm=yes', `confirm=${LONG(11)}`, 'confirm=y%00s']) {
        await form(`/admin/posts/${postId}/delete`, withToken(body));
      }
      await form(
        `/admin/posts/${postId}/delete`,
        Buffer.concat([Buffer.from(withToken('confirm=')), Buffer.from([0x79, 0xff])]),
      );
      for (const [id, rev] of [...IDS.map((x) => [x, String(revisionId)]), ...IDS.map((x) => [String(postId), x])])
        await form(`/admin/posts/${id}/revisions/${rev}/restore`, withToken('x=1'));
      assert.equal(await snapshot(), before);
      assert.equal((await t.inject('/posts/hostile-target')).statusCode, 200, 'the post is still there');
    });
  });
}
