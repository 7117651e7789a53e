import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderMarkdown } from '../../core/markdown/render.ts';
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

const listQuery = {
  type: 'object',
  properties: {
    tag: { type: 'string', maxLength: 100 },
    author: { type: 'string', maxLength: 100 },
    language: { type: 'string', maxLength: 35 },
    page: { type: 'integer', minimum: 1, maximum: 10000, default: 1 },
    per_page: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    fields: { type: 'string', maxLength: 300 },
  },
  additionalProperties: false,
} as const;

export async function apiRoutes(app: FastifyInstance) {
  const { db, clock, config } = app.deps;
  const cache = { pageCache: { tags: ['posts'] }, csrf: false };

  // Set before the handler (not in onSend), so the page cache stores these headers with the body.
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('cache-control', 'public, max-age=60');
  });

  async function cap(req: FastifyRequest) {
    const ms = await posts.msUntilNextPublication(db, clock.now());
    if (ms !== undefined && ms < 5 * 60_000) req.cacheTtlMs = Math.max(ms, 1);
  }

  function pick(fields: Field[], p: posts.PostSummary, extra: { body_html?: string } = {}) {
    const all: Record<Field, unknown> = {
      id: p.id,
      slug: p.slug,
      title: p.title,
      excerpt: p.excerpt,
      language: p.language,
      published_at: p.published_at,
      updated_at: p.updated_at,
      url: `${config.publicUrl}/posts/${p.slug}`,
      author: { name: p.author_name, slug: p.author_slug, url: `${config.publicUrl}/authors/${p.author_slug}` },
      tags: p.tags.map((t) => ({ slug: t.slug, name: t.name })),
      content_note: p.content_note || null,
      reading_minutes: p.readingMinutes,
      cover_image: p.cover_image ? { url: `${config.publicUrl}/media/posts/${p.cover_image}`, alt: p.cover_alt } : null,
      body_markdown: p.body_md,
      body_html: extra.body_html,
    };
    return Object.fromEntries(fields.map((f) => [f, all[f]]));
  }

  function parseFields(raw: string | undefined, reply: FastifyReply): Field[] | undefined {
    if (!raw) return DEFAULT_FIELDS;
    const asked = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = asked.filter((f) => !(FIELDS as readonly string[]).includes(f));
    if (unknown.length) {
      reply
        .code(400)
        .send({ error: `Unknown fields: ${unknown.join(', ')}. Known: ${FIELDS.join(', ')}.`, statusCode: 400 });
      return undefined;
    }
    return asked as Field[];
  }

  app.get<{
    Querystring: { tag?: string; author?: string; language?: string; page: number; per_page: number; fields?: string };
  }>('/api/posts', { config: cache, schema: { querystring: listQuery } }, async (req, reply) => {
    const fields = parseFields(req.query.fields, reply);
    if (!fields) return reply;
    const q = req.query;
    const list = await posts.listPublished(db, clock.now(), {
      tagSlug: q.tag,
      authorSlug: q.author,
      language: q.language,
      page: q.page,
      perPage: q.per_page,
    });
    await cap(req);

    return reply.send({
      posts: list.items.map((p) =>
        pick(fields, p, fields.includes('body_html') ? { body_html: renderMarkdown(p.body_md) } : {}),
      ),
      meta: { page: list.page, per_page: q.per_page, pages: list.pageCount, total: list.total },
    });
  });

  app.get<{ Params: { slug: string }; Querystring: { fields?: string } }>(
    '/api/posts/:slug',
    { config: cache },
    async (req, reply) => {
      const fields = parseFields(req.query.fields, reply);
      if (!fields) return reply;
      const result = await posts.postPage(db, req.params.slug, clock.now());
      if (!result.ok) return reply.code(404).send({ error: 'No published post has this slug.', statusCode: 404 });
      const { post, tags, translations, readingMinutes } = result.value;
      req.cacheTags?.push(`post:${post.id}`);
      await cap(req);

      const summary: posts.PostSummary = { ...post, tags, readingMinutes };
      return reply.send({
        post: {
          ...pick(req.query.fields ? fields : [...FIELDS], summary, { body_html: renderMarkdown(post.body_md) }),
          translations: translations.map((t) => ({
            language: t.language,
            slug: t.slug,
            url: `${config.publicUrl}/posts/${t.slug}`,
          })),
        },
      });
    },
  );

  app.get('/api/tags', { config: cache }, async (req, reply) => {
    const tags = await posts.listTags(db, clock.now());
    await cap(req);
    return reply.send({
      tags: tags.map((t) => ({
        slug: t.slug,
        name: t.name,
        posts: t.post_count,
        url: `${config.publicUrl}/tags/${t.slug}`,
      })),
    });
  });

  app.get('/api/authors', { config: cache }, async (req, reply) => {
    const authors = await posts.listAuthors(db, clock.now());
    await cap(req);
    return reply.send({
      authors: authors.map((a) => ({
        slug: a.slug,
        name: a.display_name,
        bio: a.bio,
        posts: a.post_count,
        url: `${config.publicUrl}/authors/${a.slug}`,
      })),
    });
  });
}
