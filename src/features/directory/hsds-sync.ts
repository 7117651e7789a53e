import { createHash } from 'node:crypto';
import type { Dialect, Executor } from '../../core/db/schema.ts';
import { rowDigest } from './hsds-digest.ts';
import type { PackageData, Row } from './hsds-read.ts';
import * as hsdsRepo from './hsds-repo.ts';
import { LOAD_ORDER, type HsdsTable } from './hsds.ts';

/*
 * Sync: what an import of a package does to records the directory already holds. A record is a service, a
 * location or an organisation with the rows that hang off it (a service's phones, schedules, links to places…;
 * a location's addresses…), or any other row on its own. Records are compared by digest of the lines an export
 * would write for them, so an export imported again is "unchanged" to the byte, confidential places included.
 *
 * For a record already here: the same digest → unchanged; a curator's edit since the last import of it (the
 * directory's digest is not the one that import wrote, hsds_import_state) → a conflict, kept as it is; a
 * package last_modified not newer than the directory's → older, kept; a record never imported here and with
 * no last_modified to go by → a conflict too (the vocabulary excepted: an import replaces it, as it always
 * has). Otherwise the record is replaced by the package's: its rows hanging off it with it.
 */
const OWNERS = ['service', 'location', 'organization'] as const;
type Owner = (typeof OWNERS)[number];
const isOwner = (t: string): t is Owner => (OWNERS as readonly string[]).includes(t);
/** Tables an import may overwrite without a record of importing them (the default vocabulary is replaced). */
const REPLACEABLE = new Set<HsdsTable>(['taxonomy', 'taxonomy_term']);
/** Statuses of a listing that is no longer shown: --remove-missing leaves these alone. */
const RETIRED = new Set(['inactive', 'defunct']);

export interface SyncConflict {
  table: HsdsTable;
  id: string;
  name: string;
}
export interface SyncReport {
  added: number;
  updated: number;
  unchanged: number;
  /** Records whose last_modified in the package is not newer than the directory's: left as they are. */
  older: number;
  /** Records a curator changed since they were imported, or that no import wrote: left as they are. */
  conflicts: SyncConflict[];
  /** Listings set inactive because the package no longer holds them (--remove-missing). */
  retired: { id: string; name: string }[];
}

