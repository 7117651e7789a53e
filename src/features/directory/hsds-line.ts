import { EXPORT_EXTENSIONS, extensionColumn, type HsdsRow } from './hsds-data.ts';
import { HSDS_FIELDS, type FieldSpec, type HsdsTable } from './hsds.ts';

/*
 * A table's row as the export writes it: the specification's columns in its order, then the extension
 * columns, each cell typed as the table schema writes it. The export writes these lines, and a sync compares
 * them: a record is unchanged when the package holds the very lines an export of the directory would write.
 */

/** The columns of a table's file: the HSDS fields, then the extension fields (their headers are `x-<field>`). */
export function exportColumns(table: HsdsTable): string[] {
  return [...HSDS_FIELDS[table].map((f) => f.name), ...(EXPORT_EXTENSIONS[table] ?? [])];
}
export function exportHeader(table: HsdsTable): string[] {
  const fields = new Set(HSDS_FIELDS[table].map((f) => f.name));
  return exportColumns(table).map((c) => (fields.has(c) ? c : extensionColumn(c)));
}

/** A cell as the table schema's type writes it: times with seconds, date-times without fractions, in UTC. */
function cell(f: FieldSpec | undefined, v: HsdsRow[string] | undefined): string {
  if (v === undefined) return '';
  const text = String(v);
  if (f?.tabular === 'time' && /^\d{2}:\d{2}$/.test(text)) return `${text}:00`;
  if (f?.tabular === 'datetime') {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return text;
}

/**
 * A row ready for the package, or the field that makes it unusable: a required description left empty is
 * the row's name (HSDS requires one; an empty one is "missing" to a table-schema validator); any other
 * required field left empty leaves the row out, with a report.
 */
function completeRow(table: HsdsTable, row: HsdsRow): HsdsRow | string {
  const out = { ...row };
  if (table === 'schedule') moveZone(out);
  for (const f of HSDS_FIELDS[table]) {
    if (!f.required || (out[f.name] !== undefined && out[f.name] !== '')) continue;
    if (f.name === 'description' && out.name) out.description = out.name;
    else return f.name;
  }
  return out;
}

/** A zone written on opens_at/closes_at ("17:00Z") goes to `timezone` (hours east of UTC): the `time` type has none. */
function moveZone(row: HsdsRow) {
  for (const f of ['opens_at', 'closes_at']) {
    const m = /^(\d{2}:\d{2}(?::\d{2})?)(Z|([+-])(\d{2}):?(\d{2}))$/.exec(String(row[f] ?? ''));
    if (!m) continue;
    row[f] = m[1]!;
    const hours = m[2] === 'Z' ? 0 : (m[3] === '-' ? -1 : 1) * (Number(m[4]) + Number(m[5]) / 60);
    if (row.timezone === undefined) row.timezone = hours;
  }
}

const specs = new Map(
  (Object.keys(HSDS_FIELDS) as HsdsTable[]).map((t) => [t, new Map(HSDS_FIELDS[t].map((f) => [f.name, f]))]),
);

/** Each table's columns, made once (a sync computes the cells of a million rows). */
const columnsOf = new Map((Object.keys(HSDS_FIELDS) as HsdsTable[]).map((t) => [t, exportColumns(t)]));

/** The cells of a row in its public HSDS form, or the name of the required field that leaves it out. */
export function exportCells(table: HsdsTable, row: HsdsRow, columns = columnsOf.get(table)!): string[] | string {
  const complete = completeRow(table, row);
  if (typeof complete === 'string') return complete;
  const fields = specs.get(table)!;
  return columns.map((c) => cell(fields.get(c), complete[c]));
}
