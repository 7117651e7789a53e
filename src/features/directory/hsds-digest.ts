import { publicRow } from './hsds-data.ts';
import { exportCells, exportColumns } from './hsds-line.ts';
import { HSDS_FIELDS, type HsdsTable } from './hsds.ts';

/*
 * The digest of one row for a sync: a hash of the line an export would write for it (hsds-line.ts), so that a
 * record is unchanged exactly when the package holds the lines an export of the directory would write. A sync
 * hashes every row of the package and of the directory (two million at 100,000 services): most rows take a
 * direct path that hashes the line without making the public row, the completed row and the cell list first;
 * the rows that need more (a location, an address of a confidential place, hours written with a zone) take
 * the export's own path. Both give the same hash (hsds-digest.test.ts checks it on random rows), and the same
 * hash as earlier versions, which the import states hold.
 */

const [M1, M2, M3, M4] = [2654435761 | 0, 1597334677 | 0, 2246822507 | 0, 3266489909 | 0];
/**
 * A 64-bit hash of one row's line (cyrb53's mixing, two lanes): a record's digest is SHA-1 over its rows'
 * hashes, and a cryptographic hash per row cost more than the rest of the comparison (a million rows).
 */
export function lineHash(line: string): string {
  // The constants as 32-bit integers (Math.imul takes them so anyway: the same hash): a start value above
  // 2^31 made the loop's variables floating point, at twice the cost.
  let h1 = 0xdeadbeef | 0;
  let h2 = 0x41c6ce57 | 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), M3) ^ Math.imul(h2 ^ (h2 >>> 13), M4);
  h2 = Math.imul(h2 ^ (h2 >>> 16), M3) ^ Math.imul(h1 ^ (h1 >>> 13), M4);
  return `${(h2 >>> 0).toString(36)}.${(h1 >>> 0).toString(36)}.${line.length}`;
}

const SEPARATOR = '\u001f';

/** The export's path: the public row, its cells, the line. */
export function exportDigest(table: HsdsTable, row: object, confidential: Set<string>): string | null {
  const cells = exportCells(table, publicRow(table, row, confidential));
  return typeof cells === 'string' ? null : lineHash(`${table}${SEPARATOR}${cells.join(SEPARATOR)}`);
}

/** A column as the direct path reads it: 'n' number, 's' text, 't' time, 'd' date-time, 'x' extension. */
interface Column {
  name: string;
  kind: 'n' | 's' | 't' | 'd' | 'x';
  required: boolean;
}
const columnsOf = new Map(
  (Object.keys(HSDS_FIELDS) as HsdsTable[]).map((table) => {
    const fields = new Map(HSDS_FIELDS[table].map((f) => [f.name, f]));
    return [
      table,
      exportColumns(table).map((name): Column => {
        const f = fields.get(name);
        if (!f) return { name, kind: 'x', required: false };
        const kind = f.type !== 's' ? 'n' : f.tabular === 'time' ? 't' : f.tabular === 'datetime' ? 'd' : 's';
        return { name, kind, required: !!f.required };
      }),
    ];
  }),
);

/** Date-times as the export writes them (UTC, no fraction), remembered: a package repeats a few thousand. */
const dateTimes = new Map<string, string>();
function dateTimeCell(text: string): string {
  let out = dateTimes.get(text);
  if (out === undefined) {
    const at = new Date(text);
    out = Number.isNaN(at.getTime()) ? text : at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (dateTimes.size >= 10_000) dateTimes.clear();
    dateTimes.set(text, out);
  }
  return out;
}
const SHORT_TIME = /^\d{2}:\d{2}$/;
/** A time that may carry a zone (its Z, + or -): anything else cannot have one. */
const ZONED = /[Z+-]/;

/** Whether a row needs the export's own path (see above). */
function special(table: HsdsTable, row: object, confidential: Set<string>): boolean {
  if (table === 'location') return true;
  if (table === 'address') {
    const location: unknown = Reflect.get(row, 'location_id');
    return typeof location === 'string' && confidential.has(location);
  }
  if (table === 'schedule') {
    // A zone on an opening time (17:00Z, 09:00+01:00) is moved to `timezone` by the export.
    return ZONED.test(String(Reflect.get(row, 'opens_at'))) || ZONED.test(String(Reflect.get(row, 'closes_at')));
  }
  return false;
}

/**
 * The digest of one row, stored or from a package: the hash of the line an export would write for it; null for
 * a row an export leaves out (a field HSDS requires is empty), which no package can hold.
 */
export function rowDigest(table: HsdsTable, row: object, confidential: Set<string>): string | null {
  if (special(table, row, confidential)) return exportDigest(table, row, confidential);
  const values = row as Record<string, unknown>;
  let line: string = table;
  for (const c of columnsOf.get(table)!) {
    const v = values[c.name];
    let cell: string;
    // As the export: an empty value is left out of the public row, a required one kept as ''.
    if (v === undefined || v === null || (v === '' && !c.required)) {
      if (c.required) {
        // A required field missing: a description is the row's name, anything else leaves the row out.
        const name = values.name;
        if (c.name !== 'description' || name === undefined || name === null || name === '') return null;
        cell = String(name);
      } else cell = '';
    } else if (c.kind === 'n') cell = String(Number(v));
    else {
      cell = String(v);
      if (cell === '' && c.required) {
        const name = values.name;
        if (c.name !== 'description' || name === undefined || name === null || name === '') return null;
        cell = String(name);
      } else if (c.kind === 't') {
        if (SHORT_TIME.test(cell)) cell = `${cell}:00`;
      } else if (c.kind === 'd') cell = dateTimeCell(cell);
    }
    line = `${line}${SEPARATOR}${cell}`;
  }
  return lineHash(line);
}
