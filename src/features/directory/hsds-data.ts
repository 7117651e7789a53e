import { sql } from 'kysely';
import type { Db, Executor } from '../../core/db/schema.ts';
import { HSDS_FIELDS, type HsdsTable } from './hsds.ts';

/*
 * HSDS rows as the outside world sees them (API and export). A confidential location is reduced to
 * its area: no street, no postal code, no name beyond the area, and the area's centre as coordinates.
 */
export type HsdsRow = Record<string, string | number | null>;

/** Extension fields that travel with the HSDS fields in exports (and are read back by the import). */
export const EXPORT_EXTENSIONS: Partial<Record<HsdsTable, string[]>> = { schedule: ['timezone_name'] };

export function redactLocation(
  row: HsdsRow & { is_confidential?: number | null },
  publicLat: number | null,
  publicLon: number | null,
  areaName: string | null,
): HsdsRow {
  const out = pick('location', row);
  if (!row.is_confidential) return out;
  return {
    ...out,
    name: areaName,
    alternate_name: null,
    description: null,
    transportation: null,
    latitude: publicLat,
    longitude: publicLon,
    external_identifier: null,
    external_identifier_type: null,
  };
}
export function redactAddress(row: HsdsRow): HsdsRow {
  return { ...pick('address', row), attention: null, address_1: '', address_2: null, postal_code: '' };
}

export function pick(table: HsdsTable, row: Record<string, unknown>): HsdsRow {
  const out: HsdsRow = {};
  for (const f of HSDS_FIELDS[table]) {
    const v = row[f.name];
    out[f.name] = v === undefined || v === null ? null : f.type === 's' ? String(v) : Number(v);
  }
  for (const e of EXPORT_EXTENSIONS[table] ?? []) out[e] = (row[e] as string | null | undefined) ?? null;
  return out;
}

/** Every row of a table in its public form, in id order, in batches (an export may hold 100k services). */
export async function* publicRows(db: Db, table: HsdsTable, batch = 5000): AsyncGenerator<HsdsRow[]> {
  const confidential = await confidentialLocations(db);
  let after = '';
  for (;;) {
    const rows = (await db
      .selectFrom(table as 'service')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .execute()) as unknown as Record<string, unknown>[];
    if (rows.length === 0) return;
    after = String(rows[rows.length - 1]!.id);
    yield rows.map((r) => {
      if (table === 'location')
        return redactLocation(
          r as HsdsRow,
          r.public_latitude as number | null,
          r.public_longitude as number | null,
          r.area_name as string | null,
        );
      if (table === 'address' && confidential.has(String(r.location_id))) return redactAddress(r as HsdsRow);
      return pick(table, r);
    });
  }
}

export async function confidentialLocations(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('location').select('id').where('is_confidential', '=', 1).execute();
  return new Set(rows.map((r) => r.id));
}

/** Locations in their public form with their addresses and opening hours, by id (a confidential one by area only). */
export async function publicLocations(db: Db, ids: string[]): Promise<Map<string, HsdsRow>> {
  const out = new Map<string, HsdsRow>();
  if (ids.length === 0) return out;
  const locs = await db.selectFrom('location').selectAll().where('id', 'in', ids).execute();
  const addrs = await db.selectFrom('address').selectAll().where('location_id', 'in', ids).execute();
  const schedules = await db
    .selectFrom('schedule')
    .selectAll()
    .where('location_id', 'in', ids)
    .where('service_id', 'is', null)
    .execute();
  for (const l of locs) {
    out.set(l.id, {
      ...redactLocation(l as unknown as HsdsRow, l.public_latitude, l.public_longitude, l.area_name),
      addresses: addrs
        .filter((a) => a.location_id === l.id)
        .map((a) => (l.is_confidential ? redactAddress(a as unknown as HsdsRow) : pick('address', a))),
      schedules: schedules.filter((z) => z.location_id === l.id).map((z) => pick('schedule', z)),
    } as unknown as HsdsRow);
  }
  return out;
}

