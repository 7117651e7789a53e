import { sql, type Insertable, type Selectable } from 'kysely';
import type {
  Dialect,
  Executor,
  HsdsAddressTable,
  HsdsLanguageTable,
  HsdsLocationTable,
  HsdsPhoneTable,
  HsdsScheduleTable,
  HsdsServiceTable,
  ResourceSuggestionsTable,
} from '../../core/db/schema.ts';
import { bulkInsert } from './bulk-write.ts';
import { HSDS_FIELDS, TAXONOMY_IDS, type Facet, type HsdsTable } from './hsds.ts';
import { refreshSearchRows } from './search-rows-repo.ts';

export { rebuildSearchRows } from './search-rows-repo.ts';

export { bulkInsert };

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
/** One page of the suggestions waiting, oldest first (`pageWindow` gives limit and offset; `countWaiting` the total). */
export function pendingSuggestions(db: Executor, window: { limit: number; offset: number }) {
  return db
    .selectFrom('resource_suggestions')
    .selectAll()
    .where('status', '=', 'pending')
    .orderBy('created_at')
    .orderBy('id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
}
export async function setSuggestionStatus(
  db: Executor,
  id: number,
  status: ResourceSuggestionsTable['status'],
  serviceId: string | null,
  userId: number,
  at: string,
) {
  await db
    .updateTable('resource_suggestions')
    .set({ status, service_id: serviceId, reviewed_at: at, reviewed_by: userId })
    .where('id', '=', id)
    .execute();
}

/** Listings that may be the same as a suggestion: same website domain, same phone number, or a similar name. */
export async function duplicateCandidates(
  db: Executor,
  hint: { domain: string; phoneDigits: string[]; nameWords: string[] },
) {
  const out = new Map<string, { id: string; slug: string; name: string; reason: string }>();
  if (hint.domain) {
    const rows = await db
      .selectFrom('service')
      .select(['id', 'slug', 'name'])
      .where((eb) => eb.or([eb('url', 'like', `%://${hint.domain}%`), eb('url', 'like', `%://www.${hint.domain}%`)]))
      .limit(10)
      .execute();
    for (const r of rows) out.set(r.id, { ...r, reason: 'same website' });
    const orgs = await db
      .selectFrom('organization')
      .innerJoin('service', 'service.organization_id', 'organization.id')
      .select(['service.id', 'service.slug', 'service.name'])
      .where((eb) =>
        eb.or([
          eb('organization.website', 'like', `%://${hint.domain}%`),
          eb('organization.website', 'like', `%://www.${hint.domain}%`),
        ]),
      )
      .limit(10)
      .execute();
    for (const r of orgs) if (!out.has(r.id)) out.set(r.id, { ...r, reason: 'same website' });
  }
  for (const digits of hint.phoneDigits.filter((d) => d.length >= 6)) {
    const rows = await db
      .selectFrom('phone')
      .innerJoin('service', 'service.id', 'phone.service_id')
      .select(['service.id', 'service.slug', 'service.name', 'phone.number'])
      .limit(500)
      .execute();
    for (const r of rows)
      if (r.number.replace(/\D/g, '').endsWith(digits.slice(-9)) && !out.has(r.id))
        out.set(r.id, { id: r.id, slug: r.slug, name: r.name, reason: 'same phone number' });
  }
  const words = hint.nameWords.filter((w) => w.length >= 4).slice(0, 4);
  if (words.length) {
    const rows = await db
      .selectFrom('service')
      .select(['id', 'slug', 'name'])
      .where((eb) => eb.or(words.map((w) => eb(eb.fn('lower', ['name']), 'like', `%${w.replace(/[%_]/g, '')}%`))))
      .limit(10)
      .execute();
    for (const r of rows) if (!out.has(r.id)) out.set(r.id, { ...r, reason: 'similar name' });
  }
  return [...out.values()];
}

// ── taxonomy ──
export interface TermRow {
  id: string;
  taxonomy_id: string | null;
  code: string | null;
  name: string;
  description: string;
}
export function loadTerms(db: Executor): Promise<TermRow[]> {
  return db
    .selectFrom('taxonomy_term')
    .select(['id', 'taxonomy_id', 'code', 'name', 'description'])
    .where('taxonomy_id', 'in', Object.values(TAXONOMY_IDS))
    .orderBy('name')
    .execute();
}

// ── loading listings ──
export async function servicesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('service')
    .innerJoin('organization', 'organization.id', 'service.organization_id')
    .selectAll('service')
    .select(['organization.name as organization_name', 'organization.website as organization_website'])
    .where('service.id', 'in', ids)
    .execute();
}
export function serviceBySlug(db: Executor, slug: string) {
  return db.selectFrom('service').select('id').where('slug', '=', slug).executeTakeFirst();
}
export function serviceById(db: Executor, id: string) {
  return db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
}
export async function locationsFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db
    .selectFrom('service_at_location as sal')
    .innerJoin('location as l', 'l.id', 'sal.location_id')
    .leftJoin('address as ad', 'ad.location_id', 'l.id')
    .select([
      'sal.service_id',
      'sal.id as sal_id',
      'l.id',
      'l.name',
      'l.location_type',
      'l.latitude',
      'l.longitude',
      'l.public_latitude',
      'l.public_longitude',
      'l.is_confidential',
      'l.area_name',
      'l.transportation',
      'l.description',
      'ad.address_1',
      'ad.address_2',
      'ad.city',
      'ad.region',
      'ad.state_province',
      'ad.postal_code',
      'ad.country',
      'ad.address_type',
    ])
    .where('sal.service_id', 'in', serviceIds)
    .execute();
}
/** Schedules of these services, of these locations, and of these service-at-location links (HSDS allows all three). */
export async function schedulesFor(db: Executor, serviceIds: string[], locationIds: string[], linkIds: string[] = []) {
  if (serviceIds.length === 0 && locationIds.length === 0 && linkIds.length === 0) return [];
  return db
    .selectFrom('schedule')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(serviceIds.length ? [eb('service_id', 'in', serviceIds)] : []),
        ...(locationIds.length ? [eb('location_id', 'in', locationIds)] : []),
        ...(linkIds.length ? [eb('service_at_location_id', 'in', linkIds)] : []),
      ]),
    )
    .execute();
}
export async function termsFor(db: Executor, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db
    .selectFrom('attribute as a')
    .innerJoin('taxonomy_term as t', 't.id', 'a.taxonomy_term_id')
    .select(['a.link_id as service_id', 't.id', 't.taxonomy_id', 't.code', 't.name'])
    .where('a.link_id', 'in', serviceIds)
    .where('a.link_entity', '=', 'service')
    .execute();
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

// ── writing ──
type Row = Record<string, unknown>;
/** Inserts HSDS rows, keeping only the table's known columns. */
export async function insertRows(db: Executor, table: HsdsTable, rows: Row[], extra: string[] = []) {
  if (rows.length === 0) return;
  const cols = [...HSDS_FIELDS[table].map((f) => f.name), ...extra].filter((c) => rows.some((r) => c in r));
  await bulkInsert(
    db,
    table,
    cols,
    rows.map((r) => cols.map((c) => (r[c] ?? null) as string | number | null)),
  );
}

/** Removes everything hanging off a service (not the service row or its organisation). */
export async function deleteServiceChildren(db: Executor, serviceId: string) {
  const sals = await db
    .selectFrom('service_at_location')
    .select(['id', 'location_id'])
    .where('service_id', '=', serviceId)
    .execute();
  const locationIds = sals.map((s) => s.location_id);
  const shared = locationIds.length
    ? (
        await db
          .selectFrom('service_at_location')
          .select('location_id')
          .where('location_id', 'in', locationIds)
          .where('service_id', '!=', serviceId)
          .execute()
      ).map((r) => r.location_id)
    : [];
  const own = locationIds.filter((id) => !shared.includes(id));
  await db.deleteFrom('attribute').where('link_id', '=', serviceId).execute();
  await db.deleteFrom('phone').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('language').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_area').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('contact').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('schedule').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('funding').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('cost_option').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('required_document').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_at_location').where('service_id', '=', serviceId).execute();
  if (own.length) {
    await db.deleteFrom('accessibility').where('location_id', 'in', own).execute();
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
  await refreshSearchRows(db, dialect, [id]);
}
export function slugExists(db: Executor, slug: string) {
  return db.selectFrom('service').select('id').where('slug', '=', slug).executeTakeFirst();
}
export function findOrganizationByName(db: Executor, name: string) {
  return db.selectFrom('organization').selectAll().where('name', '=', name).executeTakeFirst();
}
export async function updateOrganization(
  db: Executor,
  id: string,
  values: { name?: string; website?: string | null; description?: string },
) {
  await db.updateTable('organization').set(values).where('id', '=', id).execute();
}

/** What a service's searchable text is made of (also built straight from an imported package). */
export interface DocumentParts {
  service: {
    id: string;
    name: string;
    alternate_name: string | null;
    description: string | null;
    organization_name: string | null;
    eligibility_description: string | null;
    fees_description: string | null;
  };
  terms: string[];
  languages: (string | null)[];
  /** Town, region and state of each place; a confidential place by its area only. */
  places: (string | null)[];
  areas: (string | null)[];
}
export function documentBody(p: DocumentParts): string {
  const s = p.service;
  return [
    s.name,
    s.alternate_name,
    s.description,
    s.organization_name,
    s.eligibility_description,
    s.fees_description,
    ...p.terms,
    ...p.languages,
    ...p.places,
    ...p.areas,
  ]
    .filter(Boolean)
    .join(' \n');
}
export const placeText = (l: {
  is_confidential: number | null;
  area_name: string | null;
  city: string | null;
  region: string | null;
  state_province: string | null;
}) => (l.is_confidential ? l.area_name : [l.city, l.region, l.state_province].join(' '));

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
    const docs = services.map((s) =>
      documentBody({
        service: s,
        terms: (terms.get(s.id) ?? []).map((t) => t.name),
        languages: (langs.get(s.id) ?? []).map((l) => l.name),
        places: (locs.get(s.id) ?? []).map(placeText),
        areas: (areas.get(s.id) ?? []).map((a) => a.name),
      }),
    );
    await writeDocuments(
      db,
      dialect,
      services.map((s, j) => ({ service_id: s.id, body: docs[j]! })),
      opts,
    );
    // The search rows follow the same services (every write path reindexes what it changed).
    await refreshSearchRows(db, dialect, ids);
  }
}

