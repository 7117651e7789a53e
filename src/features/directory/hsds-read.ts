import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Db } from '../../core/db/schema.ts';
import type { Message } from '../../core/i18n/index.ts';
import { decodeUtf8Marked, findTextFault } from '../../core/text/gate.ts';
import { textFaultMessage } from '../../core/text/messages.ts';
import { checkUrl } from '../../core/text/urls.ts';
import { EXPORT_EXTENSIONS, extensionColumn } from './hsds-data.ts';
import { plainCsv } from './csv-records.ts';
import { withoutBom, type TableFile } from './hsds-package.ts';
import * as hsdsRepo from './hsds-repo.ts';
import { HSDS_FIELDS, HSDS_TABLES, type FieldSpec, type HsdsTable } from './hsds.ts';
import { msg } from './messages.ts';

/*
 * Reading a package's tables and checking them, row by row: every cell against its field (type, UUID, date and
 * time formats, enums, length), every id once, every reference to a row in the package or in the directory.
 * A problem belongs to its row, so that `--skip-invalid` can leave out exactly the rows that are wrong (and the
 * rows that point at them) while a strict import refuses the package and names every problem.
 */
export type Cell = string | number | null;
export type Row = Record<string, Cell>;
export interface TableData {
  file: string;
  rows: Row[];
  /** The CSV line of each row (a header is line 1). */
  lines: number[];
  /** Problems by row index; a row with one is invalid. */
  bad: Map<number, Message[]>;
}
export type PackageData = Map<HsdsTable, TableData>;
/** Problems of the package as a whole (a broken file, a missing column): never skipped. */
export type Fail = (problem: Message) => void;

/** Longest cell accepted: a description of a few pages; a 10 MB cell is refused by name. */
export const MAX_CELL = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORMATS = {
  date: { re: /^\d{4}-\d{2}-\d{2}$/, example: 'YYYY-MM-DD' },
  // A zone on the time is read too (earlier exports wrote one); an export moves it to `timezone`.
  time: { re: /^\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$/, example: 'HH:MM:SS' },
  datetime: {
    re: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
    example: 'YYYY-MM-DDTHH:MM:SSZ',
  },
} as const;

/** Fields that must have a value for a row to be usable here (beyond what HSDS requires, which has defaults). */
const MUST_HAVE: Partial<Record<HsdsTable, string[]>> = {
  organization: ['name'],
  service: ['name', 'organization_id'],
  service_at_location: ['service_id', 'location_id'],
  phone: ['number'],
  taxonomy: ['name'],
  taxonomy_term: ['name'],
  attribute: ['link_id', 'taxonomy_term_id', 'link_entity'],
  program: ['name', 'organization_id'],
  cost_option: ['service_id'],
  organization_identifier: ['organization_id', 'identifier_type', 'identifier'],
};
/** Defaults for fields HSDS marks required that published packages often leave empty. */
const DEFAULTS: Partial<Record<HsdsTable, Record<string, string>>> = {
  organization: { description: '' },
  program: { description: '' },
  service: { status: 'active' },
  location: { location_type: 'physical' },
  address: { address_1: '', city: '', state_province: '', postal_code: '', country: '', address_type: 'physical' },
  taxonomy: { description: '' },
  taxonomy_term: { description: '' },
};
/** The columns a file must have (the others may be absent: an absent column is an empty one). */
export const requiredColumns = (table: HsdsTable) => ['id', ...(MUST_HAVE[table] ?? [])];

/** A CSV file read: its header, then its records one by one (`index` counts the header as 0). */
interface CsvFile {
  header: string[];
  eachRecord(fn: (cells: string[], index: number) => void): void;
  /**
   * The whole file passes the text gate, so every cell does (a cell is a piece of the text, its quotes taken off;
   * valid UTF-8 holds no lone surrogate to cut in two) and the cells need not be checked one by one.
   */
  clean: boolean;
}

/** A CSV file's records in memory, as a CsvFile. */
function inMemory(records: string[][], clean: boolean): CsvFile {
  return {
    header: records[0]!,
    clean,
    eachRecord(fn) {
      for (let i = 1; i < records.length; i++) fn(records[i]!, i);
    },
  };
}

/**
 * A CSV file's records, or null (with the reason) when it cannot be read or has no header. Cells are split on
 * bytes and then decoded one by one (bytes that are not UTF-8 marked, see decodeUtf8Marked), so the text gate
 * can name the row and field of a bad byte.
 */
