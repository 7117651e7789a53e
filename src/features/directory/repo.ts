import { CompiledQuery, PostgresAdapter, sql, type Insertable, type RawBuilder, type Selectable } from 'kysely';
import type {
  Database, Dialect, Executor, HsdsAddressTable, HsdsLocationTable, HsdsScheduleTable, HsdsServiceTable, ResourceSuggestionsTable,
} from '../../core/db/schema.ts';
import { EARTH_RADIUS_KM } from './gazetteer.ts';
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

const KM_PER_DEGREE = (EARTH_RADIUS_KM * Math.PI) / 180;

/** Latitude/longitude ranges that contain every point within r km: wraps across the date line, opens at the poles. */
export function boundingBox(lat: number, lon: number, radiusKm: number) {
  const dLat = radiusKm / KM_PER_DEGREE;
  const minLat = lat - dLat;
  const maxLat = lat + dLat;
  if (maxLat >= 90 || minLat <= -90) return { minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90), lon: null };
  // Widest longitude span of the circle (not at the centre's latitude but where it touches its meridians).
  const ratio = Math.sin(radiusKm / EARTH_RADIUS_KM) / Math.cos((lat * Math.PI) / 180);
  if (ratio >= 1) return { minLat, maxLat, lon: null };
  const dLon = (Math.asin(ratio) * 180) / Math.PI;
  const minLon = lon - dLon;
  const maxLon = lon + dLon;
  if (minLon < -180) return { minLat, maxLat, lon: { wraps: true as const, from: minLon + 360, to: maxLon } };
  if (maxLon > 180) return { minLat, maxLat, lon: { wraps: true as const, from: minLon, to: maxLon - 360 } };
  return { minLat, maxLat, lon: { wraps: false as const, from: minLon, to: maxLon } };
}