/** Stores the searchable text of services, replacing what they had unless `fresh`. */
export async function writeDocuments(
  db: Executor,
  dialect: Dialect,
  docs: { service_id: string; body: string }[],
  opts: { fresh?: boolean } = {},
) {
  if (!opts.fresh)
    await removeText(
      db,
      dialect,
      docs.map((d) => d.service_id),
    );
  await bulkInsert(
    db,
    'directory_text',
    ['service_id', 'body'],
    docs.map((d) => [d.service_id, d.body]),
  );
  // Into the set as they come: a list of every word of 100,000 listings first was millions of strings.
  const words = new Set<string>();
  for (const d of docs) for (const w of wordsOf(d.body)) words.add(w);
  await insertWords(db, [...words]);
}

/** The words of a listing's text that typo suggestions may offer. */
const wordsOf = (body: string) =>
  (body.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 3 && w.length <= 40);

async function insertWords(db: Executor, words: string[]) {
  for (let j = 0; j < words.length; j += 5000) {
    await bulkInsert(
      db,
      'directory_words',
      ['word'],
      words.slice(j, j + 5000).map((w) => [w]),
      ' on conflict (word) do nothing',
    );
  }
}

/**
 * Rebuilds the suggestion words from the listings there are now. Indexing only adds words; after
 * listings are deleted in bulk (the demo content), their words would still be offered as suggestions.
 */
