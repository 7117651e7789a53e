import type { Executor } from '../../core/db/schema.ts';
import { HSDS_FIELDS, type HsdsTable } from './hsds.ts';
import * as hsdsRepo from './hsds-repo.ts';

/*
 * HSDS records as the outside world sees them (API and export). A confidential location is reduced to
 * its area: no street, no postal code, no name beyond the area, and the area's centre as coordinates.
 * The rows come from hsds-repo.ts; this module only shapes them.
 */
export type HsdsValue = string | number;
/** One table's fields in their HSDS form. */
export type HsdsRow = Record<string, HsdsValue>;
/** A record with others nested in it, as the API's full records are. */
export interface HsdsRecord {
  [field: string]: HsdsValue | HsdsRecord | HsdsRecord[];
}

/**
 * Extension fields that travel with the HSDS fields in exports (and are read back by the import). In a package
 * their columns are named `x-<field>`: HSDS leaves names starting with `x-` to extensions, and a table-schema
 * validator accepts extra fields the descriptor declares (docs: README, "HSDS data packages").
 */
export const EXPORT_EXTENSIONS: Partial<Record<HsdsTable, string[]>> = {
  location: ['confidential'],
  schedule: ['timezone_name'],
};
export const extensionColumn = (field: string) => `x-${field}`;
export const EXTENSION_NOTES: Record<string, string> = {
  confidential:
    'Alongside: "true" when the location is confidential. It is then given by its area only (name and centre), and an import keeps it confidential.',
  timezone_name: 'Alongside: the IANA time zone of the opening hours (timezone gives only the offset).',
};

/**
 * A row of a table in its HSDS form: the specification's fields, typed as it types them. An empty field is left
 * out, never null: HSDS 3.0 types its fields as plain strings and numbers, so `null` (or an empty string in a
 * `uri` or `email` field) would make the record invalid against the official schemas. A required field keeps
 * its empty string.
 */
export function pick(table: HsdsTable, row: object): HsdsRow {
  const out: HsdsRow = {};
  for (const f of HSDS_FIELDS[table]) {
    const v: unknown = Reflect.get(row, f.name);
    if (v === undefined || v === null || (v === '' && !f.required)) continue;
    out[f.name] = f.type === 's' ? String(v) : Number(v);
  }
  for (const e of EXPORT_EXTENSIONS[table] ?? []) {
    const v: unknown = Reflect.get(row, e);
    if (v !== undefined && v !== null && v !== '') out[e] = String(v);
  }
  return out;
}

/** `record` without the fields named (a confidential location's details are left out, not emptied). */
function without(record: HsdsRow, fields: string[]): HsdsRow {
  const out = { ...record };
  for (const f of fields) delete out[f];
  return out;
}

interface LocationLike {
  is_confidential: number | null;
  public_latitude: number | null;
  public_longitude: number | null;
  area_name: string | null;
}

/** A location in public: a confidential one by its area's name and centre only. */
export function redactLocation(row: LocationLike): HsdsRow {
  const out = pick('location', row);
  if (!row.is_confidential) return out;
  const area = without(out, [
    'name',
    'alternate_name',
    'description',
    'transportation',
    'latitude',
    'longitude',
    'external_identifier',
    'external_identifier_type',
  ]);
  if (row.area_name) area.name = row.area_name;
  if (row.public_latitude !== null && row.public_longitude !== null) {
    area.latitude = row.public_latitude;
    area.longitude = row.public_longitude;
  }
  return area;
}
/** A confidential location's address: its area only (the street and postal code, required by HSDS, are empty). */
export function redactAddress(row: object): HsdsRow {
  return { ...without(pick('address', row), ['attention', 'address_2']), address_1: '', postal_code: '' };
}

/** Every row of a table in its public form, in id order, in batches (an export may hold 100k services). */
export async function* publicRows(db: Executor, table: HsdsTable, batch = 5000): AsyncGenerator<HsdsRow[]> {
  const confidential = await hsdsRepo.confidentialLocationIds(db);
  let after = '';
  for (;;) {
    const rows = await hsdsRepo.rowsAfter(db, table, after, batch);
    const last = rows[rows.length - 1];
    if (!last) return;
    after = last.id;
    yield rows.map((r) => publicRow(table, r, confidential));
  }
}