const keyOf = (table: string, id: string) => `${table}:${id}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const text = (row: object, field: string) => {
  const v: unknown = Reflect.get(row, field);
  return typeof v === 'string' && v !== '' ? v : null;
};
/** Appends to the list under `key` in place (a term may hang off tens of thousands of services: no copies). */
function pushTo<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
const digest = (parts: string[]) => createHash('sha1').update(parts.join('\n')).digest('base64');

/** A row as the import stores it: a confidential location (x-confidential) keeps its flag and its area. */
export function storedRow(table: HsdsTable, r: Row): Row {
  if (table !== 'location') return r;
  const confidential = r.confidential === 'true';
  return {
    ...r,
    is_confidential: confidential ? 1 : 0,
    area_name: confidential ? (r.name ?? null) : null,
    public_latitude: r.latitude ?? null,
    public_longitude: r.longitude ?? null,
  };
}

/**
 * The record a row belongs to: the first owner it names (its service, its service-at-location's service, its
 * location, its organisation; an attribute's linked service, location or organisation), when that owner is
 * there; otherwise the row is a record of its own.
 */
function ownerOf(
  table: HsdsTable,
  row: object,
  salService: Map<string, string>,
  present: Record<Owner, Set<string>>,
): [HsdsTable, string] {
  const id = String(Reflect.get(row, 'id'));
  if (isOwner(table)) return [table, id];
  let owner: [Owner, string | null] | undefined;
  if (table === 'attribute') {
    const entity = text(row, 'link_entity');
    if (entity && isOwner(entity)) owner = [entity, text(row, 'link_id')];
  } else {
    const sal = text(row, 'service_at_location_id');
    const candidates: [Owner, string | null][] = [
      ['service', text(row, 'service_id')],
      ['service', sal && (salService.get(sal) ?? null)],
      ['location', text(row, 'location_id')],
      ['organization', text(row, 'organization_id')],
    ];
    owner = candidates.find(([, o]) => o !== null);
  }
  return owner?.[1] && present[owner[0]].has(owner[1]) ? [owner[0], owner[1]] : [table, id];
}

/** Digests of records, as they are built row by row (sorted when done: rows come in any order). */
class Records {
  readonly digests = new Map<string, string[]>();
  add(key: string, d: string | null) {
    if (d === null) {
      if (!this.digests.has(key)) this.digests.set(key, []);
      return;
    }
    const list = this.digests.get(key);
    if (list) list.push(d);
    else this.digests.set(key, [d]);
  }
  digestOf(key: string): string | undefined {
    const list = this.digests.get(key);
    return list && digest([...list].sort());
  }
}

interface PackageRecords {
  records: Records;
  /** The record of each row, table by table, in the package's row order. */
  recordOfRow: Map<HsdsTable, string[]>;
  info: Map<string, { table: HsdsTable; id: string; name: string; lastModified: string | null }>;
  services: Set<string>;
  servicesOf: (owner: string) => string[];
}

/** The package's records and their digests. */
function packageRecords(data: PackageData): PackageRecords {
  // Only a location's stored row differs from the package's (no copy of the other tables' rows).
  const stored = (t: HsdsTable) => {
    const rows = data.get(t)?.rows ?? [];
    return t === 'location' ? rows.map((r) => storedRow(t, r)) : rows;
  };
  const ids = (t: HsdsTable) => new Set((data.get(t)?.rows ?? []).map((r) => String(r.id)));
  const present = { service: ids('service'), location: ids('location'), organization: ids('organization') };
  const salService = new Map(
    (data.get('service_at_location')?.rows ?? []).map((r) => [String(r.id), String(r.service_id)]),
  );
  // The locations storedRow marks confidential.
  const confidential = new Set(
    (data.get('location')?.rows ?? []).filter((l) => l.confidential === 'true').map((l) => String(l.id)),
  );
  const records = new Records();
  const recordOfRow = new Map<HsdsTable, string[]>();
  const info: PackageRecords['info'] = new Map();
  const related = new Map<string, string[]>();
  for (const table of LOAD_ORDER) {
    const rows = stored(table);
    const keys: string[] = [];
    for (const row of rows) {
      const [t, id] = ownerOf(table, row, salService, present);
      const key = keyOf(t, id);
      keys.push(key);
      records.add(key, rowDigest(table, row, confidential));
      if (t === table && String(row.id) === id)
        info.set(key, {
          table,
          id,
          name: text(row, 'name') ?? '',
          lastModified: table === 'service' ? text(row, 'last_modified') : null,
        });
      const service = table === 'service' ? id : table === 'service_at_location' ? text(row, 'service_id') : null;
      const holder =
        table === 'service'
          ? text(row, 'organization_id')
          : table === 'service_at_location'
            ? text(row, 'location_id')
            : null;
      if (service && holder) pushTo(related, holder, service);
    }
    recordOfRow.set(table, keys);
  }
  return { records, recordOfRow, info, services: present.service, servicesOf: (o) => related.get(o) ?? [] };
}

interface DirectoryRecords {
  records: Records;
  /** The rows of each record of the directory: [table, id]. */
  rowsOf: Map<string, [HsdsTable, string][]>;
  /** The digest of single rows the package holds as records of their own. */
  single: Map<string, string>;
  services: Map<
    string,
    {
      name: string;
      status: string;
      last_modified: string | null;
      slug: string;
      created_at: string;
      verified_by: string | null;
    }
  >;
  names: Map<string, string>;
  /** Services found through a location (service_at_location), an organisation or a term (attribute). */
  servicesOf: Map<string, string[]>;
}

/** The directory's records and their digests, read table by table in batches. */
async function directoryRecords(db: Executor, dialect: Dialect, singles: Set<string>): Promise<DirectoryRecords> {
  const present: Record<Owner, Set<string>> = { service: new Set(), location: new Set(), organization: new Set() };
  const salService = new Map<string, string>();
  const confidential = new Set<string>();
  const out: DirectoryRecords = {
    records: new Records(),
    rowsOf: new Map(),
    single: new Map(),
    services: new Map(),
    names: new Map(),
    servicesOf: new Map(),
  };
  const relate = (holder: string | null, service: string | null) => {
    if (holder && service) pushTo(out.servicesOf, holder, service);
  };
  for (const table of LOAD_ORDER) {
    for await (const rows of hsdsRepo.everyRow(db, dialect, table, 5000)) {
      for (const row of rows) {
        const id = row.id;
        if (isOwner(table)) present[table].add(id);
        if (table === 'service_at_location') salService.set(id, String(Reflect.get(row, 'service_id')));
        if (table === 'location' && Reflect.get(row, 'is_confidential')) confidential.add(id);
        if (table === 'service') {
          const s = row as hsdsRepo.HsdsRowOf<'service'>;
          out.services.set(id, s);
          relate(s.organization_id, id);
        }
        if (table === 'service_at_location') relate(text(row, 'location_id'), text(row, 'service_id'));
        if (table === 'attribute' && text(row, 'link_entity') === 'service')
          relate(text(row, 'taxonomy_term_id'), text(row, 'link_id'));
        const d = rowDigest(table, row, confidential);
        const [t, owner] = ownerOf(table, row, salService, present);
        const key = keyOf(t, owner);
        out.records.add(key, d);
        const list = out.rowsOf.get(key);
        if (list) list.push([table, id]);
        else out.rowsOf.set(key, [[table, id]]);
        if (t === table && owner === id) out.names.set(key, text(row, 'name') ?? '');
        const self = keyOf(table, id);
        if (singles.has(self)) out.single.set(self, digest(d === null ? [] : [d]));
      }
    }
  }
  return out;
}

export type Decision = 'added' | 'updated' | 'unchanged' | 'older' | 'conflict';

/** What to do with one of the package's records. */
function decide(
  table: HsdsTable,
  pkg: string,
  here: string | undefined,
  state: hsdsRepo.ImportState | undefined,
  lastModified: { package: string | null; here: string | null },
): Decision {
  if (here === undefined) return 'added';
  if (here === pkg) return 'unchanged';
  if (state && state.imported_hash !== here) return 'conflict';
  const { package: theirs, here: ours } = lastModified;
  if (theirs && ours && Date.parse(theirs) <= Date.parse(ours)) return 'older';
  if (!state && !REPLACEABLE.has(table) && !(theirs && ours)) return 'conflict';
  return 'updated';
}

/** What a sync writes: the rows to delete first, which package rows to write, the records' new import state. */
export interface SyncPlan {
  report: SyncReport;
  /** Ids to delete, table by table, before the package's rows are written. */
  remove: Map<HsdsTable, string[]>;
  /** Whether the package's row (by table and row index) is written. */
  writes: (table: HsdsTable, index: number) => boolean;
  /** What a replaced service keeps: its address on the site, its creation and its verification. */
  kept: Map<string, { slug: string; created_at: string; verified_by: string | null }>;
  states: hsdsRepo.ImportState[];
  /** Services whose searchable text must be rebuilt. */
  reindex: string[];
  /** Listings to retire, with the status they had. */
  retire: { id: string; before: string }[];
  /** Package rows to write whose id the directory holds in a record that is not replaced: [table, row index]. */
  clashes: [HsdsTable, number][];
}

/**
 * Plans an import of `data` against what the directory holds. With `fresh` (none of the package's tables
 * holds a row here), every record is added without reading the directory.
 */
export async function planSync(
  db: Executor,
  data: PackageData,
  options: { dialect: Dialect; fresh: boolean; removeMissing: boolean },
): Promise<SyncPlan> {
  const pkg = packageRecords(data);
  const singles = new Set([...pkg.records.digests.keys()].filter((k) => !isOwner(k.slice(0, k.indexOf(':')))));
  const here = options.fresh ? undefined : await directoryRecords(db, options.dialect, singles);
  const states = options.fresh ? new Map<string, hsdsRepo.ImportState>() : await hsdsRepo.importStates(db);
  const report: SyncReport = { added: 0, updated: 0, unchanged: 0, older: 0, conflicts: [], retired: [] };
  const plan: SyncPlan = {
    report,
    remove: new Map(),
    writes: () => false,
    kept: new Map(),
    states: [],
    reindex: [],
    retire: [],
    clashes: [],
  };
  const written = new Set<string>();
  const reindex = new Set<string>();
  for (const [key] of pkg.records.digests) {
    const colon = key.indexOf(':');
    const table = key.slice(0, colon) as HsdsTable;
    const id = key.slice(colon + 1);
    const digestHere = here && (isOwner(table) ? here.records.digestOf(key) : here.single.get(key));
    const pkgDigest = pkg.records.digestOf(key)!;
    const info = pkg.info.get(key);
    const state = states.get(key);
    const decision = decide(table, pkgDigest, digestHere, state, {
      package: info?.lastModified ?? null,
      here: table === 'service' ? (here?.services.get(id)?.last_modified ?? null) : null,
    });
    if (decision === 'conflict') {
      report.conflicts.push({ table, id, name: here?.names.get(key) ?? info?.name ?? '' });
      continue;
    }
    if (decision === 'older') {
      report.older++;
      continue;
    }
    if (decision === 'unchanged') report.unchanged++;
    else {
      report[decision]++;
      written.add(key);
      if (here && decision === 'updated') replace(plan, here, table, id, key);
      if (table === 'service') reindex.add(id);
      else for (const s of [...pkg.servicesOf(id), ...(here?.servicesOf.get(id) ?? [])]) reindex.add(s);
    }
    if (decision !== 'unchanged' || state?.imported_hash !== pkgDigest)
      plan.states.push({
        table_name: table,
        id,
        imported_last_modified: info?.lastModified ?? null,
        imported_hash: pkgDigest,
      });
  }
  plan.writes = (table, index) => written.has(pkg.recordOfRow.get(table)![index]!);
  if (here && options.removeMissing && data.has('service'))
    for (const [id, s] of here.services)
      if (!pkg.services.has(id) && !RETIRED.has(s.status)) {
        plan.retire.push({ id, before: s.status });
        report.retired.push({ id, name: s.name });
      }
  // In id order, whatever order the directory's rows were read in.
  plan.retire.sort((a, b) => compare(a.id, b.id));
  report.retired.sort((a, b) => compare(a.id, b.id));
  plan.reindex = [...reindex];
  if (here) plan.clashes = await clashes(db, data, plan);
  report.conflicts.sort((a, b) => a.table.localeCompare(b.table) || a.id.localeCompare(b.id));
  return plan;
}

/** Marks a record of the directory for replacement: its rows are deleted, a service keeps its slug. */
function replace(plan: SyncPlan, here: DirectoryRecords, table: HsdsTable, id: string, key: string) {
  const rows: [HsdsTable, string][] = isOwner(table) ? (here.rowsOf.get(key) ?? []) : [[table, id]];
  for (const [t, rowId] of rows) {
    const list = plan.remove.get(t);
    if (list) list.push(rowId);
    else plan.remove.set(t, [rowId]);
  }
  const service = table === 'service' ? here.services.get(id) : undefined;
  if (service)
    plan.kept.set(id, { slug: service.slug, created_at: service.created_at, verified_by: service.verified_by });
}

/**
 * Rows the plan writes whose id the directory already holds outside what it replaces: a row that moved from
 * one record to another. Writing them would break the table's key, so the import is refused, naming each.
 */
async function clashes(db: Executor, data: PackageData, plan: SyncPlan): Promise<[HsdsTable, number][]> {
  const out: [HsdsTable, number][] = [];
  for (const [table, d] of data) {
    const removed = new Set(plan.remove.get(table) ?? []);
    const rows = d.rows.flatMap((r, i) => (plan.writes(table, i) && !removed.has(String(r.id)) ? [i] : []));
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const taken = new Set(
        await hsdsRepo.existingIds(
          db,
          table,
          chunk.map((j) => String(d.rows[j]!.id)),
        ),
      );
      for (const j of chunk) if (taken.has(String(d.rows[j]!.id))) out.push([table, j]);
    }
  }
  return out;
}
