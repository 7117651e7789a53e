import crypto from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { Dialect, Executor } from '../../core/db/schema.ts';
import { countryName } from './gazetteer.ts';
import { FACETS, TAXONOMY_IDS } from './hsds.ts';
import {
  addressValues,
  areaCode,
  areaUri,
  editableHours,
  editorInput,
  exceptionKey,
  hasAddress,
  hoursLine,
  languageName,
  locationInput,
  nul,
  phoneDigits,
  publicAreaName,
  publicPoint,
  serviceHoursOf,
  shownPhone,
  slugify,
  timezoneOf,
  type EditableException,
  type EditableHours,
  type ExceptionInput,
  type EditableListing,
  type EditableLocation,
  type HoursInput,
  type Listing,
  type ListingInput,
  type LocationInput,
} from './listing-model.ts';
import * as repo from './repo.ts';
import { BY_APPOINTMENT, CLOSED, SPECIAL_HOURS } from './hours.ts';
import { clipText } from '../../core/text/clip.ts';

/*
 * Loading and writing listings through the repo. A listing is written as HSDS rows; `loadListings`
 * reads it back. Saving an existing listing updates its location, address and schedule rows in place,
 * so ids stay stable and the HSDS fields the editor does not show (a location's description, an
 * address's attention line, a schedule's validity…) survive.
 */
async function uniqueSlug(db: Executor, base: string, ownId?: string): Promise<string> {
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    const existing = await repo.slugExists(db, slug);
    if (!existing || existing.id === ownId) return slug;
  }
}

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
          description: clipText(input.description, 500),
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
  const serviceHours = existing ? serviceHoursOf(await repo.serviceSchedules(db, serviceId)) : serviceHoursOf([]);
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
  const owner = { service_id: serviceId, location_id: locationIds.length === 1 ? locationIds[0]! : null };
  await syncHours(db, serviceHours.editable, input.hours, owner, timezone, setTimezone);
  if (input.exceptions) await syncExceptions(db, serviceHours.exceptions, input.exceptions, owner, timezone);
  if (input.byAppointment !== undefined)
    await syncAppointment(db, serviceHours.appointment, input.byAppointment, owner);
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

/**
 * Brings the service's dated changes to the editor's list: an unchanged change keeps its row (a new zone
 * is written on it), a changed one reuses a row it replaces (so its other HSDS fields stay), the rest are
 * added or removed. Written as HSDS reads them (hours.ts): valid every day from `valid_from` to `valid_to`.
 */
async function syncExceptions(
  db: Executor,
  rows: EditableException[],
  wanted: ExceptionInput[],
  owner: { service_id: string | null; location_id: string | null },
  timezone: string,
) {
  const unused = [...rows];
  const fresh: ExceptionInput[] = [];
  for (const e of wanted) {
    const i = unused.findIndex((r) => exceptionKey(r.exception) === exceptionKey(e));
    if (i === -1) fresh.push(e);
    else {
      const [kept] = unused.splice(i, 1);
      if (kept!.row.timezone_name !== timezone)
        await repo.updateSchedule(db, kept!.row.id, { timezone_name: timezone });
    }
  }
  const values = (e: ExceptionInput) => ({
    valid_from: e.from,
    valid_to: e.to,
    freq: e.opens_at ? 'WEEKLY' : null,
    wkst: e.opens_at ? 'MO' : null,
    byday: e.opens_at ? 'MO,TU,WE,TH,FR,SA,SU' : null,
    opens_at: e.opens_at,
    closes_at: e.closes_at,
    description: e.opens_at ? SPECIAL_HOURS : CLOSED,
    notes: nul(e.note),
    timezone_name: timezone,
  });
  const inserts: ExceptionInput[] = [];
  for (const e of fresh) {
    const reuse = unused.shift();
    if (reuse) await repo.updateSchedule(db, reuse.row.id, values(e));
    else inserts.push(e);
  }
  await repo.deleteSchedules(
    db,
    unused.map((u) => u.row.id),
  );
  await repo.insertRows(
    db,
    'schedule',
    inserts.map((e) => ({ id: crypto.randomUUID(), ...owner, ...values(e) })),
    ['timezone_name'],
  );
}

/** "By appointment" is one schedule row saying so; unticking the box removes every such row of the service. */
async function syncAppointment(
  db: Executor,
  rows: repo.ScheduleRow[],
  wanted: boolean,
  owner: { service_id: string | null; location_id: string | null },
) {
  if (wanted && rows.length > 0) return;
  if (!wanted)
    return repo.deleteSchedules(
      db,
      rows.map((r) => r.id),
    );
  await repo.insertRows(db, 'schedule', [{ id: crypto.randomUUID(), ...owner, description: BY_APPOINTMENT }]);
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

/** A listing with everything the editor needs: its form values, its locations' rows, what it keeps untouched. */
export async function loadListingForEdit(db: Executor, serviceId: string): Promise<EditableListing | null> {
  const [listing] = await loadListings(db, [serviceId]);
  if (!listing) return null;
  const locations = await loadEditableLocations(db, serviceId);
  const service = serviceHoursOf(await repo.serviceSchedules(db, serviceId));
  return { listing, locations, keptHours: service.kept, input: editorInput(listing, locations, service) };
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

/** A listing by its public address name, or null. */
export async function listingBySlug(db: Executor, slug: string): Promise<Listing | null> {
  const found = await repo.serviceBySlug(db, slug);
  if (!found) return null;
  const [listing] = await loadListings(db, [found.id]);
  return listing ?? null;
}