function readCsv(full: string, file: string, fail: Fail): CsvFile | null {
  const bytes = withoutBom(fs.readFileSync(full));
  const options = { skip_empty_lines: true, relax_column_count: false, max_record_size: MAX_CELL * 64 };
  let records: Uint8Array[][];
  try {
    // A file that is UTF-8 throughout (nearly every one) is parsed as text: the same cells, at a third of the
    // cost of decoding each cell apart (a 100,000-service package has some three million).
    if (isUtf8(bytes)) {
      const whole = bytes.toString('utf8');
      const clean = findTextFault(whole, true) === null;
      // Plain CSV (nearly every file) is read record by record, each dropped once checked; anything else by
      // csv-parse, whole. The limit in characters keeps well inside csv-parse's in bytes (3 bytes at most each).
      const plain = plainCsv(whole, options.max_record_size / 4);
      if (plain) {
        let header: string[] = [];
        plain.each((cells) => {
          header = cells;
          return false;
        });
        return { header, clean, eachRecord: (fn) => plain.each((cells, i) => void (i > 0 && fn(cells, i))) };
      }
      const text = parse(whole, options) as string[][];
      if (text.length === 0) fail(msg('importEmptyFile', { file }));
      return text.length ? inMemory(text, clean) : null;
    }
    records = parse(bytes, { ...options, encoding: null }) as unknown as Uint8Array[][];
  } catch {
    // The same parse as text gives the reason in words (as bytes it would quote byte lists).
    try {
      parse(bytes, options);
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]?.slice(0, 200) ?? '';
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
  return inMemory(
    records.map((record) => record.map((cell) => decodeUtf8Marked(cell))),
    false,
  );
}

/** A header cell the text gate refuses makes the file unusable: each is named by its column. */
function headerClean(file: string, header: string[], fail: Fail): boolean {
  let clean = true;
  header.forEach((name, j) => {
    const fault = findTextFault(name, false);
    if (!fault) return;
    clean = false;
    fail(textFaultMessage(msg('importAtHeader', { file, column: j + 1 }), fault));
  });
  return clean;
}

/**
 * Every cell of a row through the text gate (multi-line text allowed: descriptions span lines), the columns
 * the directory does not use too; a refused cell is a problem of its row. Returns the refused columns, so no
 * other check repeats them.
 */
function refusedCells(file: string, line: number, header: string[], rec: string[], bad: Fail): Set<number> {
  const refused = new Set<number>();
  rec.forEach((cell, j) => {
    const fault = findTextFault(cell, true);
    if (!fault) return;
    refused.add(j);
    bad(textFaultMessage(msg('importAt', { file, row: line, field: header[j]!.slice(0, 100) }), fault));
  });
  return refused;
}

/**
 * One field's value from the file, checked against the specification; undefined when it is refused. `where`
 * names the cell only when there is a problem (a package holds millions of cells, nearly all of them fine).
 */
function fieldValue(table: HsdsTable, f: FieldSpec, raw: string, where: () => Message, bad: Fail): Cell | undefined {
  if (raw === '') {
    if (f.name === 'id' || MUST_HAVE[table]?.includes(f.name)) bad(msg('importRequired', { at: where() }));
    return DEFAULTS[table]?.[f.name] ?? null;
  }
  if (raw.length > MAX_CELL) {
    bad(msg('importTooLong', { at: where() }));
    return undefined;
  }
  const value = raw.slice(0, 40);
  if (f.type !== 's') {
    const n = Number(raw);
    if (!Number.isFinite(n) || (f.type === 'i' && !Number.isInteger(n))) {
      bad(msg(f.type === 'i' ? 'importNotWhole' : 'importNotNumber', { at: where(), value }));
      return undefined;
    }
    if ((f.name === 'latitude' && Math.abs(n) > 90) || (f.name === 'longitude' && Math.abs(n) > 180)) {
      bad(msg('importOutOfRange', { at: where(), value: n }));
      return undefined;
    }
    return n;
  }
  if (f.format === 'uuid' && !UUID.test(raw)) {
    bad(msg('importNotUuid', { at: where(), value }));
    return undefined;
  }
  const format = f.tabular ? FORMATS[f.tabular] : undefined;
  if (format && !format.re.test(raw)) {
    bad(msg('importNotDate', { at: where(), value, type: f.tabular!, example: format.example }));
    return undefined;
  }
  if (f.enum && !f.enum.includes(raw)) {
    bad(msg('importNotOneOf', { at: where(), value, allowed: f.enum.join(', ') }));
    return undefined;
  }
  // Addresses become links on the listing page and in the API: only http(s) ones.
  if (f.format === 'uri' && !checkUrl(raw).ok) {
    bad(msg('importNotWebAddress', { at: where(), value: raw.slice(0, 60) }));
    return undefined;
  }
  return raw;
}

/** One table's file: its header checked, every row read and checked; null when the file cannot be used at all. */
export function readTable(table: HsdsTable, tf: TableFile, ignoredColumns: string[], fail: Fail): TableData | null {
  const { file } = tf;
  const csv = readCsv(tf.full, file, fail);
  if (!csv || !headerClean(file, csv.header, fail)) return null;
  const header = csv.header.map((h) => h.trim());
  const fields = HSDS_FIELDS[table];
  const extensions = EXPORT_EXTENSIONS[table] ?? [];
  const known = new Set([...fields.map((f) => f.name), ...extensions, ...extensions.map(extensionColumn)]);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) fail(msg('importColumnTwice', { file, column: dup.slice(0, 100) }));
  const missing = requiredColumns(table).filter((c) => !header.includes(c));
  if (missing.length) {
    const params = {
      file,
      missing: missing.map((m) => `"${m}"`).join(', '),
      found: header.slice(0, 12).join(', ').slice(0, 300),
    };
    fail(msg(missing.length > 1 ? 'importMissingColumns' : 'importMissingColumn', params));
    return null;
  }
  ignoredColumns.push(...header.filter((h) => !known.has(h)).map((h) => `${file}:${h.slice(0, 100)}`));
  const index = new Map(header.map((h, i) => [h, i]));
  // Each field's column, looked up once per file rather than once per row.
  const fieldColumns = fields.map((f) => [f, index.get(f.name)] as const);
  const extensionColumns = extensions.map((e) => [e, index.get(extensionColumn(e)) ?? index.get(e)] as const);
  const data: TableData = { file, rows: [], lines: [], bad: new Map() };
  const seen = new Set<string>();
  const noneRefused = new Set<number>();
  csv.eachRecord((rec, i) => {
    const r = data.rows.length;
    const bad: Fail = (problem) => (data.bad.get(r) ?? data.bad.set(r, []).get(r)!).push(problem);
    const row: Row = {};
    const refused = csv.clean ? noneRefused : refusedCells(file, i + 1, header, rec, bad);
    for (const [f, idx] of fieldColumns) {
      if (idx !== undefined && refused.has(idx)) continue;
      const raw = idx === undefined ? '' : (rec[idx] ?? '').trim();
      const value = fieldValue(table, f, raw, () => msg('importAt', { file, row: i + 1, field: f.name }), bad);
      if (value !== undefined) row[f.name] = value;
    }
    for (const [e, idx] of extensionColumns) {
      if (idx !== undefined && refused.has(idx)) continue;
      const raw = idx === undefined ? '' : (rec[idx] ?? '').trim();
      if (raw.length > MAX_CELL) bad(msg('importTooLong', { at: msg('importAt', { file, row: i + 1, field: e }) }));
      else row[e] = raw || null;
    }
    const id = typeof row.id === 'string' ? row.id : '';
    if (id && seen.has(id)) bad(msg('importIdTwice', { at: msg('importAt', { file, row: i + 1, field: 'id' }), id }));
    seen.add(id);
    data.rows.push(row);
    data.lines.push(i + 1);
  });
  return data;
}