export async function rebuildWords(db: Executor) {
  await sql`delete from directory_words`.execute(db);
  const words = new Set<string>();
  for (let after = ''; ;) {
    const page = (
      await sql<{ service_id: string; body: string }>`select service_id, body from directory_text
        where service_id > ${after} order by service_id limit 5000`.execute(db)
    ).rows;
    if (!page.length) break;
    for (const d of page) for (const w of wordsOf(d.body)) words.add(w);
    after = page[page.length - 1]!.service_id;
  }
  await insertWords(db, [...words]);
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
  await db
    .insertInto('directory_reports')
    .values({ ...row, status: 'open', resolved_at: null, resolved_by: null })
    .execute();
}
export function openReports(db: Executor) {
  return db
    .selectFrom('directory_reports as r')
    .innerJoin('service as s', 's.id', 'r.service_id')
    .select(['r.id', 'r.message', 'r.created_at', 's.id as service_id', 's.slug', 's.name'])
    .where('r.status', '=', 'open')
    .orderBy('r.created_at')
    .limit(200)
    .execute();
}
export async function resolveReport(db: Executor, id: number, userId: number, at: string) {
  const r = await db
    .updateTable('directory_reports')
    .set({ status: 'resolved', resolved_at: at, resolved_by: userId })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
export async function recordChange(
  db: Executor,
  row: { service_id: string; user_id: number | null; action: string; detail: string; created_at: string },
) {
  await db.insertInto('directory_changes').values(row).execute();
}
export function changesFor(db: Executor, serviceId: string) {
  return db
    .selectFrom('directory_changes as c')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id', 'c.action', 'c.detail', 'c.created_at', 'u.display_name'])
    .where('c.service_id', '=', serviceId)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
}
/** Listings not verified since `before` (or never), oldest first. */
export function needingVerification(db: Executor, before: string, limit = 200) {
  return db
    .selectFrom('service')
    .select(['id', 'slug', 'name', 'assured_date', 'verified_by', 'status'])
    .where('status', '!=', 'defunct')
    .where((eb) => eb.or([eb('assured_date', 'is', null), eb('assured_date', '<', before)]))
    .orderBy('assured_date')
    .orderBy('name')
    .limit(limit)
    .execute();
}
export function listServices(db: Executor, limit = 500) {
  return db
    .selectFrom('service')
    .select(['id', 'slug', 'name', 'status', 'assured_date'])
    .orderBy('name')
    .limit(limit)
    .execute();
}
export type { Facet };

export async function updateTerm(db: Executor, id: string, values: { name: string; description: string }) {
  const r = await db.updateTable('taxonomy_term').set(values).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
export async function servicesWithTerm(db: Executor, termId: string) {
  return (
    await db
      .selectFrom('attribute')
      .select('link_id')
      .where('taxonomy_term_id', '=', termId)
      .where('link_entity', '=', 'service')
      .execute()
  ).map((r) => r.link_id);
}

// ── curation: a listing's locations, edited in place ──
export type AddressRow = Selectable<HsdsAddressTable>;

/**
 * The locations of one service as the editor works on them: each location row whole, its addresses,
 * its own schedules (HSDS location-level: no service), and how many other services share it.
 * Ordered by name so the editor lists them the same way every time.
 */
export async function editorLocations(db: Executor, serviceId: string) {
  const links = await db
    .selectFrom('service_at_location')
    .select(['id', 'location_id'])
    .where('service_id', '=', serviceId)
    .execute();
  const ids = [...new Set(links.map((l) => l.location_id))];
  if (ids.length === 0) return [];
  const locations = await db
    .selectFrom('location')
    .selectAll()
    .where('id', 'in', ids)
    .orderBy('name')
    .orderBy('id')
    .execute();
  const addresses = await db.selectFrom('address').selectAll().where('location_id', 'in', ids).orderBy('id').execute();
  const schedules = await db
    .selectFrom('schedule')
    .selectAll()
    .where('location_id', 'in', ids)
    .where('service_id', 'is', null)
    .orderBy('id')
    .execute();
  const shared = await db
    .selectFrom('service_at_location')
    .select(['location_id', (eb) => eb.fn.count<number>('service_id').distinct().as('n')])
    .where('location_id', 'in', ids)
    .where('service_id', '!=', serviceId)
    .groupBy('location_id')
    .execute();
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
  const rows = await db
    .selectFrom('service_at_location')
    .select('service_id')
    .distinct()
    .where('location_id', 'in', locationIds)
    .execute();
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
 * Removes this directory's terms from a service, which the editor writes whole. Phones, languages and
 * areas are updated in place (updatePhone, removePhones, removeLanguages, removeAreas); contacts,
 * locations, schedules and terms of other (imported) taxonomies stay.
 */
export async function deleteDirectoryTerms(db: Executor, serviceId: string) {
  await db
    .deleteFrom('attribute')
    .where('link_id', '=', serviceId)
    .where('link_entity', '=', 'service')
    .where('taxonomy_term_id', 'in', (eb) =>
      eb.selectFrom('taxonomy_term').select('id').where('taxonomy_id', 'in', Object.values(TAXONOMY_IDS)),
    )
    .execute();
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
  const rows = await db
    .selectFrom('phone')
    .select(['id', 'location_id', 'organization_id', 'contact_id', 'service_at_location_id'])
    .where('service_id', '=', serviceId)
    .where('id', 'in', ids)
    .execute();
  const linkedElsewhere = rows
    .filter((r) => r.location_id || r.organization_id || r.contact_id || r.service_at_location_id)
    .map((r) => r.id);
  const gone = rows.map((r) => r.id).filter((id) => !linkedElsewhere.includes(id));
  if (linkedElsewhere.length)
    await db.updateTable('phone').set({ service_id: null }).where('id', 'in', linkedElsewhere).execute();
  if (gone.length === 0) return;
  await db
    .deleteFrom('language')
    .where('phone_id', 'in', gone)
    .where('service_id', 'is', null)
    .where('location_id', 'is', null)
    .execute();
  await db.updateTable('language').set({ phone_id: null }).where('phone_id', 'in', gone).execute();
  await db.deleteFrom('phone').where('id', 'in', gone).execute();
}
/** Takes languages off a service; a language row that also belongs to a location or a phone keeps those links. */
/** Takes areas off a service; an area also tied to one of its places stays there. */
export async function removeAreas(db: Executor, serviceId: string, ids: string[]) {
  if (ids.length === 0) return;
  await db
    .updateTable('service_area')
    .set({ service_id: null })
    .where('service_id', '=', serviceId)
    .where('id', 'in', ids)
    .where('service_at_location_id', 'is not', null)
    .execute();
  await db.deleteFrom('service_area').where('service_id', '=', serviceId).where('id', 'in', ids).execute();
}
export async function removeLanguages(db: Executor, serviceId: string, ids: string[]) {
  if (ids.length === 0) return;
  await db
    .updateTable('language')
    .set({ service_id: null })
    .where('service_id', '=', serviceId)
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('location_id', 'is not', null), eb('phone_id', 'is not', null)]))
    .execute();
  await db.deleteFrom('language').where('service_id', '=', serviceId).where('id', 'in', ids).execute();
}

