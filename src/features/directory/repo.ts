import { CompiledQuery, PostgresAdapter, sql, type Insertable, type RawBuilder, type Selectable } from 'kysely';
import type {
  Database, Dialect, Executor, HsdsAddressTable, HsdsLanguageTable, HsdsLocationTable, HsdsPhoneTable, HsdsScheduleTable, HsdsServiceTable,
  ResourceSuggestionsTable,
} from '../../core/db/schema.ts';
import { EARTH_RADIUS_KM, boundingBox } from './geo.ts';
import { HSDS_FIELDS, TAXONOMY_IDS, type Facet, type HsdsTable } from './hsds.ts';

export type ServiceRow = Selectable<HsdsServiceTable>;
export type LocationRow = Selectable<HsdsLocationTable>;
export type ScheduleRow = Selectable<HsdsScheduleTable>;

// ── suggestions ──
export async function insertSuggestion(db: Executor, row: Insertable<ResourceSuggestionsTable>): Promise<number> {
  const r = await db.insertInto('resource_suggestions').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}
export function findSuggestion(db: Executor, id: number) {
  return db.selectFrom('resource_suggestions').selectAll().where('id', '=', id).executeTakeFirst();
}
export function pendingSuggestions(db: Executor, limit = 100) {
  return db.selectFrom('resource_suggestions').selectAll().where('status', '=', 'pending').orderBy('created_at').orderBy('id').limit(limit).execute();
}
export async function setSuggestionStatus(db: Executor, id: number, status: ResourceSuggestionsTable['status'], serviceId: string | null, userId: number, at: string) {
  await db.updateTable('resource_suggestions').set({ status, service_id: serviceId, reviewed_at: at, reviewed_by: userId }).where('id', '=', id).execute();
}

/** Listings that may be the same as a suggestion: same website domain, same phone number, or a similar name. */
export async function duplicateCandidates(db: Executor, hint: { domain: string; phoneDigits: string[]; nameWords: string[] }) {
  const out = new Map<string, { id: string; slug: string; name: string; reason: string }>();
  if (hint.domain) {
    const rows = await db.selectFrom('service').select(['id', 'slug', 'name']).where((eb) =>
      eb.or([eb('url', 'like', `%://${hint.domain}%`), eb('url', 'like', `%://www.${hint.domain}%`)])).limit(10).execute();
    for (const r of rows) out.set(r.id, { ...r, reason: 'same website' });
    const orgs = await db.selectFrom('organization').innerJoin('service', 'service.organization_id', 'organization.id')
      .select(['service.id', 'service.slug', 'service.name']).where((eb) =>
        eb.or([eb('organization.website', 'like', `%://${hint.domain}%`), eb('organization.website', 'like', `%://www.${hint.domain}%`)])).limit(10).execute();
    for (const r of orgs) if (!out.has(r.id)) out.set(r.id, { ...r, reason: 'same website' });
  }
  for (const digits of hint.phoneDigits.filter((d) => d.length >= 6)) {
    const rows = await db.selectFrom('phone').innerJoin('service', 'service.id', 'phone.service_id').select(['service.id', 'service.slug', 'service.name', 'phone.number']).limit(500).execute();
    for (const r of rows) if (r.number.replace(/\D/g, '').endsWith(digits.slice(-9)) && !out.has(r.id)) out.set(r.id, { id: r.id, slug: r.slug, name: r.name, reason: 'same phone number' });
  }
  const words = hint.nameWords.filter((w) => w.length >= 4).slice(0, 4);
  if (words.length) {
    const rows = await db.selectFrom('service').select(['id', 'slug', 'name'])
      .where((eb) => eb.or(words.map((w) => eb(eb.fn('lower', ['name']), 'like', `%${w.replace(/[%_]/g, '')}%`)))).limit(10).execute();
    for (const r of rows) if (!out.has(r.id)) out.set(r.id, { ...r, reason: 'similar name' });
  }
  return [...out.values()];
}

// ── taxonomy ──
export interface TermRow { id: string; taxonomy_id: string | null; code: string | null; name: string; description: string }
export function loadTerms(db: Executor): Promise<TermRow[]> {
  return db.selectFrom('taxonomy_term').select(['id', 'taxonomy_id', 'code', 'name', 'description'])
    .where('taxonomy_id', 'in', Object.values(TAXONOMY_IDS)).orderBy('name').execute();
}

// ── search ──
export interface SearchSpec {
  /** Words to match, already split into plain tokens. */
  words: string[];
  termGroups: { ids: string[]; mode: 'any' | 'all' }[];
  languages: string[];
  near?: { lat: number; lon: number; radiusKm: number; areaUris: string[] };
  limit: number;
}
export interface Candidate { id: string; distance: number | null; score: number | null; remote: number }

export { boundingBox };

export function haversine(dialect: Dialect, lat: number, lon: number, at = { lat: sql.ref('l.public_latitude'), lon: sql.ref('l.public_longitude') }): RawBuilder<number> {
  const la = sql.lit(lat);
  const lo = sql.lit(lon);
  const inner = sql`sqrt(power(sin(radians(${at.lat} - ${la}) / 2), 2) + cos(radians(${la})) * cos(radians(${at.lat})) * power(sin(radians(${at.lon} - ${lo}) / 2), 2))`;
  const clamped = dialect === 'postgres' ? sql`least(1.0, ${inner})` : sql`min(1.0, ${inner})`;
  return sql<number>`(${sql.lit(2 * EARTH_RADIUS_KM)} * asin(${clamped}))`;
}

export function ftsQuery(words: string[]): string {
  return words.map((w) => `"${w.replace(/"/g, '')}"`).join(' ');
}

