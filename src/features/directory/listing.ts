import crypto from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { Dialect, Executor } from '../../core/db/schema.ts';
import { countryName, resolvePlace } from './gazetteer.ts';
import { parseHoursLine } from './hours.ts';
import { FACETS, TAXONOMY_IDS, type Facet } from './hsds.ts';
import * as repo from './repo.ts';

/*
 * A listing as curators and the public think of it: one HSDS service with its organisation, its
 * visiting addresses (any number of locations), phones, hours, languages, the area it covers and its
 * terms. It is written as HSDS rows; `loadListings` reads it back. Saving an existing listing updates
 * its location, address and schedule rows in place, so ids stay stable and the HSDS fields the editor
 * does not show (a location's description, an address's attention line, a schedule's validity…) survive.
 */
export interface HoursInput {
  byday: string;
  opens_at: string;
  closes_at: string;
}
export interface LocationInput {
  /** The location row's id when it already exists; a location without one is new. */
  id?: string;
  name: string;
  address1: string;
  address2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
  isConfidential: boolean;
  areaName: string;
  transportation: string;
  /** Hours of this place itself (HSDS location-level schedules), for sites whose hours differ. */
  hours: HoursInput[];
}
export interface ListingInput {
  name: string;
  organizationName: string;
  description: string;
  url: string;
  email: string;
  status: string;
  feesDescription: string;
  eligibility: string;
  applicationProcess: string;
  interpretation: string;
  terms: Record<Facet, string[]>;
  languages: string[];
  phones: { number: string; type: 'voice' | 'text'; description: string }[];
  locations: LocationInput[];
  /** Existing locations the curator asked to remove: the editor removes a location only when asked. */
  removedLocationIds?: string[];
  /** The service's own hours (HSDS service-level schedules). */
  hours: HoursInput[];
  timezone: string;
  /** ISO country codes the service reaches by phone or online, or "world". */
  areas: string[];
}

export const WORLD_URI = 'urn:alongside:area:world';
export const areaUri = (code: string) =>
  code === 'world' ? WORLD_URI : `urn:iso:std:iso:3166:-1:${code.toUpperCase()}`;
export function areaCode(uri: string | null): string | null {
  if (uri === WORLD_URI) return 'world';
  const m = /^urn:iso:std:iso:3166:-1:([A-Z]{2})$/.exec(uri ?? '');
  return m ? m[1]! : null;
}
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
export function languageName(code: string): string {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

export function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/\(demo\)/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'listing'
  );
}
async function uniqueSlug(db: Executor, base: string, ownId?: string): Promise<string> {
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    const existing = await repo.slugExists(db, slug);
    if (!existing || existing.id === ownId) return slug;
  }
}

/** Where a confidential location is shown: the centre of its town (from the gazetteer), else a ~10 km grid point. */
export function areaCentre(loc: LocationInput): { lat: number | null; lon: number | null } {
  const found = loc.city ? resolvePlace(`${loc.city}, ${loc.country}`) : { kind: 'none' as const };
  if (found.kind === 'found') return { lat: found.place.lat, lon: found.place.lon };
  if (found.kind === 'ambiguous') return { lat: found.choices[0]!.lat, lon: found.choices[0]!.lon };
  if (loc.latitude === null || loc.longitude === null) return { lat: null, lon: null };
  return { lat: Math.round(loc.latitude * 10) / 10, lon: Math.round(loc.longitude * 10) / 10 };
}

const nul = (s: string) => (s.trim() === '' ? null : s.trim());