/** The fully nested service of the HSDS API (schema/compiled/service.json), public form. */
export async function nestedServices(db: Db, ids: string[]): Promise<HsdsRow[]> {
  if (ids.length === 0) return [];
  const services = await db.selectFrom('service').selectAll().where('id', 'in', ids).execute();
  const orgIds = [...new Set(services.map((s) => s.organization_id))];
  const orgs = await db
    .selectFrom('organization')
    .selectAll()
    .where('id', 'in', orgIds.length ? orgIds : [''])
    .execute();
  const sals = await db.selectFrom('service_at_location').selectAll().where('service_id', 'in', ids).execute();
  const phones = await db.selectFrom('phone').selectAll().where('service_id', 'in', ids).execute();
  const schedules = await db.selectFrom('schedule').selectAll().where('service_id', 'in', ids).execute();
  const langs = await db.selectFrom('language').selectAll().where('service_id', 'in', ids).execute();
  const areas = await db.selectFrom('service_area').selectAll().where('service_id', 'in', ids).execute();
  const contacts = await db.selectFrom('contact').selectAll().where('service_id', 'in', ids).execute();
  const attrs = await db.selectFrom('attribute').selectAll().where('link_id', 'in', ids).execute();
  const locations = await publicLocations(db, [...new Set(sals.map((s) => s.location_id))]);
  const termIds = [...new Set(attrs.map((a) => a.taxonomy_term_id))];
  const terms = await db
    .selectFrom('taxonomy_term')
    .selectAll()
    .where('id', 'in', termIds.length ? termIds : [''])
    .execute();
  const byId = new Map(services.map((s) => [s.id, s]));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => {
      const s = byId.get(id)!;
      const org = orgs.find((o) => o.id === s.organization_id);
      return {
        ...pick('service', s),
        organization: org ? pick('organization', org) : null,
        phones: phones.filter((p) => p.service_id === id).map((p) => pick('phone', p)),
        schedules: schedules.filter((x) => x.service_id === id).map((x) => pick('schedule', x)),
        service_areas: areas.filter((a) => a.service_id === id).map((a) => pick('service_area', a)),
        languages: langs.filter((l) => l.service_id === id).map((l) => pick('language', l)),
        contacts: contacts.filter((c) => c.service_id === id).map((c) => pick('contact', c)),
        attributes: attrs
          .filter((a) => a.link_id === id)
          .map((a) => ({
            ...pick('attribute', a),
            taxonomy_term: (() => {
              const term = terms.find((x) => x.id === a.taxonomy_term_id);
              return term ? pick('taxonomy_term', term) : null;
            })(),
          })),
        service_at_locations: sals
          .filter((x) => x.service_id === id)
          .map((x) => ({ ...pick('service_at_location', x), location: locations.get(x.location_id) ?? null })),
      } as unknown as HsdsRow;
    });
}

/** Services as the API lists them (schema/compiled/service_list.json): one-to-one fields and the organization. */
export async function listedServices(db: Db, ids: string[]): Promise<HsdsRow[]> {
  if (ids.length === 0) return [];
  const services = await db.selectFrom('service').selectAll().where('id', 'in', ids).execute();
  const orgIds = [...new Set(services.map((s) => s.organization_id))];
  const orgs = new Map(
    (
      await db
        .selectFrom('organization')
        .selectAll()
        .where('id', 'in', orgIds.length ? orgIds : [''])
        .execute()
    ).map((o) => [o.id, o]),
  );
  const byId = new Map(services.map((s) => [s.id, s]));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => {
      const s = byId.get(id)!;
      const org = orgs.get(s.organization_id);
      return { ...pick('service', s), organization: org ? pick('organization', org) : null } as unknown as HsdsRow;
    });
}

/**
 * Services at locations, in the order of `ids`. Listed (schema/compiled/service_at_location_list.json): the link
 * with its location's and service's one-to-one fields. Full (compiled/service_at_location.json): the nested
 * location, the fully nested service and the link's own phones, contacts, schedules and service areas.
 */
