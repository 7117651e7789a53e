import fs from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { uiLocale } from '../../core/i18n/index.ts';
import { renderMarkdown } from '../../core/markdown/render.ts';
import { noStore } from '../../core/http/security.ts';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { statusOf } from '../../core/result.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import * as posts from './service.ts';
import { buildFeed, jsonFeed11, xmlEscape, type FeedMeta } from './feeds.ts';
import { tp } from './messages.ts';
import { coverPath, MAX_COVER_BYTES, removeCover, storeCover, type Upload } from './uploads.ts';
import {
  AdminPostsPage,
  HomePosts,
  ListingPage,
  PostEditorPage,
  PostPage,
  RevisionPage,
  SearchPage,
  TagsIndexPage,
} from './views.tsx';
import { apiRoutes } from './api.ts';

const DEFAULT_TTL_MS = 5 * 60_000;
const FEED_SIZE = 20;

function pageParam(query: unknown): number {
  const raw = (query as { page?: string } | undefined)?.page;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export async function postRoutes(app: FastifyInstance) {
  const { db, dialect, clock, config, pageCache, registry } = app.deps;

  /** Cached lists must not outlive the next scheduled publication. */
  async function capCacheToNextPublication(req: FastifyRequest) {
    const ms = await posts.msUntilNextPublication(db, clock.now());
    if (ms !== undefined && ms < DEFAULT_TTL_MS) req.cacheTtlMs = Math.max(ms, 1);
  }

  function notFoundPage(req: FastifyRequest, reply: FastifyReply) {
    return reply.page(<ErrorPage ctx={req.pageContext()} status={404} />, 404);
  }

  // ── home section ──
  registry.homeSections.push({
    order: 20,
    async render(ctx, req) {
      const page = pageParam(req?.query);
      const list = await posts.listPublished(db, clock.now(), { page });
      if (req) await capCacheToNextPublication(req);
      return <HomePosts ctx={ctx} page={list} hrefFor={(n) => (n === 1 ? '/' : `/?page=${n}`)} />;
    },
  });
  registry.adminLinks.push({
    href: '/admin/posts',
    label: 'Posts',
    description: 'Write, schedule and publish posts; tags, translations and revisions.',
    action: 'posts.edit',
  });

  // ── public pages ──
  app.get<{ Params: { slug: string } }>(
    '/posts/:slug',
    { config: { pageCache: { tags: ['posts'] } } },
    async (req, reply) => {
      const result = await posts.postPage(db, req.params.slug, clock.now());
      if (!result.ok) {
        if (result.kind === 'moved') return reply.redirect(`/posts/${result.slug}`, 301);
        return notFoundPage(req, reply);
      }
      const post = result.value.post;
      req.cacheTags?.push(`post:${post.id}`);
      await capCacheToNextPublication(req);
      const ctx = req.pageContext(uiLocale(post.language));
      const footers = [...registry.postFooters].sort((a, b) => a.order - b.order);
      const rendered = await Promise.all(
        footers.map((f) => f.render({ id: post.id, slug: post.slug, language: post.language }, ctx)),
      );
      reply.header('content-language', post.language);
      return reply.page(<PostPage ctx={ctx} data={result.value} footers={rendered} />);
    },
  );

  app.get('/tags', { config: { pageCache: { tags: ['posts'] } } }, async (req, reply) => {
    const tags = await posts.listTags(db, clock.now());
    await capCacheToNextPublication(req);
    return reply.page(<TagsIndexPage ctx={req.pageContext()} tags={tags} />);
  });

  app.get<{ Params: { slug: string } }>(
    '/tags/:slug',
    { config: { pageCache: { tags: ['posts'] } } },
    async (req, reply) => {
      const tag = await posts.findTag(db, req.params.slug);
      if (!tag) return notFoundPage(req, reply);
      const list = await posts.listPublished(db, clock.now(), { tagSlug: tag.slug, page: pageParam(req.query) });
      if (list.total === 0) return notFoundPage(req, reply);
      await capCacheToNextPublication(req);
      const ctx = req.pageContext();
      return reply.page(
        <ListingPage
          ctx={ctx}
          title={tp(ctx.locale, 'postsTagged', { tag: tag.name })}
          page={list}
          hrefFor={(n) => `/tags/${tag.slug}${n > 1 ? `?page=${n}` : ''}`}
          feedHref={`/tags/${tag.slug}/feed.xml`}
          canonical={`${config.publicUrl}/tags/${tag.slug}`}
        />,
      );
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/authors/:slug',
    { config: { pageCache: { tags: ['posts'] } } },
    async (req, reply) => {
      const author = await posts.findAuthor(db, req.params.slug);
      if (!author) return notFoundPage(req, reply);
      const list = await posts.listPublished(db, clock.now(), { authorSlug: author.slug, page: pageParam(req.query) });
      if (list.total === 0) return notFoundPage(req, reply);
      await capCacheToNextPublication(req);
      const ctx = req.pageContext();
      return reply.page(
        <ListingPage
          ctx={ctx}
          title={tp(ctx.locale, 'postsBy', { name: author.display_name })}
          intro={author.bio || undefined}
          page={list}
          hrefFor={(n) => `/authors/${author.slug}${n > 1 ? `?page=${n}` : ''}`}
          feedHref={`/authors/${author.slug}/feed.xml`}
          canonical={`${config.publicUrl}/authors/${author.slug}`}
        />,
      );
    },
  );

  // Search terms can be sensitive: the results page is never cached, by us or the browser.
  app.get('/search', async (req, reply) => {
    noStore(reply);
    const q = String((req.query as { q?: unknown }).q ?? '').slice(0, 200);
    const result = await posts.searchPosts(db, dialect, q, clock.now(), pageParam(req.query));
    return reply.page(<SearchPage ctx={req.pageContext()} q={q} {...result} />);
  });

  app.get<{ Params: { file: string } }>('/media/posts/:file', async (req, reply) => {
    const file = coverPath(config.dataDir, req.params.file);
    if (!file || !fs.existsSync(file)) return notFoundPage(req, reply);
    const type = file.endsWith('.png') ? 'image/png' : file.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
    // Names are random and never reused: cache for a long time.
    return reply
      .type(type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(fs.createReadStream(file));
  });

  // ── feeds ──
  type FeedScope = { kind: 'site' } | { kind: 'tag'; slug: string } | { kind: 'author'; slug: string };
  async function feedFor(
    req: FastifyRequest,
    scope: FeedScope,
  ): Promise<{ meta: FeedMeta; list: posts.PostSummary[] } | undefined> {
    const lang = String((req.query as { lang?: unknown }).lang ?? '').slice(0, 35) || undefined;
    const base = { publicUrl: config.publicUrl, siteName: 'Alongside', language: lang };
    let meta: FeedMeta;
    let filter: { tagSlug?: string; authorSlug?: string } = {};
    if (scope.kind === 'tag') {
      const tag = await posts.findTag(db, scope.slug);
      if (!tag) return undefined;
      meta = {
        ...base,
        title: `Alongside: ${tag.name}`,
        description: `Posts tagged “${tag.name}”.`,
        basePath: `/tags/${tag.slug}`,
        htmlPath: `/tags/${tag.slug}`,
      };
      filter = { tagSlug: tag.slug };
    } else if (scope.kind === 'author') {
      const author = await posts.findAuthor(db, scope.slug);
      if (!author) return undefined;
      meta = {
        ...base,
        title: `Alongside: ${author.display_name}`,
        description: `Posts by ${author.display_name}.`,
        basePath: `/authors/${author.slug}`,
        htmlPath: `/authors/${author.slug}`,
      };
      filter = { authorSlug: author.slug };
    } else {
      meta = {
        ...base,
        title: 'Alongside',
        description:
          'News and articles on sex work, trafficking and harm reduction, from a support-not-rescue position.',
        basePath: '',
        htmlPath: '/',
      };
    }
    const list = await posts.listPublished(db, clock.now(), { ...filter, language: lang, perPage: FEED_SIZE });
    await capCacheToNextPublication(req);
    return { meta, list: list.items };
  }

  const feedRoutes: { path: string; scope: (p: Record<string, string>) => FeedScope }[] = [
    { path: '', scope: () => ({ kind: 'site' }) },
    { path: '/tags/:slug', scope: (p) => ({ kind: 'tag', slug: p.slug! }) },
    { path: '/authors/:slug', scope: (p) => ({ kind: 'author', slug: p.slug! }) },
  ];
  for (const { path, scope } of feedRoutes) {
    const cache = { pageCache: { tags: ['posts'] } };
    app.get(`${path}/feed.xml`, { config: cache }, async (req, reply) => {
      const f = await feedFor(req, scope(req.params as Record<string, string>));
      if (!f) return notFoundPage(req, reply);
      return reply.type('application/rss+xml; charset=utf-8').send(buildFeed(f.meta, f.list).rss2());
    });
    app.get(`${path}/atom.xml`, { config: cache }, async (req, reply) => {
      const f = await feedFor(req, scope(req.params as Record<string, string>));
      if (!f) return notFoundPage(req, reply);
      return reply.type('application/atom+xml; charset=utf-8').send(buildFeed(f.meta, f.list).atom1());
    });
    app.get(`${path}/feed.json`, { config: cache }, async (req, reply) => {
      const f = await feedFor(req, scope(req.params as Record<string, string>));
      if (!f) return notFoundPage(req, reply);
      return reply
        .type('application/feed+json; charset=utf-8')
        .send(jsonFeed11(buildFeed(f.meta, f.list), f.list, f.meta.language));
    });
  }

  app.get('/sitemap.xml', { config: { pageCache: { tags: ['posts'] } } }, async (req, reply) => {
    const now = clock.now();
    const all = await posts.sitemapEntries(db, now);
    await capCacheToNextPublication(req);
    const base = config.publicUrl;
    const urls: string[] = [`<url><loc>${xmlEscape(base)}/</loc></url>`];
    for (const p of all.posts) {
      const alternates = p.translations.length
        ? [...p.translations, { slug: p.slug, language: p.language }]
            .map(
              (tr) =>
                `<xhtml:link rel="alternate" hreflang="${xmlEscape(tr.language)}" href="${xmlEscape(`${base}/posts/${tr.slug}`)}"/>`,
            )
            .join('')
        : '';
      urls.push(
        `<url><loc>${xmlEscape(`${base}/posts/${p.slug}`)}</loc><lastmod>${xmlEscape(p.updated_at)}</lastmod>${alternates}</url>`,
      );
    }
    for (const t of all.tags) urls.push(`<url><loc>${xmlEscape(`${base}/tags/${t.slug}`)}</loc></url>`);
    for (const a of all.authors) urls.push(`<url><loc>${xmlEscape(`${base}/authors/${a.slug}`)}</loc></url>`);
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join('\n')}\n</urlset>\n`;
    return reply.type('application/xml; charset=utf-8').send(xml);
  });

  app.get('/robots.txt', { config: { pageCache: { tags: ['robots'] } } }, async (_req, reply) => {
    const body = [
      'User-agent: *',
      'Disallow: /admin/',
      'Disallow: /search',
      '',
      `Sitemap: ${config.publicUrl}/sitemap.xml`,
      '',
    ].join('\n');
    return reply.type('text/plain; charset=utf-8').send(body);
  });

  await app.register(apiRoutes);

  // ── editors ──
  await app.register(async (staff) => {
    await staff.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_COVER_BYTES, files: 1, fields: 40, fieldSize: 1024 * 1024, parts: 50 },
      async onFile(part) {
        const buffer = await part.toBuffer();
        (part as unknown as { value: unknown }).value = {
          buffer,
          truncated: part.file.truncated,
          filename: part.filename,
        } satisfies Upload & { filename: string };
      },
    });
    const guard = requireStaff('posts.edit');

    staff.get('/admin/posts', { preHandler: guard }, async (req, reply) => {
      const list = await posts.listForEditors(db, pageParam(req.query));
      const now = clock.now();
      const done = String((req.query as { done?: string }).done ?? '');
      return reply.page(
        <AdminPostsPage
          ctx={req.pageContext()}
          {...list}
          statusOf={(p) => posts.displayStatus(p, now)}
          notice={done === 'deleted' ? 'The post was deleted.' : undefined}
        />,
      );
    });

    staff.get('/admin/posts/new', { preHandler: guard }, async (req, reply) => {
      const known = (await posts.listAllTags(db)).map((t) => t.name);
      const blank: posts.PostInput = {
        title: '',
        slug: '',
        excerpt: '',
        body_md: '',
        content_note: '',
        language: 'en',
        tags: '',
        publish_at: '',
        translation_of: String((req.query as { translation_of?: string }).translation_of ?? ''),
        cover_alt: '',
      };
      return reply.page(<PostEditorPage ctx={req.pageContext()} input={blank} status="draft" knownTags={known} />);
    });

    staff.get<{ Params: { id: string } }>('/admin/posts/:id/edit', { preHandler: guard }, async (req, reply) => {
      const id = Number(req.params.id);
      const data = Number.isInteger(id) ? await posts.editorData(db, id) : undefined;
      if (!data) return notFoundPage(req, reply);
      const known = (await posts.listAllTags(db)).map((t) => t.name);
      const done = String((req.query as { done?: string }).done ?? '');
      const notices: Record<string, string> = {
        save: 'Saved.',
        publish: 'Published.',
        schedule: 'Scheduled.',
        unpublish: 'Unpublished: the post is a draft again.',
        restore: 'The revision was restored.',
        create: 'Saved.',
      };
      return reply.page(
        <PostEditorPage
          ctx={req.pageContext()}
          postId={id}
          input={posts.inputFromPost(data.post, data.tags.map((t) => t.name).join(', '))}
          status={posts.displayStatus(data.post, clock.now())}
          cover={data.post.cover_image ? { file: data.post.cover_image, alt: data.post.cover_alt } : null}
          revisions={data.revisions}
          translations={data.translations}
          knownTags={known}
          slug={data.post.slug}
          notice={notices[done]}
        />,
      );
    });

    // Live preview: the same renderer as the public page.
    staff.post('/admin/posts/preview', { preHandler: guard }, async (req, reply) => {
      const body = (req.body ?? {}) as { body_md?: unknown };
      const md = typeof body.body_md === 'string' ? body.body_md.slice(0, posts.LIMITS.body) : '';
      return reply.type('text/html; charset=utf-8').send(renderMarkdown(md));
    });

    async function handleSave(req: FastifyRequest, reply: FastifyReply, id: number | undefined) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      const input: posts.PostInput = {
        title: str('title'),
        slug: str('slug'),
        excerpt: str('excerpt'),
        body_md: str('body_md').replace(/\r\n/g, '\n'),
        content_note: str('content_note'),
        language: str('language'),
        tags: str('tags'),
        publish_at: str('publish_at'),
        translation_of: str('translation_of'),
        cover_alt: str('cover_alt'),
        comments_closed: body.comments_closed === '1',
      };
      const intentRaw = str('intent') || 'save';
      const current = id === undefined ? undefined : await posts.editorData(db, id);
      if (id !== undefined && !current) return notFoundPage(req, reply);
      const status = current ? posts.displayStatus(current.post, clock.now()) : 'draft';
      const known = (await posts.listAllTags(db)).map((t) => t.name);
      const rerender = (code: number, errors?: Record<string, string>, previewHtml?: string) =>
        reply.page(
          <PostEditorPage
            ctx={req.pageContext()}
            postId={id}
            input={input}
            status={status}
            errors={errors}
            previewHtml={previewHtml}
            cover={current?.post.cover_image ? { file: current.post.cover_image, alt: current.post.cover_alt } : null}
            revisions={current?.revisions}
            translations={current?.translations}
            knownTags={known}
            slug={current?.post.slug}
          />,
          code,
        );
      if (intentRaw === 'preview') return rerender(200);
      if (!['save', 'publish', 'schedule', 'unpublish'].includes(intentRaw))
        return rerender(400, { _form: 'Choose one of the buttons at the end of the form.' });
      const intent = intentRaw as posts.Intent;

      // The image is checked and stored first; if the post then fails to save, the file is removed.
      let cover: posts.CoverImage | null | undefined;
      const upload = body.cover as (Upload & { filename: string }) | undefined;
      if (
        upload &&
        typeof upload === 'object' &&
        'buffer' in upload &&
        (upload.buffer.length > 0 || upload.truncated)
      ) {
        const stored = await storeCover(config.dataDir, upload);
        if (!stored.ok) return rerender(400, { cover: stored.message });
        cover = stored.value;
      } else if (body.remove_cover === '1') cover = null;

      const result = await posts.savePost(db, clock, req.staff!, id, input, intent, cover);
      if (!result.ok) {
        if (cover) await removeCover(config.dataDir, cover.file);
        if (result.kind === 'invalid')
          return rerender(400, 'fields' in result && result.fields ? result.fields : { _form: result.message });
        return reply.page(
          <ErrorPage ctx={req.pageContext()} status={statusOf(result)} message={result.message} />,
          statusOf(result),
        );
      }
      if (cover !== undefined && current?.post.cover_image) await removeCover(config.dataDir, current.post.cover_image);
      await pageCache.invalidate(...result.value.tags);
      return reply.redirect(`/admin/posts/${result.value.id}/edit?done=${intent}`, 303);
    }

    staff.post('/admin/posts', { preHandler: guard }, (req, reply) => handleSave(req, reply, undefined));
    staff.post<{ Params: { id: string } }>('/admin/posts/:id', { preHandler: guard }, async (req, reply) => {
      const id = Number(req.params.id);
      if (!Number.isInteger(id)) return notFoundPage(req, reply);
      return handleSave(req, reply, id);
    });

    staff.post<{ Params: { id: string } }>('/admin/posts/:id/delete', { preHandler: guard }, async (req, reply) => {
      const id = Number(req.params.id);
      if (!Number.isInteger(id)) return notFoundPage(req, reply);
      if ((req.body as { confirm?: string } | undefined)?.confirm !== 'yes') {
        return reply.page(
          <ErrorPage
            ctx={req.pageContext()}
            status={400}
            message="Tick the box to confirm the deletion; nothing was deleted."
          />,
          400,
        );
      }
      const result = await posts.deletePost(db, clock, req.staff!, id);
      if (!result.ok)
        return reply.page(
          <ErrorPage ctx={req.pageContext()} status={statusOf(result)} message={result.message} />,
          statusOf(result),
        );
      await removeCover(config.dataDir, result.value.cover);
      await pageCache.invalidate(...result.value.tags);
      return reply.redirect('/admin/posts?done=deleted', 303);
    });

    staff.get<{ Params: { id: string; rev: string } }>(
      '/admin/posts/:id/revisions/:rev',
      { preHandler: guard },
      async (req, reply) => {
        const id = Number(req.params.id);
        const rev = Number(req.params.rev);
        const revision =
          Number.isInteger(id) && Number.isInteger(rev) ? await posts.findRevision(db, id, rev) : undefined;
        if (!revision) return notFoundPage(req, reply);
        return reply.page(<RevisionPage ctx={req.pageContext()} postId={id} revision={revision} />);
      },
    );

    staff.post<{ Params: { id: string; rev: string } }>(
      '/admin/posts/:id/revisions/:rev/restore',
      { preHandler: guard },
      async (req, reply) => {
        const id = Number(req.params.id);
        const rev = Number(req.params.rev);
        if (!Number.isInteger(id) || !Number.isInteger(rev)) return notFoundPage(req, reply);
        const result = await posts.restoreRevision(db, clock, req.staff!, id, rev);
        if (!result.ok) {
          const status = statusOf(result);
          return reply.page(<ErrorPage ctx={req.pageContext()} status={status} message={result.message} />, status);
        }
        await pageCache.invalidate(...result.value.tags);
        return reply.redirect(`/admin/posts/${id}/edit?done=restore`, 303);
      },
    );
  });
}