/** Matching services: ids with distance and relevance, best first, at most `limit`. */
export async function searchCandidates(db: Executor, dialect: Dialect, spec: SearchSpec): Promise<Candidate[]> {
  const joins: RawBuilder<unknown>[] = [];
  const where: RawBuilder<unknown>[] = [sql`s.status in ('active', 'temporarily closed')`];
  let ctes = sql``;
  let distance: RawBuilder<unknown> = sql`null`;
  let remote: RawBuilder<unknown> = sql`0`;
  let score: RawBuilder<unknown> = sql`null`;
  let fromNear = false;
  // Filters on the service id: category, approach, population, delivery and language.
  const filters = (id: RawBuilder<unknown>) => {
    const out: RawBuilder<unknown>[] = [];
    for (const group of spec.termGroups) {
      if (group.ids.length === 0) continue;
      if (group.mode === 'any') out.push(sql`exists (select 1 from attribute a where a.link_id = ${id} and a.taxonomy_term_id in (${sql.join(group.ids)}))`);
      else for (const tid of group.ids) out.push(sql`exists (select 1 from attribute a where a.link_id = ${id} and a.taxonomy_term_id = ${tid})`);
    }
    if (spec.languages.length) out.push(sql`exists (select 1 from language lg where lg.service_id = ${id} and lg.code in (${sql.join(spec.languages)}))`);
    return out;
  };

  if (spec.near) {
    const { lat, lon, radiusKm, areaUris } = spec.near;
    const box = boundingBox(lat, lon, radiusKm);
    // The bounding box comes from the spatial index (migration 0302); the exact distance then decides.
    let inBox: RawBuilder<unknown>;
    if (dialect === 'postgres') {
      const p = sql`point(l.public_longitude, l.public_latitude)`;
      const within = (from: number, to: number) => sql`${p} <@ box(point(${sql.lit(from)}, ${sql.lit(box.minLat)}), point(${sql.lit(to)}, ${sql.lit(box.maxLat)}))`;
      const cond = !box.lon ? within(-180, 180) : box.lon.wraps ? sql`(${within(box.lon.from, 180)} or ${within(-180, box.lon.to)})` : within(box.lon.from, box.lon.to);
      inBox = sql`from location l join service_at_location sal on sal.location_id = l.id where ${cond}`;
    } else {
      const conds = [sql`r.max_lat >= ${sql.lit(box.minLat)}`, sql`r.min_lat <= ${sql.lit(box.maxLat)}`];
      if (box.lon && !box.lon.wraps) conds.push(sql`r.max_lon >= ${sql.lit(box.lon.from)}`, sql`r.min_lon <= ${sql.lit(box.lon.to)}`);
      if (box.lon && box.lon.wraps) conds.push(sql`(r.max_lon >= ${sql.lit(box.lon.from)} or r.min_lon <= ${sql.lit(box.lon.to)})`);
      inBox = sql`from location_rtree r cross join service_at_location sal on sal.location_id = r.location_id where ${sql.join(conds, sql` and `)}`;
    }
    const at = dialect === 'postgres' ? undefined : { lat: sql.ref('r.lat'), lon: sql.ref('r.lon') };
    // The filters (cheap index probes) run on each service in the box before the distance is computed.
    const inReach = (id: RawBuilder<unknown>) => filters(id).map((f) => sql` and ${f}`);
    const local = sql`select sal.service_id as service_id, min(${haversine(dialect, lat, lon, at)}) as distance, 0 as remote ${inBox}${sql.join(inReach(sql.ref('sal.service_id')), sql``)}
      group by sal.service_id having min(${haversine(dialect, lat, lon, at)}) <= ${sql.lit(radiusKm)}`;
    const areas = areaUris.length
      ? sql` union all select sa.service_id as service_id, null as distance, 1 as remote from service_area sa where sa.uri in (${sql.join(areaUris)}) and sa.service_id is not null${sql.join(inReach(sql.ref('sa.service_id')), sql``)}`
      : sql``;
    ctes = sql`with near as (${local}${areas}), nearest as (select service_id, min(distance) as distance, min(remote) as remote from near group by service_id) `;
    joins.push(sql`join nearest n on n.service_id = s.id`);
    fromNear = true;
    distance = sql`n.distance`;
    remote = sql`n.remote`;
  }
  if (spec.words.length) {
    if (dialect === 'postgres') {
      const q = sql`plainto_tsquery('english', ${spec.words.join(' ')})`;
      joins.push(sql`join directory_text f on f.service_id = s.id and f.tsv @@ ${q}`);
      score = sql`ts_rank(f.tsv, ${q})`;
    } else if (spec.near) {
      // Near a place, the few services in the radius drive the query (CROSS JOIN fixes SQLite's join
      // order) and each is checked against the full-text index by rowid, instead of reading every
      // document that has a common word.
      const m = ftsQuery(spec.words);
      joins.push(sql`cross join directory_text t on t.service_id = s.id`);
      where.push(sql`exists (select 1 from directory_fts where directory_fts match ${m} and directory_fts.rowid = t.rowid)`);
      // bm25() re-reads the whole posting list on every call; near a place, rank by how many of the
      // words are in the service's name instead (then by distance).
      score = sql`(${sql.join(spec.words.map((w) => sql`(instr(lower(s.name), ${w}) > 0)`), sql` + `)})`;
    } else {
      joins.push(sql`join (select t.service_id as service_id, -bm25(directory_fts) as score from directory_fts join directory_text t on t.rowid = directory_fts.rowid
        where directory_fts match ${ftsQuery(spec.words)}) f on f.service_id = s.id`);
      score = sql`f.score`;
    }
  }
  if (!spec.near) where.push(...filters(sql.ref('s.id')));
  const order = spec.words.length ? sql`${score} desc, ${spec.near ? sql`(n.distance is null) asc, n.distance asc, ` : sql``}s.name` : spec.near ? sql`(n.distance is null) asc, n.distance asc, s.name` : sql`s.name`;
  const query = sql<Candidate>`${ctes}select s.id as id, ${distance} as distance, ${score} as score, ${remote} as remote
    from ${fromNear ? sql`nearest n ${dialect === 'sqlite' ? sql`cross join` : sql`join`} service s on s.id = n.service_id ${sql.join(joins.slice(1), sql` `)}` : sql`service s ${sql.join(joins, sql` `)}`}
    where ${sql.join(where, sql` and `)}
    order by ${order} limit ${sql.lit(spec.limit)}`;
  const rows = (await query.execute(db)).rows;
  return rows.map((r) => ({ id: r.id, distance: r.distance === null ? null : Number(r.distance), score: r.score === null ? null : Number(r.score), remote: Number(r.remote) }));
}

