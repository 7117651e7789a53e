import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Clock } from '../../core/clock.ts';
import type { Db, Dialect } from '../../core/db/schema.ts';
import { recordAudit } from '../../core/audit/index.ts';
import type { Message } from '../../core/i18n/index.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import { EXPORT_EXTENSIONS, EXTENSION_NOTES, extensionColumn, publicRows } from './hsds-data.ts';
import { exportCells, exportColumns, exportHeader } from './hsds-line.ts';
import { locateTables } from './hsds-package.ts';
import { checkReferences, readTable, type Fail, type PackageData, type Row, type TableData } from './hsds-read.ts';
import { planSync, storedRow, type SyncPlan, type SyncReport } from './hsds-sync.ts';
import * as hsdsRepo from './hsds-repo.ts';
import { HSDS_FIELDS, HSDS_FILES, HSDS_TABLES, LOAD_ORDER, type FieldSpec, type HsdsTable } from './hsds.ts';
import { slugify } from './listing-model.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';

/*
 * HSDS tabular data package (https://docs.openreferral.org/en/latest/hsds/tabular_data_package.html):
 * one CSV per table plus datapackage.json. Export writes the public view (confidential locations by
 * area only); import checks every file, row and reference first and writes nothing if anything is wrong.
 */
/** The Frictionless type of a field, as the specification's datapackage.json gives it. */
function frictionlessType(f: FieldSpec): string {
  if (f.tabular) return f.tabular;
  return f.type === 's' ? 'string' : 'number';
}

/** The descriptor of an export: the specification's resources, file names, column order and types. */
export function datapackage() {
  return {
    name: 'alongside-directory',
    title: 'Alongside resource directory (HSDS 3.0)',
    profile: 'tabular-data-package',
    version: '3.0.0',
    resources: HSDS_TABLES.map((table) => {
      // Self-references (a parent organisation, a parent term) are left out, as the specification's are.
      const foreignKeys = HSDS_FIELDS[table]
        .filter((f) => f.ref && f.ref !== table)
        .map((f) => ({ fields: f.name, reference: { resource: f.ref, fields: 'id' } }));
      return {
        name: table,
        path: HSDS_FILES[table],
        profile: 'tabular-data-resource',
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        schema: {
          fields: [
            ...HSDS_FIELDS[table].map((f) => ({
              name: f.name,
              type: frictionlessType(f),
              ...(f.format && f.format !== 'date-time' ? { format: f.format } : {}),
              constraints: {
                required: !!f.required,
                ...(f.name === 'id' ? { unique: true } : {}),
                ...(f.enum ? { enum: [...f.enum] } : {}),
              },
            })),
            ...(EXPORT_EXTENSIONS[table] ?? []).map((name) => ({
              name: extensionColumn(name),
              type: 'string',
              description: EXTENSION_NOTES[name] ?? 'Alongside extension field.',
            })),
          ],
          primaryKey: 'id',
          ...(foreignKeys.length ? { foreignKeys } : {}),
        },
      };
    }),
  };
}

export interface ExportReport {
  counts: Record<HsdsTable, number>;
  /** Rows left out because a field HSDS requires is empty: "file, id: field". */
  leftOut: string[];
}

/** Writes the directory's public view as the specification's tabular data package. */
export async function exportPackage(db: Db, dir: string): Promise<ExportReport> {
  fs.mkdirSync(dir, { recursive: true });
  const report: ExportReport = { counts: {} as Record<HsdsTable, number>, leftOut: [] };
  for (const table of HSDS_TABLES) {
    const columns = exportColumns(table);
    const file = path.join(dir, HSDS_FILES[table]);
    fs.writeFileSync(file, stringify([exportHeader(table)]));
    let n = 0;
    for await (const rows of publicRows(db, table)) {
      const lines: string[][] = [];
      for (const r of rows) {
        const cells = exportCells(table, r, columns);
        if (typeof cells === 'string') report.leftOut.push(`${HSDS_FILES[table]}, ${String(r.id)}: ${cells}`);
        else lines.push(cells);
      }
      fs.appendFileSync(file, stringify(lines));
      n += lines.length;
    }
    report.counts[table] = n;
  }
  fs.writeFileSync(path.join(dir, 'datapackage.json'), JSON.stringify(datapackage(), null, 2) + '\n');
  return report;
}

