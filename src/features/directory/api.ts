import type { FastifyInstance, FastifyReply } from 'fastify';
import { nestedServices, pick, type HsdsRow } from './hsds-data.ts';
import * as repo from './repo.ts';
import { queryWords } from './search.ts';

/*
 * Read-only HSDS API (https://docs.openreferral.org/en/latest/hsds/api_reference.html): the metadata
 * at "/", paginated lists with the specification's Page object, fully nested records by id. Reads are
 * open to other sites (CORS); confidential locations are shown by area only, as everywhere else.
 */
const MAX_PER_PAGE = 100;

type Query = Record<string, string | undefined>;
class BadParam extends Error {}

function paging(q: Query) {
  const page = q.page === undefined ? 1 : Number(q.page);
  const perPage = q.per_page === undefined ? 20 : Number(q.per_page);
  if (!Number.isInteger(page) || page < 1 || page > 100000) throw new BadParam('page must be a whole number from 1.');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) throw new BadParam(`per_page must be a whole number from 1 to ${MAX_PER_PAGE}.`);
  return { page, perPage };
}
const bool = (v: string | undefined) => v === 'true' || v === '1';

export function pageObject(total: number, page: number, perPage: number, contents: unknown[]) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  return { total_items: total, total_pages: totalPages, page_number: page, size: contents.length, first_page: page === 1, last_page: page >= totalPages, empty: contents.length === 0, contents };
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
  app.options('/api/hsds/*', opts, async (_req, reply) => reply.code(204).header('access-control-max-age', '86400').send());

  const handle = (fn: (q: Query, params: Record<string, string>) => Promise<unknown>) => async (req: { query: unknown; params: unknown }, reply: FastifyReply) => {
    try {
      const body = await fn(req.query as Query, req.params as Record<string, string>);
      if (body === undefined) return reply.code(404).send({ error: 'Not found', statusCode: 404 });
      return reply.type('application/json; charset=utf-8').send(body);
    } catch (err) {
      if (err instanceof BadParam) return reply.code(400).send({ error: err.message, statusCode: 400 });
      throw err;
    }
  };

  app.get('/api/hsds', opts, handle(async () => ({
    version: '3.0',
    profile: 'https://docs.openreferral.org/en/latest/hsds/',
    openapi_url: 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json',
    description: 'Alongside resource directory: services for sex workers and people experiencing trafficking. Confidential addresses are given by area only.',
    publisher: { name: 'Alongside', website: `${config.publicUrl}/resources` },
  })));

  app.get('/api/hsds/services', opts, handle(async (q) => {
    const { page, perPage } = paging(q);
    if ((q.search ?? '').length > 200) throw new BadParam('search must be under 200 characters.');
    if (q.modified_after !== undefined && Number.isNaN(Date.parse(q.modified_after))) throw new BadParam('modified_after must be a date-time such as 2026-01-01T00:00:00Z.');
    const { total, rows } = await repo.apiServicePage(db, dialect, {
      words: queryWords(q.search ?? ''), taxonomyTermId: q.taxonomy_term_id, taxonomyId: q.taxonomy_id, organizationId: q.organization_id,
      modifiedAfter: q.modified_after ? new Date(q.modified_after).toISOString() : undefined,
    }, page, perPage);
    if (bool(q.minimal)) return pageObject(total, page, perPage, rows.map((r) => ({ id: r.id, last_modified: r.last_modified })));
    const nested = await nestedServices(db, rows.map((r) => r.id));
    const contents = bool(q.full) ? nested : nested.map((s) => ({ ...pick('service', s as Record<string, unknown>), organization: s.organization }));
    return pageObject(total, page, perPage, contents);
  }));

  app.get('/api/hsds/services/:id', opts, handle(async (_q, p) => (await nestedServices(db, [String(p.id).slice(0, 100)]))[0]));

  app.get('/api/hsds/organizations', opts, handle(async (q) => {
    const { page, perPage } = paging(q);
    const { total, rows } = await repo.simplePage(db, 'organization', page, perPage, [], q.search ? { column: 'name', text: q.search.slice(0, 200) } : undefined);
    return pageObject(total, page, perPage, rows.map((r) => pick('organization', r)));
  }));
  app.get('/api/hsds/organizations/:id', opts, handle(async (_q, p) => {
    const org = await repo.rowById(db, 'organization', String(p.id).slice(0, 100));
    if (!org) return undefined;
    const services = (await repo.apiServicePage(db, dialect, { words: [], organizationId: String(org.id) }, 1, 1000)).rows;
    return { ...pick('organization', org), services: await nestedServices(db, services.map((s) => s.id)) };
  }));

  app.get('/api/hsds/service_at_locations', opts, handle(async (q) => {
    const { page, perPage } = paging(q);
    const where = q.service_id ? [{ column: 'service_id', value: q.service_id }] : [];
    const { total, rows } = await repo.simplePage(db, 'service_at_location', page, perPage, where);
    const out: HsdsRow[] = rows.map((r) => pick('service_at_location', r));
    return pageObject(total, page, perPage, out);
  }));
  app.get('/api/hsds/service_at_locations/:id', opts, handle(async (_q, p) => {
    const sal = await repo.rowById(db, 'service_at_location', String(p.id).slice(0, 100));
    if (!sal) return undefined;
    const [service] = await nestedServices(db, [String(sal.service_id)]);
    const nested = (service?.service_at_locations as unknown as HsdsRow[] | undefined)?.find((x) => x.id === sal.id);
    return { ...pick('service_at_location', sal), location: (nested as { location?: unknown } | undefined)?.location ?? null, service: service ?? null };
  }));

  app.get('/api/hsds/taxonomies', opts, handle(async (q) => {
    const { page, perPage } = paging(q);
    const { total, rows } = await repo.simplePage(db, 'taxonomy', page, perPage, [], q.search ? { column: 'name', text: q.search.slice(0, 200) } : undefined);
    return pageObject(total, page, perPage, rows.map((r) => pick('taxonomy', r)));
  }));
  app.get('/api/hsds/taxonomies/:id', opts, handle(async (_q, p) => {
    const r = await repo.rowById(db, 'taxonomy', String(p.id).slice(0, 100));
    return r ? pick('taxonomy', r) : undefined;
  }));
  app.get('/api/hsds/taxonomy_terms', opts, handle(async (q) => {
    const { page, perPage } = paging(q);
    const where = [
      ...(q.taxonomy_id ? [{ column: 'taxonomy_id', value: q.taxonomy_id }] : []),
      ...(q.parent_id ? [{ column: 'parent_id', value: q.parent_id }] : []),
    ];
    const { total, rows } = await repo.simplePage(db, 'taxonomy_term', page, perPage, where, q.search ? { column: 'name', text: q.search.slice(0, 200) } : undefined);
    return pageObject(total, page, perPage, rows.map((r) => pick('taxonomy_term', r)));
  }));
  app.get('/api/hsds/taxonomy_terms/:id', opts, handle(async (_q, p) => {
    const r = await repo.rowById(db, 'taxonomy_term', String(p.id).slice(0, 100));
    return r ? pick('taxonomy_term', r) : undefined;
  }));
}
