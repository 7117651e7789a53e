import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Clock } from '../../core/clock.ts';
import type { Db, Dialect } from '../../core/db/schema.ts';
import { recordAudit } from '../../core/audit/index.ts';
import type { Message } from '../../core/i18n/index.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import { decodeUtf8Marked, findTextFault, type TextFault } from '../../core/text/gate.ts';
import { textFaultMessage } from '../../core/text/messages.ts';
import { checkUrl } from '../../core/text/urls.ts';
import { EXPORT_EXTENSIONS, publicRows } from './hsds-data.ts';
import * as hsdsRepo from './hsds-repo.ts';
import { HSDS_FIELDS, HSDS_TABLES, LOAD_ORDER, type FieldSpec, type HsdsTable } from './hsds.ts';
import { slugify } from './listing-model.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';

/*
 * HSDS tabular data package (https://docs.openreferral.org/en/latest/hsds/tabular_data_package.html):
 * one CSV per table plus datapackage.json. Export writes the public view (confidential locations by
 * area only); import checks every file, row and reference first and writes nothing if anything is wrong.
 */
const FRICTIONLESS_TYPE: Record<FieldSpec['type'], string> = { s: 'string', n: 'number', i: 'integer' };

export function datapackage() {
  return {
    name: 'alongside-directory',
    title: 'Alongside resource directory (HSDS 3.0)',
    profile: 'tabular-data-package',
    resources: HSDS_TABLES.map((table) => ({
      name: table,
      path: `${table}.csv`,
      profile: 'tabular-data-resource',
      format: 'csv',
      mediatype: 'text/csv',
      encoding: 'utf-8',
      schema: {
        fields: [
          ...HSDS_FIELDS[table].map((f) => ({
            name: f.name,
            type: FRICTIONLESS_TYPE[f.type],
            ...(f.format && f.format !== 'uuid' ? { format: f.format === 'date-time' ? 'default' : f.format } : {}),
            constraints: {
              required: !!f.required,
              ...(f.name === 'id' ? { unique: true } : {}),
              ...(f.enum ? { enum: [...f.enum] } : {}),
            },
          })),
          ...(EXPORT_EXTENSIONS[table] ?? []).map((name) => ({
            name,
            type: 'string',
            description: 'Alongside extension field.',
          })),
        ],
        primaryKey: 'id',
        foreignKeys: HSDS_FIELDS[table]
          .filter((f) => f.ref)
          .map((f) => ({ fields: f.name, reference: { resource: f.ref, fields: 'id' } })),
      },
    })),
  };
}

export async function exportPackage(db: Db, dir: string): Promise<Record<HsdsTable, number>> {
  fs.mkdirSync(dir, { recursive: true });
  const counts = {} as Record<HsdsTable, number>;
  for (const table of HSDS_TABLES) {
    const columns = [...HSDS_FIELDS[table].map((f) => f.name), ...(EXPORT_EXTENSIONS[table] ?? [])];
    const file = path.join(dir, `${table}.csv`);
    fs.writeFileSync(file, stringify([columns]));
    let n = 0;
    for await (const rows of publicRows(db, table)) {
      fs.appendFileSync(
        file,
        stringify(rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))))),
      );
      n += rows.length;
    }
    counts[table] = n;
  }
  fs.writeFileSync(path.join(dir, 'datapackage.json'), JSON.stringify(datapackage(), null, 2) + '\n');
  return counts;
}

export interface ImportReport {
  counts: Partial<Record<HsdsTable, number>>;
  ignoredFiles: string[];
  ignoredColumns: string[];
}
type Row = Record<string, string | number | null>;
const MAX_ERRORS = 25;

/** Tables whose rows may already exist (the default vocabulary): imported rows replace them. */
const REPLACEABLE: HsdsTable[] = ['taxonomy', 'taxonomy_term'];
/** Fields that must have a value for a row to be usable here. */
const MUST_HAVE: Partial<Record<HsdsTable, string[]>> = {
  organization: ['name'],
  service: ['name', 'organization_id'],
  service_at_location: ['service_id', 'location_id'],
  phone: ['number'],
  taxonomy: ['name'],
  taxonomy_term: ['name'],
  attribute: ['link_id', 'taxonomy_term_id', 'link_entity'],
};
/** Defaults for fields HSDS marks required that published packages often leave empty. */
const DEFAULTS: Partial<Record<HsdsTable, Record<string, string>>> = {
  organization: { description: '' },
  service: { status: 'active' },
  location: { location_type: 'physical' },
  address: { address_1: '', city: '', state_province: '', postal_code: '', country: '', address_type: 'physical' },
  taxonomy: { description: '' },
  taxonomy_term: { description: '' },
};

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
          is_confidential: 0,
          area_name: null,
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