export interface ImportReport {
  counts: Partial<Record<HsdsTable, number>>;
  ignoredColumns: string[];
  /** With `skipInvalid`: why each row left out was left out. */
  skipped: Message[];
  /** What happened to the records the package holds (and, with `removeMissing`, to those it does not). */
  sync: SyncReport;
}
const MAX_ERRORS = 25;
/** Tables whose rows may already exist (the default vocabulary): imported rows replace them. */
const REPLACEABLE: HsdsTable[] = ['taxonomy', 'taxonomy_term'];

/**
 * The searchable text of every imported service, from the package itself rather than read back
 * from the database (the same parts as repo.reindex puts together).
 */
function packageDocuments(data: Map<HsdsTable, { rows: Row[] }>, termNames: Map<string, string>) {
  const rows = (t: HsdsTable) => data.get(t)?.rows ?? [];
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const byKey = (t: HsdsTable, key: string) => {
    const m = new Map<string, Row[]>();
    for (const r of rows(t)) {
      const k = text(r[key]);
      if (k !== null) (m.get(k) ?? m.set(k, []).get(k)!).push(r);
    }
    return m;
  };
  const organizations = new Map(rows('organization').map((o) => [String(o.id), text(o.name)]));
  const locations = new Map(rows('location').map((l) => [String(l.id), l]));
  const addresses = byKey('address', 'location_id');
  const sal = byKey('service_at_location', 'service_id');
  const attributes = byKey('attribute', 'link_id');
  const languages = byKey('language', 'service_id');
  const areas = byKey('service_area', 'service_id');
  // Services that point at an organisation or a location already in the directory are indexed from the database.
  const needDatabase: string[] = [];
  const complete = rows('service').flatMap((s) => {
    const id = String(s.id);
    if (
      !organizations.has(String(s.organization_id)) ||
      (sal.get(id) ?? []).some((link) => !locations.has(String(link.location_id)))
    ) {
      needDatabase.push(id);
      return [];
    }
    const places = (sal.get(id) ?? []).flatMap((link) => {
      const loc = locations.get(String(link.location_id))!;
      // A location without an address still counts once, as the database's left join does.
      return (addresses.get(String(loc.id)) ?? [{}]).map((ad) =>
        repo.placeText({
          is_confidential: loc.confidential === 'true' ? 1 : 0,
          area_name: loc.confidential === 'true' ? text(loc.name) : null,
          city: text(ad.city),
          region: text(ad.region),
          state_province: text(ad.state_province),
        }),
      );
    });
    return [
      {
        service_id: id,
        body: repo.documentBody({
          service: {
            id,
            name: String(s.name),
            alternate_name: text(s.alternate_name),
            description: text(s.description),
            organization_name: organizations.get(String(s.organization_id)) ?? null,
            eligibility_description: text(s.eligibility_description),
            fees_description: text(s.fees_description),
          },
          terms: (attributes.get(id) ?? [])
            .filter((a) => a.link_entity === 'service')
            .map((a) => termNames.get(String(a.taxonomy_term_id)) ?? '')
            .filter(Boolean),
          languages: (languages.get(id) ?? []).map((l) => text(l.name)),
          places,
          areas: (areas.get(id) ?? []).map((a) => text(a.name)),
        }),
      },
    ];
  });
  return { complete, needDatabase };
}

/** The problems as one message, each on its own line (in whatever language it is read). */
function lines(problems: Message[]): Message {
  const [first, ...rest] = problems;
  if (!first) return msg('importLines', { first: '', rest: '' });
  return rest.length ? msg('importLines', { first, rest: lines(rest) }) : first;
}