const isHsdsTable = (name: string): name is HsdsTable => (HSDS_TABLES as readonly string[]).includes(name);

/** The references of one row: [field, table, id] for each filled reference (an attribute's link too). */
function referencesOf(table: HsdsTable, row: Row): [string, HsdsTable, string][] {
  const out: [string, HsdsTable, string][] = [];
  for (const f of HSDS_FIELDS[table])
    if (f.ref && typeof row[f.name] === 'string') out.push([f.name, f.ref, row[f.name] as string]);
  // An attribute's link: a row of the table it names (attributes of other tables are kept as they are).
  if (table === 'attribute') {
    const entity = String(row.link_entity ?? '');
    if (isHsdsTable(entity) && typeof row.link_id === 'string') out.push(['link_id', entity, row.link_id]);
  }
  return out;
}

/**
 * Marks every row whose reference matches no valid row of the package and no row of the directory. When rows
 * are left out (`cascade`), rows pointing at them are left out too, until nothing changes.
 */
export async function checkReferences(db: Db, data: PackageData, cascade: boolean) {
  const dbHits = new Map<string, boolean>();
  const inDatabase = async (table: HsdsTable, id: string) => {
    const key = `${table}:${id}`;
    let hit = dbHits.get(key);
    if (hit === undefined) dbHits.set(key, (hit = await hsdsRepo.idExists(db, table, id)));
    return hit;
  };
  const all = new Map<HsdsTable, Set<string>>();
  for (const [table, d] of data) all.set(table, new Set(d.rows.map((r) => String(r.id))));
  for (let changed = true; changed;) {
    changed = false;
    // Strict, a reference to a row that is in the package but wrong is not a problem of its own.
    const valid = new Map<HsdsTable, Set<string>>();
    for (const [table, d] of data)
      valid.set(
        table,
        cascade ? new Set(d.rows.flatMap((r, i) => (d.bad.has(i) ? [] : [String(r.id)]))) : all.get(table)!,
      );
    for (const [table, d] of data) {
      for (let i = 0; i < d.rows.length; i++) {
        if (d.bad.has(i)) continue;
        for (const [field, target, id] of referencesOf(table, d.rows[i]!)) {
          if (valid.get(target)?.has(id) || (!all.get(target)?.has(id) && (await inDatabase(target, id)))) continue;
          const at = msg('importAt', { file: d.file, row: d.lines[i]!, field });
          d.bad.set(i, [msg('importNoMatch', { at, value: id.slice(0, 60), table: target })]);
          changed = cascade;
          break;
        }
      }
    }
  }
}