/** Writes a listing's HSDS rows and its full-text entry; an existing listing's locations and hours are updated in place. */
export async function writeListing(
  db: Executor,
  dialect: Dialect,
  clock: Clock,
  input: ListingInput,
  existing?: { id: string; slug: string; organizationId: string },
): Promise<{ id: string; slug: string }> {
  const now = clock.now().toISOString();
  let organizationId = existing?.organizationId;
  if (organizationId) {
    await repo.updateOrganization(db, organizationId, { name: input.organizationName });
  } else {
    const org = await repo.findOrganizationByName(db, input.organizationName);
    organizationId = org?.id;
    if (!organizationId) {
      organizationId = crypto.randomUUID();
      await repo.insertRows(db, 'organization', [
        {
          id: organizationId,
          name: input.organizationName,
          description: input.description.slice(0, 500),
          website: nul(input.url),
          email: nul(input.email),
        },
      ]);
    }
  }
  const serviceId = existing?.id ?? crypto.randomUUID();
  const slug = existing?.slug ?? (await uniqueSlug(db, slugify(input.name)));
  const serviceValues = {
    organization_id: organizationId,
    name: input.name,
    description: nul(input.description),
    url: nul(input.url),
    email: nul(input.email),
    status: input.status,
    fees_description: nul(input.feesDescription),
    eligibility_description: nul(input.eligibility),
    application_process: nul(input.applicationProcess),
    interpretation_services: nul(input.interpretation),
    last_modified: now,
  };
  if (existing) {
    await repo.deleteDirectoryTerms(db, serviceId);
    await repo.updateService(db, serviceId, serviceValues);
  } else {
    await repo.insertRows(
      db,
      'service',
      [{ id: serviceId, ...serviceValues, slug, created_at: now }],
      ['slug', 'created_at'],
    );
  }
  const terms = await repo.loadTerms(db);
  const attributes = FACETS.flatMap((facet) =>
    input.terms[facet]
      .map((code) => terms.find((t) => t.taxonomy_id === TAXONOMY_IDS[facet] && t.code === code))
      .filter((t) => !!t)
      .map((t) => ({
        id: crypto.randomUUID(),
        link_id: serviceId,
        link_entity: 'service',
        link_type: facet,
        taxonomy_term_id: t.id,
      })),
  );
  await repo.insertRows(db, 'attribute', attributes);
  await syncPhones(db, serviceId, existing ? await repo.phonesFor(db, [serviceId]) : [], input.phones);
  await syncLanguages(db, serviceId, existing ? await repo.languagesFor(db, [serviceId]) : [], input.languages);
  await syncAreas(db, serviceId, existing ? await repo.areasFor(db, [serviceId]) : [], input.areas);

  // Locations: the ones left out are taken off the service, the known ones updated where they changed, the rest added.
  const current = existing ? await loadEditableLocations(db, serviceId) : [];
  const serviceHours = existing
    ? editableHours(await repo.serviceSchedules(db, serviceId))
    : { editable: [], kept: [] };
  const timezone = input.timezone || 'UTC';
  const setTimezone = !!existing && timezoneOf(serviceHours, current) !== timezone;
  const wanted = new Set(input.locations.map((l) => l.id).filter((id): id is string => !!id));
  for (const c of current) if (!wanted.has(c.row.id)) await repo.detachLocation(db, serviceId, c.row.id);
  const changedPlaces: string[] = [];
  const locationIds: string[] = [];
  for (const loc of input.locations) {
    const old = loc.id ? current.find((c) => c.row.id === loc.id) : undefined;
    let locationId: string;
    if (old) {
      locationId = old.row.id;
      if (await updateLocationInPlace(db, old, loc, input.name)) changedPlaces.push(locationId);
    } else {
      locationId = await insertLocation(db, serviceId, organizationId, input.name, loc);
    }
    locationIds.push(locationId);
    await syncHours(
      db,
      old?.hours ?? [],
      loc.hours,
      { service_id: null, location_id: locationId },
      timezone,
      setTimezone,
    );
  }
  // The service's own hours happen at its place when it has exactly one (as HSDS lets a schedule say).
  await syncHours(
    db,
    serviceHours.editable,
    input.hours,
    { service_id: serviceId, location_id: locationIds.length === 1 ? locationIds[0]! : null },
    timezone,
    setTimezone,
  );
  // Other services at a changed place mention it in their search text too.
  const others = (await repo.servicesAtLocations(db, changedPlaces)).filter((id) => id !== serviceId);
  await repo.reindex(db, dialect, [serviceId, ...others]);
  return { id: serviceId, slug };
}

