import type { FieldErrors } from '../../core/result.ts';
import { isAllowedUrl } from '../../core/text/urls.ts';
import { parseHoursLine } from './hours.ts';
import { FACETS, SERVICE_STATUSES, TAXONOMY_IDS, type Facet } from './hsds.ts';
import {
  hasAddress,
  sortExceptions,
  sortHours,
  LOCATION_FIELDS,
  type HoursInput,
  type ListingInput,
  type LocationInput,
} from './listing-model.ts';
import { msg } from './messages.ts';
import type * as repo from './repo.ts';
import { clipText } from '../../core/text/clip.ts';
import { countryName } from './gazetteer.ts';
import { isTimeZone, zoneOfCountry } from './editor-choices.ts';
import {
  exceptionsToForm,
  hoursToForm,
  parseExceptionRows,
  parseHoursRows,
  parsePhoneRows,
  phonesToForm,
} from './editor-rows.ts';

/*
 * The curator's listing form: field names, parsing with a message per field, and refilling it.
 * Without JavaScript, each location is a fieldset of fields named loc<N>_<field> (loc0_city, loc1_city…);
 * an existing one carries its id in loc<N>_id. "Add another location" re-renders the form with one more
 * empty fieldset; a location goes only when its "remove" box is ticked.
 * Hours and phones are rows (editor-rows.ts); languages, countries and areas are chosen from lists that
 * send codes. The earlier one-line text fields ("MO,TU 09:00-17:00", "number | voice | note", "en, fr")
 * are still read when a form sends them, so scripts and forms saved before keep working.
 */
export type ListingForm = Record<string, string | string[] | undefined>;
export const LOCATION_KEYS = ['id', ...LOCATION_FIELDS, 'remove'] as const;
export type LocationKey = (typeof LOCATION_KEYS)[number];
export const locationField = (index: number, key: LocationKey) => `loc${index}_${key}`;
const LOCATION_FIELD = /^loc(\d{1,4})_([A-Za-z0-9]+)$/;

/** The indexes of the location fieldsets a form holds, in order. */
export function locationIndexes(form: ListingForm): number[] {
  const found = new Set<number>();
  for (const k of Object.keys(form)) {
    const m = LOCATION_FIELD.exec(k);
    if (m && (LOCATION_KEYS as readonly string[]).includes(m[2]!)) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}
/** Where "add another location" puts the new fieldset (a form without one shows an empty fieldset 0). */
export function nextLocationIndex(form: ListingForm): number {
  const indexes = locationIndexes(form);
  return indexes.length ? indexes[indexes.length - 1]! + 1 : 1;
}
/** The same form with one more, empty, location fieldset. */
export function withAnotherLocation(form: ListingForm): ListingForm {
  const shown = locationIndexes(form).length ? {} : { [locationField(0, 'id')]: '' };
  return { ...form, ...shown, [locationField(nextLocationIndex(form), 'id')]: '' };
}

const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '').trim();
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

/** Hours lines of a textarea; `n` is the location's number when they are a place's own hours. */
function parseHours(text: string, field: string, errors: FieldErrors, n?: number): HoursInput[] {
  const hours: HoursInput[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const parsed = parseHoursLine(line);
    if (!parsed) {
      const shown = line.slice(0, 40);
      errors[field] = n === undefined ? msg('listingHours', { line: shown }) : msg('locationHours', { n, line: shown });
      break;
    }
    hours.push(parsed);
  }
  return hours;
}