/** How many of the given services carry each term and each language (one grouped query per chunk of ids). */
export async function facetCounts(db: Executor, ids: string[]) {
  const terms = new Map<string, number>();
  const languages = new Map<string, { n: number; name: string }>();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = sql.join(ids.slice(i, i + 5000));
    const rows = await sql<{ kind: string; code: string; name: string | null; n: number }>`
      select 't' as kind, taxonomy_term_id as code, null as name, count(distinct link_id) as n from attribute where link_id in (${chunk}) group by taxonomy_term_id
      union all
      select 'l' as kind, code, max(name) as name, count(distinct service_id) as n from language where service_id in (${chunk}) and code is not null group by code`.execute(db);
    for (const r of rows.rows) {
      if (r.kind === 't') terms.set(r.code, (terms.get(r.code) ?? 0) + Number(r.n));
      else {
        const prev = languages.get(r.code);
        languages.set(r.code, { n: (prev?.n ?? 0) + Number(r.n), name: prev?.name ?? r.name ?? r.code });
      }
    }
  }
  return { terms, languages };
}

/** Which of these words appear somewhere in the directory's text. */
export async function knownWords(db: Executor, words: string[]): Promise<Set<string>> {
  if (words.length === 0) return new Set();
  const r = await sql<{ word: string }>`select word from directory_words where word in (${sql.join(words)})`.execute(db);
  return new Set(r.rows.map((x) => x.word));
}
/** Indexed words that could be a typo of `word`: same first letter, similar length. */
export async function wordsLike(db: Executor, word: string, slack: number): Promise<string[]> {
  const r = await sql<{ word: string }>`select word from directory_words where word >= ${word.slice(0, 1)} and word < ${word.slice(0, 1) + '\uffff'}
    and length(word) between ${word.length - slack} and ${word.length + slack} limit 20000`.execute(db);
  return r.rows.map((x) => x.word);
}

// ── result cards ──
/** What a search result shows of a service: public fields only (a confidential place by its area). */
export interface CardRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  status: string;
  assured_date: string | null;
  verified_by: string | null;
  organization_name: string;
  places: { city: string | null; country: string | null; is_confidential: number; area_name: string | null; public_latitude: number | null; public_longitude: number | null }[];
  approach: string[];
  schedules: Pick<ScheduleRow, 'freq' | 'byday' | 'opens_at' | 'closes_at' | 'timezone' | 'timezone_name' | 'valid_from' | 'valid_to'>[];
}

/**
 * The result cards of one page of search results in ONE query (nested JSON per service), so a
 * search costs the same few round trips on PostgreSQL as on SQLite. Order follows `ids`.
 */
export async function resultCards(db: Executor, dialect: Dialect, ids: string[]): Promise<CardRow[]> {
  if (ids.length === 0) return [];
  /** A JSON array of objects from a correlated subquery, sorted (aggregate ORDER BY: SQLite 3.44+). */
  const list = (cols: Record<string, string>, from: RawBuilder<unknown>, order: string) => {
    const pairs = sql.join(Object.entries(cols).map(([name, ref]) => sql`${sql.lit(name)}, ${sql.ref(ref)}`));
    return dialect === 'postgres'
      ? sql`(select coalesce(json_agg(json_build_object(${pairs}) order by ${sql.ref(order)}), '[]'::json) ${from})`
      : sql`(select coalesce(json_group_array(json_object(${pairs}) order by ${sql.ref(order)}), '[]') ${from})`;
  };
  const places = list(
    { city: 'ad.city', country: 'ad.country', is_confidential: 'l.is_confidential', area_name: 'l.area_name', public_latitude: 'l.public_latitude', public_longitude: 'l.public_longitude' },
    sql`from service_at_location sal join location l on l.id = sal.location_id left join address ad on ad.location_id = l.id where sal.service_id = s.id`,
    'l.id',
  );
  const approach = list(
    { name: 't.name' },
    sql`from attribute a join taxonomy_term t on t.id = a.taxonomy_term_id where a.link_id = s.id and a.link_entity = 'service' and t.taxonomy_id = ${TAXONOMY_IDS.approach}`,
    't.name',
  );
  const schedules = list(
    Object.fromEntries(['freq', 'byday', 'opens_at', 'closes_at', 'timezone', 'timezone_name', 'valid_from', 'valid_to'].map((c) => [c, `sc.${c}`])),
    sql`from schedule sc where sc.service_id = s.id or (sc.service_id is null and sc.location_id in (select location_id from service_at_location where service_id = s.id))`,
    'sc.id',
  );
  const rows = (await sql<CardRow>`select s.id, s.slug, s.name, s.description, s.status, s.assured_date, s.verified_by, o.name as organization_name,
      ${places} as places, ${approach} as approach, ${schedules} as schedules
    from service s join organization o on o.id = s.organization_id where s.id in (${sql.join(ids)})`.execute(db)).rows;
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const byId = new Map(rows.map((r) => [r.id, {
    ...r, places: json<CardRow['places']>(r.places), approach: json<{ name: string }[]>(r.approach).map((a) => a.name), schedules: json<CardRow['schedules']>(r.schedules),
  }]));
  return ids.map((id) => byId.get(id)).filter((r): r is CardRow => !!r);
}