/**
 * Takes a location off a service. The link goes, and rows that hung only off that link; the location
 * itself (with its address, schedules, phones, languages, contacts and attributes) goes only when no
 * other service is there. Rows that also point elsewhere keep their other links, so an HSDS export
 * never refers to a row that is gone.
 */
export async function detachLocation(db: Executor, serviceId: string, locationId: string) {
  const links = (
    await db
      .selectFrom('service_at_location')
      .select('id')
      .where('service_id', '=', serviceId)
      .where('location_id', '=', locationId)
      .execute()
  ).map((l) => l.id);
  if (links.length) {
    await db
      .deleteFrom('phone')
      .where('service_at_location_id', 'in', links)
      .where('service_id', 'is', null)
      .where('location_id', 'is', null)
      .where('organization_id', 'is', null)
      .where('contact_id', 'is', null)
      .execute();
    await db
      .updateTable('phone')
      .set({ service_at_location_id: null })
      .where('service_at_location_id', 'in', links)
      .execute();
    await db
      .deleteFrom('schedule')
      .where('service_at_location_id', 'in', links)
      .where('service_id', 'is', null)
      .where('location_id', 'is', null)
      .execute();
    await db
      .updateTable('schedule')
      .set({ service_at_location_id: null })
      .where('service_at_location_id', 'in', links)
      .execute();
    await db
      .deleteFrom('contact')
      .where('service_at_location_id', 'in', links)
      .where('service_id', 'is', null)
      .where('location_id', 'is', null)
      .where('organization_id', 'is', null)
      .execute();
    await db
      .updateTable('contact')
      .set({ service_at_location_id: null })
      .where('service_at_location_id', 'in', links)
      .execute();
    await db
      .deleteFrom('service_area')
      .where('service_at_location_id', 'in', links)
      .where('service_id', 'is', null)
      .execute();
    await db
      .updateTable('service_area')
      .set({ service_at_location_id: null })
      .where('service_at_location_id', 'in', links)
      .execute();
    await db.deleteFrom('service_at_location').where('id', 'in', links).execute();
  }
  // This service's own hours no longer happen at that place.
  await db
    .updateTable('schedule')
    .set({ location_id: null })
    .where('service_id', '=', serviceId)
    .where('location_id', '=', locationId)
    .execute();
  const stillUsed = await db
    .selectFrom('service_at_location')
    .select('id')
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  if (stillUsed) return;
  await db.deleteFrom('address').where('location_id', '=', locationId).execute();
  await db
    .deleteFrom('schedule')
    .where('location_id', '=', locationId)
    .where('service_id', 'is', null)
    .where('service_at_location_id', 'is', null)
    .execute();
  await db.updateTable('schedule').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db
    .deleteFrom('phone')
    .where('location_id', '=', locationId)
    .where('service_id', 'is', null)
    .where('organization_id', 'is', null)
    .where('contact_id', 'is', null)
    .where('service_at_location_id', 'is', null)
    .execute();
  await db.updateTable('phone').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db
    .deleteFrom('language')
    .where('location_id', '=', locationId)
    .where('service_id', 'is', null)
    .where('phone_id', 'is', null)
    .execute();
  await db.updateTable('language').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db
    .deleteFrom('contact')
    .where('location_id', '=', locationId)
    .where('service_id', 'is', null)
    .where('organization_id', 'is', null)
    .where('service_at_location_id', 'is', null)
    .execute();
  await db.updateTable('contact').set({ location_id: null }).where('location_id', '=', locationId).execute();
  await db.deleteFrom('attribute').where('link_id', '=', locationId).where('link_entity', '=', 'location').execute();
  await db.deleteFrom('location').where('id', '=', locationId).execute();
}

