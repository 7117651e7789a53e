import crypto from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { Dialect, Executor } from '../../core/db/schema.ts';
import { countryName, resolvePlace } from './gazetteer.ts';
import { parseHoursLine } from './hours.ts';
import { FACETS, SERVICE_STATUSES, TAXONOMY_IDS, type Facet } from './hsds.ts';
import * as repo from './repo.ts';

/*
 * A listing as curators and the public think of it: one HSDS service with its organisation, at most
 * one visiting address, phones, hours, languages, the area it covers and its terms. It is written as
 * HSDS rows; `loadListings` reads it back.
 */
export interface LocationInput {
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
  location: LocationInput | null;
  hours: { byday: string; opens_at: string; closes_at: string }[];
  timezone: string;
  /** ISO country codes the service reaches by phone or online, or "world". */
  areas: string[];
}

export const WORLD_URI = 'urn:alongside:area:world';
export const areaUri = (code: string) => (code === 'world' ? WORLD_URI : `urn:iso:std:iso:3166:-1:${code.toUpperCase()}`);
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
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\(demo\)/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'listing';
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

/** Writes a listing's HSDS rows (replacing its previous ones) and its full-text entry. */
export async function writeListing(
  db: Executor, dialect: Dialect, clock: Clock, input: ListingInput, existing?: { id: string; slug: string; organizationId: string },
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
      await repo.insertRows(db, 'organization', [{ id: organizationId, name: input.organizationName, description: input.description.slice(0, 500), website: nul(input.url), email: nul(input.email) }]);
    }
  }
  const serviceId = existing?.id ?? crypto.randomUUID();
  const slug = existing?.slug ?? (await uniqueSlug(db, slugify(input.name)));
  const serviceValues = {
    organization_id: organizationId, name: input.name, description: nul(input.description), url: nul(input.url), email: nul(input.email),
    status: input.status, fees_description: nul(input.feesDescription), eligibility_description: nul(input.eligibility),
    application_process: nul(input.applicationProcess), interpretation_services: nul(input.interpretation), last_modified: now,
  };
  if (existing) {
    await repo.deleteServiceChildren(db, serviceId);
    await repo.updateService(db, serviceId, serviceValues);
  } else {
    await repo.insertRows(db, 'service', [{ id: serviceId, ...serviceValues, slug, created_at: now }], ['slug', 'created_at']);
  }
  const terms = await repo.loadTerms(db);
  const attributes = FACETS.flatMap((facet) =>
    input.terms[facet].map((code) => terms.find((t) => t.taxonomy_id === TAXONOMY_IDS[facet] && t.code === code)).filter((t) => !!t)
      .map((t) => ({ id: crypto.randomUUID(), link_id: serviceId, link_entity: 'service', link_type: facet, taxonomy_term_id: t.id })));
  await repo.insertRows(db, 'attribute', attributes);
  await repo.insertRows(db, 'language', input.languages.map((code) => ({ id: crypto.randomUUID(), service_id: serviceId, code, name: languageName(code) })));
  await repo.insertRows(db, 'phone', input.phones.map((p) => ({ id: crypto.randomUUID(), service_id: serviceId, number: p.number, type: p.type, description: nul(p.description) })));
  await repo.insertRows(db, 'service_area', input.areas.map((code) => ({
    id: crypto.randomUUID(), service_id: serviceId, name: code === 'world' ? 'Worldwide' : countryName(code), uri: areaUri(code), extent_type: 'text',
  })));
  let locationId: string | null = null;
  const loc = input.location;
  if (loc) {
    locationId = crypto.randomUUID();
    const centre = loc.isConfidential ? areaCentre(loc) : { lat: loc.latitude, lon: loc.longitude };
    await repo.insertRows(db, 'location', [{
      id: locationId, location_type: 'physical', organization_id: organizationId, name: nul(loc.name) ?? input.name, transportation: nul(loc.transportation),
      latitude: loc.latitude, longitude: loc.longitude, is_confidential: loc.isConfidential ? 1 : 0,
      area_name: loc.isConfidential ? nul(loc.areaName) ?? loc.city : null, public_latitude: centre.lat, public_longitude: centre.lon,
    }], ['is_confidential', 'area_name', 'public_latitude', 'public_longitude']);
    await repo.insertRows(db, 'service_at_location', [{ id: crypto.randomUUID(), service_id: serviceId, location_id: locationId }]);
    await repo.insertRows(db, 'address', [{
      id: crypto.randomUUID(), location_id: locationId, address_1: loc.address1, address_2: nul(loc.address2), city: loc.city, region: nul(loc.region),
      state_province: loc.region, postal_code: loc.postalCode, country: loc.country.toUpperCase(), address_type: 'physical',
    }]);
  }
  await repo.insertRows(db, 'schedule', input.hours.map((h) => ({
    id: crypto.randomUUID(), service_id: serviceId, location_id: locationId, freq: 'WEEKLY', wkst: 'MO', byday: h.byday, opens_at: h.opens_at,
    closes_at: h.closes_at, timezone_name: input.timezone || 'UTC',
  })), ['timezone_name']);
  await repo.reindex(db, dialect, [serviceId]);
  return { id: serviceId, slug };
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
  const schedules = await repo.schedulesFor(db, ids, locations.map((l) => l.id));
  const byId = new Map(services.map((s) => [s.id, s]));
  return ids.filter((id) => byId.has(id)).map((id) => {
    const locs = locations.filter((l) => l.service_id === id);
    return {
      service: byId.get(id)!,
      locations: locs,
      schedules: schedules.filter((s) => s.service_id === id || (s.service_id === null && locs.some((l) => l.id === s.location_id))),
      terms: terms.filter((t) => t.service_id === id),
      languages: languages.filter((l) => l.service_id === id),
      phones: phones.filter((p) => p.service_id === id),
      areas: areas.filter((a) => a.service_id === id),
    };
  });
}

