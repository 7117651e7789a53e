import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cacheTags } from '../../core/cache/tags.ts';
import { FormText, Slug, Type, typed, type App } from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { fieldErrorsOf, statusOf } from '../../core/result.ts';
import { directoryAdminRoutes } from './admin-routes.tsx';
import { hsdsApiRoutes } from './api-routes.ts';
import { loadGazetteer, usePlaceCache } from './gazetteer.ts';
import { search, searchRefused, SearchQuery } from './search.ts';
import { cachedVocabulary } from './search-vocabulary.ts';
import { publicListing, reportOutdated, sitemapListings, submitSuggestion } from './service.ts';
import { crisisView, regionOf } from './crisis.ts';
import { HelpFirst } from './help-first.tsx';
import { ListingPage, SearchPage, SuggestPage } from './views.tsx';

/*
 * The public directory: search, a listing's page (with its "report outdated information" form) and
 * the suggestion form. Public pages speak the reader's language (req.pageContext: ?lang=, else
 * Accept-Language); a `lang` this site does not have is no choice. Staff pages stay English.
 */
const PageLang = Type.Optional(Type.String({ maxLength: 10 }));
const LangQuery = Type.Object({ lang: PageLang });
/** The home page shows sections ordered below 10 before its introduction (home/routes.tsx). */
const HELP_FIRST_ORDER = 0;
/** Results show "open now", so a cached page lives one minute. */
const CACHE_TTL_MS = 60_000;

export async function directoryRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const { registry } = app.deps;
  // Help comes first on the home page: the search, crisis lines for the reader's region, staying safe.
  registry.homeSections.push({
    order: HELP_FIRST_ORDER,
    render: async (ctx, visit) => {
      const region = regionOf(visit?.region);
      return <HelpFirst ctx={ctx} crisis={await crisisView(app.deps.db, region)} />;
    },
  });
  registry.sitemap.push({
    tags: [cacheTags.resources],
    entries: () => sitemapListings(app.deps.db),
  });
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
  usePlaceCache(path.join(app.deps.config.dataDir, 'cache'));
  app.addHook('onListen', async () => {
    setImmediate(loadGazetteer);
  });

  await app.register(searchRoutes);
  await app.register(suggestRoutes);
  await app.register(listingRoutes);
  await app.register(directoryAdminRoutes);
  await app.register(hsdsApiRoutes);
}

/**
 * A search that shows what the reader typed (keywords, a place) or where they are: never cached,
 * and the answer tells the browser and any proxy not to keep it either — like /search. Browsing
 * by the directory's own filters (a category, a language) shows nothing of the reader's and stays cached.
 */
function personalSearch(query: unknown): boolean {
  if (typeof query !== 'object' || query === null) return false;
  return ['q', 'at', 'place', 'placeId'].some((name) => {
    const value: unknown = Reflect.get(query, name);
    return [value].flat().some((v) => (typeof v === 'string' ? v.trim() !== '' : !!v));
  });
}

async function searchRoutes(app: App) {
  const { db, dialect, clock } = app.deps;
  const vocabulary = cachedVocabulary(db, app.deps.pageCache, clock);
  const pageCache = {
    tags: [cacheTags.resources],
    ttlMs: CACHE_TTL_MS,
    bypass: (req: FastifyRequest) => personalSearch(req.query),
  };
  // A search address that fails its schema still gets the search page, with the message beside the field.
  app.get(
    '/resources',
    { config: { pageCache }, schema: { querystring: SearchQuery }, attachValidation: true },
    async (req, reply) => {
      if (personalSearch(req.query)) noStore(reply);
      const ctx = req.pageContext();
      const refused = req.validationError?.validation;
      const outcome = refused ? searchRefused(refused) : await search(db, dialect, clock, req.query, vocabulary);
      const status = Object.keys(outcome.errors).length ? 400 : 200;
      return reply.page(<SearchPage ctx={ctx} outcome={outcome} now={clock.now()} />, status);
    },
  );
}

/** Anyone may suggest a resource; nothing about them is kept. */
async function suggestRoutes(app: App) {
  const { db, clock } = app.deps;
  const SuggestForm = Type.Object({
    name: Type.Optional(FormText(5000)),
    url: Type.Optional(FormText(5000)),
    context: Type.Optional(FormText(5000)),
    where: Type.Optional(FormText(5000)),
    contact: Type.Optional(FormText(5000)),
  });

  app.get('/resources/suggest', { schema: { querystring: LangQuery } }, async (req, reply) =>
    reply.page(<SuggestPage ctx={req.pageContext()} />),
  );

  app.post(
    '/resources/suggest',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: { querystring: LangQuery, body: SuggestForm },
    },
    async (req, reply) => {
      noStore(reply);
      const ctx = req.pageContext();
      const result = await submitSuggestion(db, clock, { ...req.body, source: 'form' });
      if (!result.ok) {
        return reply.page(<SuggestPage ctx={ctx} values={req.body} errors={fieldErrorsOf(result)} />, statusOf(result));
      }
      return reply.page(<SuggestPage ctx={ctx} done />);
    },
  );
}

/** A listing's public page, and a reader's note that it is out of date. */
async function listingRoutes(app: App) {
  const { db, clock } = app.deps;
  const params = Type.Object({ slug: Slug });

  app.get(
    '/resources/:slug',
    {
      config: { pageCache: { tags: [cacheTags.resources], ttlMs: CACHE_TTL_MS } },
      schema: { params, querystring: LangQuery },
    },
    async (req, reply) => {
      const found = await publicListing(db, req.params.slug);
      if (!found.ok) return reply.callNotFound();
      req.cacheTags?.push(cacheTags.resource(found.value.service.id));
      const ctx = req.pageContext();
      return reply.page(<ListingPage ctx={ctx} listing={found.value} now={clock.now()} />);
    },
  );

  const ReportForm = Type.Object({ message: Type.Optional(FormText(10_000)) });
  app.post(
    '/resources/:slug/report',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: { params, querystring: LangQuery, body: ReportForm },
    },
    async (req, reply) => {
      noStore(reply);
      const found = await publicListing(db, req.params.slug);
      if (!found.ok) return reply.callNotFound();
      const listing = found.value;
      const ctx = req.pageContext();
      const message = req.body.message ?? '';
      const result = await reportOutdated(db, clock, listing.service.id, message);
      if (result.ok) return reply.page(<ListingPage ctx={ctx} listing={listing} now={clock.now()} reported />);
      const errors = fieldErrorsOf(result);
      const page = (
        <ListingPage ctx={ctx} listing={listing} now={clock.now()} reportText={message} reportErrors={errors} />
      );
      return reply.page(page, statusOf(result));
    },
  );
}