function haversine(dialect: Dialect, lat: number, lon: number, at = { lat: sql.ref('l.public_latitude'), lon: sql.ref('l.public_longitude') }): RawBuilder<number> {
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
    const local = sql`select x.service_id, min(x.d) as distance, 0 as remote from (
        select sal.service_id as service_id, ${haversine(dialect, lat, lon, at)} as d ${inBox}) x
      where x.d <= ${sql.lit(radiusKm)} group by x.service_id`;
    const areas = areaUris.length
      ? sql` union all select sa.service_id as service_id, null as distance, 1 as remote from service_area sa where sa.uri in (${sql.join(areaUris)}) and sa.service_id is not null`
      : sql``;
    // On SQLite the filters run on the services in reach, before their rows and text are read.
    const early = dialect === 'sqlite' ? filters(sql.ref('near.service_id')) : [];
    ctes = sql`with near as (${local}${areas}), nearest as (select service_id, min(distance) as distance, min(remote) as remote from near
      ${early.length ? sql`where ${sql.join(early, sql` and `)} ` : sql``}group by service_id) `;
    joins.push(sql`join nearest n on n.service_id = s.id`);
    if (dialect === 'sqlite') fromNear = true;
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
  if (!(spec.near && dialect === 'sqlite')) where.push(...filters(sql.ref('s.id')));
  const order = spec.words.length ? sql`${score} desc, ${spec.near ? sql`(n.distance is null) asc, n.distance asc, ` : sql``}s.name` : spec.near ? sql`(n.distance is null) asc, n.distance asc, s.name` : sql`s.name`;
  const query = sql<Candidate>`${ctes}select s.id as id, ${distance} as distance, ${score} as score, ${remote} as remote
    from ${fromNear ? sql`nearest n cross join service s on s.id = n.service_id ${sql.join(joins.slice(1), sql` `)}` : sql`service s ${sql.join(joins, sql` `)}`}
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
      'ad.postal_code', 'ad.country'])
    .where('sal.service_id', 'in', serviceIds).execute();
}
export async function schedulesFor(db: Executor, serviceIds: string[], locationIds: string[]) {
  if (serviceIds.length === 0 && locationIds.length === 0) return [];
  return db.selectFrom('schedule').selectAll().where((eb) => eb.or([
    ...(serviceIds.length ? [eb('service_id', 'in', serviceIds)] : []),
    ...(locationIds.length ? [eb('location_id', 'in', locationIds)] : []),
  ])).execute();
}
export async function termsFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('attribute as a').innerJoin('taxonomy_term as t', 't.id', 'a.taxonomy_term_id')
    .select(['a.link_id as service_id', 't.id', 't.taxonomy_id', 't.code', 't.name']).where('a.link_id', 'in', serviceIds).where('a.link_entity', '=', 'service').execute();
}
export async function languagesFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('language').selectAll().where('service_id', 'in', serviceIds).execute();
}
export async function phonesFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db.selectFrom('phone').selectAll().where('service_id', 'in', serviceIds).execute();
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
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  // Both engines accept 32,766+ bound parameters per statement (SQLite ≥ 3.32, PostgreSQL 65,535).
  const size = Math.max(1, Math.floor(30000 / cols.length));
  const head = `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values `;
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const params: (string | number | null)[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => {
      params.push(v);
      return isPg ? `$${params.length}` : '?';
    }).join(', ')})`);
    await db.executeQuery(CompiledQuery.raw(head + tuples.join(', ') + suffix, params));
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
    if (!opts.fresh) await removeText(db, dialect, ids);
    const rows = services.map((s) => ({
      service_id: s.id,
      body: [
        s.name, s.alternate_name, s.description, s.organization_name, s.eligibility_description, s.fees_description,
        ...(terms.get(s.id) ?? []).map((t) => t.name),
        ...(langs.get(s.id) ?? []).map((l) => l.name),
        ...(locs.get(s.id) ?? []).map((l) => (l.is_confidential ? l.area_name : [l.city, l.region, l.state_province].join(' '))),
        ...(areas.get(s.id) ?? []).map((a) => a.name),
      ].filter(Boolean).join(' \n'),
    }));
    for (let j = 0; j < rows.length; j += 1000) {
      const chunk = rows.slice(j, j + 1000);
      await bulkInsert(db, 'directory_text', ['service_id', 'body'], chunk.map((r) => [r.service_id, r.body]));
    }
    const words = [...new Set(rows.flatMap((r) => r.body.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))].filter((w) => w.length >= 3 && w.length <= 40);
    for (let j = 0; j < words.length; j += 5000) {
      await bulkInsert(db, 'directory_words', ['word'], words.slice(j, j + 5000).map((w) => [w]), ' on conflict (word) do nothing');
    }
  }
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
export interface ApiServiceFilter {
  words: string[];
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  modifiedAfter?: string;
}
export async function apiServicePage(db: Executor, dialect: Dialect, f: ApiServiceFilter, page: number, perPage: number) {
  let q = db.selectFrom('service');
  if (f.taxonomyTermId) q = q.where('id', 'in', (eb) => eb.selectFrom('attribute').select('link_id').where('taxonomy_term_id', '=', f.taxonomyTermId!));
  if (f.taxonomyId) {
    q = q.where('id', 'in', (eb) => eb.selectFrom('attribute').innerJoin('taxonomy_term', 'taxonomy_term.id', 'attribute.taxonomy_term_id')
      .select('attribute.link_id').where('taxonomy_term.taxonomy_id', '=', f.taxonomyId!));
  }
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.modifiedAfter) q = q.where('last_modified', '>=', f.modifiedAfter);
  if (f.words.length) {
    q = dialect === 'postgres'
      ? q.where(sql<boolean>`id in (select service_id from directory_text where tsv @@ plainto_tsquery('english', ${f.words.join(' ')}))`)
      : q.where(sql<boolean>`id in (select t.service_id from directory_fts join directory_text t on t.rowid = directory_fts.rowid where directory_fts match ${ftsQuery(f.words)})`);
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q.select(['id', 'last_modified']).orderBy('name').orderBy('id').limit(perPage).offset((page - 1) * perPage).execute();
  return { total, rows };
}
export async function simplePage<T extends 'organization' | 'taxonomy' | 'taxonomy_term' | 'service_at_location'>(
  db: Executor, table: T, page: number, perPage: number, where: { column: string; value: string }[] = [], search?: { column: string; text: string },
) {
  let q = db.selectFrom(table as 'organization') as unknown as import('kysely').SelectQueryBuilder<Database, 'organization', object>;
  for (const w of where) q = q.where(sql.ref(w.column), '=', w.value);
  if (search) q = q.where(sql`lower(${sql.ref(search.column)})`, 'like', `%${search.text.toLowerCase().replace(/[%_]/g, '')}%`);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
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
 * Removes the lists the editor writes whole: this directory's terms, languages, phones, areas. Contacts,
 * locations, schedules and terms of other (imported) taxonomies stay.
 */
export async function deleteServiceLists(db: Executor, serviceId: string) {
  await db.deleteFrom('attribute').where('link_id', '=', serviceId).where('link_entity', '=', 'service')
    .where('taxonomy_term_id', 'in', (eb) => eb.selectFrom('taxonomy_term').select('id').where('taxonomy_id', 'in', Object.values(TAXONOMY_IDS))).execute();
  await db.deleteFrom('phone').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('language').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_area').where('service_id', '=', serviceId).execute();
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
