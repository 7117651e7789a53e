import type { FastifyInstance } from 'fastify';
import type { PostFooter } from '../../core/app.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { PageNumber, SlugParams, Type, typed, type App } from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { mediaEtag, readMedia } from '../../core/media/index.ts';
import { uiLocale } from '../../core/i18n/index.ts';
import type { PageContext } from '../../core/views/context.ts';
import { staffPostRoutes } from './admin-routes.tsx';
import { apiRoutes } from './api-routes.ts';
import { crawlerRoutes, feedRoutes } from './feed-routes.ts';
import { capCacheLifetime, notFoundPage } from './http.tsx';
import { t } from './messages.ts';
import * as posts from './service.ts';
import { coverMediaName } from './uploads.ts';
import { HomePosts, ListingPage, PostPage, SearchPage, TagsIndexPage } from './views.tsx';

const cached = { pageCache: { tags: [cacheTags.posts] } };
const PageQuery = Type.Object({ page: Type.Optional(PageNumber) });
const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  page: Type.Optional(PageNumber),
});
/** Any name; only names uploads.ts generated are served. */
const MediaParams = Type.Object({ file: Type.String({ maxLength: 100 }) });

/**
 * Publishing: its home-page section and staff link, readers' pages, feeds, the sitemap and robots.txt,
 * the read API, and the editors' area (admin-routes.tsx).
 */
export async function postRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  registerSections(app);
  await app.register(postPageRoutes);
  await app.register(listingRoutes);
  await app.register(searchRoutes);
  await app.register(mediaRoutes);
  await app.register(feedRoutes);
  await app.register(crawlerRoutes);
  await app.register(apiRoutes);
  await app.register(staffPostRoutes);
}

function registerSections(app: App) {
  const { db, clock, registry } = app.deps;
  registry.homeSections.push({
    order: 20,
    async render(ctx, visit) {
      const list = await posts.listPublished(db, clock, { page: visit?.page });
      if (visit) await capCacheLifetime(visit.req, app.deps);
      return <HomePosts ctx={ctx} page={list} hrefFor={(n) => (n === 1 ? '/' : `/?page=${n}`)} />;
    },
  });
  registry.adminLinks.push({
    href: '/admin/posts',
    label: 'Posts',
    description: 'Write, schedule and publish posts; tags, translations and revisions.',
    action: 'posts.edit',
  });
}

/** What other features add under a post's body (comments), in their order. */
async function renderFooters(
  footers: PostFooter[],
  post: { id: number; slug: string; language: string },
  ctx: PageContext,
) {
  const ordered = [...footers].sort((a, b) => a.order - b.order);
  return Promise.all(ordered.map((f) => f.render({ id: post.id, slug: post.slug, language: post.language }, ctx)));
}

async function postPageRoutes(app: App) {
  const { db, clock, registry } = app.deps;
  app.get('/posts/:slug', { schema: { params: SlugParams }, config: cached }, async (req, reply) => {
    const result = await posts.postPage(db, clock, req.params.slug);
    if (!result.ok && result.kind === 'moved') return reply.redirect(`/posts/${encodeURIComponent(result.slug)}`, 301);
    if (!result.ok) return notFoundPage(req, reply);
    const { post } = result.value;
    req.cacheTags?.push(cacheTags.post(post.id));
    await capCacheLifetime(req, app.deps);
    const ctx = req.pageContext(req.readerLocale(uiLocale(post.language)));
    const footers = await renderFooters(registry.postFooters, post, ctx);
    reply.header('content-language', post.language);
    return reply.page(<PostPage ctx={ctx} data={result.value} footers={footers} />);
  });
}

/** All tags, and the posts of one tag or one author. */
async function listingRoutes(app: App) {
  const { db, clock } = app.deps;
  app.get('/tags', { config: cached }, async (req, reply) => {
    const tags = await posts.listTags(db, clock);
    await capCacheLifetime(req, app.deps);
    return reply.page(<TagsIndexPage ctx={req.pageContext()} tags={tags} />);
  });

  const listing = { schema: { params: SlugParams, querystring: PageQuery }, config: cached };
  app.get('/tags/:slug', listing, async (req, reply) => {
    const result = await posts.tagListing(db, clock, req.params.slug, req.query.page ?? 1);
    if (!result.ok) return notFoundPage(req, reply);
    await capCacheLifetime(req, app.deps);
    const { tag, list } = result.value;
    const ctx = req.pageContext();
    const title = t(ctx.locale, 'postsTagged', { tag: tag.name });
    return reply.page(<ListingPage ctx={ctx} title={title} page={list} path={`/tags/${tag.slug}`} />);
  });

  app.get('/authors/:slug', listing, async (req, reply) => {
    const result = await posts.authorListing(db, clock, req.params.slug, req.query.page ?? 1);
    if (!result.ok) return notFoundPage(req, reply);
    await capCacheLifetime(req, app.deps);
    const { author, list } = result.value;
    const ctx = req.pageContext();
    const title = t(ctx.locale, 'postsBy', { name: author.display_name });
    const path = `/authors/${author.slug}`;
    return reply.page(<ListingPage ctx={ctx} title={title} intro={author.bio || undefined} page={list} path={path} />);
  });
}

async function searchRoutes(app: App) {
  const { db, dialect, clock } = app.deps;
  // Search terms can be sensitive: the results page is never cached, by us or the browser.
  app.get('/search', { schema: { querystring: SearchQuery } }, async (req, reply) => {
    noStore(reply);
    const q = req.query.q ?? '';
    const page = await posts.searchPosts(db, dialect, clock, q, req.query.page ?? 1);
    return reply.page(<SearchPage ctx={req.pageContext()} q={q} page={page} />);
  });
}

/** Cover images, by the names uploads.ts gave them, from the database (core/media). */
async function mediaRoutes(app: App) {
  const { db } = app.deps;
  app.get('/media/posts/:file', { schema: { params: MediaParams } }, async (req, reply) => {
    const name = coverMediaName(req.params.file);
    // A revalidation is answered from the tag alone, without reading the bytes.
    const tag = name && (await mediaEtag(db, name));
    if (!name || !tag) return notFoundPage(req, reply);
    // Names are random and never reused: cache for a long time.
    reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', tag);
    if (req.headers['if-none-match'] === tag) return reply.code(304).send();
    const file = await readMedia(db, name);
    if (!file) return notFoundPage(req, reply);
    return reply.type(file.contentType).send(file.bytes);
  });
}