async function insertLocation(
  db: Executor,
  serviceId: string,
  organizationId: string,
  serviceName: string,
  loc: LocationInput,
): Promise<string> {
  const id = crypto.randomUUID();
  const centre = publicPoint(loc);
  await repo.insertRows(
    db,
    'location',
    [
      {
        id,
        location_type: 'physical',
        organization_id: organizationId,
        name: nul(loc.name) ?? serviceName,
        transportation: nul(loc.transportation),
        latitude: loc.latitude,
        longitude: loc.longitude,
        is_confidential: loc.isConfidential ? 1 : 0,
        area_name: publicAreaName(loc),
        public_latitude: centre.lat,
        public_longitude: centre.lon,
      },
    ],
    ['is_confidential', 'area_name', 'public_latitude', 'public_longitude'],
  );
  await repo.insertRows(db, 'service_at_location', [
    { id: crypto.randomUUID(), service_id: serviceId, location_id: id },
  ]);
  if (hasAddress(loc))
    await repo.insertRows(db, 'address', [
      { id: crypto.randomUUID(), location_id: id, ...addressValues(loc), address_type: 'physical' },
    ]);
  return id;
}

/** Writes only the columns whose editor field changed: every other HSDS field of the location and its address stays as it was. */
async function updateLocationInPlace(
  db: Executor,
  old: EditableLocation,
  loc: LocationInput,
  serviceName: string,
): Promise<boolean> {
  const before = locationInput(old);
  const changed = (k: keyof LocationInput) => String(before[k] ?? '') !== String(loc[k] ?? '');
  const values: Partial<repo.LocationRow> = {};
  if (changed('name')) values.name = nul(loc.name) ?? serviceName;
  if (changed('transportation')) values.transportation = nul(loc.transportation);
  if (changed('latitude')) values.latitude = loc.latitude;
  if (changed('longitude')) values.longitude = loc.longitude;
  // What the public and search see follows the exact point, the town and the confidential flag.
  if ((['latitude', 'longitude', 'city', 'country', 'isConfidential', 'areaName'] as const).some(changed)) {
    const centre = publicPoint(loc);
    Object.assign(values, {
      is_confidential: loc.isConfidential ? 1 : 0,
      area_name: publicAreaName(loc),
      public_latitude: centre.lat,
      public_longitude: centre.lon,
    });
  }
  await repo.updateLocation(db, old.row.id, values);
  const all = addressValues(loc);
  const address: Partial<repo.AddressRow> = {};
  if (changed('address1')) address.address_1 = all.address_1;
  if (changed('address2')) address.address_2 = all.address_2;
  if (changed('city')) address.city = all.city;
  if (changed('region')) Object.assign(address, { region: all.region, state_province: all.state_province });
  if (changed('postalCode')) address.postal_code = all.postal_code;
  if (changed('country')) address.country = all.country;
  if (old.address) await repo.updateAddress(db, old.address.id, address);
  else if (hasAddress(loc))
    await repo.insertRows(db, 'address', [
      { id: crypto.randomUUID(), location_id: old.row.id, ...all, address_type: 'physical' },
    ]);
  return Object.keys(values).length + Object.keys(address).length > 0;
}

/** A phone as the editor shows it: the HSDS types other than text read as "voice". */
const shownPhone = (r: repo.PhoneRow): ListingInput['phones'][number] => ({
  number: r.number,
  type: r.type === 'text' ? 'text' : 'voice',
  description: r.description ?? '',
});
const phoneDigits = (n: string) => n.replace(/[^\d+]/g, '');

