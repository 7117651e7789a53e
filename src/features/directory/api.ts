import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../core/db/schema.ts';
import {
  BadParam,
  CONTROL,
  flag,
  id,
  listing,
  modifiedAfter,
  placeParams,
  text,
  type Listing,
  type Query,
} from './api-params.ts';
import { listedServices, nestedOrganizations, nestedServices, pick, servicesAtLocations } from './hsds-data.ts';
import { areaUri, WORLD_URI } from './listing.ts';
import * as apiRepo from './api-repo.ts';
import { queryWords } from './search.ts';

/*
 * Read-only HSDS API, following the Open Referral API reference (schema/openapi.json of
 * openreferral/specification, branch 3.0; https://docs.openreferral.org/en/latest/hsds/api_reference.html):
 * the metadata at "/", paginated lists with the specification's Page object (or every result as
 * newline-delimited JSON with `format=ndjson`), fully nested records by id. Query parameters combine
 * with AND. Reads are open to other sites (CORS); confidential locations are shown by area only, and
 * `proximity` measures from that area's centre. The reference's POST variants of the list endpoints are
 * not offered: this API only reads, and GET takes the same parameters.
 */

/**
 * Resolves a postcode offline, from the public addresses of this directory only (no gazetteer of postcodes is
 * bundled and no outside service is asked): its centre in each country where it appears is the mean of those
 * addresses' coordinates. With `proximity`, results are the locations within that distance of a centre; when the
 * postcode is unknown here, they fall back to locations whose address has exactly that postal code. Without
 * `proximity`, results are locations with that postal code plus services whose service area covers the postcode's
 * country (or the whole world). Confidential addresses take no part: their postal code is never matched.
 */
async function resolvePlace(db: Db, p: { postalCode: string; radiusKm?: number }): Promise<apiRepo.ApiPlace> {
  const found = await apiRepo.publicPostalCodePlaces(db, p.postalCode);
  const countries = [...new Set(found.map((f) => f.country.toUpperCase()).filter((c) => /^[A-Z]{2}$/.test(c)))];
  if (p.radiusKm === undefined) return { postalCode: p.postalCode, areaUris: [WORLD_URI, ...countries.map(areaUri)] };
  const centres = countries
    .map((c) => centreOf(found.filter((f) => f.country.toUpperCase() === c)))
    .filter((c): c is { lat: number; lon: number } => c !== null);
  return centres.length ? { centres, radiusKm: p.radiusKm } : { postalCode: p.postalCode, areaUris: [] };
}

/** Mean position on the sphere (so points on both sides of the date line average correctly). */
function centreOf(
  points: { public_latitude: number | null; public_longitude: number | null }[],
): { lat: number; lon: number } | null {
  let x = 0;
  let y = 0;
  let z = 0;
  let n = 0;
  const rad = Math.PI / 180;
  for (const p of points) {
    if (p.public_latitude === null || p.public_longitude === null) continue;
    const lat = Number(p.public_latitude) * rad;
    const lon = Number(p.public_longitude) * rad;
    x += Math.cos(lat) * Math.cos(lon);
    y += Math.cos(lat) * Math.sin(lon);
    z += Math.sin(lat);
    n++;
  }
  if (n === 0) return null;
  return { lat: Math.atan2(z, Math.hypot(x, y)) / rad, lon: Math.atan2(y, x) / rad };
}

