import { CompiledQuery, PostgresAdapter } from 'kysely';
import { CACHED_STATEMENT_CHARS } from '../../core/db/connect.ts';
import type { Executor } from '../../core/db/schema.ts';

/*
 * Many rows in few statements, compiled by hand: an import writes over a million rows, and building each
 * statement with the query builder cost more than running it. Identifiers come from our own table
 * definitions only; values are always bound parameters.
 */
export type BulkValue = string | number | null;

/**
 * How many rows go in one SQLite statement: as many as keep its text within what the connection's statement
 * cache keeps (connect.ts), so every full chunk of a table runs the one statement compiled for the first.
 * A chunk of 30,000 parameters was compiled again for every chunk (its text too long to keep): a tenth of
 * an import's time.
 */
export function sqliteRowsPerStatement(head: string, tuple: string, suffix: string): number {
  return Math.max(1, Math.floor((CACHED_STATEMENT_CHARS - head.length - suffix.length + 1) / (tuple.length + 1)));
}

/**
 * Rows from..to as a JSON array of objects keyed by column, written directly: the same text as
 * JSON.stringify of the objects, without making an object (and its entries) for each of a million rows.
 */
export function jsonObjects(cols: string[], rows: BulkValue[][], from: number, to: number): string {
  const keys = cols.map((c, j) => `${j ? ',' : '{'}${JSON.stringify(c)}:`);
  const parts: string[] = [];
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    let text = '';
    for (let j = 0; j < cols.length; j++) {
      const v = row[j];
      // Absent is null, as json_populate_recordset reads a missing key (JSON.stringify would leave it out).
      text += keys[j]! + (v === undefined || v === null ? 'null' : JSON.stringify(v));
    }
    parts.push(cols.length ? `${text}}` : '{}');
  }
  return `[${parts.join(',')}]`;
}

export async function bulkInsert(db: Executor, table: string, cols: string[], rows: BulkValue[][], suffix = '') {
  if (rows.length === 0) return;
  const quoted = cols.map((c) => `"${c}"`).join(', ');
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // One JSON parameter per chunk, typed by the table's own row type: PostgreSQL parses one value
    // instead of tens of thousands of bound parameters (about three times faster on big imports).
    // Each chunk's JSON is made while the server still inserts the chunk before it (two cores, both busy);
    // one statement at a time is in flight, and the first failure is the one thrown.
    let pending: Promise<unknown> | undefined;
    for (let i = 0; i < rows.length; i += 5000) {
      const json = jsonObjects(cols, rows, i, Math.min(rows.length, i + 5000));
      await pending;
      pending = db.executeQuery(
        CompiledQuery.raw(
          `insert into "${table}" (${quoted}) select ${quoted} from json_populate_recordset(null::"${table}", $1::json)${suffix}`,
          [json],
        ),
      );
      // Handled here only so that a failure while the next chunk is made is not "unhandled": awaited above/below.
      pending.catch(() => {});
      // Lets the statement go out before the next chunk is made (the driver sends it a few promise steps on).
      await new Promise((resolve) => setImmediate(resolve));
    }
    await pending;
    return;
  }
  const head = `insert into "${table}" (${quoted}) values `;
  const tuple = `(${cols.map(() => '?').join(',')})`;
  const size = sqliteRowsPerStatement(head, tuple, suffix);
  const full = head + Array.from({ length: size }, () => tuple).join(',') + suffix;
  for (let i = 0; i < rows.length; i += size) {
    const n = Math.min(size, rows.length - i);
    const text = n === size ? full : head + Array.from({ length: n }, () => tuple).join(',') + suffix;
    const params: BulkValue[] = new Array(n * cols.length);
    let k = 0;
    for (let r = i; r < i + n; r++) {
      const row = rows[r]!;
      for (let j = 0; j < cols.length; j++) params[k++] = row[j] ?? null;
    }
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}