// ── loading listings ──
export async function servicesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('service').innerJoin('organization', 'organization.id', 'service.organization_id')
    .selectAll('service').select(['organization.name as organization_name', 'organization.website as organization_website'])
    .where('service.id', 'in', ids).execute();
}
export function serviceBySlug(db: Executor, slug: string) {
  return db.selectFrom('service').select('id').where('slug', '=', slug).executeTakeFirst();
}
export function serviceById(db: Executor, id: string) {
  return db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
}
export async function locationsFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('service_at_location as sal').innerJoin('location as l', 'l.id', 'sal.location_id')
    .leftJoin('address as ad', 'ad.location_id', 'l.id')
    .select(['sal.service_id', 'sal.id as sal_id', 'l.id', 'l.name', 'l.location_type', 'l.latitude', 'l.longitude', 'l.public_latitude', 'l.public_longitude',
      'l.is_confidential', 'l.area_name', 'l.transportation', 'l.description', 'ad.address_1', 'ad.address_2', 'ad.city', 'ad.region', 'ad.state_province',
      'ad.postal_code', 'ad.country', 'ad.address_type'])
    .where('sal.service_id', 'in', serviceIds).execute();
}
/** Schedules of these services, of these locations, and of these service-at-location links (HSDS allows all three). */
export async function schedulesFor(db: Executor, serviceIds: string[], locationIds: string[], linkIds: string[] = []) {
  if (serviceIds.length === 0 && locationIds.length === 0 && linkIds.length === 0) return [];
  return db.selectFrom('schedule').selectAll().where((eb) => eb.or([
    ...(serviceIds.length ? [eb('service_id', 'in', serviceIds)] : []),
    ...(locationIds.length ? [eb('location_id', 'in', locationIds)] : []),
    ...(linkIds.length ? [eb('service_at_location_id', 'in', linkIds)] : []),
  ])).execute();
}
export async function termsFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('attribute as a').innerJoin('taxonomy_term as t', 't.id', 'a.taxonomy_term_id')
    .select(['a.link_id as service_id', 't.id', 't.taxonomy_id', 't.code', 't.name']).where('a.link_id', 'in', serviceIds).where('a.link_entity', '=', 'service').execute();
}
export async function languagesFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('language').selectAll().where('service_id', 'in', serviceIds).orderBy('id').execute();
}
export async function phonesFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('phone').selectAll().where('service_id', 'in', serviceIds).orderBy('id').execute();
}
export async function areasFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('service_area').selectAll().where('service_id', 'in', serviceIds).execute();
}
export async function contactsFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('contact').selectAll().where('service_id', 'in', serviceIds).execute();
}

// ── writing ──
type Row = Record<string, unknown>;
/** Inserts HSDS rows, keeping only the table's known columns. */
export async function insertRows(db: Executor, table: HsdsTable | 'service' | 'location' | 'schedule', rows: Row[], extra: string[] = []) {
  if (rows.length === 0) return;
  const cols = [...HSDS_FIELDS[table as HsdsTable].map((f) => f.name), ...extra].filter((c) => rows.some((r) => c in r));
  await bulkInsert(db, table, cols, rows.map((r) => cols.map((c) => (r[c] ?? null) as string | number | null)));
}

/**
 * Many rows in few statements, compiled by hand: an import writes about a million rows, and building
 * each statement with the query builder cost more than running it. Identifiers come from our own
 * table definitions only; values are always bound parameters.
 */
export async function bulkInsert(db: Executor, table: string, cols: string[], rows: (string | number | null)[][], suffix = '') {
  if (rows.length === 0) return;
  const quoted = cols.map((c) => `"${c}"`).join(', ');
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // One JSON parameter per chunk, typed by the table's own row type: PostgreSQL parses one value
    // instead of tens of thousands of bound parameters (about three times faster on big imports).
    for (let i = 0; i < rows.length; i += 5000) {
      const json = JSON.stringify(rows.slice(i, i + 5000).map((row) => Object.fromEntries(cols.map((c, j) => [c, row[j]]))));
      await db.executeQuery(CompiledQuery.raw(`insert into "${table}" (${quoted}) select ${quoted} from json_populate_recordset(null::"${table}", $1::json)${suffix}`, [json]));
    }
    return;
  }
  // SQLite (≥ 3.32) accepts 32,766 bound parameters per statement.
  const size = Math.max(1, Math.floor(30000 / cols.length));
  const head = `insert into "${table}" (${quoted}) values `;
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const params = chunk.flat();
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    await db.executeQuery(CompiledQuery.raw(head + chunk.map(() => tuple).join(', ') + suffix, params));
  }
}

/** Removes everything hanging off a service (not the service row or its organisation). */
export async function deleteServiceChildren(db: Executor, serviceId: string) {
  const sals = await db.selectFrom('service_at_location').select(['id', 'location_id']).where('service_id', '=', serviceId).execute();
  const locationIds = sals.map((s) => s.location_id);
  const shared = locationIds.length
    ? (await db.selectFrom('service_at_location').select('location_id').where('location_id', 'in', locationIds).where('service_id', '!=', serviceId).execute()).map((r) => r.location_id)
    : [];
  const own = locationIds.filter((id) => !shared.includes(id));
  await db.deleteFrom('attribute').where('link_id', '=', serviceId).execute();
  await db.deleteFrom('phone').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('language').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_area').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('contact').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('schedule').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_at_location').where('service_id', '=', serviceId).execute();
  if (own.length) {
    await db.deleteFrom('schedule').where('location_id', 'in', own).execute();
    await db.deleteFrom('address').where('location_id', 'in', own).execute();
    await db.deleteFrom('location').where('id', 'in', own).execute();
  }
}