/** A stored row in its public HSDS form (a confidential location and its addresses by area only). */
export function publicRow(table: HsdsTable, row: object, confidential: Set<string>): HsdsRow {
  if (table === 'location' && isLocation(row))
    return { ...redactLocation(row), ...(row.is_confidential ? { confidential: 'true' } : {}) };
  const locationId: unknown = Reflect.get(row, 'location_id');
  if (table === 'address' && typeof locationId === 'string' && confidential.has(locationId)) return redactAddress(row);
  return pick(table, row);
}
const isLocation = (row: object): row is LocationLike => 'is_confidential' in row && 'public_latitude' in row;

/** Locations in their public form with their addresses and opening hours, by id (a confidential one by area only). */
export async function publicLocations(db: Executor, ids: string[]): Promise<Map<string, HsdsRecord>> {
  const out = new Map<string, HsdsRecord>();
  if (ids.length === 0) return out;
  const locations = await hsdsRepo.locationsByIds(db, ids);
  const { addresses, schedules } = await hsdsRepo.placeDetails(db, ids);
  for (const l of locations) {
    out.set(l.id, {
      ...redactLocation(l),
      addresses: addresses
        .filter((a) => a.location_id === l.id)
        .map((a) => (l.is_confidential ? redactAddress(a) : pick('address', a))),
      schedules: schedules.filter((z) => z.location_id === l.id).map((z) => pick('schedule', z)),
    });
  }
  return out;
}

const byIdOf = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));

/** The fully nested service of the HSDS API (schema/compiled/service.json), public form. */
export async function nestedServices(db: Executor, ids: string[]): Promise<HsdsRecord[]> {
  if (ids.length === 0) return [];
  const services = byIdOf(await hsdsRepo.servicesByIds(db, ids));
  const orgs = byIdOf(
    await hsdsRepo.organizationsByIds(db, [...new Set([...services.values()].map((s) => s.organization_id))]),
  );
  const c = await hsdsRepo.serviceChildren(db, ids);
  const locations = await publicLocations(db, [...new Set(c.links.map((s) => s.location_id))]);
  const terms = byIdOf(await hsdsRepo.termsByIds(db, [...new Set(c.attributes.map((a) => a.taxonomy_term_id))]));
  const mine = <T extends { service_id: string | null }>(rows: T[], id: string) =>
    rows.filter((r) => r.service_id === id);
  return ids.flatMap((id) => {
    const s = services.get(id);
    if (!s) return [];
    const org = orgs.get(s.organization_id);
    const attributes = c.attributes.filter((a) => a.link_id === id);
    const record: HsdsRecord = {
      ...pick('service', s),
      ...(org ? { organization: pick('organization', org) } : {}),
      phones: mine(c.phones, id).map((p) => pick('phone', p)),
      schedules: mine(c.schedules, id).map((x) => pick('schedule', x)),
      service_areas: mine(c.areas, id).map((a) => pick('service_area', a)),
      languages: mine(c.languages, id).map((l) => pick('language', l)),
      contacts: mine(c.contacts, id).map((x) => pick('contact', x)),
      attributes: attributes.map((a) => {
        const term = terms.get(a.taxonomy_term_id);
        return { ...pick('attribute', a), ...(term ? { taxonomy_term: pick('taxonomy_term', term) } : {}) };
      }),
      service_at_locations: mine(c.links, id).map((x) => {
        const location = locations.get(x.location_id);
        return { ...pick('service_at_location', x), ...(location ? { location } : {}) };
      }),
    };
    return [record];
  });
}

/** Services as the API lists them (schema/compiled/service_list.json): one-to-one fields and the organization. */
export async function listedServices(db: Executor, ids: string[]): Promise<HsdsRecord[]> {
  if (ids.length === 0) return [];
  const services = byIdOf(await hsdsRepo.servicesByIds(db, ids));
  const orgs = byIdOf(
    await hsdsRepo.organizationsByIds(db, [...new Set([...services.values()].map((s) => s.organization_id))]),
  );
  return ids.flatMap((id) => {
    const s = services.get(id);
    if (!s) return [];
    const org = orgs.get(s.organization_id);
    return [{ ...pick('service', s), ...(org ? { organization: pick('organization', org) } : {}) }];
  });
}

