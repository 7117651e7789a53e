import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { exportDigest, lineHash, rowDigest } from './hsds-digest.ts';
import { exportColumns } from './hsds-line.ts';
import { HSDS_FIELDS, HSDS_TABLES, type HsdsTable } from './hsds.ts';

/*
 * A sync's row digest takes a direct path for most rows: it must give the very hash the export's own path
 * gives (public row, completed row, cells, line), or an unchanged record would be reported as changed — and
 * the hash earlier versions stored in the import states.
 */
const LOCATION = '0c000000-0000-4000-8000-000000000001';
const values = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    ' ',
    0,
    1.5,
    -3,
    '12',
    '09:00',
    '09:00:00',
    '17:00Z',
    '08:30+01:00',
    '2026-11-01T00:00:00.000Z',
    '2026-11-01T10:00:00+02:00',
    '2026-02-30T00:00:00Z',
    'not a date',
    '2026-11-01',
    'true',
    'false',
    LOCATION,
    'a\u001fb',
  ),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: false }),
);
const filled = fc.oneof(
  fc.constantFrom('09:00', '2026-11-01T10:00:00+02:00', '2026-11-01T00:00:00.000Z', 'x', LOCATION, 7),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const FIELDS = new Map(HSDS_TABLES.map((t) => [t, new Map(HSDS_FIELDS[t].map((f) => [f.name, f]))]));
/**
 * A row of `table`: every column the export writes (a required one filled nine times in ten, so that most rows
 * are complete), with an `is_confidential` flag.
 */
const rowOf = (table: HsdsTable) => {
  const columns = exportColumns(table);
  return fc
    .tuple(
      ...columns.map((c) =>
        FIELDS.get(table)!.get(c)?.required
          ? fc.oneof({ weight: 9, arbitrary: filled }, { weight: 1, arbitrary: values })
          : values,
      ),
      fc.constantFrom(0, 1, null),
    )
    .map((cells) => {
      const row: Record<string, unknown> = { is_confidential: cells[columns.length] };
      columns.forEach((c, i) => {
        if (cells[i] !== undefined) row[c] = cells[i];
      });
      return row;
    });
};

describe('HSDS row digest', () => {
  it('is the hash of the line the export writes, for rows of every table', () => {
    for (const table of HSDS_TABLES) {
      let complete = 0;
      fc.assert(
        fc.property(rowOf(table), fc.boolean(), (row, confidential) => {
          const places = new Set(confidential ? [LOCATION] : []);
          const digest = exportDigest(table, row, places);
          if (digest !== null) complete++;
          assert.equal(rowDigest(table, row, places), digest, table);
        }),
        { numRuns: 300 },
      );
      assert.ok(complete > 30, `${table}: ${complete} complete rows of 300`);
    }
  });

  it('keeps the hash earlier versions stored', () => {
    // Values from a published package as the first sync wrote them: a changed hash would make every record
    // of a directory look edited by a curator since its import.
    assert.equal(
      lineHash('phone\u001f5a000000-0000-4000-8000-000000000001\u001f+44 20 7946 0999'),
      '149nwku.wrcjw0.59',
    );
    assert.equal(
      rowDigest('phone', { id: '5a000000-0000-4000-8000-000000000001', number: '+44 20 7946 0999' }, new Set()),
      exportDigest('phone', { id: '5a000000-0000-4000-8000-000000000001', number: '+44 20 7946 0999' }, new Set()),
    );
  });
});
