import type { FastifyInstance } from 'fastify';
import { noStore } from '../../core/http/security.ts';
import { localeFromQuery } from '../../core/i18n/index.ts';
import { statusOf } from '../../core/result.ts';
import { directoryAdminRoutes } from './admin-routes.tsx';
import { hsdsApiRoutes } from './api.ts';
import { loadGazetteer } from './gazetteer.ts';
import { loadListings } from './listing.ts';
import * as repo from './repo.ts';
import { search } from './search.ts';
import { reportOutdated, submitSuggestion } from './service.ts';
import { HomeDirectorySection, ListingPage, SearchPage, SuggestPage, type SuggestValues } from './views.tsx';

export const DIRECTORY_TAG = 'resources';

export async function directoryRoutes(app: FastifyInstance) {
  const { db, dialect, clock, registry } = app.deps;

  registry.homeSections.push({ order: 30, render: async (ctx) => <HomeDirectorySection ctx={ctx} /> });
  registry.adminLinks.push(
    {
      href: '/admin/resources',
      label: 'Resource directory',
      description: 'Suggestions, outdated-information reports, listings to verify, editing listings.',
      action: 'resources.curate',
    },
    {
      href: '/admin/resources/taxonomy',
      label: 'Directory vocabulary',
      description: 'Categories, approach, populations and delivery terms used by the directory.',
      action: 'taxonomy.manage',
    },
  );

  // A listening server loads the place list straight away, so the first visitor to search near a place does not wait for it.
  app.addHook('onListen', async () => {
    setImmediate(loadGazetteer);
  });

  // Results show "open now", so a cached page lives one minute; searches with a location are never cached.
  const nearSomewhere = (query: Record<string, unknown>) => !!(query.at || query.place || query.placeId);
  const pageCache = {
    tags: [DIRECTORY_TAG],
    ttlMs: 60_000,
    bypass: (req: { query: unknown }) => nearSomewhere(req.query as Record<string, unknown>),
  };
  app.get('/resources', { config: { pageCache } }, async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    if (nearSomewhere(query)) noStore(reply);
    const outcome = await search(db, dialect, clock, query);
    const status = Object.keys(outcome.errors).length ? 400 : 200;
    return reply.page(<SearchPage ctx={req.pageContext(localeFromQuery(req.query))} outcome={outcome} />, status);
  });

  // Public pages speak the language the address asks for (?lang=fr); staff pages stay English.
  app.get('/resources/suggest', async (req, reply) =>
    reply.page(<SuggestPage ctx={req.pageContext(localeFromQuery(req.query))} />),
  );

  app.post(
    '/resources/suggest',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: {
        body: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            url: { type: 'string' },
            context: { type: 'string' },
            where: { type: 'string' },
            contact: { type: 'string' },
            _csrf: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const ctx = req.pageContext(localeFromQuery(req.query));
      const body = req.body as SuggestValues;
      const result = await submitSuggestion(db, clock, { ...body, source: 'form' }, ctx.locale);
      if (!result.ok) {
        const errors = 'fields' in result && result.fields ? result.fields : { _form: result.message };
        return reply.page(<SuggestPage ctx={ctx} values={body} errors={errors} />, statusOf(result));
      }
      return reply.page(<SuggestPage ctx={ctx} done />);
    },
  );

  app.get(
    '/resources/:slug',
    { config: { pageCache: { tags: [DIRECTORY_TAG], ttlMs: 60_000 } } },
    async (req, reply) => {
      const { slug } = req.params as { slug: string };
      const found = slug.length <= 100 ? await repo.serviceBySlug(db, slug) : undefined;
      if (!found) return reply.callNotFound();
      const [listing] = await loadListings(db, [found.id]);
      req.cacheTags.push(`resource:${found.id}`);
      return reply.page(
        <ListingPage ctx={req.pageContext(localeFromQuery(req.query))} listing={listing!} now={clock.now()} />,
      );
    },
  );

  app.post(
    '/resources/:slug/report',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: { body: { type: 'object', properties: { message: { type: 'string' }, _csrf: { type: 'string' } } } },
    },
    async (req, reply) => {
      noStore(reply);
      const { slug } = req.params as { slug: string };
      const message = (req.body as { message?: string }).message ?? '';
      const found = slug.length <= 100 ? await repo.serviceBySlug(db, slug) : undefined;
      if (!found) return reply.callNotFound();
      const [listing] = await loadListings(db, [found.id]);
      const ctx = req.pageContext(localeFromQuery(req.query));
      const result = await reportOutdated(db, clock, found.id, message, ctx.locale);
      if (!result.ok) {
        return reply.page(
          <ListingPage
            ctx={ctx}
            listing={listing!}
            now={clock.now()}
            reportText={message}
            reportErrors={{ message: result.message }}
          />,
          statusOf(result),
        );
      }
      return reply.page(<ListingPage ctx={ctx} listing={listing!} now={clock.now()} reported />);
    },
  );

  await app.register(directoryAdminRoutes);
  await app.register(hsdsApiRoutes);
}