export async function servicesAtLocations(db: Db, ids: string[], full: boolean): Promise<HsdsRow[]> {
  if (ids.length === 0) return [];
  const sals = await db.selectFrom('service_at_location').selectAll().where('id', 'in', ids).execute();
  const serviceIds = [...new Set(sals.map((x) => x.service_id))];
  const locIds = [...new Set(sals.map((x) => x.location_id))];
  const services = new Map(
    (full ? await nestedServices(db, serviceIds) : await listedServices(db, serviceIds)).map((s) => [
      s.id as string,
      s,
    ]),
  );
  let locations: Map<string, HsdsRow>;
  if (full) locations = await publicLocations(db, locIds);
  else {
    const rows = await db.selectFrom('location').selectAll().where('id', 'in', locIds).execute();
    locations = new Map(
      rows.map((l) => [
        l.id,
        redactLocation(l as unknown as HsdsRow, l.public_latitude, l.public_longitude, l.area_name),
      ]),
    );
  }
  const own = full
    ? {
        phones: await db.selectFrom('phone').selectAll().where('service_at_location_id', 'in', ids).execute(),
        contacts: await db.selectFrom('contact').selectAll().where('service_at_location_id', 'in', ids).execute(),
        schedules: await db.selectFrom('schedule').selectAll().where('service_at_location_id', 'in', ids).execute(),
        service_areas: await db
          .selectFrom('service_area')
          .selectAll()
          .where('service_at_location_id', 'in', ids)
          .execute(),
      }
    : null;
  const byId = new Map(sals.map((x) => [x.id, x]));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => {
      const x = byId.get(id)!;
      const children = own
        ? {
            phones: own.phones.filter((r) => r.service_at_location_id === id).map((r) => pick('phone', r)),
            contacts: own.contacts.filter((r) => r.service_at_location_id === id).map((r) => pick('contact', r)),
            schedules: own.schedules.filter((r) => r.service_at_location_id === id).map((r) => pick('schedule', r)),
            service_areas: own.service_areas
              .filter((r) => r.service_at_location_id === id)
              .map((r) => pick('service_area', r)),
          }
        : {};
      return {
        ...pick('service_at_location', x),
        ...children,
        location: locations.get(x.location_id) ?? null,
        service: services.get(x.service_id) ?? null,
      } as unknown as HsdsRow;
    });
}

/**
 * The fully nested organization (schema/compiled/organization.json): its phones, contacts, locations (public
 * form) and attributes, and its services — one-to-one fields only, or fully nested with `fullServices`.
 */
export async function nestedOrganizations(db: Db, ids: string[], fullServices: boolean): Promise<HsdsRow[]> {
  if (ids.length === 0) return [];
  const orgs = await db.selectFrom('organization').selectAll().where('id', 'in', ids).execute();
  const services = await db
    .selectFrom('service')
    .select(['id', 'organization_id'])
    .where('organization_id', 'in', ids)
    .orderBy('name')
    .orderBy('id')
    .execute();
  const serviceRows = new Map(
    (fullServices
      ? await nestedServices(
          db,
          services.map((s) => s.id),
        )
      : await listedServices(
          db,
          services.map((s) => s.id),
        )
    ).map((s) => [s.id as string, s]),
  );
  const phones = await db.selectFrom('phone').selectAll().where('organization_id', 'in', ids).execute();
  const contacts = await db.selectFrom('contact').selectAll().where('organization_id', 'in', ids).execute();
  const locRows = await db
    .selectFrom('location')
    .select(['id', 'organization_id'])
    .where('organization_id', 'in', ids)
    .orderBy('id')
    .execute();
  const locations = await publicLocations(
    db,
    locRows.map((l) => l.id),
  );
  const attrs = await db.selectFrom('attribute').selectAll().where('link_id', 'in', ids).execute();
  const byId = new Map(orgs.map((o) => [o.id, o]));
  return ids
    .filter((id) => byId.has(id))
    .map(
      (id) =>
        ({
          ...pick('organization', byId.get(id)!),
          phones: phones.filter((p) => p.organization_id === id).map((p) => pick('phone', p)),
          contacts: contacts.filter((c) => c.organization_id === id).map((c) => pick('contact', c)),
          locations: locRows
            .filter((l) => l.organization_id === id)
            .map((l) => locations.get(l.id))
            .filter((l) => l !== undefined),
          attributes: attrs.filter((a) => a.link_id === id).map((a) => pick('attribute', a)),
          services: services
            .filter((s) => s.organization_id === id)
            .map((s) => {
              const row = serviceRows.get(s.id)!;
              if (fullServices) return row;
              const { organization: _omit, ...rest } = row as Record<string, unknown>;
              return rest;
            }),
        }) as unknown as HsdsRow,
    );
}

export async function countRows(db: Executor, table: HsdsTable): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
