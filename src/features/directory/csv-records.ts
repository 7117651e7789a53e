/*
 * A fast reader for the plain CSV files nearly every HSDS package holds (an export of ours, a spreadsheet's
 * UTF-8 CSV): comma-separated, `\n` line ends, quotes only around whole cells (`""` for a quote inside one), the
 * same number of cells on every line, no empty line. A 100,000-service package has some three million cells:
 * csv-parse builds every record first (all of them live at once, copied by each garbage collection), and costs
 * several times as much per cell. Anything else — `\r`, a stray quote, a line with another number of cells, an
 * empty line, a record near csv-parse's size limit — is left to csv-parse (`plainCsv` answers null), which
 * then gives the very records or the very error it always gave: on the files this reader takes, both give the
 * same records (csv-records.test.ts checks it on random text).
 */

const COMMA = 44;
const QUOTE = 34;
const LF = 10;

/** Plain CSV text, checked whole: its records can be read one by one, each used and dropped. */
export interface PlainCsv {
  /** Hands every record, the header first, with its index; `onRecord` returning false stops the reading. */
  each(onRecord: (cells: string[], index: number) => boolean | void): void;
}

/** The text as plain CSV (above), or null when it is not or a record spans more than `maxRecordChars`. */
export function plainCsv(text: string, maxRecordChars: number): PlainCsv | null {
  if (!scan(text, maxRecordChars)) return null;
  return {
    each(onRecord) {
      let index = 0;
      scan(text, maxRecordChars, (cells) => onRecord(cells, index++));
    },
  };
}

/** One pass over the text: checking only, or reading too when `onRecord` is given. */
function scan(text: string, maxRecordChars: number, onRecord?: (cells: string[]) => boolean | void): boolean {
  if (text.length === 0 || text.indexOf('\r') !== -1) return false;
  const n = text.length;
  let width = -1;
  let pos = 0;
  while (pos < n) {
    const start = pos;
    if (text.charCodeAt(pos) === LF) return false; // an empty line (csv-parse skips it)
    const cells: string[] | undefined = onRecord ? [] : undefined;
    let count = 0;
    for (;;) {
      let cell: string | undefined;
      if (text.charCodeAt(pos) === QUOTE) {
        // A quoted cell: up to the quote that is not doubled; after it, a comma, a line end or the end.
        let from = pos + 1;
        let parts: string[] | undefined;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) return false; // never closed
          if (text.charCodeAt(q + 1) === QUOTE) {
            if (cells) (parts ??= []).push(text.slice(from, q + 1));
            from = q + 2;
            continue;
          }
          if (cells) cell = parts ? parts.join('') + text.slice(from, q) : text.slice(from, q);
          pos = q + 1;
          break;
        }
        const next = text.charCodeAt(pos);
        if (pos < n && next !== COMMA && next !== LF) return false; // text after the closing quote
      } else {
        let end = pos;
        while (end < n) {
          const c = text.charCodeAt(end);
          if (c === COMMA || c === LF) break;
          if (c === QUOTE) return false; // a quote inside an unquoted cell
          end++;
        }
        if (cells) cell = text.slice(pos, end);
        pos = end;
      }
      count++;
      if (cells) cells.push(cell!);
      if (pos >= n || text.charCodeAt(pos) === LF) break;
      pos++; // the comma; a cell follows (an empty one at the end of the line too)
    }
    if (pos - start > maxRecordChars) return false;
    if (width === -1) width = count;
    else if (count !== width) return false;
    pos++; // the line end
    if (cells && onRecord!(cells) === false) return true;
  }
  return true;
}

/** All the records of plain CSV text, or null when it is not (see plainCsv). */
export function simpleCsvRecords(text: string, maxRecordChars: number): string[][] | null {
  const csv = plainCsv(text, maxRecordChars);
  if (!csv) return null;
  const out: string[][] = [];
  csv.each((cells) => {
    out.push(cells);
  });
  return out;
}
