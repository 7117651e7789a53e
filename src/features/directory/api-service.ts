import type { Db, Dialect } from '../../core/db/schema.ts';
import { invalid, notFound, ok, type Result } from '../../core/result.ts';
import { queryWords } from '../../core/search/words.ts';
import {
  isOn,
  type ListingQuery,
  type OrganizationsQuery,
  type ServiceAtLocationsQuery,
  type ServicesQuery,
  type TaxonomiesQuery,
  type TaxonomyTermsQuery,
} from './api-params.ts';
import * as apiRepo from './api-repo.ts';
import {
  listedServices,
  nestedOrganizations,
  nestedServices,
  pick,
  servicesAtLocations,
  type HsdsRecord,
} from './hsds-data.ts';
import * as hsdsRepo from './hsds-repo.ts';
import { areaUri, WORLD_URI } from './listing-model.ts';
import { msg } from './messages.ts';

/*
 * Read-only HSDS API, following the Open Referral API reference (schema/openapi.json of
 * openreferral/specification, branch 3.0; https://docs.openreferral.org/en/latest/hsds/api_reference.html):
 * the metadata at "/", paginated lists with the specification's Page object (or every result as
 * newline-delimited JSON with `format=ndjson`), fully nested records by id. Query parameters combine
 * with AND. Confidential locations are shown by area only, and `proximity` measures from that area's
 * centre. The reference's POST variants of the list endpoints are not offered: this API only reads,
 * and GET takes the same parameters. Parameters arrive checked by their schemas (api-params.ts).
 */

/** Every result of a list, one JSON object a line, read from the database in batches. */
export class NdjsonLines {
  constructor(readonly lines: AsyncGenerator<string>) {}
}
export type ApiAnswer = object | NdjsonLines;

const STREAM_BATCH = 500;
const notFoundHere = () => notFound(msg('apiNotFound'));

/** The API's metadata (paths["/"] of the reference). */
export function apiMetadata(publicUrl: string) {
  return {
    version: '3.0',
    profile: 'https://docs.openreferral.org/en/latest/hsds/',
    openapi_url: 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json',
    description:
      'Alongside resource directory: services for sex workers and people experiencing trafficking. Confidential addresses are given by area only.',
    publisher: {
      name: 'Alongside',
      website: `${publicUrl}/resources`,
      additional_websites: [`${publicUrl}/resources/suggest`],
    },
  };
}

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
async function respond(q: ListingQuery, fetchPage: PageFn): Promise<ApiAnswer> {
  if (q.format !== 'ndjson') {
    const page = q.page ?? 1;
    const perPage = q.per_page ?? 20;
    const { total, items } = await fetchPage(page, perPage, true);
    return pageObject(total, page, perPage, items);
  }
  async function* lines() {
    for (let page = 1; ; page++) {
      const { items } = await fetchPage(page, STREAM_BATCH, false);
      if (items.length) yield items.map((i) => `${JSON.stringify(i)}\n`).join('');
      if (items.length < STREAM_BATCH) return;
    }
  }
  return new NdjsonLines(lines());
}

// ── filters ──
/** An id filter: an empty value filters nothing. */
const idOf = (v: string | undefined) => v || undefined;

