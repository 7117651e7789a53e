import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { plainCsv, simpleCsvRecords } from './csv-records.ts';

/** csv-parse as the importer calls it (hsds-read.ts): the records, or the error it throws. */
const OPTIONS = { skip_empty_lines: true, relax_column_count: false, max_record_size: 4000 };
function csvParse(text: string): string[][] | 'error' {
  try {
    return parse(text, OPTIONS) as string[][];
  } catch {
    return 'error';
  }
}
/** The fast reader with the limit in characters the importer gives it (a quarter of csv-parse's in bytes). */
const fast = (text: string) => simpleCsvRecords(text, OPTIONS.max_record_size / 4);

/** Text made of the characters that matter to CSV, and a few that do not (accents, an emoji's two halves). */
const csvText = fc
  .array(fc.constantFrom('a', 'b', ',', '"', '"', '\n', '\n', '\r', ' ', 'é', '😀', '""'), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('the fast CSV reader', () => {
  it('gives exactly the records csv-parse gives whenever it reads a text, and reads nothing csv-parse refuses', () => {
    fc.assert(
      fc.property(csvText, (text) => {
        const ours = fast(text);
        if (ours === null) return;
        assert.deepEqual(ours, csvParse(text), JSON.stringify(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads what csv-stringify writes (cells with commas, quotes, line breaks, empty ones) as csv-parse does', () => {
    const cell = fc.array(fc.constantFrom('a', ',', '"', '\n', ' ', 'é', ''), { maxLength: 6 }).map((p) => p.join(''));
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((width) =>
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }),
          ),
        (rows) => {
          // A record of one empty cell is an empty line to csv-parse (it skips it): not a file an export writes.
          fc.pre(rows.every((r) => r.length > 1 || r[0] !== ''));
          const text = stringify(rows);
          const ours = fast(text);
          assert.notEqual(ours, null, `not read fast: ${JSON.stringify(text)}`);
          assert.deepEqual(ours, csvParse(text));
          assert.deepEqual(ours, rows);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('leaves to csv-parse what it does not take: \\r, stray quotes, uneven lines, empty lines, long records', () => {
    for (const text of [
      'a,b\r\n1,2\r\n',
      'a,b\n1,x"y\n',
      'a,b\n"1"x,2\n',
      'a,b\n"1,2\n',
      'a,b\n1,2,3\n',
      'a,b\n\n1,2\n',
      'a,b\n1,2\n\n',
      '',
      `a,b\n${'x'.repeat(1001)},2\n`,
    ])
      assert.equal(plainCsv(text, 1000), null, JSON.stringify(text));
    assert.deepEqual(simpleCsvRecords('a,b\n"1,""2""\n3",\n', 1000), [
      ['a', 'b'],
      ['1,"2"\n3', ''],
    ]);
  });

  it('hands each record to the caller in order, the header first, and stops when asked', () => {
    const csv = plainCsv('id,name\n1,a\n2,b\n', 1000)!;
    const seen: [string[], number][] = [];
    csv.each((r, i) => {
      seen.push([r, i]);
    });
    assert.deepEqual(seen, [
      [['id', 'name'], 0],
      [['1', 'a'], 1],
      [['2', 'b'], 2],
    ]);
    const first: string[][] = [];
    csv.each((r) => first.push(r) < 1);
    assert.deepEqual(first, [['id', 'name']]);
  });
});
