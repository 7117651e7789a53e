import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Dialect, Executor, HsdsOrganizationTable } from '../../core/db/schema.ts';
import { fts5Match, tsqueryText } from '../../core/search/words.ts';
import { boundingBox } from './geo.ts';
import { haversine } from './search-repo.ts';

/* The HSDS read API's SQL: service, location, organisation and vocabulary pages with their filters. */
/** Filters of the API's service lists (HSDS API reference: /services and /service_at_locations). */
export interface ApiServiceFilter {
  words: string[];
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  modifiedAfter?: string;
  serviceId?: string;
  place?: ApiPlace;
}
/**
 * Where the `postcode` / `proximity` parameters point. Either public locations whose address has this postal
 * code (normalised: upper case, no spaces) plus services whose area covers one of `areaUris`, or locations
 * within `radiusKm` of one of `centres`. Distances use the public coordinates, never a confidential street.
 */
export type ApiPlace =
  { postalCode: string; areaUris: string[] } | { centres: { lat: number; lon: number }[]; radiusKm: number };

const normalisedPostalCode = (col: RawBuilder<unknown>) => sql`upper(replace(${col}, ' ', ''))`;

/** Conditions on the service aliased `s`. */
function apiServiceWhere(dialect: Dialect, f: ApiServiceFilter): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [];
  if (f.serviceId) out.push(sql`s.id = ${f.serviceId}`);
  if (f.taxonomyTermId)
    out.push(sql`s.id in (select a.link_id from attribute a where a.taxonomy_term_id = ${f.taxonomyTermId})`);
  if (f.taxonomyId) {
    out.push(
      sql`s.id in (select a.link_id from attribute a join taxonomy_term tt on tt.id = a.taxonomy_term_id where tt.taxonomy_id = ${f.taxonomyId})`,
    );
  }
  if (f.organizationId) out.push(sql`s.organization_id = ${f.organizationId}`);
  if (f.modifiedAfter) out.push(sql`s.last_modified >= ${f.modifiedAfter}`);
  if (f.words.length) {
    out.push(
      dialect === 'postgres'
        ? sql`s.id in (select service_id from directory_text where tsv @@ plainto_tsquery('english', ${tsqueryText(f.words)}))`
        : sql`s.id in (select t.service_id from directory_fts join directory_text t on t.rowid = directory_fts.rowid where directory_fts match ${fts5Match(f.words)})`,
    );
  }
  return out;
}

/** The location aliased `l` is at the place: a public address with the postal code, or within the radius. */
function apiLocationAt(dialect: Dialect, place: ApiPlace): RawBuilder<unknown> {
  if ('postalCode' in place) {
    return sql`(l.is_confidential = 0 and exists (select 1 from address ad where ad.location_id = l.id and ${normalisedPostalCode(sql.ref('ad.postal_code'))} = ${place.postalCode}))`;
  }
  const near = place.centres.map((c) => {
    const box = boundingBox(c.lat, c.lon, place.radiusKm);
    const conds = [sql`l.public_latitude between ${box.minLat} and ${box.maxLat}`];
    if (box.lon && !box.lon.wraps) conds.push(sql`l.public_longitude between ${box.lon.from} and ${box.lon.to}`);
    if (box.lon && box.lon.wraps)
      conds.push(sql`(l.public_longitude >= ${box.lon.from} or l.public_longitude <= ${box.lon.to})`);
    conds.push(sql`${haversine(dialect, c.lat, c.lon)} <= ${sql.lit(place.radiusKm)}`);
    return sql`(${sql.join(conds, sql` and `)})`;
  });
  return near.length ? sql`(${sql.join(near, sql` or `)})` : sql`1 = 0`;
}

/** Distance in km from the nearest centre to the location aliased `l` (its public coordinates). */
function apiDistance(dialect: Dialect, centres: { lat: number; lon: number }[]): RawBuilder<unknown> {
  const each = centres.map((c) => haversine(dialect, c.lat, c.lon));
  if (each.length === 1) return each[0]!;
  return dialect === 'postgres' ? sql`least(${sql.join(each)})` : sql`min(${sql.join(each)})`;
}

/** A service area of the service aliased `s` (or of the service at location `sal`) covers one of the areas. */
function apiCoverage(areaUris: string[], withSal: boolean): RawBuilder<unknown> | null {
  if (areaUris.length === 0) return null;
  const owner = withSal ? sql`(sa.service_id = s.id or sa.service_at_location_id = sal.id)` : sql`sa.service_id = s.id`;
  return sql`exists (select 1 from service_area sa where ${owner} and sa.uri in (${sql.join(areaUris)}))`;
}

const whereClause = (conds: RawBuilder<unknown>[]) =>
  conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;

async function pageOf<R>(
  db: Executor,
  from: RawBuilder<unknown>,
  select: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
  page: number,
  perPage: number,
  withTotal: boolean,
) {
  const total = withTotal
    ? Number((await sql<{ n: number | string }>`select count(*) as n ${from}`.execute(db)).rows[0]?.n ?? 0)
    : -1;
  const rows = (
    await sql<R>`select ${select} ${from} order by ${order} limit ${perPage} offset ${(page - 1) * perPage}`.execute(db)
  ).rows;
  return { total, rows };
}

