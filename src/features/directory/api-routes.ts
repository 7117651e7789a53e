import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, typed, type App } from '../../core/http/schemas.ts';
import { translate } from '../../core/i18n/index.ts';
import { statusOf, type Result } from '../../core/result.ts';
import {
  OrganizationQuery,
  OrganizationsQuery,
  parameterProblem,
  RecordParams,
  ServiceAtLocationsQuery,
  ServicesQuery,
  TaxonomiesQuery,
  TaxonomyTermsQuery,
  isOn,
} from './api-params.ts';
import {
  apiMetadata,
  NdjsonLines,
  organizationList,
  organizationRecord,
  serviceAtLocationList,
  serviceAtLocationRecord,
  serviceList,
  serviceRecord,
  taxonomyList,
  taxonomyTermList,
  vocabularyRecord,
  type ApiAnswer,
} from './api-service.ts';

/*
 * The read-only HSDS API under /api/hsds (api-service.ts says what it serves). Reads are open to other
 * sites (CORS). Every answer is JSON; a parameter that fails its schema gets 400 with a message naming
 * it, in the `{ error, statusCode }` shape of the site's other JSON errors.
 */
/** Read routes: no form posts from browsers, and a schema failure answered by the hook below, not the generic page. */
const read = { config: { csrf: false }, attachValidation: true } as const;

/** Sends a service's answer: a JSON document, newline-delimited JSON, or its problem as a JSON error. */
function send(reply: FastifyReply, result: Result<ApiAnswer>) {
  if (!result.ok) {
    const status = statusOf(result);
    return reply.code(status).send({ error: translate('en', result.message), statusCode: status });
  }
  if (result.value instanceof NdjsonLines)
    return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(result.value.lines));
  return reply.type('application/json; charset=utf-8').send(result.value);
}

export async function hsdsApiRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const { config } = app.deps;

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/hsds')) {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-allow-methods', 'GET, HEAD, OPTIONS');
    }
    return payload;
  });
  // Parameters are checked before any handler: a refused one is named in the answer.
  app.addHook('preHandler', async (req, reply) => {
    const errors = req.validationError?.validation;
    if (!errors) return;
    const error = translate(
      'en',
      parameterProblem(errors, req.validationError?.validationContext === 'params' ? req.params : req.query),
    );
    return reply.code(400).send({ error, statusCode: 400 });
  });

  app.options(
    '/api/hsds/*',
    { ...read, schema: { params: Type.Object({ '*': Type.String({ maxLength: 1000 }) }) } },
    async (_req, reply) => reply.code(204).header('access-control-max-age', '86400').send(),
  );
  // GET / — the API's metadata (paths["/"] of the reference).
  app.get('/api/hsds', read, async (_req, reply) => reply.send(apiMetadata(config.publicUrl)));

  await app.register(serviceApiRoutes);
  await app.register(organizationApiRoutes);
  await app.register(vocabularyApiRoutes);
}

/** /services and /service_at_locations, listed and by id. */
async function serviceApiRoutes(app: App) {
  const { db, dialect } = app.deps;
  const byId = { ...read, schema: { params: RecordParams } };
  app.get('/api/hsds/services', { ...read, schema: { querystring: ServicesQuery } }, async (req, reply) =>
    send(reply, await serviceList(db, dialect, req.query)),
  );
  app.get('/api/hsds/services/:id', byId, async (req, reply) => send(reply, await serviceRecord(db, req.params.id)));
  app.get(
    '/api/hsds/service_at_locations',
    { ...read, schema: { querystring: ServiceAtLocationsQuery } },
    async (req, reply) => send(reply, await serviceAtLocationList(db, dialect, req.query)),
  );
  app.get('/api/hsds/service_at_locations/:id', byId, async (req, reply) =>
    send(reply, await serviceAtLocationRecord(db, req.params.id)),
  );
}

/** /organizations, listed and by id. */
async function organizationApiRoutes(app: App) {
  const { db } = app.deps;
  app.get('/api/hsds/organizations', { ...read, schema: { querystring: OrganizationsQuery } }, async (req, reply) =>
    send(reply, await organizationList(db, req.query)),
  );
  app.get(
    '/api/hsds/organizations/:id',
    { ...read, schema: { params: RecordParams, querystring: OrganizationQuery } },
    async (req, reply) => send(reply, await organizationRecord(db, req.params.id, isOn(req.query.full_service))),
  );
}

/** /taxonomies and /taxonomy_terms, listed and by id. */
async function vocabularyApiRoutes(app: App) {
  const { db } = app.deps;
  const byId = { ...read, schema: { params: RecordParams } };
  app.get('/api/hsds/taxonomies', { ...read, schema: { querystring: TaxonomiesQuery } }, async (req, reply) =>
    send(reply, await taxonomyList(db, req.query)),
  );
  app.get('/api/hsds/taxonomies/:id', byId, async (req, reply) =>
    send(reply, await vocabularyRecord(db, 'taxonomy', req.params.id)),
  );
  app.get('/api/hsds/taxonomy_terms', { ...read, schema: { querystring: TaxonomyTermsQuery } }, async (req, reply) =>
    send(reply, await taxonomyTermList(db, req.query)),
  );
  app.get('/api/hsds/taxonomy_terms/:id', byId, async (req, reply) =>
    send(reply, await vocabularyRecord(db, 'taxonomy_term', req.params.id)),
  );
}