/** A listing as the curator's form shows it. */
export function toInput(l: Listing): ListingInput {
  const loc = l.locations[0];
  const terms = Object.fromEntries(FACETS.map((f) => [f, l.terms.filter((t) => t.taxonomy_id === TAXONOMY_IDS[f] && t.code).map((t) => t.code!).sort()])) as Record<Facet, string[]>;
  return {
    name: l.service.name, organizationName: l.service.organization_name, description: l.service.description ?? '', url: l.service.url ?? '',
    email: l.service.email ?? '', status: l.service.status, feesDescription: l.service.fees_description ?? '', eligibility: l.service.eligibility_description ?? '',
    applicationProcess: l.service.application_process ?? '', interpretation: l.service.interpretation_services ?? '', terms,
    languages: l.languages.map((x) => x.code ?? '').filter(Boolean).sort(),
    phones: l.phones.map((p) => ({ number: p.number, type: p.type === 'text' ? 'text' : 'voice', description: p.description ?? '' })),
    location: loc ? {
      name: loc.name ?? '', address1: loc.address_1 ?? '', address2: loc.address_2 ?? '', city: loc.city ?? '', region: loc.region ?? loc.state_province ?? '',
      postalCode: loc.postal_code ?? '', country: loc.country ?? '', latitude: loc.latitude, longitude: loc.longitude, isConfidential: loc.is_confidential === 1,
      areaName: loc.area_name ?? '', transportation: loc.transportation ?? '',
    } : null,
    hours: l.schedules.filter((s) => s.opens_at && s.closes_at).map((s) => ({ byday: s.byday ?? 'MO,TU,WE,TH,FR,SA,SU', opens_at: s.opens_at!, closes_at: s.closes_at! })),
    timezone: l.schedules[0]?.timezone_name ?? 'UTC',
    areas: l.areas.map((a) => areaCode(a.uri)).filter((c): c is string => !!c),
  };
}

/** Which curator-visible fields differ: { field: [before, after] }, for the change history. */
export function diffInputs(before: ListingInput | null, after: ListingInput): Record<string, [unknown, unknown]> {
  const flat = (i: ListingInput | null): Record<string, string> => {
    if (!i) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(i)) {
      if (k === 'terms') for (const f of FACETS) out[f] = (v as Record<Facet, string[]>)[f].join(', ');
      else if (k === 'location') for (const [lk, lv] of Object.entries((v as LocationInput | null) ?? {})) out[`location.${lk}`] = String(lv ?? '');
      else out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return out;
  };
  const a = flat(before);
  const b = flat(after);
  const diff: Record<string, [unknown, unknown]> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if ((a[k] ?? '') !== (b[k] ?? '')) diff[k] = [a[k] ?? '', b[k] ?? ''];
  return diff;
}

// ── the curator's form ──
export type ListingForm = Record<string, string | string[] | undefined>;
const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '').trim();
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