/**
 * Brings the service's phones to the editor's list. A phone is known by its number: a number still listed
 * keeps its row, id, extension and every HSDS field the editor does not show, and only what the curator
 * changed (the number's spelling, text or voice, the note) is written. New numbers are added; numbers no
 * longer listed are taken off the service.
 */
async function syncPhones(db: Executor, serviceId: string, rows: repo.PhoneRow[], wanted: ListingInput['phones']) {
  const unused = [...rows];
  const fresh: ListingInput['phones'] = [];
  const same = (a: ListingInput['phones'][number], b: ListingInput['phones'][number]) =>
    a.number === b.number && a.type === b.type && a.description === b.description;
  // Exact lines first, so two rows with one number each find their own line.
  const matched = wanted.map((p) => {
    const i = unused.findIndex((r) => same(shownPhone(r), p));
    return i === -1 ? undefined : unused.splice(i, 1)[0];
  });
  for (const [n, p] of wanted.entries()) {
    if (matched[n]) continue;
    const i = unused.findIndex((r) => phoneDigits(r.number) === phoneDigits(p.number));
    if (i === -1) {
      fresh.push(p);
      continue;
    }
    const row = unused.splice(i, 1)[0]!;
    const shown = shownPhone(row);
    const values: Partial<repo.PhoneRow> = {};
    if (shown.number !== p.number) values.number = p.number;
    if (shown.type !== p.type) values.type = p.type;
    if (shown.description !== p.description) values.description = nul(p.description);
    await repo.updatePhone(db, row.id, values);
  }
  await repo.removePhones(
    db,
    serviceId,
    unused.map((r) => r.id),
  );
  await repo.insertRows(
    db,
    'phone',
    fresh.map((p) => ({
      id: crypto.randomUUID(),
      service_id: serviceId,
      number: p.number,
      type: p.type,
      description: nul(p.description),
    })),
  );
}

/**
 * Brings the service's languages to the editor's codes: a code still listed keeps its row (its name and
 * note stay), new codes are added, codes no longer listed are taken off. Rows without a code are not
 * shown in the editor, so they stay.
 */
async function syncLanguages(db: Executor, serviceId: string, rows: repo.LanguageRow[], wanted: string[]) {
  const unused = rows.filter((r) => r.code);
  const fresh: string[] = [];
  for (const code of wanted) {
    const i = unused.findIndex((r) => r.code!.toLowerCase() === code.toLowerCase());
    if (i === -1) fresh.push(code);
    else unused.splice(i, 1);
  }
  await repo.removeLanguages(
    db,
    serviceId,
    unused.map((r) => r.id),
  );
  await repo.insertRows(
    db,
    'language',
    fresh.map((code) => ({ id: crypto.randomUUID(), service_id: serviceId, code, name: languageName(code) })),
  );
}

/**
 * Brings the service's areas to the editor's codes (countries or "world"): an area still listed keeps its
 * row (its description and extent stay), new ones are added, the rest taken off. Areas the editor cannot
 * show (a region or a polygon, not a country) are left as they are.
 */
async function syncAreas(
  db: Executor,
  serviceId: string,
  rows: Awaited<ReturnType<typeof repo.areasFor>>,
  wanted: string[],
) {
  const unused = rows.filter((r) => areaCode(r.uri) !== null);
  const fresh: string[] = [];
  for (const code of wanted) {
    const i = unused.findIndex((r) => areaCode(r.uri) === code);
    if (i === -1) fresh.push(code);
    else unused.splice(i, 1);
  }
  await repo.removeAreas(
    db,
    serviceId,
    unused.map((r) => r.id),
  );
  await repo.insertRows(
    db,
    'service_area',
    fresh.map((code) => ({
      id: crypto.randomUUID(),
      service_id: serviceId,
      name: code === 'world' ? 'Worldwide' : countryName(code),
      uri: areaUri(code),
      extent_type: 'text',
    })),
  );
}