// ── responses ──
const STREAM_BATCH = 500;
/** The specification's Page object (components/schemas/Page) around one page of contents. */
export function pageObject(total: number, page: number, perPage: number, contents: unknown[]) {
  const totalPages = Math.ceil(total / perPage);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

type PageFn = (page: number, perPage: number, withTotal: boolean) => Promise<{ total: number; items: unknown[] }>;

/** A page in the Page object, or with `format=ndjson` every result, one JSON object a line, read in batches. */
async function respond(list: Listing, fetchPage: PageFn): Promise<unknown> {
  if (!list.ndjson) {
    const { total, items } = await fetchPage(list.page, list.perPage, true);
    return pageObject(total, list.page, list.perPage, items);
  }
  async function* lines() {
    for (let page = 1; ; page++) {
      const { items } = await fetchPage(page, STREAM_BATCH, false);
      if (items.length) yield items.map((i) => `${JSON.stringify(i)}\n`).join('');
      if (items.length < STREAM_BATCH) return;
    }
  }
  return new NdjsonStream(lines());
}
class NdjsonStream {
  constructor(readonly lines: AsyncGenerator<string>) {}
}

export async function hsdsApiRoutes(app: FastifyInstance) {
  const { db, dialect, config } = app.deps;
  const opts = { config: { csrf: false } };

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/hsds')) {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-allow-methods', 'GET, HEAD, OPTIONS');
    }
    return payload;
  });
  app.options('/api/hsds/*', opts, async (_req, reply) =>
    reply.code(204).header('access-control-max-age', '86400').send(),
  );

  const handle =
    (fn: (q: Query, params: Record<string, string>) => Promise<unknown>) =>
    async (req: { query: unknown; params: unknown }, reply: FastifyReply) => {
      let body: unknown;
      try {
        body = await fn((req.query ?? {}) as Query, req.params as Record<string, string>);
      } catch (err) {
        if (err instanceof BadParam) return reply.code(400).send({ error: err.message, statusCode: 400 });
        throw err;
      }
      if (body === undefined) return reply.code(404).send({ error: 'Not found', statusCode: 404 });
      if (body instanceof NdjsonStream)
        return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(body.lines));
      return reply.type('application/json; charset=utf-8').send(body);
    };
  /** An id from the path; one that no record could have is simply not found. */
  const pathId = (p: Record<string, string>) => {
    const v = String(p.id ?? '');
    return v.length > 0 && v.length <= 100 && !CONTROL.test(v) ? v : undefined;
  };

  // GET / — the API's metadata (paths["/"] of the reference).
  app.get(
    '/api/hsds',
    opts,
    handle(async () => ({
      version: '3.0',
      profile: 'https://docs.openreferral.org/en/latest/hsds/',
      openapi_url: 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json',
      description:
        'Alongside resource directory: services for sex workers and people experiencing trafficking. Confidential addresses are given by area only.',
      publisher: {
        name: 'Alongside',
        website: `${config.publicUrl}/resources`,
        additional_websites: [`${config.publicUrl}/resources/suggest`],
      },
    })),
  );

  app.get(
    '/api/hsds/services',
    opts,
    handle(async (q) => {
      const list = listing(q);
      const minimal = flag(q, 'minimal');
      const full = flag(q, 'full');
      if (minimal && full) throw new BadParam('minimal and full cannot be combined.');
      const filter = await serviceFilter(db, q);
      return respond(list, async (page, perPage, withTotal) => {
        const { total, rows } = await apiRepo.apiServicePage(db, dialect, filter, page, perPage, withTotal);
        const ids = rows.map((r) => r.id);
        const items = minimal
          ? rows.map((r) => ({ id: r.id, last_modified: r.last_modified }))
          : full
            ? await nestedServices(db, ids)
            : await listedServices(db, ids);
        return { total, items };
      });
    }),
  );
  app.get(
    '/api/hsds/services/:id',
    opts,
    handle(async (_q, p) => {
      const sid = pathId(p);
      return sid ? (await nestedServices(db, [sid]))[0] : undefined;
    }),
  );

  app.get(
    '/api/hsds/organizations',
    opts,
    handle(async (q) => {
      const list = listing(q);
      const fullService = flag(q, 'full_service');
      const full = flag(q, 'full') || fullService;
      const f = {
        search: text(q, 'search'),
        taxonomyTermId: id(q, 'taxonomy_term_id'),
        taxonomyId: id(q, 'taxonomy_id'),
      };
      return respond(list, async (page, perPage, withTotal) => {
        const { total, rows } = await apiRepo.apiOrganizationPage(db, f, page, perPage, withTotal);
        const items = full
          ? await nestedOrganizations(
              db,
              rows.map((r) => r.id),
              fullService,
            )
          : rows.map((r) => pick('organization', r));
        return { total, items };
      });
    }),
  );
  app.get(
    '/api/hsds/organizations/:id',
    opts,
    handle(async (q, p) => {
      const fullService = flag(q, 'full_service');
      const oid = pathId(p);
      return oid ? (await nestedOrganizations(db, [oid], fullService))[0] : undefined;
    }),
  );

  app.get(
    '/api/hsds/service_at_locations',
    opts,
    handle(async (q) => {
      const list = listing(q);
      const full = flag(q, 'full');
      const filter = { ...(await serviceFilter(db, q)), serviceId: id(q, 'service_id') };
      return respond(list, async (page, perPage, withTotal) => {
        const { total, rows } = await apiRepo.apiServiceAtLocationPage(db, dialect, filter, page, perPage, withTotal);
        return {
          total,
          items: await servicesAtLocations(
            db,
            rows.map((r) => r.id),
            full,
          ),
        };
      });
    }),
  );
  app.get(
    '/api/hsds/service_at_locations/:id',
    opts,
    handle(async (_q, p) => {
      const sid = pathId(p);
      return sid ? (await servicesAtLocations(db, [sid], true))[0] : undefined;
    }),
  );

  app.get(
    '/api/hsds/taxonomies',
    opts,
    handle(async (q) => {
      const list = listing(q);
      const search = text(q, 'search');
      return respond(list, async (page, perPage, withTotal) => {
        const { total, rows } = await apiRepo.simplePage(
          db,
          'taxonomy',
          page,
          perPage,
          [],
          search ? { column: 'name', text: search } : undefined,
          withTotal,
        );
        return { total, items: rows.map((r) => pick('taxonomy', r)) };
      });
    }),
  );
  app.get(
    '/api/hsds/taxonomies/:id',
    opts,
    handle(async (_q, p) => {
      const tid = pathId(p);
      const r = tid ? await apiRepo.rowById(db, 'taxonomy', tid) : undefined;
      return r ? pick('taxonomy', r) : undefined;
    }),
  );

  app.get(
    '/api/hsds/taxonomy_terms',
    opts,
    handle(async (q) => {
      const list = listing(q);
      const search = text(q, 'search');
      const taxonomyId = id(q, 'taxonomy_id');
      const parentId = id(q, 'parent_id');
      // top_only: terms at the top of their taxonomy, i.e. without a parent (the reference: "not child terms").
      const topOnly = flag(q, 'top_only');
      if (topOnly && parentId)
        throw new BadParam('top_only and parent_id cannot be combined: top terms have no parent.');
      const where = [
        ...(taxonomyId ? [{ column: 'taxonomy_id', value: taxonomyId }] : []),
        ...(parentId ? [{ column: 'parent_id', value: parentId }] : []),
        ...(topOnly ? [{ column: 'parent_id', value: null }] : []),
      ];
      return respond(list, async (page, perPage, withTotal) => {
        const { total, rows } = await apiRepo.simplePage(
          db,
          'taxonomy_term',
          page,
          perPage,
          where,
          search ? { column: 'name', text: search } : undefined,
          withTotal,
        );
        return { total, items: rows.map((r) => pick('taxonomy_term', r)) };
      });
    }),
  );
  app.get(
    '/api/hsds/taxonomy_terms/:id',
    opts,
    handle(async (_q, p) => {
      const tid = pathId(p);
      const r = tid ? await apiRepo.rowById(db, 'taxonomy_term', tid) : undefined;
      return r ? pick('taxonomy_term', r) : undefined;
    }),
  );

  /** Filters shared by /services and /service_at_locations. */
  async function serviceFilter(database: Db, q: Query): Promise<apiRepo.ApiServiceFilter> {
    const search = text(q, 'search');
    const filter: apiRepo.ApiServiceFilter = {
      words: queryWords(search ?? ''),
      taxonomyTermId: id(q, 'taxonomy_term_id'),
      taxonomyId: id(q, 'taxonomy_id'),
      organizationId: id(q, 'organization_id'),
      modifiedAfter: modifiedAfter(q),
    };
    const place = placeParams(q);
    if (place) filter.place = await resolvePlace(database, place);
    return filter;
  }
}
