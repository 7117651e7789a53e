import type { FastifyReply } from 'fastify';
import { cacheTags } from '../../core/cache/tags.ts';
import { PageNumber, SlugParams, Type, type App } from '../../core/http/schemas.ts';
import { translate } from '../../core/i18n/index.ts';
import { renderMarkdown } from '../../core/markdown/render.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import { capCacheLifetime } from './http.tsx';
import { msg, t } from './messages.ts';
import * as posts from './service.ts';

/*
 * Read-only JSON API for partner sites: /api/posts (filter by tag, author, language; page,
 * per_page; fields), /api/posts/:slug, /api/tags, /api/authors. Same for every caller, so it
 * is cached like the pages and may be cached by any HTTP cache (CORS open, GET only).
 */
const FIELDS = [
  'id',
  'slug',
  'title',
  'excerpt',
  'language',
  'published_at',
  'updated_at',
  'url',
  'author',
  'tags',
  'content_note',
  'reading_minutes',
  'cover_image',
  'body_markdown',
  'body_html',
] as const;
type Field = (typeof FIELDS)[number];
const DEFAULT_FIELDS: Field[] = ['id', 'slug', 'title', 'excerpt', 'language', 'published_at', 'url', 'author', 'tags'];
const DEFAULT_PER_PAGE = 20;

/** `fields=` is a comma-separated list of FIELDS; an unknown name is answered with the known ones. */
const FieldsQuery = Type.Object({ fields: Type.Optional(Type.String({ maxLength: 300 })) });
const ListQuery = Type.Object({
  tag: Type.Optional(Type.String({ maxLength: 100 })),
  author: Type.Optional(Type.String({ maxLength: 100 })),
  language: Type.Optional(Type.String({ maxLength: 35 })),
  page: Type.Optional(PageNumber),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  fields: Type.Optional(Type.String({ maxLength: 300 })),
});

const isField = (name: string): name is Field => (FIELDS as readonly string[]).includes(name);

function parseFields(raw: string | undefined, defaults: readonly Field[]): Result<Field[]> {
  if (!raw) return ok([...defaults]);
  const asked = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.filter((f) => !isField(f));
  if (unknown.length)
    return invalid(msg('apiUnknownFields', { unknown: unknown.join(', '), known: FIELDS.join(', ') }));
  return ok(asked.filter(isField));
}

const jsonError = (reply: FastifyReply, status: number, error: string) =>
  reply.code(status).send({ error, statusCode: status });

/** One post as the API shows it: only the fields asked for. */
function present(base: string, fields: Field[], p: posts.PostSummary): Record<string, unknown> {
  const all: Record<Field, () => unknown> = {
    id: () => p.id,
    slug: () => p.slug,
    title: () => p.title,
    excerpt: () => p.excerpt,
    language: () => p.language,
    published_at: () => p.published_at,
    updated_at: () => p.updated_at,
    url: () => `${base}/posts/${p.slug}`,
    author: () => ({ name: p.author_name, slug: p.author_slug, url: `${base}/authors/${p.author_slug}` }),
    tags: () => p.tags.map((tag) => ({ slug: tag.slug, name: tag.name })),
    content_note: () => p.content_note || null,
    reading_minutes: () => p.readingMinutes,
    cover_image: () => (p.cover_image ? { url: `${base}/media/posts/${p.cover_image}`, alt: p.cover_alt } : null),
    body_markdown: () => p.body_md,
    body_html: () => renderMarkdown(p.body_md),
  };
  return Object.fromEntries(fields.map((f) => [f, all[f]()]));
}

export async function apiRoutes(app: App) {
  const { db, clock, config } = app.deps;
  const base = config.publicUrl;
  const cached = { pageCache: { tags: [cacheTags.posts] }, csrf: false };

  // Set before the handler (not in onSend), so the page cache stores these headers with the body.
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cache-control', 'public, max-age=60');
  });

  app.get('/api/posts', { config: cached, schema: { querystring: ListQuery } }, async (req, reply) => {
    const fields = parseFields(req.query.fields, DEFAULT_FIELDS);
    if (!fields.ok) return jsonError(reply, 400, translate('en', fields.message));
    const { tag, author, language, page, per_page: perPage = DEFAULT_PER_PAGE } = req.query;
    const list = await posts.listPublished(db, clock, { tagSlug: tag, authorSlug: author, language, page, perPage });
    await capCacheLifetime(req, app.deps);
    return reply.send({
      posts: list.items.map((p) => present(base, fields.value, p)),
      meta: { page: list.page, per_page: perPage, pages: list.pageCount, total: list.total },
    });
  });

  const one = { config: cached, schema: { params: SlugParams, querystring: FieldsQuery } };
  app.get('/api/posts/:slug', one, async (req, reply) => {
    const fields = parseFields(req.query.fields, FIELDS);
    if (!fields.ok) return jsonError(reply, 400, translate('en', fields.message));
    const result = await posts.postPage(db, clock, req.params.slug);
    if (!result.ok) return jsonError(reply, 404, t('en', 'apiNoPost'));
    const { post, tags, translations, readingMinutes } = result.value;
    req.cacheTags?.push(cacheTags.post(post.id));
    await capCacheLifetime(req, app.deps);
    const others = translations.map((tr) => ({
      language: tr.language,
      slug: tr.slug,
      url: `${base}/posts/${tr.slug}`,
    }));
    return reply.send({
      post: { ...present(base, fields.value, { ...post, tags, readingMinutes }), translations: others },
    });
  });

  await app.register(apiListRoutes);
}

/** Tags and authors with live posts. */
async function apiListRoutes(app: App) {
  const { db, clock, config } = app.deps;
  const cached = { pageCache: { tags: [cacheTags.posts] }, csrf: false };
  app.get('/api/tags', { config: cached }, async (req, reply) => {
    const tags = await posts.listTags(db, clock);
    await capCacheLifetime(req, app.deps);
    const url = (slug: string) => `${config.publicUrl}/tags/${slug}`;
    return reply.send({
      tags: tags.map((tag) => ({ slug: tag.slug, name: tag.name, posts: tag.post_count, url: url(tag.slug) })),
    });
  });
  app.get('/api/authors', { config: cached }, async (req, reply) => {
    const authors = await posts.listAuthors(db, clock);
    await capCacheLifetime(req, app.deps);
    const url = (slug: string) => `${config.publicUrl}/authors/${slug}`;
    return reply.send({
      authors: authors.map((a) => ({
        slug: a.slug,
        name: a.display_name,
        bio: a.bio,
        posts: a.post_count,
        url: url(a.slug),
      })),
    });
  });
}