export async function updateService(db: Executor, id: string, values: Partial<ServiceRow>) {
  await db.updateTable('service').set(values).where('id', '=', id).execute();
}
export async function deleteService(db: Executor, dialect: Dialect, id: string) {
  await deleteServiceChildren(db, id);
  await db.deleteFrom('service').where('id', '=', id).execute();
  await removeText(db, dialect, [id]);
}
export function slugExists(db: Executor, slug: string) {
  return db.selectFrom('service').select('id').where('slug', '=', slug).executeTakeFirst();
}
export function findOrganizationByName(db: Executor, name: string) {
  return db.selectFrom('organization').selectAll().where('name', '=', name).executeTakeFirst();
}
export function organizationById(db: Executor, id: string) {
  return db.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst();
}
export async function updateOrganization(db: Executor, id: string, values: { name?: string; website?: string | null; description?: string }) {
  await db.updateTable('organization').set(values).where('id', '=', id).execute();
}

/** What a service's searchable text is made of (also built straight from an imported package). */
export interface DocumentParts {
  service: { id: string; name: string; alternate_name: string | null; description: string | null; organization_name: string | null; eligibility_description: string | null; fees_description: string | null };
  terms: string[];
  languages: (string | null)[];
  /** Town, region and state of each place; a confidential place by its area only. */
  places: (string | null)[];
  areas: (string | null)[];
}
export function documentBody(p: DocumentParts): string {
  const s = p.service;
  return [s.name, s.alternate_name, s.description, s.organization_name, s.eligibility_description, s.fees_description, ...p.terms, ...p.languages, ...p.places, ...p.areas]
    .filter(Boolean).join(' \n');
}
export const placeText = (l: { is_confidential: number | null; area_name: string | null; city: string | null; region: string | null; state_province: string | null }) =>
  l.is_confidential ? l.area_name : [l.city, l.region, l.state_province].join(' ');

/** Rebuilds the full-text entry of services from their current rows (and records their words for typo help). */
export async function reindex(db: Executor, dialect: Dialect, serviceIds: string[], opts: { fresh?: boolean } = {}) {
  const group = <T extends { service_id: string | null }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) if (r.service_id) (m.get(r.service_id) ?? m.set(r.service_id, []).get(r.service_id)!).push(r);
    return m;
  };
  for (let i = 0; i < serviceIds.length; i += 2000) {
    const ids = serviceIds.slice(i, i + 2000);
    const services = await servicesByIds(db, ids);
    const terms = group(await termsFor(db, ids));
    const langs = group(await languagesFor(db, ids));
    const locs = group(await locationsFor(db, ids));
    const areas = group(await areasFor(db, ids));
    const docs = services.map((s) => documentBody({
      service: s,
      terms: (terms.get(s.id) ?? []).map((t) => t.name),
      languages: (langs.get(s.id) ?? []).map((l) => l.name),
      places: (locs.get(s.id) ?? []).map(placeText),
      areas: (areas.get(s.id) ?? []).map((a) => a.name),
    }));
    await writeDocuments(db, dialect, services.map((s, j) => ({ service_id: s.id, body: docs[j]! })), opts);
  }
}

/** Stores the searchable text of services, replacing what they had unless `fresh`. */
export async function writeDocuments(db: Executor, dialect: Dialect, docs: { service_id: string; body: string }[], opts: { fresh?: boolean } = {}) {
  if (!opts.fresh) await removeText(db, dialect, docs.map((d) => d.service_id));
  await bulkInsert(db, 'directory_text', ['service_id', 'body'], docs.map((d) => [d.service_id, d.body]));
  const words = [...new Set(docs.flatMap((d) => d.body.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))].filter((w) => w.length >= 3 && w.length <= 40);
  for (let j = 0; j < words.length; j += 5000) {
    await bulkInsert(db, 'directory_words', ['word'], words.slice(j, j + 5000).map((w) => [w]), ' on conflict (word) do nothing');
  }
}

/** Every taxonomy term's name by id. */
export async function termNames(db: Executor): Promise<Map<string, string>> {
  return new Map((await db.selectFrom('taxonomy_term').select(['id', 'name']).execute()).map((t) => [t.id, t.name]));
}
/** Refreshes the planner's statistics of the given tables (after a bulk load). */
export async function analyze(db: Executor, tables: string[]) {
  for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db);
}
/**
 * After a bulk import, merges SQLite's full-text index into one segment: every keyword check near a
 * place then probes one b-tree instead of one per segment (about 0.3 s for 100,000 services).
 */
export async function compactText(db: Executor, dialect: Dialect) {
  if (dialect === 'sqlite') await sql`insert into directory_fts(directory_fts) values ('optimize')`.execute(db);
}
async function removeText(db: Executor, _dialect: Dialect, ids: string[]) {
  if (ids.length === 0) return;
  await sql`delete from directory_text where service_id in (${sql.join(ids)})`.execute(db);
}