/** Checks a curator's listing form; every message names the field it is about. */
export function parseListingForm(
  body: ListingForm,
  knownTerms: repo.TermRow[],
): { input: ListingInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = str(body.name);
  if (!name) errors.name = msg('listingName');
  else if (name.length > 200) errors.name = msg('listingNameTooLong', { max: 200 });
  const organizationName = str(body.organizationName) || name;
  const url = str(body.url);
  if (url && !isAllowedUrl(url, { publicHost: true })) errors.url = msg('listingUrl');
  const email = str(body.email);
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = msg('listingEmail');
  const status = str(body.status) || 'active';
  if (!(SERVICE_STATUSES as readonly string[]).includes(status)) errors.status = msg('listingStatus');
  const terms = {} as Record<Facet, string[]>;
  for (const f of FACETS) {
    const codes = [...new Set(list(body[f]))];
    const unknown = codes.filter((c) => !knownTerms.some((t) => t.taxonomy_id === TAXONOMY_IDS[f] && t.code === c));
    if (unknown.length) errors[f] = msg('listingTerms', { facet: f, codes: unknown.join(', ').slice(0, 200) });
    terms[f] = codes.sort();
  }
  const languages = [
    ...new Set(
      list(body.languages)
        .flatMap((x) => x.split(/[\s,]+/))
        .filter(Boolean)
        .map((c) => c.toLowerCase()),
    ),
  ].sort();
  if (languages.some((c) => !/^[a-z]{2,3}$/.test(c))) errors.languages = msg('listingLanguages');
  const phones: ListingInput['phones'] = [];
  for (const line of str(body.phones)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [number = '', type = 'voice', description = ''] = line.split('|').map((x) => x.trim());
    if (!/^\+?[\d\s().-]{5,30}$/.test(number) || !['voice', 'text'].includes(type)) {
      errors.phones = msg('listingPhones', { line: line.slice(0, 40) });
      break;
    }
    phones.push({ number, type: type as 'voice' | 'text', description });
  }
  const hours = [...parseHours(str(body.hours), 'hours', errors), ...parseHoursRows(body, 'hours', errors)];
  const exceptions = sortExceptions(parseExceptionRows(body, errors));
  const areas = [
    ...new Set(
      list(body.areas)
        .flatMap((x) => x.split(/[\s,]+/))
        .filter(Boolean)
        .map((c) => (c.toLowerCase() === 'world' ? 'world' : c.toUpperCase())),
    ),
  ].sort();
  if (areas.some((c) => c !== 'world' && !/^[A-Z]{2}$/.test(c))) errors.areas = msg('listingAreas');

  const locations: LocationInput[] = [];
  const removedLocationIds: string[] = [];
  const seen = new Set<string>();
  locationIndexes(body).forEach((i, position) => {
    const f = (k: LocationKey) => str(body[locationField(i, k)]);
    const key = (k: LocationKey) => locationField(i, k);
    const n = position + 1;
    const id = f('id');
    if (id) {
      if (seen.has(id)) errors._form = msg('locationTwice');
      seen.add(id);
    }
    if (f('remove') === '1') {
      if (id) removedLocationIds.push(id);
      return;
    }
    const text = (
      [
        'name',
        'address1',
        'address2',
        'city',
        'region',
        'postalCode',
        'country',
        'latitude',
        'longitude',
        'areaName',
        'transportation',
        'hours',
      ] as const
    ).map(f);
    const hoursPrefix = `${key('hours')}`;
    const rowErrors: FieldErrors = {};
    const hourRows = parseHoursRows(body, hoursPrefix, rowErrors, n);
    const rowsTouched = hourRows.length > 0 || Object.keys(rowErrors).length > 0;
    if (!id && text.every((x) => x === '') && f('isConfidential') !== '1' && !rowsTouched) return; // an empty new fieldset
    Object.assign(errors, rowErrors);
    const lat = f('latitude');
    const lon = f('longitude');
    const latitude = lat === '' ? null : Number(lat);
    const longitude = lon === '' ? null : Number(lon);
    if (latitude !== null && !(Number.isFinite(latitude) && latitude >= -90 && latitude <= 90))
      errors[key('latitude')] = msg('locationLatitude', { n });
    if (longitude !== null && !(Number.isFinite(longitude) && longitude >= -180 && longitude <= 180))
      errors[key('longitude')] = msg('locationLongitude', { n });
    const loc: LocationInput = {
      ...(id ? { id } : {}),
      name: f('name'),
      address1: f('address1'),
      address2: f('address2'),
      city: f('city'),
      region: f('region'),
      postalCode: f('postalCode'),
      country: f('country').toUpperCase(),
      latitude,
      longitude,
      isConfidential: f('isConfidential') === '1',
      areaName: f('areaName'),
      transportation: f('transportation'),
      hours: [...parseHours(f('hours'), key('hours'), errors, n), ...hourRows],
    };
    // A new place needs its town and country; a location imported without an address may stay without one.
    if (!id || hasAddress(loc)) {
      if (!/^[A-Z]{2}$/.test(loc.country)) errors[key('country')] = msg('locationCountry', { n });
      if (!loc.city) errors[key('city')] = msg('locationCity', { n });
    }
    if (loc.isConfidential && !loc.city && !loc.areaName) errors[key('areaName')] = msg('locationAreaName', { n });
    locations.push(loc);
  });
  // Phones are checked as numbers of the listing's country: its first place's, else the first it covers.
  const country = [...locations.map((l) => l.country), ...areas].find((c) => /^[A-Z]{2}$/.test(c));
  phones.push(...parsePhoneRows(body, country, errors, country && countryName(country)));
  // A dated change is read in the listing's zone too: the date changes at its midnight.
  const timezone = timezoneFrom(str(body.timezone), locations, hours.length + exceptions.length > 0, errors);
  const input: ListingInput = {
    name,
    organizationName,
    description: clipText(str(body.description), 5000),
    url,
    email,
    status,
    feesDescription: str(body.feesDescription),
    eligibility: str(body.eligibility),
    applicationProcess: str(body.applicationProcess),
    interpretation: str(body.interpretation),
    terms,
    languages,
    phones,
    locations,
    removedLocationIds,
    hours,
    timezone,
    byAppointment: str(body.byAppointment) !== '',
    exceptions,
    areas,
  };
  return { input, errors };
}