export const hasAddress = (l: LocationInput) =>
  [l.address1, l.address2, l.city, l.region, l.postalCode, l.country].some((x) => x.trim() !== '');
const addressValues = (l: LocationInput) => ({
  address_1: l.address1,
  address_2: nul(l.address2),
  city: l.city,
  region: nul(l.region),
  state_province: l.region,
  postal_code: l.postalCode,
  country: l.country.toUpperCase(),
});
const publicPoint = (l: LocationInput) => (l.isConfidential ? areaCentre(l) : { lat: l.latitude, lon: l.longitude });
const publicAreaName = (l: LocationInput) => (l.isConfidential ? (nul(l.areaName) ?? l.city) : null);

/**
 * Brings a set of schedule rows to the wanted hours: an unchanged line keeps its row untouched, a changed
 * line reuses a row it replaces (so its description, validity and notes stay), the rest are added or removed.
 */
async function syncHours(
  db: Executor,
  rows: EditableHours[],
  wanted: HoursInput[],
  owner: { service_id: string | null; location_id: string | null },
  timezone: string,
  setTimezone: boolean,
) {
  const unused = [...rows];
  const fresh: HoursInput[] = [];
  for (const h of wanted) {
    const i = unused.findIndex((r) => hoursLine(r.line) === hoursLine(h));
    if (i === -1) {
      fresh.push(h);
      continue;
    }
    const [kept] = unused.splice(i, 1);
    if (setTimezone && kept!.row.timezone_name !== timezone)
      await repo.updateSchedule(db, kept!.row.id, { timezone_name: timezone });
  }
  const inserts: HoursInput[] = [];
  for (const h of fresh) {
    const i = Math.max(
      0,
      unused.findIndex(
        (r) => r.line.byday === h.byday || (r.line.opens_at === h.opens_at && r.line.closes_at === h.closes_at),
      ),
    );
    const reuse = unused.splice(i, 1)[0];
    if (!reuse) inserts.push(h);
    else
      await repo.updateSchedule(db, reuse.row.id, {
        byday: h.byday,
        opens_at: h.opens_at,
        closes_at: h.closes_at,
        ...(setTimezone ? { timezone_name: timezone } : {}),
      });
  }
  await repo.deleteSchedules(
    db,
    unused.map((u) => u.row.id),
  );
  await repo.insertRows(
    db,
    'schedule',
    inserts.map((h) => ({
      id: crypto.randomUUID(),
      ...owner,
      freq: 'WEEKLY',
      wkst: 'MO',
      byday: h.byday,
      opens_at: h.opens_at,
      closes_at: h.closes_at,
      timezone_name: timezone,
    })),
    ['timezone_name'],
  );
}

// ── a listing as the editor sees it ──
/** A schedule row the editor shows as an hours line. */
export interface EditableHours {
  row: repo.ScheduleRow;
  line: HoursInput;
}
export interface EditableLocation {
  row: repo.LocationRow;
  /** The address the editor shows and writes: the physical one, else the first. */
  address: repo.AddressRow | null;
  hours: EditableHours[];
  /** Schedules the hours lines cannot express (monthly, every other week, times with an offset…): kept as they are. */
  keptHours: repo.ScheduleRow[];
  /** How many other services are at this location. */
  sharedWith: number;
}
export interface EditableListing {
  listing: Listing;
  locations: EditableLocation[];
  keptHours: repo.ScheduleRow[];
  input: ListingInput;
}

const ALL_DAYS = 'MO,TU,WE,TH,FR,SA,SU';
export const hoursLine = (h: HoursInput) => `${h.byday} ${h.opens_at}-${h.closes_at}`;
const DAY_ORDER = ALL_DAYS.split(',');
/** Hours in week order, so the same hours always read (and compare) the same. */
export function sortHours(hours: HoursInput[]): HoursInput[] {
  const first = (h: HoursInput) => DAY_ORDER.indexOf(h.byday.split(',')[0]!);
  return [...hours].sort(
    (a, b) => first(a) - first(b) || a.opens_at.localeCompare(b.opens_at) || hoursLine(a).localeCompare(hoursLine(b)),
  );
}

