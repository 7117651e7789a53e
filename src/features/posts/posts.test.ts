import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Parser from 'rss-parser';
import { h, type VNode } from 'preact';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { importApprovedComment } from '../comments/service.ts';
import * as posts from './service.ts';

/* Publishing over HTTP on both dialects: public pages, editor actions, feeds, cache, API. */

const HOUR = 60 * 60 * 1000;

function fields(over: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'Harm reduction basics',
    slug: '',
    excerpt: 'What harm reduction means for outreach.',
    body_md:
      '## Why it matters\n\nPeople who sell sex know their own lives best.\n\n- listen\n- offer\n\n> Nothing about us without us.',
    content_note: '',
    language: 'en',
    tags: 'Harm reduction, Outreach',
    publish_at: '',
    translation_of: '',
    cover_alt: '',
    intent: 'publish',
    ...over,
  };
}

async function create(t: TestApp, s: StaffSession, over: Record<string, string> = {}) {
  const res = await postForm(t, '/admin/posts', fields(over), s);
  assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
  const id = Number(/\/admin\/posts\/(\d+)\/edit/.exec(String(res.headers.location))![1]);
  return id;
}

const main = (html: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';

for (const dialect of DIALECTS) {
  describe(`publishing (${dialect})`, () => {
    let t: TestApp;
    let editor: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      // A footer the comments feature would register: it must appear under the body.
      t.app.deps.registry.postFooters.push({
        order: 5,
        render: async (post) => h('section', { class: 'test-footer' }, `footer for ${post.slug}`) as VNode,
      });
      editor = await loginAs(t, 'editor');
    });
    after(() => t.close());

    it('keeps a draft private, then publishes it with author, date, reading time, tags, content note and footers', async () => {
      const id = await create(t, editor, {
        title: 'Draft then live',
        slug: 'draft-then-live',
        intent: 'save',
        content_note: 'mentions violence',
      });
      assert.equal((await t.inject('/posts/draft-then-live')).statusCode, 404);
      const pub = await postForm(
        t,
        `/admin/posts/${id}`,
        fields({
          title: 'Draft then live',
          slug: 'draft-then-live',
          content_note: 'mentions violence',
          intent: 'publish',
        }),
        editor,
      );
      assert.equal(pub.statusCode, 303);
      const page = await t.inject('/posts/draft-then-live');
      assert.equal(page.statusCode, 200);
      const body = main(page.body);
      assert.match(body, /<h1>Draft then live<\/h1>/);
      assert.match(body, /href="\/authors\/test-editor[^"]*"/);
      assert.match(body, /1 min read/);
      assert.match(body, /href="\/tags\/harm-reduction"/);
      assert.ok(
        body.indexOf('mentions violence') < body.indexOf('Why it matters'),
        'the content note comes before the text',
      );
      assert.match(body, /<h2 id="why-it-matters">/);
      assert.match(body, /<blockquote>/);
      assert.ok(
        body.indexOf('footer for draft-then-live') > body.indexOf('Why it matters'),
        'post footers come after the body',
      );
      assert.equal(page.headers['set-cookie'], undefined, 'anonymous pages set no cookie');
      assert.match(page.body, /<link rel="canonical" href="http:\/\/alongside.test\/posts\/draft-then-live"/);
      assert.match(page.body, /<meta property="og:title" content="Draft then live"/);
      assert.match(page.body, /<meta name="description" content="What harm reduction means for outreach."/);
    });

    it('never renders raw HTML or unsafe links from Markdown', async () => {
      await create(t, editor, {
        title: 'Unsafe bits',
        slug: 'unsafe-bits',
        body_md:
          '<script>alert(1)</script>\n\n[click](javascript:alert(1)) [ok](https://example.org) ![x](https://tracker.example/p.png) <img src=x onerror=alert(1)>',
      });
      const body = main((await t.inject('/posts/unsafe-bits')).body);
      assert.doesNotMatch(body, /<script>alert/);
      assert.doesNotMatch(body, /href="javascript:/);
      assert.doesNotMatch(body, /<img src="https:\/\/tracker/);
      assert.doesNotMatch(body, /<img src=x/);
      assert.match(body, /&lt;script&gt;/);
      assert.match(body, /<a href="https:\/\/example.org" rel="noopener noreferrer">ok<\/a>/);
    });

    it('answers 404 for unknown slugs, tags and authors', async () => {
      for (const url of [
        '/posts/no-such-post',
        '/tags/no-such-tag',
        '/authors/nobody-here',
        '/tags/no-such-tag/feed.xml',
        '/api/posts/no-such-post',
      ]) {
        assert.equal((await t.inject(url)).statusCode, 404, url);
      }
    });

    it('keeps the editor’s text and saves nothing on bad input', async () => {
      const before = await t.db
        .selectFrom('posts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const cases: [Record<string, string>, RegExp][] = [
        [{ title: 'x'.repeat(201), body_md: 'my careful words' }, /at most 200 characters/],
        [{ title: 'Body too long', body_md: 'y'.repeat(100_001) }, /at most 100,000 characters/],
        [
          { title: 'Bad date', body_md: 'my careful words', intent: 'schedule', publish_at: '2026-02-31T10:00' },
          /real date and time/,
        ],
        [
          { title: 'Past date', body_md: 'my careful words', intent: 'schedule', publish_at: '2020-01-01T10:00' },
          /in the past/,
        ],
        [{ title: 'Dup slug', slug: 'draft-then-live', body_md: 'my careful words' }, /already uses the slug/],
        [{ title: 'Bad slug', slug: '../etc/passwd', body_md: 'my careful words' }, /only lower-case letters/],
        [{ title: 'Bad language', language: 'english!!', body_md: 'my careful words' }, /language code/],
      ];
      for (const [over, message] of cases) {
        const res = await postForm(t, '/admin/posts', fields(over), editor);
        assert.equal(res.statusCode, 400, JSON.stringify(over).slice(0, 80));
        assert.match(res.body, message);
        assert.match(res.body, /class="error-summary"/);
        if (over.body_md === 'my careful words')
          assert.match(res.body, /my careful words<\/textarea>/, 'the text is kept');
      }
      const afterCount = await t.db
        .selectFrom('posts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n), 'nothing was saved');
    });

    it('refuses editor actions to other roles and to anonymous visitors', async () => {
      const mod = await loginAs(t, 'moderator');
      assert.equal((await t.inject({ url: '/admin/posts', headers: { cookie: mod.cookie } })).statusCode, 403);
      assert.equal((await postForm(t, '/admin/posts', fields({ title: 'Sneaky' }), mod)).statusCode, 403);
      const anon = await t.inject('/admin/posts/new');
      assert.equal(anon.statusCode, 303);
      const noCsrf = await postForm(t, '/admin/posts', { ...fields({ title: 'No token' }), _csrf: 'bogus' }, editor);
      assert.equal(noCsrf.statusCode, 403);
      assert.equal(
        await t.db.selectFrom('posts').where('title', 'in', ['Sneaky', 'No token']).select('id').executeTakeFirst(),
        undefined,
      );
    });

    it('shows an edit on the very next request although the page is cached', async () => {
      const id = await create(t, editor, { title: 'Cached once', slug: 'cached-once' });
      const first = await t.inject('/posts/cached-once');
      const second = await t.inject('/posts/cached-once');
      assert.equal(second.headers['x-cache'], 'hit');
      assert.equal(first.body, second.body);
      await t.inject('/'); // cache the home page too
      assert.equal((await t.inject('/')).headers['x-cache'], 'hit');
      const res = await postForm(
        t,
        `/admin/posts/${id}`,
        fields({ title: 'Cached once, edited', slug: 'cached-once', intent: 'save' }),
        editor,
      );
      assert.equal(res.statusCode, 303);
      assert.match((await t.inject('/posts/cached-once')).body, /Cached once, edited/);
      assert.match((await t.inject('/')).body, /Cached once, edited/);
    });

    it('shows a newly approved comment on the next request: the page carries the tag post:<id>', async () => {
      const id = await create(t, editor, { title: 'With comments', slug: 'with-comments' });
      await t.inject('/posts/with-comments');
      assert.equal((await t.inject('/posts/with-comments')).headers['x-cache'], 'hit');
      await importApprovedComment(t.db, t.clock, id, {
        legacyId: 'x1',
        parentId: null,
        displayName: 'Kit',
        bodyMd: 'A freshly approved comment.',
      });
      // What the comments feature does when a moderator approves: invalidate the post's tag.
      await t.app.deps.pageCache.invalidate(cacheTags.post(id));
      const page = await t.inject('/posts/with-comments');
      assert.equal(page.headers['x-cache'], undefined);
      assert.match(page.body, /A freshly approved comment\./);
    });

    it('publishes a scheduled post on time, without a restart, even from cached lists', async () => {
      const when = new Date(t.clock.now().getTime() + 2 * HOUR).toISOString().slice(0, 16);
      await create(t, editor, {
        title: 'Scheduled for later',
        slug: 'scheduled-for-later',
        intent: 'schedule',
        publish_at: when,
        tags: 'Later',
      });
      for (const url of ['/', '/feed.xml', '/sitemap.xml', '/api/posts']) {
        assert.doesNotMatch((await t.inject(url)).body, /scheduled-for-later/, url);
        assert.equal((await t.inject(url)).headers['x-cache'], 'hit', `${url} is cached`);
      }
      assert.equal((await t.inject('/posts/scheduled-for-later')).statusCode, 404);
      t.clock.advance(2 * HOUR + 1000);
      assert.equal((await t.inject('/posts/scheduled-for-later')).statusCode, 200);
      for (const url of ['/', '/feed.xml', '/sitemap.xml', '/api/posts', '/tags/later']) {
        assert.match((await t.inject(url)).body, /scheduled-for-later/, url);
      }
    });

    it('redirects the old address after a published slug changes', async () => {
      const id = await create(t, editor, { title: 'Old name', slug: 'old-name' });
      await postForm(t, `/admin/posts/${id}`, fields({ title: 'New name', slug: 'new-name', intent: 'save' }), editor);
      const old = await t.inject('/posts/old-name');
      assert.equal(old.statusCode, 301);
      assert.equal(old.headers.location, '/posts/new-name');
      assert.equal((await t.inject('/posts/new-name')).statusCode, 200);
    });

    it('unpublishes and deletes', async () => {
      const id = await create(t, editor, { title: 'Short lived', slug: 'short-lived' });
      assert.equal((await t.inject('/posts/short-lived')).statusCode, 200);
      await postForm(
        t,
        `/admin/posts/${id}`,
        fields({ title: 'Short lived', slug: 'short-lived', intent: 'unpublish' }),
        editor,
      );
      assert.equal((await t.inject('/posts/short-lived')).statusCode, 404);
      const refused = await postForm(t, `/admin/posts/${id}/delete`, {}, editor);
      assert.equal(refused.statusCode, 400);
      const del = await postForm(t, `/admin/posts/${id}/delete`, { confirm: 'yes' }, editor);
      assert.equal(del.statusCode, 303);
      assert.equal(await t.db.selectFrom('posts').where('id', '=', id).select('id').executeTakeFirst(), undefined);
      // Publishing, unpublishing and deleting are staff decisions the audit log keeps, in order.
      const audit = await t.db
        .selectFrom('audit_log')
        .where('subject', '=', `post:${id}`)
        .selectAll()
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.user_id, a.detail]),
        [
          ['post.publish', editor.userId, 'Short lived (/posts/short-lived)'],
          ['post.unpublish', editor.userId, 'Short lived (/posts/short-lived)'],
          ['post.delete', editor.userId, 'Short lived (/posts/short-lived)'],
        ],
      );
      assert.equal(
        (await t.inject({ url: `/admin/posts/${id}/edit`, headers: { cookie: editor.cookie } })).statusCode,
        404,
      );
    });

    it('keeps revisions that show who changed what, and restores one', async () => {
      const id = await create(t, editor, { title: 'Revised', slug: 'revised', body_md: 'first version' });
      await postForm(
        t,
        `/admin/posts/${id}`,
        fields({ title: 'Revised', slug: 'revised', body_md: 'second version', intent: 'save' }),
        editor,
      );
      const edit = await t.inject({ url: `/admin/posts/${id}/edit`, headers: { cookie: editor.cookie } });
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /Test editor/);
      assert.match(edit.body, /<td>text<\/td>/);
      const revs = await t.db
        .selectFrom('post_revisions')
        .where('post_id', '=', id)
        .selectAll()
        .orderBy('id')
        .execute();
      assert.equal(revs.length, 2);
      const view = await t.inject({
        url: `/admin/posts/${id}/revisions/${revs[0]!.id}`,
        headers: { cookie: editor.cookie },
      });
      assert.match(view.body, /first version/);
      const restore = await postForm(t, `/admin/posts/${id}/revisions/${revs[0]!.id}/restore`, {}, editor);
      assert.equal(restore.statusCode, 303);
      assert.match((await t.inject('/posts/revised')).body, /first version/);
      const after = await t.db
        .selectFrom('post_revisions')
        .where('post_id', '=', id)
        .selectAll()
        .orderBy('id')
        .execute();
      assert.equal(after.length, 3);
      assert.equal(after[2]!.action, `restore #${revs[0]!.id}`);
      const restored = await t.db
        .selectFrom('audit_log')
        .where('subject', '=', `post:${id}`)
        .where('action', '=', 'post.restore')
        .selectAll()
        .executeTakeFirstOrThrow();
      assert.equal(restored.user_id, editor.userId);
      assert.equal(restored.detail, `revision #${revs[0]!.id}: Revised`);
    });

    it('previews with the public renderer, live and without JavaScript', async () => {
      const live = await postForm(t, '/admin/posts/preview', { body_md: '# Title\n\n<b>x</b>' }, editor);
      assert.equal(live.statusCode, 200);
      assert.equal(live.body, '<h1 id="title">Title</h1>\n<p>&lt;b&gt;x&lt;/b&gt;</p>\n');
      const form = await postForm(
        t,
        '/admin/posts',
        fields({ title: 'Preview only', intent: 'preview', body_md: '**bold words**' }),
        editor,
      );
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<strong>bold words<\/strong>/);
      assert.equal(
        await t.db.selectFrom('posts').where('title', '=', 'Preview only').select('id').executeTakeFirst(),
        undefined,
      );
    });

    it('links translations, with hreflang alternates and UI text in the post’s language', async () => {
      await create(t, editor, { title: 'Know your rights', slug: 'know-your-rights', tags: 'Rights' });
      await create(t, editor, {
        title: 'Connaître vos droits',
        slug: 'connaitre-vos-droits',
        language: 'fr',
        translation_of: 'know-your-rights',
        body_md: 'Le texte en français.',
        tags: 'Rights',
      });
      const en = await t.inject('/posts/know-your-rights');
      assert.match(
        en.body,
        /<link rel="alternate" hreflang="fr" href="http:\/\/alongside.test\/posts\/connaitre-vos-droits"/,
      );
      assert.match(en.body, /hreflang="fr" lang="fr">Français<\/a>/);
      assert.match(
        en.body,
        /<link rel="alternate" hreflang="x-default" href="http:\/\/alongside.test\/posts\/know-your-rights"/,
      );
      const fr = await t.inject('/posts/connaitre-vos-droits');
      assert.match(fr.body, /<html lang="fr"/);
      assert.match(fr.body, /min de lecture/);
      assert.match(fr.body, /hreflang="en"/);
      const sitemap = (await t.inject('/sitemap.xml')).body;
      assert.match(
        sitemap,
        /<xhtml:link rel="alternate" hreflang="fr" href="http:\/\/alongside.test\/posts\/connaitre-vos-droits"\/>/,
      );
      const dup = await postForm(
        t,
        '/admin/posts',
        fields({ title: 'Autre', language: 'fr', translation_of: 'know-your-rights' }),
        editor,
      );
      assert.equal(dup.statusCode, 400, 'one post per language in a family');
      const frFeed = JSON.parse((await t.inject('/feed.json?lang=fr')).body) as { items: { language: string }[] };
      assert.ok(frFeed.items.length >= 1 && frFeed.items.every((i) => i.language === 'fr'));
    });

    it('serves feeds that an independent parser reads, all pointing at PUBLIC_URL', async () => {
      const parser = new Parser();
      const rss = await t.inject('/feed.xml');
      assert.match(String(rss.headers['content-type']), /application\/rss\+xml/);
      const parsedRss = await parser.parseString(rss.body);
      assert.equal(parsedRss.title, 'Alongside');
      assert.ok(parsedRss.items.length > 0);
      assert.ok(parsedRss.items.every((i) => i.link?.startsWith('http://alongside.test/posts/')));
      const atom = await parser.parseString((await t.inject('/atom.xml')).body);
      assert.ok(atom.items.length === parsedRss.items.length);
      const tagFeed = await parser.parseString((await t.inject('/tags/harm-reduction/feed.xml')).body);
      assert.ok(tagFeed.items.length > 0 && tagFeed.items.length < parsedRss.items.length + 1);
      const json = JSON.parse((await t.inject('/feed.json')).body) as {
        version: string;
        home_page_url: string;
        feed_url: string;
        items: {
          id: unknown;
          url: string;
          content_html: unknown;
          date_published: string;
          authors?: { name: string }[];
        }[];
      };
      assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
      assert.equal(json.home_page_url, 'http://alongside.test/');
      assert.equal(json.feed_url, 'http://alongside.test/feed.json');
      for (const item of json.items) {
        assert.equal(typeof item.id, 'string');
        assert.match(item.url, /^http:\/\/alongside.test\/posts\//);
        assert.equal(typeof item.content_html, 'string');
        assert.ok(!Number.isNaN(Date.parse(item.date_published)));
        assert.ok(Array.isArray(item.authors) && item.authors[0]?.name);
      }
      assert.ok(!(await t.inject('/feed.xml')).body.includes('href="/'), 'no relative links in feeds');
    });

    it('keeps titles and excerpts with < and & as text in every feed', async () => {
      const title = 'Rights & <wrongs>: "Q&A" </title><script>alert(1)</script>';
      const excerpt = 'Tom &amp; Jerry & <b>bold</b> ]]> end';
      await create(t, editor, { title, slug: 'rights-and-wrongs', excerpt, tags: 'Feed escaping' });
      /** What a reader shows for a field the format calls HTML: escaped text only, never markup. */
      const asText = (html: string | undefined) => {
        assert.equal(typeof html, 'string');
        assert.doesNotMatch(html!, /</, `markup in an HTML field: ${html}`);
        return html!.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) =>
          e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'",
        );
      };
      const parser = new Parser();
      for (const url of ['/tags/feed-escaping/feed.xml', '/tags/feed-escaping/atom.xml']) {
        const body = (await t.inject(url)).body;
        assert.doesNotMatch(body, /<script|<wrongs>|<b>/, url);
        const [item] = (await parser.parseString(body)).items;
        assert.equal(asText(item?.title), title, url);
        // RSS carries the excerpt as <description> (rss-parser: content), Atom as <summary>.
        assert.equal(asText(url.endsWith('atom.xml') ? item?.summary : item?.content), excerpt, url);
      }
      const json = JSON.parse((await t.inject('/tags/feed-escaping/feed.json')).body) as {
        items: { title: string; summary: string }[];
      };
      assert.equal(json.items[0]?.title, title, 'JSON Feed titles are plain text');
      assert.equal(json.items[0]?.summary, excerpt);
    });

    it('serves a sitemap and robots.txt', async () => {
      const sitemap = await t.inject('/sitemap.xml');
      assert.match(sitemap.body, /<loc>http:\/\/alongside.test\/posts\/draft-then-live<\/loc>/);
      assert.match(sitemap.body, /<loc>http:\/\/alongside.test\/tags\/harm-reduction<\/loc>/);
      const robots = await t.inject('/robots.txt');
      assert.match(robots.body, /Sitemap: http:\/\/alongside.test\/sitemap.xml/);
      assert.match(robots.body, /Disallow: \/admin\//);
    });

    it('lists tag and author pages with pagination, and the home page with ?page=', async () => {
      for (let i = 0; i < 11; i++)
        await create(t, editor, { title: `Bulk post ${i}`, slug: `bulk-${i}`, tags: 'Bulk' });
      const tag = await t.inject('/tags/bulk');
      assert.equal(tag.statusCode, 200);
      assert.match(tag.body, /Posts tagged “Bulk”/);
      assert.match(tag.body, /href="\/tags\/bulk\?page=2"/);
      assert.match((await t.inject('/tags/bulk?page=2')).body, /Bulk post 0/);
      const home = await t.inject('/');
      assert.match(home.body, /Latest posts/);
      assert.match(home.body, /href="\/\?page=2"/);
      const home2 = await t.inject('/?page=2');
      assert.notEqual(main(home.body), main(home2.body));
      const author = /href="(\/authors\/[^"]+)"/.exec(home.body)![1]!;
      assert.equal((await t.inject(author)).statusCode, 200);
      assert.equal((await t.inject('/tags')).statusCode, 200);
    });

    it('searches published posts with stemming, ranking and highlighted matches', async () => {
      await create(t, editor, {
        title: 'Supporting workers',
        slug: 'supporting-workers',
        body_md: 'Peer support for every worker in the city.',
      });
      await create(t, editor, {
        title: 'Secret draft about workers',
        slug: 'secret-draft',
        intent: 'save',
        body_md: 'workers workers',
      });
      const res = await t.inject('/search?q=worker');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(res.body, /supporting-workers/);
      assert.doesNotMatch(res.body, /secret-draft/, 'drafts are not searchable');
      assert.match(res.body, /<mark>[Ww]orker/);
      const hostile = await t.inject('/search?q=' + encodeURIComponent('"<script> OR NEAR( * ) AND'));
      assert.equal(hostile.statusCode, 200);
      assert.doesNotMatch(hostile.body, /<script>/);
      const hits = await posts.searchPosts(t.db, t.dialect, t.clock, 'supporting');
      assert.equal(hits.items[0]?.slug, 'supporting-workers');
    });

    it('offers a read API with filters, pagination and fields', async () => {
      const list = await t.inject('/api/posts?tag=bulk&per_page=5&page=2');
      assert.equal(list.statusCode, 200);
      assert.equal(list.headers['access-control-allow-origin'], '*');
      const data = JSON.parse(list.body) as {
        posts: Record<string, unknown>[];
        meta: { total: number; pages: number };
      };
      assert.equal(data.posts.length, 5);
      assert.equal(data.meta.total, 11);
      assert.equal(data.meta.pages, 3);
      const slim = JSON.parse((await t.inject('/api/posts?fields=slug,title&language=fr')).body) as {
        posts: Record<string, unknown>[];
      };
      assert.deepEqual(Object.keys(slim.posts[0]!), ['slug', 'title']);
      assert.ok(slim.posts.every((p) => p.slug === 'connaitre-vos-droits'));
      assert.equal((await t.inject('/api/posts?fields=password_hash')).statusCode, 400);
      const one = JSON.parse((await t.inject('/api/posts/know-your-rights')).body) as {
        post: { title: string; translations: { language: string }[] };
      };
      assert.equal(one.post.title, 'Know your rights');
      assert.equal(one.post.translations[0]?.language, 'fr');
      assert.ok(!JSON.stringify(one).includes('email'), 'no staff e-mail in the API');
      const tags = JSON.parse((await t.inject('/api/tags')).body) as { tags: { slug: string; posts: number }[] };
      assert.equal(tags.tags.find((x) => x.slug === 'bulk')?.posts, 11);
      const authors = JSON.parse((await t.inject('/api/authors')).body) as { authors: Record<string, unknown>[] };
      assert.ok(authors.authors.length >= 1 && !('email' in authors.authors[0]!));
    });

    it('opens and closes comments on a post for moderators, audited', async () => {
      const id = await create(t, editor, { title: 'Closing comments', slug: 'closing-comments' });
      const mod = await loginAs(t, 'moderator');
      const refused = await posts.setCommentsClosed(t.db, t.clock, { id: editor.userId, role: 'editor' }, id, true);
      assert.equal(refused.ok, false, 'editors do not moderate comments');
      const closed = await posts.setCommentsClosed(t.db, t.clock, { id: mod.userId, role: 'moderator' }, id, true);
      assert.deepEqual(closed, { ok: true, value: { id, slug: 'closing-comments' } });
      const row = await t.db
        .selectFrom('posts')
        .where('id', '=', id)
        .select('comments_closed')
        .executeTakeFirstOrThrow();
      assert.equal(row.comments_closed, 1);
      const audit = await t.db
        .selectFrom('audit_log')
        .where('subject', '=', `post:${id}`)
        .where('action', '=', 'comments.close')
        .selectAll()
        .executeTakeFirstOrThrow();
      assert.equal(audit.user_id, mod.userId);
      const missing = await posts.setCommentsClosed(
        t.db,
        t.clock,
        { id: mod.userId, role: 'moderator' },
        999_999,
        false,
      );
      assert.equal(missing.ok ? '' : missing.kind, 'not_found');
    });

    it('lists published posts by tag for other features', async () => {
      const list = await posts.listPublishedPostsByTag(t.db, t.clock, 'rights', 10);
      assert.deepEqual(list.map((p) => p.slug).sort(), ['connaitre-vos-droits', 'know-your-rights']);
      assert.ok(await posts.findPublishedPostBySlug(t.db, t.clock, 'know-your-rights'));
      assert.equal(await posts.findPublishedPostBySlug(t.db, t.clock, 'secret-draft'), undefined);
    });
  });
}