/**
 * Services at locations, in the order of `ids`. Listed (schema/compiled/service_at_location_list.json): the link
 * with its location's and service's one-to-one fields. Full (compiled/service_at_location.json): the nested
 * location, the fully nested service and the link's own phones, contacts, schedules and service areas.
 */
export async function servicesAtLocations(db: Executor, ids: string[], full: boolean): Promise<HsdsRecord[]> {
  if (ids.length === 0) return [];
  const links = byIdOf(await hsdsRepo.linksByIds(db, ids));
  const serviceIds = [...new Set([...links.values()].map((x) => x.service_id))];
  const locationIds = [...new Set([...links.values()].map((x) => x.location_id))];
  const services = new Map(
    (full ? await nestedServices(db, serviceIds) : await listedServices(db, serviceIds)).map((s) => [s.id, s]),
  );
  const locations: Map<string, HsdsRecord> = full
    ? await publicLocations(db, locationIds)
    : new Map((await hsdsRepo.locationsByIds(db, locationIds)).map((l) => [l.id, redactLocation(l)]));
  const own = full ? await hsdsRepo.linkChildren(db, ids) : null;
  const of = <T extends { service_at_location_id: string | null }>(rows: T[], id: string) =>
    rows.filter((r) => r.service_at_location_id === id);
  return ids.flatMap((id) => {
    const x = links.get(id);
    if (!x) return [];
    const children: HsdsRecord = own
      ? {
          phones: of(own.phones, id).map((r) => pick('phone', r)),
          contacts: of(own.contacts, id).map((r) => pick('contact', r)),
          schedules: of(own.schedules, id).map((r) => pick('schedule', r)),
          service_areas: of(own.service_areas, id).map((r) => pick('service_area', r)),
        }
      : {};
    const location = locations.get(x.location_id);
    const service = services.get(x.service_id);
    const record: HsdsRecord = {
      ...pick('service_at_location', x),
      ...children,
      ...(location ? { location } : {}),
      ...(service ? { service } : {}),
    };
    return [record];
  });
}

/**
 * The fully nested organization (schema/compiled/organization.json): its phones, contacts, locations (public
 * form) and attributes, and its services — one-to-one fields only, or fully nested with `fullServices`.
 */
export async function nestedOrganizations(db: Executor, ids: string[], fullServices: boolean): Promise<HsdsRecord[]> {
  if (ids.length === 0) return [];
  const orgs = byIdOf(await hsdsRepo.organizationsByIds(db, ids));
  const c = await hsdsRepo.organizationChildren(db, ids);
  const serviceIds = c.services.map((s) => s.id);
  const serviceRecords = new Map(
    (fullServices ? await nestedServices(db, serviceIds) : await listedServices(db, serviceIds)).map((s) => [s.id, s]),
  );
  const locations = await publicLocations(
    db,
    c.locations.map((l) => l.id),
  );
  const mine = <T extends { organization_id: string | null }>(rows: T[], id: string) =>
    rows.filter((r) => r.organization_id === id);
  return ids.flatMap((id) => {
    const org = orgs.get(id);
    if (!org) return [];
    const record: HsdsRecord = {
      ...pick('organization', org),
      phones: mine(c.phones, id).map((p) => pick('phone', p)),
      contacts: mine(c.contacts, id).map((x) => pick('contact', x)),
      locations: mine(c.locations, id)
        .map((l) => locations.get(l.id))
        .filter((l): l is HsdsRecord => l !== undefined),
      attributes: c.attributes.filter((a) => a.link_id === id).map((a) => pick('attribute', a)),
      services: mine(c.services, id).flatMap((s) => {
        const service = serviceRecords.get(s.id);
        if (!service) return [];
        if (fullServices) return [service];
        // Listed under their organisation, services do not repeat it.
        const { organization: _omit, ...rest } = service;
        return [rest];
      }),
    };
    return [record];
  });
}