/** Splits schedule rows into those an hours line expresses exactly and those it cannot (left alone). */
export function editableHours(rows: repo.ScheduleRow[]): { editable: EditableHours[]; kept: repo.ScheduleRow[] } {
  const editable: EditableHours[] = [];
  const kept: repo.ScheduleRow[] = [];
  for (const row of rows) {
    const weekly =
      (!row.freq || row.freq.toUpperCase() === 'WEEKLY') &&
      (row.interval === null || row.interval === 1) &&
      !row.byweekno &&
      !row.bymonthday &&
      !row.byyearday;
    const line =
      weekly && row.opens_at && row.closes_at
        ? parseHoursLine(`${row.byday ?? ALL_DAYS} ${row.opens_at}-${row.closes_at}`)
        : null;
    if (line && line.opens_at === row.opens_at && line.closes_at === row.closes_at) editable.push({ row, line });
    else kept.push(row);
  }
  return { editable, kept };
}

/** A schedule the hours lines cannot express, in words, so the curator knows it is there and kept. */
export function describeSchedule(s: repo.ScheduleRow): string {
  const when = [
    s.freq ?? 'WEEKLY',
    s.interval && s.interval > 1 ? `every ${s.interval}` : '',
    s.byday,
    s.bymonthday ? `day ${s.bymonthday}` : '',
    s.opens_at && s.closes_at ? `${s.opens_at}–${s.closes_at}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return [when, s.description].filter(Boolean).join(': ') || 'a schedule without times';
}

async function loadEditableLocations(db: Executor, serviceId: string): Promise<EditableLocation[]> {
  return (await repo.editorLocations(db, serviceId)).map((l) => {
    const { editable, kept } = editableHours(l.schedules);
    return {
      row: l.location,
      address: l.addresses.find((a) => a.address_type === 'physical') ?? l.addresses[0] ?? null,
      hours: editable,
      keptHours: kept,
      sharedWith: l.sharedWith,
    };
  });
}

function locationInput(l: EditableLocation): LocationInput {
  const a = l.address;
  return {
    id: l.row.id,
    name: l.row.name ?? '',
    address1: a?.address_1 ?? '',
    address2: a?.address_2 ?? '',
    city: a?.city ?? '',
    region: a?.region || a?.state_province || '',
    postalCode: a?.postal_code ?? '',
    country: a?.country ?? '',
    latitude: l.row.latitude,
    longitude: l.row.longitude,
    isConfidential: l.row.is_confidential === 1,
    areaName: l.row.area_name ?? '',
    transportation: l.row.transportation ?? '',
    hours: sortHours(l.hours.map((h) => h.line)),
  };
}

/** The zone the listing's hours are written in: the first one named, else UTC. */
function timezoneOf(service: { editable: EditableHours[] }, locations: EditableLocation[]): string {
  const rows = [...service.editable, ...locations.flatMap((l) => l.hours)].map((h) => h.row);
  return rows.find((r) => r.timezone_name)?.timezone_name ?? 'UTC';
}

/** A listing with everything the editor needs: its form values, its locations' rows, what it keeps untouched. */
export async function loadListingForEdit(db: Executor, serviceId: string): Promise<EditableListing | null> {
  const [listing] = await loadListings(db, [serviceId]);
  if (!listing) return null;
  const locations = await loadEditableLocations(db, serviceId);
  const service = editableHours(await repo.serviceSchedules(db, serviceId));
  const s = listing.service;
  const input: ListingInput = {
    name: s.name,
    organizationName: s.organization_name,
    description: s.description ?? '',
    url: s.url ?? '',
    email: s.email ?? '',
    status: s.status,
    feesDescription: s.fees_description ?? '',
    eligibility: s.eligibility_description ?? '',
    applicationProcess: s.application_process ?? '',
    interpretation: s.interpretation_services ?? '',
    terms: Object.fromEntries(
      FACETS.map((f) => [
        f,
        listing.terms
          .filter((t) => t.taxonomy_id === TAXONOMY_IDS[f] && t.code)
          .map((t) => t.code!)
          .sort(),
      ]),
    ) as Record<Facet, string[]>,
    languages: listing.languages
      .map((x) => x.code ?? '')
      .filter(Boolean)
      .sort(),
    phones: listing.phones.map(shownPhone),
    locations: locations.map(locationInput),
    hours: sortHours(service.editable.map((h) => h.line)),
    timezone: timezoneOf(service, locations),
    areas: listing.areas
      .map((a) => areaCode(a.uri))
      .filter((c): c is string => !!c)
      .sort(),
  };
  return { listing, locations, keptHours: service.kept, input };
}

export interface Listing {
  service: repo.ServiceRow & { organization_name: string; organization_website: string | null };
  locations: Awaited<ReturnType<typeof repo.locationsFor>>;
  schedules: repo.ScheduleRow[];
  terms: Awaited<ReturnType<typeof repo.termsFor>>;
  languages: Awaited<ReturnType<typeof repo.languagesFor>>;
  phones: Awaited<ReturnType<typeof repo.phonesFor>>;
  areas: Awaited<ReturnType<typeof repo.areasFor>>;
}

export async function loadListings(db: Executor, ids: string[]): Promise<Listing[]> {
  const services = await repo.servicesByIds(db, ids);
  // One query after another: a request holds one pooled connection, never five.
  const locations = await repo.locationsFor(db, ids);
  const terms = await repo.termsFor(db, ids);
  const languages = await repo.languagesFor(db, ids);
  const phones = await repo.phonesFor(db, ids);
  const areas = await repo.areasFor(db, ids);
  const schedules = await repo.schedulesFor(
    db,
    ids,
    locations.map((l) => l.id),
    locations.map((l) => l.sal_id),
  );
  const byId = new Map(services.map((s) => [s.id, s]));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => {
      const locs = locations.filter((l) => l.service_id === id);
      // This service's schedules, the schedules of its places themselves, and those of its links to them; never another service's.
      const isOwn = (s: repo.ScheduleRow) =>
        s.service_id === id ||
        (s.service_id === null &&
          locs.some(
            (l) =>
              l.id === s.location_id || (s.service_at_location_id !== null && l.sal_id === s.service_at_location_id),
          ));
      return {
        service: byId.get(id)!,
        locations: locs,
        schedules: schedules.filter(isOwn),
        terms: terms.filter((t) => t.service_id === id),
        languages: languages.filter((l) => l.service_id === id),
        phones: phones.filter((p) => p.service_id === id),
        areas: areas.filter((a) => a.service_id === id),
      };
    });
}

/** One place of a listing as the public sees it, with the hours that happen there. */
export interface ListingPlace {
  location: Listing['locations'][number];
  hours: repo.ScheduleRow[];
}
/**
 * A listing's places, each with its own hours (schedules linked to that location or to the service's
 * link to it), and apart from them the service-wide hours (the service's schedules tied to no place of
 * this listing). A location with several addresses is one place, shown at its physical address.
 * Places come in the editor's order (by name), so curators and visitors see them alike.
 */
export function listingPlaces(listing: Listing): { places: ListingPlace[]; serviceHours: repo.ScheduleRow[] } {
  const rank = (l: Listing['locations'][number]) => (l.address_type === 'physical' ? 0 : l.address_type ? 1 : 2);
  const byId = new Map<string, Listing['locations'][number]>();
  for (const l of listing.locations) {
    const seen = byId.get(l.id);
    if (!seen || rank(l) < rank(seen)) byId.set(l.id, l);
  }
  const places: ListingPlace[] = [...byId.values()]
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.id.localeCompare(b.id))
    .map((location) => ({ location, hours: [] }));
  const serviceHours: repo.ScheduleRow[] = [];
  const ordered = [...listing.schedules].sort(
    (a, b) =>
      scheduleOrder(a) - scheduleOrder(b) ||
      (a.opens_at ?? '').localeCompare(b.opens_at ?? '') ||
      a.id.localeCompare(b.id),
  );
  for (const s of ordered) {
    const place =
      places.find((p) => p.location.id === s.location_id) ??
      (s.service_at_location_id ? places.find((p) => p.location.sal_id === s.service_at_location_id) : undefined);
    if (place) place.hours.push(s);
    else serviceHours.push(s);
  }
  return { places, serviceHours };
}
const scheduleOrder = (s: repo.ScheduleRow) => {
  const first = DAY_ORDER.indexOf((s.byday ?? 'MO').split(',')[0]!.trim().toUpperCase());
  return first === -1 ? 7 : first;
};

// ── change history ──
const LOCATION_FIELDS = [
  'name',
  'address1',
  'address2',
  'city',
  'region',
  'postalCode',
  'country',
  'latitude',
  'longitude',
  'isConfidential',
  'areaName',
  'transportation',
  'hours',
] as const;
export const hoursText = (hours: HoursInput[]) => sortHours(hours).map(hoursLine).join('\n');
function flatLocation(l: LocationInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of LOCATION_FIELDS) {
    const v = l[k];
    out[k] =
      k === 'hours' ? hoursText(l.hours) : k === 'isConfidential' ? (l.isConfidential ? 'yes' : 'no') : String(v ?? '');
  }
  return out;
}
function summarise(l: LocationInput): string {
  const where =
    [l.address1, l.address2, l.city, l.postalCode, l.country].filter(Boolean).join(', ') || l.name || 'no address';
  return l.isConfidential ? `${where} (confidential)` : where;
}

/**
 * Which curator-visible fields differ: { field: [before, after] }, for the change history. Locations
 * are matched by id; each is named by its name (or street, or town) as it was before the edit.
 */
export function diffInputs(before: ListingInput | null, after: ListingInput): Record<string, [unknown, unknown]> {
  const flat = (i: ListingInput | null): Record<string, string> => {
    if (!i) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(i)) {
      if (k === 'locations' || k === 'removedLocationIds') continue;
      if (k === 'terms') for (const f of FACETS) out[f] = (v as Record<Facet, string[]>)[f].join(', ');
      else if (k === 'hours') out[k] = hoursText(v as HoursInput[]);
      else out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return out;
  };
  const a = flat(before);
  const b = flat(after);
  const diff: Record<string, [unknown, unknown]> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    if ((a[k] ?? '') !== (b[k] ?? '')) diff[k] = [a[k] ?? '', b[k] ?? ''];

  const used = new Set<string>();
  const label = (l: LocationInput) => {
    const base = `location “${(l.name || l.address1 || l.city || 'without a name').slice(0, 60)}”`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base} (${n})`;
    used.add(name);
    return name;
  };
  const previous = new Map(
    (before?.locations ?? []).filter((l) => l.id).map((l) => [l.id!, { loc: l, label: label(l) }]),
  );
  const kept = new Set<string>();
  for (const loc of after.locations) {
    const old = loc.id ? previous.get(loc.id) : undefined;
    if (!old) {
      diff[label(loc)] = ['', `added: ${summarise(loc)}`];
      continue;
    }
    kept.add(loc.id!);
    const x = flatLocation(old.loc);
    const y = flatLocation(loc);
    for (const k of LOCATION_FIELDS) if (x[k] !== y[k]) diff[`${old.label} ${k}`] = [x[k], y[k]];
  }
  for (const [id, old] of previous) if (!kept.has(id)) diff[old.label] = [summarise(old.loc), 'removed'];
  return diff;
}