/** Checks a curator's listing form; every message names the field it is about. */
export function parseListingForm(body: ListingForm, knownTerms: repo.TermRow[]): { input: ListingInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const name = str(body.name);
  if (!name) errors.name = 'Enter the name of the service.';
  else if (name.length > 200) errors.name = 'Keep the name under 200 characters.';
  const organizationName = str(body.organizationName) || name;
  const url = str(body.url);
  if (url && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(url)) errors.url = 'Enter the website as a full address starting with https://';
  const email = str(body.email);
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = 'Enter an e-mail address like name@example.org.';
  const status = str(body.status) || 'active';
  if (!(SERVICE_STATUSES as readonly string[]).includes(status)) errors.status = 'Choose a status from the list.';
  const terms = {} as Record<Facet, string[]>;
  for (const f of FACETS) {
    const codes = [...new Set(list(body[f]))];
    const unknown = codes.filter((c) => !knownTerms.some((t) => t.taxonomy_id === TAXONOMY_IDS[f] && t.code === c));
    if (unknown.length) errors[f] = `Unknown ${f}: ${unknown.join(', ')}.`;
    terms[f] = codes.sort();
  }
  const languages = [...new Set(str(body.languages).split(/[\s,]+/).filter(Boolean).map((c) => c.toLowerCase()))].sort();
  if (languages.some((c) => !/^[a-z]{2,3}$/.test(c))) errors.languages = 'Give languages as two- or three-letter codes separated by commas, for example: en, fr, ro.';
  const phones: ListingInput['phones'] = [];
  for (const line of str(body.phones).split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [number = '', type = 'voice', description = ''] = line.split('|').map((x) => x.trim());
    if (!/^\+?[\d\s().-]{5,30}$/.test(number) || !['voice', 'text'].includes(type)) {
      errors.phones = `Write each phone as "number | voice or text | note": "${line.slice(0, 40)}" is not in that form.`;
      break;
    }
    phones.push({ number, type: type as 'voice' | 'text', description });
  }
  const hours: ListingInput['hours'] = [];
  for (const line of str(body.hours).split('\n').map((l) => l.trim()).filter(Boolean)) {
    const parsed = parseHoursLine(line);
    if (!parsed) {
      errors.hours = `Write hours like "MO,TU,WE 09:00-17:00": "${line.slice(0, 40)}" is not in that form.`;
      break;
    }
    hours.push(parsed);
  }
  const timezone = str(body.timezone) || 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    errors.timezone = 'Give a time zone such as Europe/London or America/Toronto.';
  }
  const areas = [...new Set(str(body.areas).split(/[\s,]+/).filter(Boolean).map((c) => (c.toLowerCase() === 'world' ? 'world' : c.toUpperCase())))].sort();
  if (areas.some((c) => c !== 'world' && !/^[A-Z]{2}$/.test(c))) errors.areas = 'Give areas as two-letter country codes (GB, FR) or "world".';
  let location: LocationInput | null = null;
  const address1 = str(body.address1);
  const city = str(body.city);
  if (address1 || city) {
    const lat = str(body.latitude);
    const lon = str(body.longitude);
    const latitude = lat === '' ? null : Number(lat);
    const longitude = lon === '' ? null : Number(lon);
    if (latitude !== null && !(Number.isFinite(latitude) && latitude >= -90 && latitude <= 90)) errors.latitude = 'Latitude is a number from -90 to 90.';
    if (longitude !== null && !(Number.isFinite(longitude) && longitude >= -180 && longitude <= 180)) errors.longitude = 'Longitude is a number from -180 to 180.';
    const country = str(body.country).toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) errors.country = 'Give the country as a two-letter code, for example GB.';
    if (!city) errors.city = 'Enter the town or city.';
    location = {
      name: str(body.locationName), address1, address2: str(body.address2), city, region: str(body.region), postalCode: str(body.postalCode), country,
      latitude, longitude, isConfidential: str(body.isConfidential) === '1', areaName: str(body.areaName), transportation: str(body.transportation),
    };
  }
  const input: ListingInput = {
    name, organizationName, description: str(body.description).slice(0, 5000), url, email, status, feesDescription: str(body.feesDescription),
    eligibility: str(body.eligibility), applicationProcess: str(body.applicationProcess), interpretation: str(body.interpretation), terms, languages,
    phones, location, hours, timezone, areas,
  };
  return { input, errors };
}

/** The form fields for a listing (the inverse of parseListingForm), to refill it. */
export function toForm(i: ListingInput): ListingForm {
  return {
    name: i.name, organizationName: i.organizationName, description: i.description, url: i.url, email: i.email, status: i.status,
    feesDescription: i.feesDescription, eligibility: i.eligibility, applicationProcess: i.applicationProcess, interpretation: i.interpretation,
    ...Object.fromEntries(FACETS.map((f) => [f, i.terms[f]])),
    languages: i.languages.join(', '),
    phones: i.phones.map((p) => [p.number, p.type, p.description].filter(Boolean).join(' | ')).join('\n'),
    hours: i.hours.map((h) => `${h.byday} ${h.opens_at}-${h.closes_at}`).join('\n'),
    timezone: i.timezone, areas: i.areas.join(', '),
    locationName: i.location?.name ?? '', address1: i.location?.address1 ?? '', address2: i.location?.address2 ?? '', city: i.location?.city ?? '',
    region: i.location?.region ?? '', postalCode: i.location?.postalCode ?? '', country: i.location?.country ?? '',
    latitude: i.location?.latitude?.toString() ?? '', longitude: i.location?.longitude?.toString() ?? '',
    isConfidential: i.location?.isConfidential ? '1' : '', areaName: i.location?.areaName ?? '', transportation: i.location?.transportation ?? '',
  };
}
