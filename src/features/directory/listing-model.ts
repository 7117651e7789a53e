import { resolvePlace } from './gazetteer.ts';
import { exceptionOf, isByAppointment, parseHoursLine } from './hours.ts';
import { FACETS, TAXONOMY_IDS, type Facet } from './hsds.ts';
import type * as repo from './repo.ts';

/*
 * A listing as curators and the public think of it: one HSDS service with its organisation, its
 * visiting addresses (any number of locations), phones, hours, languages, the area it covers and its
 * terms. This module is the model alone — the shapes, how a place is shown in public, how hours read
 * and compare, what changed between two versions — with no database: listing-store.ts loads and
 * writes listings through the repo.
 */
export interface HoursInput {
  byday: string;
  opens_at: string;
  closes_at: string;
}
/** Dates when the usual hours do not apply: closed all day (no times), or open at other times. */
export interface ExceptionInput {
  from: string;
  to: string;
  opens_at: string | null;
  closes_at: string | null;
  note: string;
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
  /** Seen by appointment (a schedule row saying so); left as it is when undefined. */
  byAppointment?: boolean;
  /** Dated changes to the service's hours; left as they are when undefined. */
  exceptions?: ExceptionInput[];
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

/** Where a confidential location is shown: the centre of its town (from the gazetteer), else a ~10 km grid point. */
export function areaCentre(loc: LocationInput): { lat: number | null; lon: number | null } {
  const found = loc.city ? resolvePlace(`${loc.city}, ${loc.country}`) : { kind: 'none' as const };
  if (found.kind === 'found') return { lat: found.place.lat, lon: found.place.lon };
  if (found.kind === 'ambiguous') return { lat: found.choices[0]!.lat, lon: found.choices[0]!.lon };
  if (loc.latitude === null || loc.longitude === null) return { lat: null, lon: null };
  return { lat: Math.round(loc.latitude * 10) / 10, lon: Math.round(loc.longitude * 10) / 10 };
}

/** Empty text is no value (a NULL column). */
export const nul = (s: string) => (s.trim() === '' ? null : s.trim());

export const hasAddress = (l: LocationInput) =>
  [l.address1, l.address2, l.city, l.region, l.postalCode, l.country].some((x) => x.trim() !== '');
export const addressValues = (l: LocationInput) => ({
  address_1: l.address1,
  address_2: nul(l.address2),
  city: l.city,
  region: nul(l.region),
  state_province: l.region,
  postal_code: l.postalCode,
  country: l.country.toUpperCase(),
});
export const publicPoint = (l: LocationInput) =>
  l.isConfidential ? areaCentre(l) : { lat: l.latitude, lon: l.longitude };
export const publicAreaName = (l: LocationInput) => (l.isConfidential ? (nul(l.areaName) ?? l.city) : null);

/** A phone as the editor shows it: the HSDS types other than text read as "voice". */
export const shownPhone = (r: repo.PhoneRow): ListingInput['phones'][number] => ({
  number: r.number,
  type: r.type === 'text' ? 'text' : 'voice',
  description: r.description ?? '',
});
export const phoneDigits = (n: string) => n.replace(/[^\d+]/g, '');

// ── a listing as the editor sees it ──
/** A schedule row the editor shows as an hours line. */
export interface EditableHours {
  row: repo.ScheduleRow;
  line: HoursInput;
}
/** A schedule row the editor shows as a dated change. */
export interface EditableException {
  row: repo.ScheduleRow;
  exception: ExceptionInput;
}
/** The service's own schedules as the editor sees them. */
export interface ServiceHours {
  editable: EditableHours[];
  kept: repo.ScheduleRow[];
  exceptions: EditableException[];
  appointment: repo.ScheduleRow[];
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
    // Dated changes and "by appointment" are not weekly lines (serviceHours gives them their own fields).
    if (exceptionOf(row) || isByAppointment(row)) {
      kept.push(row);
      continue;
    }
    const weekly =
      (!row.freq || row.freq.toUpperCase() === 'WEEKLY') &&
      (row.interval === null || row.interval === 1) &&
      !row.byweekno &&
      !row.bymonthday &&
      !row.byyearday;
    // "09:00:00" (as an HSDS package writes times) is the line's 09:00; "9:00" or a time with a zone is not.
    const hm = (v: string | null) => (/^\d{2}:\d{2}(?::00)?$/.test(v ?? '') ? v!.slice(0, 5) : null);
    const [opens, closes] = [hm(row.opens_at), hm(row.closes_at)];
    const line = weekly && opens && closes ? parseHoursLine(`${row.byday ?? ALL_DAYS} ${opens}-${closes}`) : null;
    if (line && line.opens_at === opens && line.closes_at === closes) editable.push({ row, line });
    else kept.push(row);
  }
  return { editable, kept };
}

