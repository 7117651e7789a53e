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

export function redactLocation(row: HsdsRow & { is_confidential?: number | null }, publicLat: number | null, publicLon: number | null, areaName: string | null): HsdsRow {
  const out = pick('location', row);
  if (!row.is_confidential) return out;
  return { ...out, name: areaName, alternate_name: null, description: null, transportation: null, latitude: publicLat, longitude: publicLon, external_identifier: null, external_identifier_type: null };
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
    const rows = (await db.selectFrom(table as 'service').selectAll().where('id', '>', after).orderBy('id').limit(batch).execute()) as unknown as Record<string, unknown>[];
    if (rows.length === 0) return;
    after = String(rows[rows.length - 1]!.id);
    yield rows.map((r) => {
      if (table === 'location') return redactLocation(r as HsdsRow, r.public_latitude as number | null, r.public_longitude as number | null, r.area_name as string | null);
      if (table === 'address' && confidential.has(String(r.location_id))) return redactAddress(r as HsdsRow);
      return pick(table, r);
    });
  }
}

export async function confidentialLocations(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('location').select('id').where('is_confidential', '=', 1).execute();
  return new Set(rows.map((r) => r.id));
}

/** The fully nested service of the HSDS API (schema/compiled/service.json), public form. */
export async function nestedServices(db: Db, ids: string[]): Promise<HsdsRow[]> {
  if (ids.length === 0) return [];
  const services = await db.selectFrom('service').selectAll().where('id', 'in', ids).execute();
  const orgIds = [...new Set(services.map((s) => s.organization_id))];
  const orgs = await db.selectFrom('organization').selectAll().where('id', 'in', orgIds.length ? orgIds : ['']).execute();
  const sals = await db.selectFrom('service_at_location').selectAll().where('service_id', 'in', ids).execute();
  const phones = await db.selectFrom('phone').selectAll().where('service_id', 'in', ids).execute();
  const schedules = await db.selectFrom('schedule').selectAll().where('service_id', 'in', ids).execute();
  const langs = await db.selectFrom('language').selectAll().where('service_id', 'in', ids).execute();
  const areas = await db.selectFrom('service_area').selectAll().where('service_id', 'in', ids).execute();
  const contacts = await db.selectFrom('contact').selectAll().where('service_id', 'in', ids).execute();
  const attrs = await db.selectFrom('attribute').selectAll().where('link_id', 'in', ids).execute();
  const locIds = [...new Set(sals.map((s) => s.location_id))];
  const someLoc = locIds.length ? locIds : [''];
  const locs = await db.selectFrom('location').selectAll().where('id', 'in', someLoc).execute();
  const addrs = await db.selectFrom('address').selectAll().where('location_id', 'in', someLoc).execute();
  const locSchedules = await db.selectFrom('schedule').selectAll().where('location_id', 'in', someLoc).where('service_id', 'is', null).execute();
  const termIds = [...new Set(attrs.map((a) => a.taxonomy_term_id))];
  const terms = await db.selectFrom('taxonomy_term').selectAll().where('id', 'in', termIds.length ? termIds : ['']).execute();
  const byId = new Map(services.map((s) => [s.id, s]));
  return ids.filter((id) => byId.has(id)).map((id) => {
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
      attributes: attrs.filter((a) => a.link_id === id).map((a) => ({ ...pick('attribute', a), taxonomy_term: (() => {
        const term = terms.find((x) => x.id === a.taxonomy_term_id);
        return term ? pick('taxonomy_term', term) : null;
      })() })),
      service_at_locations: sals.filter((x) => x.service_id === id).map((x) => {
        const l = locs.find((y) => y.id === x.location_id);
        const location = l ? {
          ...redactLocation(l as unknown as HsdsRow, l.public_latitude, l.public_longitude, l.area_name),
          addresses: addrs.filter((a) => a.location_id === l.id).map((a) => (l.is_confidential ? redactAddress(a as unknown as HsdsRow) : pick('address', a))),
          schedules: locSchedules.filter((z) => z.location_id === l.id).map((z) => pick('schedule', z)),
        } : null;
        return { ...pick('service_at_location', x), location };
      }),
    } as unknown as HsdsRow;
  });
}

export async function countRows(db: Executor, table: HsdsTable): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