// ── reports, history, verification ──
export async function insertReport(db: Executor, row: { service_id: string; message: string; created_at: string }) {
  await db.insertInto('directory_reports').values({ ...row, status: 'open', resolved_at: null, resolved_by: null }).execute();
}
export function openReports(db: Executor) {
  return db.selectFrom('directory_reports as r').innerJoin('service as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.message', 'r.created_at', 's.id as service_id', 's.slug', 's.name']).where('r.status', '=', 'open').orderBy('r.created_at').limit(200).execute();
}
export async function resolveReport(db: Executor, id: number, userId: number, at: string) {
  const r = await db.updateTable('directory_reports').set({ status: 'resolved', resolved_at: at, resolved_by: userId }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
export async function recordChange(db: Executor, row: { service_id: string; user_id: number | null; action: string; detail: string; created_at: string }) {
  await db.insertInto('directory_changes').values(row).execute();
}
export function changesFor(db: Executor, serviceId: string) {
  return db.selectFrom('directory_changes as c').leftJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id', 'c.action', 'c.detail', 'c.created_at', 'u.display_name']).where('c.service_id', '=', serviceId).orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').execute();
}
/** Listings not verified since `before` (or never), oldest first. */
export function needingVerification(db: Executor, before: string, limit = 200) {
  return db.selectFrom('service').select(['id', 'slug', 'name', 'assured_date', 'verified_by', 'status'])
    .where('status', '!=', 'defunct')
    .where((eb) => eb.or([eb('assured_date', 'is', null), eb('assured_date', '<', before)]))
    .orderBy('assured_date').orderBy('name').limit(limit).execute();
}
export async function getSetting(db: Executor, key: string) {
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}
export async function putSetting(db: Executor, key: string, value: string) {
  const updated = await db.updateTable('settings').set({ value }).where('key', '=', key).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('settings').values({ key, value }).execute();
}
export function listServices(db: Executor, limit = 500) {
  return db.selectFrom('service').select(['id', 'slug', 'name', 'status', 'assured_date']).orderBy('name').limit(limit).execute();
}
export type { Facet };

// ── HSDS API ──
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
export type ApiPlace = { postalCode: string; areaUris: string[] } | { centres: { lat: number; lon: number }[]; radiusKm: number };

const normalisedPostalCode = (col: RawBuilder<unknown>) => sql`upper(replace(${col}, ' ', ''))`;

/** Conditions on the service aliased `s`. */
function apiServiceWhere(dialect: Dialect, f: ApiServiceFilter): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [];
  if (f.serviceId) out.push(sql`s.id = ${f.serviceId}`);
  if (f.taxonomyTermId) out.push(sql`s.id in (select a.link_id from attribute a where a.taxonomy_term_id = ${f.taxonomyTermId})`);
  if (f.taxonomyId) {
    out.push(sql`s.id in (select a.link_id from attribute a join taxonomy_term tt on tt.id = a.taxonomy_term_id where tt.taxonomy_id = ${f.taxonomyId})`);
  }
  if (f.organizationId) out.push(sql`s.organization_id = ${f.organizationId}`);
  if (f.modifiedAfter) out.push(sql`s.last_modified >= ${f.modifiedAfter}`);
  if (f.words.length) {
    out.push(dialect === 'postgres'
      ? sql`s.id in (select service_id from directory_text where tsv @@ plainto_tsquery('english', ${f.words.join(' ')}))`
      : sql`s.id in (select t.service_id from directory_fts join directory_text t on t.rowid = directory_fts.rowid where directory_fts match ${ftsQuery(f.words)})`);
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
    if (box.lon && box.lon.wraps) conds.push(sql`(l.public_longitude >= ${box.lon.from} or l.public_longitude <= ${box.lon.to})`);
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

const whereClause = (conds: RawBuilder<unknown>[]) => (conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``);

async function pageOf<R>(db: Executor, from: RawBuilder<unknown>, select: RawBuilder<unknown>, order: RawBuilder<unknown>, page: number, perPage: number, withTotal: boolean) {
  const total = withTotal ? Number((await sql<{ n: number | string }>`select count(*) as n ${from}`.execute(db)).rows[0]?.n ?? 0) : -1;
  const rows = (await sql<R>`select ${select} ${from} order by ${order} limit ${perPage} offset ${(page - 1) * perPage}`.execute(db)).rows;
  return { total, rows };
}

/** One page of services (id and last_modified): by name, or nearest first when a radius is given. */
export async function apiServicePage(db: Executor, dialect: Dialect, f: ApiServiceFilter, page: number, perPage: number, withTotal = true) {
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
  return pageOf<{ id: string; last_modified: string | null }>(db, sql`from service s ${whereClause(where)}`, sql`s.id, s.last_modified`, order, page, perPage, withTotal);
}

/** One page of service_at_location ids with the same filters, applied to the service and to the location. */
export async function apiServiceAtLocationPage(db: Executor, dialect: Dialect, f: ApiServiceFilter, page: number, perPage: number, withTotal = true) {
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
  return db.selectFrom('address as ad').innerJoin('location as l', 'l.id', 'ad.location_id')
    .select(['ad.country', 'l.public_latitude', 'l.public_longitude'])
    .where('l.is_confidential', '=', 0)
    .where(normalisedPostalCode(sql.ref('ad.postal_code')), '=', postalCode)
    .limit(1000).execute();
}

/** Organizations by id, optionally with a name search and a taxonomy filter (their own or their services' attributes). */
export async function apiOrganizationPage(db: Executor, f: { search?: string; taxonomyTermId?: string; taxonomyId?: string }, page: number, perPage: number, withTotal = true) {
  const where: RawBuilder<unknown>[] = [];
  if (f.search) where.push(sql`lower(o.name) like ${`%${likeText(f.search)}%`}`);
  const termLinks = (cond: RawBuilder<unknown>) => sql`(select a.link_id from attribute a join taxonomy_term tt on tt.id = a.taxonomy_term_id where ${cond})`;
  for (const cond of [f.taxonomyTermId ? sql`tt.id = ${f.taxonomyTermId}` : null, f.taxonomyId ? sql`tt.taxonomy_id = ${f.taxonomyId}` : null]) {
    if (cond) where.push(sql`(o.id in ${termLinks(cond)} or o.id in (select s.organization_id from service s where s.id in ${termLinks(cond)}))`);
  }
  return pageOf<Record<string, unknown> & { id: string }>(db, sql`from organization o ${whereClause(where)}`, sql`o.*`, sql`o.id`, page, perPage, withTotal);
}

const likeText = (text: string) => text.toLowerCase().replace(/[%_\\]/g, '');

/** A page of a small table; `value: null` asks for an empty column. */
export async function simplePage<T extends 'organization' | 'taxonomy' | 'taxonomy_term'>(
  db: Executor, table: T, page: number, perPage: number, where: { column: string; value: string | null }[] = [], search?: { column: string; text: string }, withTotal = true,
) {
  let q = db.selectFrom(table as 'organization') as unknown as import('kysely').SelectQueryBuilder<Database, 'organization', object>;
  for (const w of where) q = w.value === null ? q.where(sql.ref(w.column), 'is', null) : q.where(sql.ref(w.column), '=', w.value);
  if (search) q = q.where(sql`lower(${sql.ref(search.column)})`, 'like', `%${likeText(search.text)}%`);
  const total = withTotal ? Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) : -1;
  const rows = (await q.selectAll().orderBy('id').limit(perPage).offset((page - 1) * perPage).execute()) as unknown as Record<string, unknown>[];
  return { total, rows };
}
export function rowById(db: Executor, table: 'organization' | 'taxonomy' | 'taxonomy_term' | 'service_at_location' | 'service', id: string) {
  return db.selectFrom(table as 'organization').selectAll().where('id', '=', id).executeTakeFirst() as Promise<Record<string, unknown> | undefined>;
}
export async function updateTerm(db: Executor, id: string, values: { name: string; description: string }) {
  const r = await db.updateTable('taxonomy_term').set(values).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
export async function servicesWithTerm(db: Executor, termId: string) {
  return (await db.selectFrom('attribute').select('link_id').where('taxonomy_term_id', '=', termId).where('link_entity', '=', 'service').execute()).map((r) => r.link_id);
}

// ── curation: a listing's locations, edited in place ──
export type AddressRow = Selectable<HsdsAddressTable>;

/**
 * The locations of one service as the editor works on them: each location row whole, its addresses,
 * its own schedules (HSDS location-level: no service), and how many other services share it.
 * Ordered by name so the editor lists them the same way every time.
 */
export async function editorLocations(db: Executor, serviceId: string) {
  const links = await db.selectFrom('service_at_location').select(['id', 'location_id']).where('service_id', '=', serviceId).execute();
  const ids = [...new Set(links.map((l) => l.location_id))];
  if (ids.length === 0) return [];
  const locations = await db.selectFrom('location').selectAll().where('id', 'in', ids).orderBy('name').orderBy('id').execute();
  const addresses = await db.selectFrom('address').selectAll().where('location_id', 'in', ids).orderBy('id').execute();
  const schedules = await db.selectFrom('schedule').selectAll().where('location_id', 'in', ids).where('service_id', 'is', null).orderBy('id').execute();
  const shared = await db.selectFrom('service_at_location').select(['location_id', (eb) => eb.fn.count<number>('service_id').distinct().as('n')])
    .where('location_id', 'in', ids).where('service_id', '!=', serviceId).groupBy('location_id').execute();
  const sharers = new Map(shared.map((s) => [s.location_id, Number(s.n)]));
  return locations.map((location) => ({
    location,
    addresses: addresses.filter((a) => a.location_id === location.id),
    schedules: schedules.filter((s) => s.location_id === location.id),
    sharedWith: sharers.get(location.id) ?? 0,
  }));
}
/** The service's own schedules (HSDS service-level rows), in a stable order. */
export function serviceSchedules(db: Executor, serviceId: string) {
  return db.selectFrom('schedule').selectAll().where('service_id', '=', serviceId).orderBy('id').execute();
}
/** Other services at these locations: their search text mentions the place, so they are reindexed with it. */
export async function servicesAtLocations(db: Executor, locationIds: string[]): Promise<string[]> {
  if (locationIds.length === 0) return [];
  const rows = await db.selectFrom('service_at_location').select('service_id').distinct().where('location_id', 'in', locationIds).execute();
  return rows.map((r) => r.service_id);
}
export async function updateLocation(db: Executor, id: string, values: Partial<LocationRow>) {
  if (Object.keys(values).length) await db.updateTable('location').set(values).where('id', '=', id).execute();
}
export async function updateAddress(db: Executor, id: string, values: Partial<AddressRow>) {
  if (Object.keys(values).length) await db.updateTable('address').set(values).where('id', '=', id).execute();
}
export async function updateSchedule(db: Executor, id: string, values: Partial<ScheduleRow>) {
  if (Object.keys(values).length) await db.updateTable('schedule').set(values).where('id', '=', id).execute();
}
export async function deleteSchedules(db: Executor, ids: string[]) {
  if (ids.length) await db.deleteFrom('schedule').where('id', 'in', ids).execute();
}
/**
 * Removes the lists the editor writes whole: this directory's terms and the areas. Phones and languages
 * are updated in place (updatePhone, removePhones, removeLanguages); contacts, locations, schedules and
 * terms of other (imported) taxonomies stay.
 */
export async function deleteServiceLists(db: Executor, serviceId: string) {
  await db.deleteFrom('attribute').where('link_id', '=', serviceId).where('link_entity', '=', 'service')
    .where('taxonomy_term_id', 'in', (eb) => eb.selectFrom('taxonomy_term').select('id').where('taxonomy_id', 'in', Object.values(TAXONOMY_IDS))).execute();
  await db.deleteFrom('service_area').where('service_id', '=', serviceId).execute();
}

// ── curation: a listing's phones and languages, edited in place ──
export type PhoneRow = Selectable<HsdsPhoneTable>;
export type LanguageRow = Selectable<HsdsLanguageTable>;
export async function updatePhone(db: Executor, id: string, values: Partial<PhoneRow>) {
  if (Object.keys(values).length) await db.updateTable('phone').set(values).where('id', '=', id).execute();
}
/**
 * Takes phones off a service. A phone that also belongs to a location, an organisation, a contact or a
 * service-at-location keeps those links; otherwise it goes, and the languages spoken on it lose the
 * link (a language that hung only off that phone goes too), so an HSDS export never refers to a row that is gone.
 */
export async function removePhones(db: Executor, serviceId: string, ids: string[]) {
  if (ids.length === 0) return;
  const rows = await db.selectFrom('phone').select(['id', 'location_id', 'organization_id', 'contact_id', 'service_at_location_id'])
    .where('service_id', '=', serviceId).where('id', 'in', ids).execute();
  const linkedElsewhere = rows.filter((r) => r.location_id || r.organization_id || r.contact_id || r.service_at_location_id).map((r) => r.id);
  const gone = rows.map((r) => r.id).filter((id) => !linkedElsewhere.includes(id));
  if (linkedElsewhere.length) await db.updateTable('phone').set({ service_id: null }).where('id', 'in', linkedElsewhere).execute();
  if (gone.length === 0) return;
  await db.deleteFrom('language').where('phone_id', 'in', gone).where('service_id', 'is', null).where('location_id', 'is', null).execute();
  await db.updateTable('language').set({ phone_id: null }).where('phone_id', 'in', gone).execute();
  await db.deleteFrom('phone').where('id', 'in', gone).execute();
}
/** Takes languages off a service; a language row that also belongs to a location or a phone keeps those links. */
export async function removeLanguages(db: Executor, serviceId: string, ids: string[]) {
  if (ids.length === 0) return;
  await db.updateTable('language').set({ service_id: null }).where('service_id', '=', serviceId).where('id', 'in', ids)
    .where((eb) => eb.or([eb('location_id', 'is not', null), eb('phone_id', 'is not', null)])).execute();
  await db.deleteFrom('language').where('service_id', '=', serviceId).where('id', 'in', ids).execute();
}

/**
 * Takes a location off a service. The link goes, and rows that hung only off that link; the location
 * itself (with its address, schedules, phones, languages, contacts and attributes) goes only when no
 * other service is there. Rows that also point elsewhere keep their other links, so an HSDS export
 * never refers to a row that is gone.
 */
export async function detachLocation(db: Executor, serviceId: string, locationId: string) {
  const links = (await db.selectFrom('service_at_location').select('id').where('service_id', '=', serviceId).where('location_id', '=', locationId).execute()).map((l) => l.id);
  if (links.length) {
    await db.deleteFrom('phone').where('service_at_location_id', 'in', links).where('service_id', 'is', null).where('location_id', 'is', null)
      .where('organization_id', 'is', null).where('contact_id', 'is', null).execute();
    await db.updateTable('phone').set({ service_at_location_id: null }).where('service_at_location_id', 'in', links).execute();
    await db.deleteFrom('schedule').where('service_at_location_id', 'in', links).where('service_id', 'is', null).where('location_id', 'is', null).execute();
    await db.updateTable('schedule').set({ service_at_location_id: null }).where('service_at_location_id', 'in', links).execute();
    await db.deleteFrom('contact').where('service_at_location_id', 'in', links).where('service_id', 'is', null).where('location_id', 'is', null)
      .where('organization_id', 'is', null).execute();
    await db.updateTable('contact').set({ service_at_location_id: null }).where('service_at_location_id', 'in', links).execute();
    await db.deleteFrom('service_area').where('service_at_location_id', 'in', links).where('service_id', 'is', null).execute();
    await db.updateTable('service_area').set({ service_at_location_id: null }).where('service_at_location_id', 'in', links).execute();
    await db.deleteFrom('service_at_location').where('id', 'in', links).execute();
  }
  // This service's own hours no longer happen at that place.
  await db.updateTable('schedule').set({ location_id: null }).where('service_id', '=', serviceId).where('location_id', '=', locationId).execute();
  const stillUsed = await db.selectFrom('service_at_location').select('id').where('location_id', '=', locationId).executeTakeFirst();
  if (stillUsed) return;
  await db.deleteFrom('address').where('location_id', '=', locationId).execute();
  await db.deleteFrom('schedule').where('location_id', '=', locationId).where('service_id', 'is', null).where('service_at_location_id', 'is', null).execute();
  await db.updateTable('schedule').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db.deleteFrom('phone').where('location_id', '=', locationId).where('service_id', 'is', null).where('organization_id', 'is', null)
    .where('contact_id', 'is', null).where('service_at_location_id', 'is', null).execute();
  await db.updateTable('phone').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db.deleteFrom('language').where('location_id', '=', locationId).where('service_id', 'is', null).where('phone_id', 'is', null).execute();
  await db.updateTable('language').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db.deleteFrom('contact').where('location_id', '=', locationId).where('service_id', 'is', null).where('organization_id', 'is', null)
    .where('service_at_location_id', 'is', null).execute();
  await db.updateTable('contact').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db.deleteFrom('attribute').where('link_id', '=', locationId).where('link_entity', '=', 'location').execute();
  await db.deleteFrom('location').where('id', '=', locationId).execute();
}