/** The rows of a table that a sync writes, as the directory stores them (a service with its address on the site). */
function rowsToWrite(table: HsdsTable, d: TableData, plan: SyncPlan, slugs: Set<string>, now: string) {
  // A plain loop: a flatMap made an array for each of a million rows.
  const rows: Row[] = [];
  for (let i = 0; i < d.rows.length; i++) if (plan.writes(table, i)) rows.push(storedRow(table, d.rows[i]!));
  if (table !== 'service') return rows;
  return rows.map((r) => {
    const kept = plan.kept.get(String(r.id));
    if (kept) return { ...r, ...kept };
    const base = slugify(String(r.name));
    let slug = base;
    for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`;
    slugs.add(slug);
    return { ...r, slug, created_at: now, verified_by: null };
  });
}
/**
 * SQLite's page cache while an import writes (MiB; the connection's own is 1): room for the indexes a
 * 100,000-service import fills, so the transaction's pages are written once rather than spilled again and again.
 */
const BULK_CACHE_MIB = 256;
/** Columns beside the HSDS fields that an import writes. */
const STORED_EXTRA: Partial<Record<HsdsTable, string[]>> = {
  service: ['slug', 'created_at', 'verified_by'],
  // A confidential location comes as its area (x-confidential): its name is the area's, its coordinates
  // the area's centre, and it stays confidential.
  location: ['is_confidential', 'area_name', 'public_latitude', 'public_longitude'],
};

/**
 * Writes a checked package in one transaction: into empty tables as it comes, otherwise as a sync (see
 * hsds-sync.ts) — then indexes the services it wrote and records the import in the audit log.
 */
async function writePackage(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  data: PackageData,
  report: ImportReport,
  removeMissing: boolean,
): Promise<Message[]> {
  const now = clock.now().toISOString();
  let refused: Message[] = [];
  await db.transaction().execute(async (tx) => {
    const synced = [...data.keys()].filter((t) => !REPLACEABLE.includes(t));
    const fresh = !(await hsdsRepo.holdsAnyRow(tx, synced));
    const plan = await planSync(tx, data, { dialect, fresh, removeMissing });
    if (plan.clashes.length) {
      refused = plan.clashes.slice(0, MAX_ERRORS).map(([table, i]) => {
        const d = data.get(table)!;
        const at = msg('importAt', { file: d.file, row: d.lines[i]!, field: 'id' });
        return msg('importIdTaken', { at, id: String(d.rows[i]!.id) });
      });
      return;
    }
    report.sync = plan.report;
    const slugs = await hsdsRepo.serviceSlugs(tx);
    if (fresh)
      for (const table of REPLACEABLE)
        await hsdsRepo.deleteRowsByIds(
          tx,
          table,
          (data.get(table)?.rows ?? []).map((r) => String(r.id)),
        );
    for (const [table, ids] of plan.remove) await hsdsRepo.deleteRowsByIds(tx, table, ids);
    // A first import fills empty tables: their indexes are built once the rows are in.
    const deferred = fresh
      ? await hsdsRepo.dropSecondaryIndexes(tx, dialect, await hsdsRepo.emptyTables(tx, [...synced, 'directory_text']))
      : [];
    for (const table of LOAD_ORDER) {
      const d = data.get(table);
      if (!d) continue;
      const rows = rowsToWrite(table, d, plan, slugs, now);
      await repo.insertRows(tx, table, rows, [...(STORED_EXTRA[table] ?? EXPORT_EXTENSIONS[table] ?? [])]);
      report.counts[table] = rows.length;
    }
    if (fresh) {
      const docs = packageDocuments(data, await repo.termNames(tx));
      await repo.writeDocuments(tx, dialect, docs.complete, { fresh: true });
      await hsdsRepo.buildIndexes(tx, deferred);
      await repo.reindex(tx, dialect, docs.needDatabase, { fresh: true });
      // The fresh path writes text without reindexing: the search rows are built once, set-based.
      await repo.rebuildSearchRows(tx, dialect);
    } else await repo.reindex(tx, dialect, plan.reindex);
    await hsdsRepo.setServiceStatus(tx, plan.retire, 'inactive', now);
    await hsdsRepo.deleteImportStates(
      tx,
      'service',
      plan.retire.map((r) => r.id),
    );
    await hsdsRepo.writeImportStates(tx, plan.states);
    // Fresh statistics for the planner after a bulk load (PostgreSQL would otherwise plan for the empty tables).
    await repo.analyze(tx, [...data.keys()]);
    const counts = Object.entries(report.counts).map(([t, n]) => `${t} ${n}`);
    const s = plan.report;
    const summary = `added ${s.added}, updated ${s.updated}, unchanged ${s.unchanged}, older ${s.older}, conflicts ${s.conflicts.length}, retired ${s.retired.length}`;
    await recordAudit(tx, clock, {
      actorId: null,
      action: 'hsds.import',
      subject: 'directory',
      detail: `${counts.join(', ')}; ${summary}`,
    });
  });
  if (refused.length) return refused;
  await repo.compactText(db, dialect);
  return [];
}

/** The package without its invalid rows (what a `--skip-invalid` import writes). */
function validRows(data: PackageData): PackageData {
  const out: PackageData = new Map();
  for (const [table, d] of data) {
    // A table without invalid rows as it is (a strict import's every table): no copy of its rows.
    if (d.bad.size === 0) {
      out.set(table, d);
      continue;
    }
    const keep = d.rows.flatMap((_, i) => (d.bad.has(i) ? [] : [i]));
    out.set(table, { ...d, rows: keep.map((i) => d.rows[i]!), lines: keep.map((i) => d.lines[i]!), bad: new Map() });
  }
  return out;
}

export interface ImportOptions {
  /** Import every valid row and report the others (and the rows that point at them) instead of refusing. */
  skipInvalid?: boolean;
  /** Retire (set inactive) the directory's listings whose service the package no longer holds. */
  removeMissing?: boolean;
}

/**
 * Reads an HSDS tabular data package into the directory: every file, row and reference is checked first, and
 * nothing is written if anything is wrong (the problem lists each, by file, row and field) — unless
 * `skipInvalid`, when the invalid rows are left out and listed in the report. A problem with a file itself
 * (unreadable, unknown, outside the folder) always refuses the package.
 */
export async function importPackage(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  dir: string,
  options: ImportOptions = {},
): Promise<Result<ImportReport>> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return invalid(msg('importNotFolder', { dir }));
  const problems: Message[] = [];
  const fail: Fail = (problem) => {
    if (problems.length < MAX_ERRORS) problems.push(problem);
  };
  const files = locateTables(dir, fail);
  const report: ImportReport = {
    counts: {},
    ignoredColumns: [],
    skipped: [],
    sync: { added: 0, updated: 0, unchanged: 0, older: 0, conflicts: [], retired: [] },
  };
  const data: PackageData = new Map();
  for (const table of HSDS_TABLES) {
    const tf = files.get(table);
    const read = tf && readTable(table, tf, report.ignoredColumns, fail);
    if (read) data.set(table, read);
  }
  if (data.size === 0 && problems.length === 0) fail(msg('importNoFiles', { dir }));
  if (problems.length) return invalid(msg('importFailed', { errors: lines(problems) }));
  await checkReferences(db, data, !!options.skipInvalid);
  const rowProblems = [...data.values()].flatMap((d) => [...d.bad.values()].flat());
  if (rowProblems.length && !options.skipInvalid)
    return invalid(msg('importFailed', { errors: lines(rowProblems.slice(0, MAX_ERRORS)) }));
  report.skipped = rowProblems;
  const refused = await hsdsRepo.withBulkCache(db, dialect, BULK_CACHE_MIB, () =>
    writePackage(db, dialect, clock, validRows(data), report, !!options.removeMissing),
  );
  if (refused.length) return invalid(msg('importFailed', { errors: lines(refused) }));
  return ok(report);
}