/** Suggestions and reports waiting for a curator (for /metrics). */
export async function countWaiting(db: Executor): Promise<{ suggestions: number; reports: number }> {
  const [suggestions, reports] = await Promise.all([
    db
      .selectFrom('resource_suggestions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('directory_reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
  ]);
  return { suggestions: Number(suggestions.n), reports: Number(reports.n) };
}

/**
 * Listings for the sitemap: open ones (as search shows them), and none with a confidential
 * location: a safe house's page is public, but search engines are not pointed at it.
 */
export function sitemapListings(db: Executor) {
  return db
    .selectFrom('service')
    .select(['slug', 'last_modified'])
    .where('status', 'in', ['active', 'temporarily closed'])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('service_at_location as sal')
            .innerJoin('location as l', 'l.id', 'sal.location_id')
            .select('l.id')
            .whereRef('sal.service_id', '=', 'service.id')
            .where('l.is_confidential', '=', 1),
        ),
      ),
    )
    .orderBy('slug')
    .execute();
}

/** When each suggestion, report or verification since `sinceIso` happened (the dashboard's trends). */
export async function timesSince(
  db: Executor,
  what: 'suggestions' | 'reports' | 'verifications',
  sinceIso: string,
  limit = 20_000,
): Promise<string[]> {
  const rows =
    what === 'verifications'
      ? await db
          .selectFrom('directory_changes')
          .select('created_at')
          .where('action', '=', 'verified')
          .where('created_at', '>=', sinceIso)
          .orderBy('created_at')
          .limit(limit)
          .execute()
      : await db
          .selectFrom(what === 'suggestions' ? 'resource_suggestions' : 'directory_reports')
          .select('created_at')
          .where('created_at', '>=', sinceIso)
          .orderBy('created_at')
          .limit(limit)
          .execute();
  return rows.map((r) => r.created_at);
}