/**
 * The zone the hours are in: the one chosen, else the zone of the first place's country when it has only
 * one. Hours with no zone to go by are refused rather than read as UTC; a listing without hours keeps UTC.
 */
function timezoneFrom(chosen: string, locations: LocationInput[], hasHours: boolean, errors: FieldErrors): string {
  if (chosen) {
    if (!isTimeZone(chosen)) errors.timezone = msg('listingTimezone');
    return chosen;
  }
  const zone = locations.map((l) => zoneOfCountry(l.country)).find(Boolean);
  if (zone) return zone;
  const placeHours = locations.some((l) => l.hours.length > 0);
  if (hasHours || placeHours) errors.timezone = msg('listingTimezoneChoose');
  return 'UTC';
}

/** The form fields for a listing (the inverse of parseListingForm), to refill it. */
export function toForm(i: ListingInput): ListingForm {
  const form: ListingForm = {
    name: i.name,
    organizationName: i.organizationName,
    description: i.description,
    url: i.url,
    email: i.email,
    status: i.status,
    feesDescription: i.feesDescription,
    eligibility: i.eligibility,
    applicationProcess: i.applicationProcess,
    interpretation: i.interpretation,
    ...Object.fromEntries(FACETS.map((f) => [f, i.terms[f]])),
    languages: i.languages,
    ...phonesToForm(i.phones),
    ...hoursToForm(sortHours(i.hours), 'hours'),
    byAppointment: i.byAppointment ? '1' : '',
    ...exceptionsToForm(i.exceptions ?? []),
    timezone: i.timezone,
    areas: i.areas,
  };
  i.locations.forEach((l, n) => {
    const values: Record<LocationKey, string> = {
      id: l.id ?? '',
      name: l.name,
      address1: l.address1,
      address2: l.address2,
      city: l.city,
      region: l.region,
      postalCode: l.postalCode,
      country: l.country,
      latitude: l.latitude?.toString() ?? '',
      longitude: l.longitude?.toString() ?? '',
      isConfidential: l.isConfidential ? '1' : '',
      areaName: l.areaName,
      transportation: l.transportation,
      hours: '',
      remove: '',
    };
    for (const k of LOCATION_KEYS) if (k !== 'hours') form[locationField(n, k)] = values[k];
    Object.assign(form, hoursToForm(sortHours(l.hours), locationField(n, 'hours')));
  });
  return form;
}