/** One page of services (id, name, status and last_modified): by name, or nearest first when a radius is given. */
export async function apiServicePage(
  db: Executor,
  dialect: Dialect,
  f: ApiServiceFilter,
  page: number,
  perPage: number,
  withTotal = true,
) {
  const where = apiServiceWhere(dialect, f);
  let order: RawBuilder<unknown> = sql`s.name, s.id`;
  if (f.place) {
    const atLocation = sql`exists (select 1 from service_at_location sal join location l on l.id = sal.location_id where sal.service_id = s.id and ${apiLocationAt(dialect, f.place)})`;
    const covered = 'areaUris' in f.place ? apiCoverage(f.place.areaUris, false) : null;
    where.push(covered ? sql`(${atLocation} or ${covered})` : atLocation);
    if ('centres' in f.place) {
      order = sql`(select min(${apiDistance(dialect, f.place.centres)}) from service_at_location sal join location l on l.id = sal.location_id where sal.service_id = s.id), s.name, s.id`;
    }
  }
  return pageOf<{ id: string; name: string; status: string; last_modified: string | null }>(
    db,
    sql`from service s ${whereClause(where)}`,
    sql`s.id, s.name, s.status, s.last_modified`,
    order,
    page,
    perPage,
    withTotal,
  );
}

/** One page of service_at_location ids with the same filters, applied to the service and to the location. */
export async function apiServiceAtLocationPage(
  db: Executor,
  dialect: Dialect,
  f: ApiServiceFilter,
  page: number,
  perPage: number,
  withTotal = true,
) {
  const where = apiServiceWhere(dialect, f);
  let order: RawBuilder<unknown> = sql`sal.id`;
  if (f.place) {
    const covered = 'areaUris' in f.place ? apiCoverage(f.place.areaUris, true) : null;
    const at = apiLocationAt(dialect, f.place);
    where.push(covered ? sql`(${at} or ${covered})` : at);
    if ('centres' in f.place) order = sql`${apiDistance(dialect, f.place.centres)}, sal.id`;
  }
  const from = sql`from service_at_location sal join service s on s.id = sal.service_id join location l on l.id = sal.location_id ${whereClause(where)}`;
  return pageOf<{ id: string }>(db, from, sql`sal.id`, order, page, perPage, withTotal);
}

/** Public locations whose address has this postal code: what an offline postcode lookup can know. */
export function publicPostalCodePlaces(db: Executor, postalCode: string) {
  return db
    .selectFrom('address as ad')
    .innerJoin('location as l', 'l.id', 'ad.location_id')
    .select(['ad.country', 'l.public_latitude', 'l.public_longitude'])
    .where('l.is_confidential', '=', 0)
    .where(normalisedPostalCode(sql.ref('ad.postal_code')), '=', postalCode)
    .limit(1000)
    .execute();
}

/** Organizations by id, optionally with a name search and a taxonomy filter (their own or their services' attributes). */
export async function apiOrganizationPage(
  db: Executor,
  f: { search?: string; taxonomyTermId?: string; taxonomyId?: string },
  page: number,
  perPage: number,
  withTotal = true,
) {
  const where: RawBuilder<unknown>[] = [];
  if (f.search) where.push(sql`lower(o.name) like ${`%${likeText(f.search)}%`}`);
  const termLinks = (cond: RawBuilder<unknown>) =>
    sql`(select a.link_id from attribute a join taxonomy_term tt on tt.id = a.taxonomy_term_id where ${cond})`;
  for (const cond of [
    f.taxonomyTermId ? sql`tt.id = ${f.taxonomyTermId}` : null,
    f.taxonomyId ? sql`tt.taxonomy_id = ${f.taxonomyId}` : null,
  ]) {
    if (cond)
      where.push(
        sql`(o.id in ${termLinks(cond)} or o.id in (select s.organization_id from service s where s.id in ${termLinks(cond)}))`,
      );
  }
  return pageOf<Selectable<HsdsOrganizationTable>>(
    db,
    sql`from organization o ${whereClause(where)}`,
    sql`o.*`,
    sql`o.id`,
    page,
    perPage,
    withTotal,
  );
}

const likeText = (text: string) => text.toLowerCase().replace(/[%_\\]/g, '');

/** One page of taxonomies by id, optionally those whose name contains `search`. */
export async function taxonomyPage(
  db: Executor,
  search: string | undefined,
  page: number,
  perPage: number,
  withTotal = true,
) {
  let q = db.selectFrom('taxonomy');
  if (search) q = q.where(sql`lower(name)`, 'like', `%${likeText(search)}%`);
  const total = withTotal
    ? Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    : -1;
  const rows = await q
    .selectAll()
    .orderBy('id')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  return { total, rows };
}

/** Filters of the API's taxonomy term list; `topOnly` asks for terms without a parent. */
export interface ApiTermFilter {
  search?: string;
  taxonomyId?: string;
  parentId?: string;
  topOnly?: boolean;
}

/** One page of taxonomy terms by id, under the filters. */
export async function taxonomyTermPage(
  db: Executor,
  f: ApiTermFilter,
  page: number,
  perPage: number,
  withTotal = true,
) {
  let q = db.selectFrom('taxonomy_term');
  if (f.taxonomyId) q = q.where('taxonomy_id', '=', f.taxonomyId);
  if (f.parentId) q = q.where('parent_id', '=', f.parentId);
  if (f.topOnly) q = q.where('parent_id', 'is', null);
  if (f.search) q = q.where(sql`lower(name)`, 'like', `%${likeText(f.search)}%`);
  const total = withTotal
    ? Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    : -1;
  const rows = await q
    .selectAll()
    .orderBy('id')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  return { total, rows };
}