export const exceptionInput = (row: repo.ScheduleRow): ExceptionInput | null => {
  const e = exceptionOf(row);
  return e && { from: e.from, to: e.to, opens_at: e.opens_at, closes_at: e.closes_at, note: e.note ?? '' };
};
export const exceptionKey = (e: ExceptionInput) =>
  `${e.from} ${e.to} ${e.opens_at ? `${e.opens_at}-${e.closes_at}` : 'closed'} ${e.note}`;
export const sortExceptions = (list: ExceptionInput[]) =>
  [...list].sort((a, b) => exceptionKey(a).localeCompare(exceptionKey(b)));

/** The service's schedules split into weekly lines, dated changes, "by appointment" rows and the rest (kept). */
export function serviceHoursOf(rows: repo.ScheduleRow[]): ServiceHours {
  const { editable, kept } = editableHours(rows);
  const exceptions: EditableException[] = [];
  const appointment: repo.ScheduleRow[] = [];
  const rest: repo.ScheduleRow[] = [];
  for (const row of kept) {
    const exception = exceptionInput(row);
    if (exception) exceptions.push({ row, exception });
    else if (isByAppointment(row)) appointment.push(row);
    else rest.push(row);
  }
  return { editable, kept: rest, exceptions, appointment };
}

/** A schedule the hours lines cannot express, in words, so the curator knows it is there and kept. */
export function describeSchedule(s: repo.ScheduleRow): string {
  const when = [
    s.freq ?? 'WEEKLY',
    s.interval && s.interval > 1 ? `every ${s.interval}` : '',
    s.byday,
    s.bymonthday ? `day ${s.bymonthday}` : '',
    s.opens_at && s.closes_at ? `${s.opens_at}–${s.closes_at}` : '',
    s.valid_from || s.valid_to ? `valid ${s.valid_from ?? '…'} to ${s.valid_to ?? '…'}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return [when, s.description].filter(Boolean).join(': ') || 'a schedule without times';
}

export function locationInput(l: EditableLocation): LocationInput {
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
export function timezoneOf(
  service: { editable: EditableHours[]; exceptions?: EditableException[] },
  locations: EditableLocation[],
): string {
  const rows = [...service.editable, ...(service.exceptions ?? []), ...locations.flatMap((l) => l.hours)].map(
    (h) => h.row,
  );
  return rows.find((r) => r.timezone_name)?.timezone_name ?? 'UTC';
}

/** The editor's form values for a loaded listing, its places and its own editable hours. */
export function editorInput(listing: Listing, locations: EditableLocation[], service: ServiceHours): ListingInput {
  const s = listing.service;
  return {
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
    byAppointment: service.appointment.length > 0,
    exceptions: sortExceptions(service.exceptions.map((e) => e.exception)),
    areas: listing.areas
      .map((a) => areaCode(a.uri))
      .filter((c): c is string => !!c)
      .sort(),
  };
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
/** What a location holds that a curator edits (the form's fields and the history's columns). */
export const LOCATION_FIELDS = [
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
      else if (k === 'exceptions')
        out[k] = sortExceptions(v as ExceptionInput[])
          .map(exceptionKey)
          .join('\n');
      else if (k === 'byAppointment') out[k] = v ? 'yes' : '';
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