/** `modified_after` as an instant: a date alone is midnight UTC, a time without a zone is UTC; null when no such day or time exists. */
export function modifiedAfterInstant(v: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return null;
  const zone = m[8] === undefined || m[8] === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[8].slice(-2)}`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = new Date(
    `${m[1]}-${m[2]}-${m[3]}T${pad(hour)}:${pad(minute)}:${pad(second)}${(m[7] ?? '').slice(0, 4)}${zone}`,
  );
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

export const normalisePostalCode = (code: string) => code.replace(/\s+/g, '').toUpperCase();

/**
 * Resolves a postcode offline, from the public addresses of this directory only (no gazetteer of postcodes is
 * bundled and no outside service is asked): its centre in each country where it appears is the mean of those
 * addresses' coordinates. With `proximity`, results are the locations within that distance of a centre; when the
 * postcode is unknown here, they fall back to locations whose address has exactly that postal code. Without
 * `proximity`, results are locations with that postal code plus services whose service area covers the postcode's
 * country (or the whole world). Confidential addresses take no part: their postal code is never matched.
 */
async function resolvePlace(db: Db, postalCode: string, radiusKm: number | undefined): Promise<apiRepo.ApiPlace> {
  const found = await apiRepo.publicPostalCodePlaces(db, postalCode);
  const countries = [...new Set(found.map((f) => f.country.toUpperCase()).filter((c) => /^[A-Z]{2}$/.test(c)))];
  if (radiusKm === undefined) return { postalCode, areaUris: [WORLD_URI, ...countries.map(areaUri)] };
  const centres = countries
    .map((c) => centreOf(found.filter((f) => f.country.toUpperCase() === c)))
    .filter((c): c is { lat: number; lon: number } => c !== null);
  return centres.length ? { centres, radiusKm } : { postalCode, areaUris: [] };
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

/** Filters shared by /services and /service_at_locations. */
async function serviceFilter(
  db: Db,
  q: ServicesQuery | ServiceAtLocationsQuery,
): Promise<Result<apiRepo.ApiServiceFilter>> {
  const modifiedAfter = q.modified_after ? modifiedAfterInstant(q.modified_after) : undefined;
  if (modifiedAfter === null) return invalid(msg('apiModifiedAfter'));
  const postcode = q.postcode?.trim() || undefined;
  if (q.proximity !== undefined && postcode === undefined) return invalid(msg('apiProximityNeedsPostcode'));
  const filter: apiRepo.ApiServiceFilter = {
    words: queryWords(q.search ?? ''),
    taxonomyTermId: idOf(q.taxonomy_term_id),
    taxonomyId: idOf(q.taxonomy_id),
    organizationId: idOf(q.organization_id),
    modifiedAfter,
  };
  if (postcode !== undefined) {
    const radiusKm = q.proximity === undefined ? undefined : q.proximity / 1000;
    filter.place = await resolvePlace(db, normalisePostalCode(postcode), radiusKm);
  }
  return ok(filter);
}

// ── lists ──
export async function serviceList(db: Db, dialect: Dialect, q: ServicesQuery): Promise<Result<ApiAnswer>> {
  const minimal = isOn(q.minimal);
  const full = isOn(q.full);
  if (minimal && full) return invalid(msg('apiMinimalAndFull'));
  const filter = await serviceFilter(db, q);
  if (!filter.ok) return filter;
  return ok(
    await respond(q, async (page, perPage, withTotal) => {
      const { total, rows } = await apiRepo.apiServicePage(db, dialect, filter.value, page, perPage, withTotal);
      const ids = rows.map((r) => r.id);
      const items = minimal
        ? // The reference's "id and modified date", with the fields compiled/service_list.json requires.
          rows.map((r) => pick('service', r))
        : full
          ? await nestedServices(db, ids)
          : await listedServices(db, ids);
      return { total, items };
    }),
  );
}

export async function serviceAtLocationList(
  db: Db,
  dialect: Dialect,
  q: ServiceAtLocationsQuery,
): Promise<Result<ApiAnswer>> {
  const filter = await serviceFilter(db, q);
  if (!filter.ok) return filter;
  const f = { ...filter.value, serviceId: idOf(q.service_id) };
  return ok(
    await respond(q, async (page, perPage, withTotal) => {
      const { total, rows } = await apiRepo.apiServiceAtLocationPage(db, dialect, f, page, perPage, withTotal);
      const items = await servicesAtLocations(
        db,
        rows.map((r) => r.id),
        isOn(q.full),
      );
      return { total, items };
    }),
  );
}

export async function organizationList(db: Db, q: OrganizationsQuery): Promise<Result<ApiAnswer>> {
  const fullService = isOn(q.full_service);
  const full = isOn(q.full) || fullService;
  const f = {
    search: q.search || undefined,
    taxonomyTermId: idOf(q.taxonomy_term_id),
    taxonomyId: idOf(q.taxonomy_id),
  };
  return ok(
    await respond(q, async (page, perPage, withTotal) => {
      const { total, rows } = await apiRepo.apiOrganizationPage(db, f, page, perPage, withTotal);
      const ids = rows.map((r) => r.id);
      const items = full ? await nestedOrganizations(db, ids, fullService) : rows.map((r) => pick('organization', r));
      return { total, items };
    }),
  );
}

export async function taxonomyList(db: Db, q: TaxonomiesQuery): Promise<Result<ApiAnswer>> {
  return ok(
    await respond(q, async (page, perPage, withTotal) => {
      const { total, rows } = await apiRepo.taxonomyPage(db, q.search || undefined, page, perPage, withTotal);
      return { total, items: rows.map((r) => pick('taxonomy', r)) };
    }),
  );
}

export async function taxonomyTermList(db: Db, q: TaxonomyTermsQuery): Promise<Result<ApiAnswer>> {
  const parentId = idOf(q.parent_id);
  // top_only: terms at the top of their taxonomy, i.e. without a parent (the reference: "not child terms").
  const topOnly = isOn(q.top_only);
  if (topOnly && parentId) return invalid(msg('apiTopOnlyAndParent'));
  const f = { search: q.search || undefined, taxonomyId: idOf(q.taxonomy_id), parentId, topOnly };
  return ok(
    await respond(q, async (page, perPage, withTotal) => {
      const { total, rows } = await apiRepo.taxonomyTermPage(db, f, page, perPage, withTotal);
      return { total, items: rows.map((r) => pick('taxonomy_term', r)) };
    }),
  );
}

// ── records by id ──
const first = (records: HsdsRecord[]): Result<HsdsRecord> => (records[0] ? ok(records[0]) : notFoundHere());

export async function serviceRecord(db: Db, id: string): Promise<Result<HsdsRecord>> {
  return first(await nestedServices(db, [id]));
}
export async function organizationRecord(db: Db, id: string, fullService: boolean): Promise<Result<HsdsRecord>> {
  return first(await nestedOrganizations(db, [id], fullService));
}
export async function serviceAtLocationRecord(db: Db, id: string): Promise<Result<HsdsRecord>> {
  return first(await servicesAtLocations(db, [id], true));
}
export async function vocabularyRecord(
  db: Db,
  table: 'taxonomy' | 'taxonomy_term',
  id: string,
): Promise<Result<HsdsRecord>> {
  const row = await hsdsRepo.vocabularyRow(db, table, id);
  return row ? ok(pick(table, row)) : notFoundHere();
}