type PackageData = Map<HsdsTable, { rows: Row[]; lines: number[] }>;
/** Collects what is wrong with a package, up to MAX_ERRORS messages. */
type Fail = (problem: Message) => void;

/** The problems as one message, each on its own line (in whatever language it is read). */
function lines(problems: Message[]): Message {
  const [first, ...rest] = problems;
  if (!first) return msg('importLines', { first: '', rest: '' });
  return rest.length ? msg('importLines', { first, rest: lines(rest) }) : first;
}

/** datapackage.json, when there is one, must be JSON with a list of resources, every string in it clean text. */
function checkDescriptor(dir: string, fail: Fail) {
  const file = 'datapackage.json';
  const dpPath = path.join(dir, file);
  if (!fs.existsSync(dpPath)) return;
  let dp: unknown;
  try {
    dp = JSON.parse(decodeUtf8Marked(withoutBom(fs.readFileSync(dpPath))));
  } catch (err) {
    fail(msg('importBadJson', { reason: err instanceof Error ? err.message : String(err) }));
    return;
  }
  checkJsonText(dp, '', (field, fault) => fail(textFaultMessage(msg('importAtJson', { file, field }), fault)));
  const resources: unknown = typeof dp === 'object' && dp !== null ? Reflect.get(dp, 'resources') : undefined;
  if (!Array.isArray(resources)) fail(msg('importNoResources'));
}

