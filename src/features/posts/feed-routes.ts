import type { FastifyReply, FastifyRequest } from 'fastify';
import { cacheTags } from '../../core/cache/tags.ts';
import { FEED_CONTENT_TYPES, type FeedFormat } from '../../core/feeds.ts';
import { SlugParams, Type, type App } from '../../core/http/schemas.ts';
import { postsFeed, robotsTxt, sitemapXml } from './feeds.ts';
import { capCacheLifetime, notFoundPage } from './http.tsx';
import * as posts from './service.ts';

const cached = { pageCache: { tags: [cacheTags.posts] } };
/** `?lang=` keeps a feed to posts in one content language (e.g. "pt-BR"). */
const FeedQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 35 })) });
const FEED_FILES: Record<FeedFormat, string> = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' };

/** RSS, Atom and JSON Feed for the whole site, each tag and each author. */
export async function feedRoutes(app: App) {
  const { db, clock, config } = app.deps;

  async function sendFeed(
    req: FastifyRequest,
    reply: FastifyReply,
    format: FeedFormat,
    scope: posts.FeedScope,
    lang: string | undefined,
  ) {
    const result = await posts.feedPosts(db, clock, scope, lang);
    if (!result.ok) return notFoundPage(req, reply);
    await capCacheLifetime(req, app.deps);
    const feed = postsFeed(config.publicUrl, result.value.source, result.value.posts, lang);
    return reply.type(FEED_CONTENT_TYPES[format]).send(feed[format]());
  }

  const site = { schema: { querystring: FeedQuery }, config: cached };
  const scoped = { schema: { params: SlugParams, querystring: FeedQuery }, config: cached };
  for (const format of ['rss', 'atom', 'json'] as const) {
    const file = FEED_FILES[format];
    app.get(`/${file}`, site, (req, reply) => sendFeed(req, reply, format, { kind: 'site' }, req.query.lang));
    app.get(`/tags/:slug/${file}`, scoped, (req, reply) =>
      sendFeed(req, reply, format, { kind: 'tag', slug: req.params.slug }, req.query.lang),
    );
    app.get(`/authors/:slug/${file}`, scoped, (req, reply) =>
      sendFeed(req, reply, format, { kind: 'author', slug: req.params.slug }, req.query.lang),
    );
  }
}

/** What search engines read: the sitemap of live posts, tags, authors and what other features list (registry.sitemap), and robots.txt. */
export async function crawlerRoutes(app: App) {
  const { db, clock, config } = app.deps;
  app.get('/sitemap.xml', { config: cached }, async (req, reply) => {
    const all = await posts.sitemapEntries(db, clock);
    const sections = app.deps.registry.sitemap;
    for (const s of sections) req.cacheTags?.push(...s.tags);
    const others = (await Promise.all(sections.map((s) => s.entries()))).flat();
    await capCacheLifetime(req, app.deps);
    return reply.type('application/xml; charset=utf-8').send(sitemapXml(config.publicUrl, all, others));
  });
  app.get('/robots.txt', { config: { pageCache: { tags: [cacheTags.robots] } } }, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send(robotsTxt(config.publicUrl)),
  );
}