/** Every string and key in a JSON value through the text gate; `field` is its path (resources[0].title). */
function checkJsonText(value: unknown, field: string, refuse: (field: string, fault: TextFault) => void) {
  if (typeof value === 'string') {
    const fault = findTextFault(value, true);
    if (fault) refuse(field || '(the document)', fault);
  } else if (Array.isArray(value)) {
    value.forEach((inner, i) => checkJsonText(inner, `${field}[${i}]`, refuse));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const keyFault = findTextFault(key, false);
      // A refused key is not printed: the path stops at its parent.
      if (keyFault) refuse(`${field || '(the document)'} (a key)`, keyFault);
      else checkJsonText(inner, field ? `${field}.${key}` : key, refuse);
    }
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const withoutBom = (bytes: Buffer) => (UTF8_BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(3) : bytes);

/**
 * A CSV file's records, or null (with the reason) when it cannot be read or has no header. Cells are
 * split on bytes and then decoded one by one (bytes that are not UTF-8 marked, see decodeUtf8Marked),
 * so the text gate can name the row and field of a bad byte.
 */
function readCsv(full: string, file: string, fail: Fail): string[][] | null {
  const bytes = withoutBom(fs.readFileSync(full));
  let records: Uint8Array[][];
  try {
    records = parse(bytes, {
      encoding: null,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as unknown as Uint8Array[][];
  } catch {
    // The same parse as text gives the reason in words (as bytes it would quote byte lists).
    try {
      parse(bytes, { skip_empty_lines: true, relax_column_count: false });
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
      const line: unknown = typeof err === 'object' && err !== null ? Reflect.get(err, 'lines') : undefined;
      fail(
        typeof line === 'number' && line
          ? msg('importBrokenCsvNear', { file, line, reason })
          : msg('importBrokenCsv', { file, reason }),
      );
    }
    return null;
  }
  if (records.length === 0) {
    fail(msg('importEmptyFile', { file }));
    return null;
  }
  return records.map((record) => record.map((cell) => decodeUtf8Marked(cell)));
}

/**
 * Every cell through the text gate (multi-line text allowed: descriptions span lines). Refused
 * cells are reported by row and field and returned as "row:column" so no other check repeats them;
 * a refused header cell makes the file unusable (null).
 */
function refusedCells(file: string, records: string[][], fail: Fail): Set<string> | null {
  const header = records[0]!;
  let headerRefused = false;
  header.forEach((name, j) => {
    const fault = findTextFault(name, false);
    if (!fault) return;
    headerRefused = true;
    fail(textFaultMessage(msg('importAtHeader', { file, column: j + 1 }), fault));
  });
  if (headerRefused) return null;
  const refused = new Set<string>();
  for (let i = 1; i < records.length; i++) {
    records[i]!.forEach((cell, j) => {
      const fault = findTextFault(cell, true);
      if (!fault) return;
      refused.add(`${i}:${j}`);
      fail(textFaultMessage(msg('importAt', { file, row: i + 1, field: header[j]!.trim() }), fault));
    });
  }
  return refused;
}

/** One field's value from the file, checked against the specification; undefined when it is refused. */
function fieldValue(table: HsdsTable, f: FieldSpec, raw: string, at: Message, fail: Fail): Row[string] | undefined {
  if (raw === '') {
    if (f.name === 'id' || MUST_HAVE[table]?.includes(f.name)) fail(msg('importRequired', { at }));
    return DEFAULTS[table]?.[f.name] ?? null;
  }
  if (f.type !== 's') {
    const n = Number(raw);
    if (!Number.isFinite(n) || (f.type === 'i' && !Number.isInteger(n))) {
      fail(msg(f.type === 'i' ? 'importNotWhole' : 'importNotNumber', { at, value: raw.slice(0, 40) }));
      return undefined;
    }
    if ((f.name === 'latitude' && Math.abs(n) > 90) || (f.name === 'longitude' && Math.abs(n) > 180))
      fail(msg('importOutOfRange', { at, value: n }));
    return n;
  }
  if (f.enum && !f.enum.includes(raw)) {
    fail(msg('importNotOneOf', { at, value: raw.slice(0, 40), allowed: f.enum.join(', ') }));
    return undefined;
  }
  if (raw.length > 20000) fail(msg('importTooLong', { at }));
  // Addresses become links on the listing page: only http(s) ones.
  if (f.format === 'uri' && !checkUrl(raw).ok) {
    fail(msg('importNotWebAddress', { at, value: raw.slice(0, 60) }));
    return undefined;
  }
  return raw;
}

/** One table's file: its header checked, every row read and checked; null when it cannot be used at all. */
function readTable(dir: string, table: HsdsTable, report: ImportReport, fail: Fail) {
  const file = `${table}.csv`;
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) return null;
  const records = readCsv(full, file, fail);
  if (!records) return null;
  const refused = refusedCells(file, records, fail);
  if (!refused) return null;
  const header = records[0]!.map((h) => h.trim());
  const fields = HSDS_FIELDS[table];
  const known = new Set([...fields.map((f) => f.name), ...(EXPORT_EXTENSIONS[table] ?? [])]);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) fail(msg('importColumnTwice', { file, column: dup }));
  const missing = ['id', ...(MUST_HAVE[table] ?? [])].filter((c) => !header.includes(c));
  if (missing.length) {
    const params = { file, missing: missing.map((m) => `"${m}"`).join(', '), found: header.slice(0, 12).join(', ') };
    fail(msg(missing.length > 1 ? 'importMissingColumns' : 'importMissingColumn', params));
    return null;
  }
  report.ignoredColumns.push(...header.filter((h) => !known.has(h)).map((h) => `${file}:${h}`));
  const rows: Row[] = [];
  const lines: number[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < records.length; i++) {
    const rec = records[i]!;
    const row: Row = {};
    for (const f of fields) {
      const idx = header.indexOf(f.name);
      if (refused.has(`${i}:${idx}`)) continue;
      const raw = idx === -1 ? '' : (rec[idx] ?? '').trim();
      const value = fieldValue(table, f, raw, msg('importAt', { file, row: i + 1, field: f.name }), fail);
      if (value !== undefined) row[f.name] = value;
    }
    for (const e of EXPORT_EXTENSIONS[table] ?? []) {
      const idx = header.indexOf(e);
      row[e] = idx === -1 ? null : (rec[idx] ?? '').trim() || null;
    }
    const id = String(row.id ?? '');
    if (id && seen.has(id)) fail(msg('importIdTwice', { at: msg('importAt', { file, row: i + 1, field: 'id' }), id }));
    seen.add(id);
    rows.push(row);
    lines.push(i + 1);
  }
  return { rows, lines };
}

/** Every id a row points to must be in the package or already in the directory; new rows must not collide with it. */
async function checkReferences(db: Db, data: PackageData, fail: Fail) {
  const ids = new Map<HsdsTable, Set<string>>();
  for (const [table, d] of data) ids.set(table, new Set(d.rows.map((r) => String(r.id))));
  const dbHits = new Map<string, boolean>();
  const known = async (table: HsdsTable, id: string) => {
    if (ids.get(table)?.has(id)) return true;
    const key = `${table}:${id}`;
    let hit = dbHits.get(key);
    if (hit === undefined) dbHits.set(key, (hit = await hsdsRepo.idExists(db, table, id)));
    return hit;
  };
  for (const [table, d] of data) {
    const at = (i: number, field: string) => msg('importAt', { file: `${table}.csv`, row: d.lines[i]!, field });
    for (const f of HSDS_FIELDS[table].filter((x) => x.ref)) {
      for (let i = 0; i < d.rows.length; i++) {
        const v = d.rows[i]![f.name];
        if (v === null || v === undefined || (await known(f.ref!, String(v)))) continue;
        fail(msg('importNoMatch', { at: at(i, f.name), value: String(v).slice(0, 60), table: f.ref! }));
      }
    }
    if (table === 'attribute') {
      for (let i = 0; i < d.rows.length; i++) {
        const entity = String(d.rows[i]!.link_entity ?? '');
        const link = String(d.rows[i]!.link_id ?? '');
        // Attributes of tables not stored here are kept as they are.
        if (!isHsdsTable(entity) || (await known(entity, link))) continue;
        fail(msg('importNoMatch', { at: at(i, 'link_id'), value: link.slice(0, 60), table: entity }));
      }
    }
    // New rows must not collide with rows already in the directory (the vocabulary may be replaced).
    if (REPLACEABLE.includes(table)) continue;
    for (let i = 0; i < d.rows.length; i += 500) {
      const clash = await hsdsRepo.anyExistingId(
        db,
        table,
        d.rows.slice(i, i + 500).map((r) => String(r.id)),
      );
      if (clash) fail(msg('importIdTaken', { file: `${table}.csv`, id: clash }));
    }
  }
}
const isHsdsTable = (name: string): name is HsdsTable => (HSDS_TABLES as readonly string[]).includes(name);

/** Writes a checked package in one transaction, indexes its services, and records the import in the audit log. */
async function writePackage(db: Db, dialect: Dialect, clock: Clock, data: PackageData, report: ImportReport) {
  const now = clock.now().toISOString();
  const slugs = await hsdsRepo.serviceSlugs(db);
  await db.transaction().execute(async (tx) => {
    for (const table of LOAD_ORDER) {
      const d = data.get(table);
      if (!d) continue;
      let rows: Row[] = d.rows;
      const extra = [...(EXPORT_EXTENSIONS[table] ?? [])];
      if (table === 'taxonomy' || table === 'taxonomy_term')
        await hsdsRepo.deleteVocabularyRows(
          tx,
          table,
          rows.map((r) => String(r.id)),
        );
      if (table === 'service') {
        extra.push('slug', 'created_at');
        rows = rows.map((r) => {
          const base = slugify(String(r.name));
          let slug = base;
          for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`;
          slugs.add(slug);
          return { ...r, slug, created_at: now };
        });
      }
      if (table === 'location') {
        extra.push('is_confidential', 'public_latitude', 'public_longitude');
        rows = rows.map((r) => ({
          ...r,
          is_confidential: 0,
          public_latitude: r.latitude ?? null,
          public_longitude: r.longitude ?? null,
        }));
      }
      await repo.insertRows(tx, table, rows, extra);
      report.counts[table] = rows.length;
    }
    const docs = packageDocuments(data, await repo.termNames(tx));
    await repo.writeDocuments(tx, dialect, docs.complete, { fresh: true });
    await repo.reindex(tx, dialect, docs.needDatabase, { fresh: true });
    // Fresh statistics for the planner after a bulk load (PostgreSQL would otherwise plan for the empty tables).
    await repo.analyze(tx, [...data.keys()]);
    const counts = Object.entries(report.counts).map(([t, n]) => `${t} ${n}`);
    await recordAudit(tx, clock, {
      actorId: null,
      action: 'hsds.import',
      subject: 'directory',
      detail: counts.join(', '),
    });
  });
  await repo.compactText(db, dialect);
}

/**
 * Reads an HSDS tabular data package into the directory: every file, row and reference is checked
 * first, and nothing is written if anything is wrong (the problem lists each, by file, row and field).
 */
export async function importPackage(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  dir: string,
): Promise<Result<ImportReport>> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return invalid(msg('importNotFolder', { dir }));
  const problems: Message[] = [];
  const fail: Fail = (problem) => {
    if (problems.length < MAX_ERRORS) problems.push(problem);
  };
  checkDescriptor(dir, fail);
  const files = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.csv'));
  const report: ImportReport = {
    counts: {},
    ignoredFiles: files.filter((f) => !isHsdsTable(f.slice(0, -4))),
    ignoredColumns: [],
  };
  const data: PackageData = new Map();
  for (const table of HSDS_TABLES) {
    const read = readTable(dir, table, report, fail);
    if (read) data.set(table, read);
  }
  if (data.size === 0 && problems.length === 0) fail(msg('importNoFiles', { dir }));
  await checkReferences(db, data, fail);
  if (problems.length) return invalid(msg('importFailed', { errors: lines(problems) }));
  await writePackage(db, dialect, clock, data, report);
  return ok(report);
}
