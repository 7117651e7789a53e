import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { ManualClock } from '../../core/clock.ts';
import { withStatementCache } from '../../core/db/connect.ts';
import type { Database, Db, Dialect } from '../../core/db/schema.ts';
import { translate } from '../../core/i18n/index.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../../test/support/app.ts';
import { bulkInsert, jsonObjects } from './bulk-write.ts';
import { importPackage } from './hsds-io.ts';
import { everyRow } from './hsds-repo.ts';

/*
 * How a large import writes: bulk statements compiled once per table shape (SQLite), and a first import's
 * secondary indexes dropped while the rows go in and built again afterwards — always the same indexes, and
 * put back by the rollback when the import fails half-way.
 */
const PUBLISHED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'published');

/** Every index of the directory's tables, by name with its definition, as the database describes it. */
async function indexes(db: Db, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string; definition: string | null }>`select name, sql as definition from sqlite_master
          where type = 'index' order by name`.execute(db)
      : await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition
          from pg_indexes where schemaname = current_schema() order by indexname`.execute(db);
  return rows.rows.map((r) => `${r.name}: ${r.definition ?? '(automatic)'}`);
}

const changed = (before: string[], after: string[]) => ({
  missing: before.filter((i) => !after.includes(i)),
  added: after.filter((i) => !before.includes(i)),
});

/** A trigger that makes every phone insert fail: an import that breaks after its first tables are in. */
async function breakPhones(db: Db, dialect: Dialect) {
  if (dialect === 'sqlite')
    await sql`create trigger test_break_phone before insert on phone begin select raise(abort, 'phones refused'); end`.execute(
      db,
    );
  else {
    await sql`create function test_break_phone() returns trigger language plpgsql as $$ begin raise exception 'phones refused'; end $$`.execute(
      db,
    );
    await sql`create trigger test_break_phone before insert on phone for each row execute function test_break_phone()`.execute(
      db,
    );
  }
}
async function mendPhones(db: Db, dialect: Dialect) {
  if (dialect === 'sqlite') await sql`drop trigger test_break_phone`.execute(db);
  else {
    await sql`drop trigger test_break_phone on phone`.execute(db);
    await sql`drop function test_break_phone()`.execute(db);
  }
}

for (const dialect of DIALECTS) {
  describe(`HSDS bulk import (${dialect})`, () => {
    const clock = new ManualClock(new Date('2026-11-29T12:00:00Z'));
    let d: TestDatabase;
    before(async () => {
      d = await createTestDatabase(dialect);
    });
    after(() => d.destroy());

    it('a first import that fails half-way leaves every index as it was and writes nothing', async () => {
      const before = await indexes(d.db, dialect);
      assert.ok(before.some((i) => i.startsWith('attribute_term:')));
      await breakPhones(d.db, dialect);
      await assert.rejects(importPackage(d.db, dialect, clock, PUBLISHED), /phones refused/);
      await mendPhones(d.db, dialect);
      assert.deepEqual(changed(before, await indexes(d.db, dialect)), { missing: [], added: [] });
      const services = await d.db.selectFrom('service').select('id').execute();
      assert.deepEqual(services, []);
    });

    it('a first import builds again the very indexes it deferred, and the next import is a sync', async () => {
      const before = await indexes(d.db, dialect);
      const first = await importPackage(d.db, dialect, clock, PUBLISHED);
      assert.ok(first.ok, first.ok ? '' : translate('en', first.message));
      assert.ok(first.value.sync.added > 0);
      assert.deepEqual(changed(before, await indexes(d.db, dialect)), { missing: [], added: [] });
      const again = await importPackage(d.db, dialect, clock, PUBLISHED);
      assert.ok(again.ok && again.value.sync.added === 0 && again.value.sync.updated === 0);
      assert.deepEqual(changed(before, await indexes(d.db, dialect)), { missing: [], added: [] });
    });

    it('a sync reads every row of a table once, in batches, around the gaps deleted rows leave', async () => {
      const ids = Array.from({ length: 23 }, (_, i) => `5b0e0000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      await bulkInsert(
        d.db,
        'phone',
        ['id', 'number'],
        ids.map((id) => [id, '+44 20 7946 0000']),
      );
      const gone = ids.filter((_, i) => i % 4 === 1 || (i > 6 && i < 12));
      await d.db.deleteFrom('phone').where('id', 'in', gone).execute();
      const read: string[] = [];
      for await (const rows of everyRow(d.db, dialect, 'phone', 3)) {
        assert.ok(rows.length <= 3);
        read.push(...rows.map((r) => r.id).filter((id) => id.startsWith('5b0e')));
      }
      assert.deepEqual(
        read.sort(),
        ids.filter((id) => !gone.includes(id)),
      );
      await d.db.deleteFrom('phone').where('id', 'in', ids).execute();
    });

    it('a package with a confidential place’s full address imported twice is unchanged the second time', async () => {
      // The package side of the comparison must reduce that address to its area, as the directory's side does.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-confidential-'));
      for (const f of fs.readdirSync(PUBLISHED)) fs.copyFileSync(path.join(PUBLISHED, f), path.join(dir, f));
      const file = path.join(dir, 'location.csv');
      const [header, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      fs.writeFileSync(
        file,
        [`${header},x-confidential`, ...lines.map((l, i) => `${l},${i === 0 ? 'true' : ''}`)].join('\n') + '\n',
      );
      const own = await createTestDatabase(dialect);
      try {
        const first = await importPackage(own.db, dialect, clock, dir);
        assert.ok(first.ok, first.ok ? '' : translate('en', first.message));
        const again = await importPackage(own.db, dialect, clock, dir);
        assert.ok(again.ok);
        assert.deepEqual(
          { updated: again.value.sync.updated, conflicts: again.value.sync.conflicts, added: again.value.sync.added },
          { updated: 0, conflicts: [], added: 0 },
        );
      } finally {
        await own.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('bulk inserts keep every value, in chunks of any size', async () => {
      await sql`create table test_bulk (id integer primary key, a text, b real)`.execute(d.db);
      const rows = Array.from({ length: 2503 }, (_, i) => [i, i % 7 ? `'x"${i}', \u00e9` : null, i / 4]);
      await bulkInsert(d.db, 'test_bulk', ['id', 'a', 'b'], rows);
      const back = await sql<{
        id: number;
        a: string | null;
        b: number;
      }>`select id, a, b from test_bulk order by id`.execute(d.db);
      assert.deepEqual(
        back.rows.map((r) => [Number(r.id), r.a, Number(r.b)]),
        rows,
      );
      await sql`drop table test_bulk`.execute(d.db);
    });

    it('a bulk insert whose later chunk fails throws that chunk’s error', async () => {
      await sql`create table test_bulk (id integer primary key, a text)`.execute(d.db);
      const rows = Array.from({ length: 12_000 }, (_, i) => [i === 7000 ? 10 : i, 'x']);
      await assert.rejects(bulkInsert(d.db, 'test_bulk', ['id', 'a'], rows), /unique|duplicate/i);
      await sql`drop table test_bulk`.execute(d.db);
    });
  });
}

describe('SQLite bulk statements', () => {
  it('are compiled once per table shape, not once per chunk', async () => {
    const sqlite = new SQLite(':memory:');
    let compiled = 0;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((text: string) => {
      compiled++;
      return prepare(text);
    }) as typeof sqlite.prepare;
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    await sql`create table t (id integer primary key, a text, b text, c text, d text)`.execute(db);
    compiled = 0;
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, 'a', 'b', null, `${i}`]);
    await bulkInsert(db, 't', ['id', 'a', 'b', 'c', 'd'], rows);
    // The full chunk's statement and the last, shorter one.
    assert.ok(compiled <= 2, `${compiled} statements compiled for 20,000 rows`);
    const count = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
    assert.equal(count.rows[0]!.n, 20_000);
    await db.destroy();
  });
});

describe('PostgreSQL bulk rows as JSON', () => {
  it('are what JSON.stringify gives for the rows as objects', () => {
    const value = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(value, { minLength: 5, maxLength: 5 }), { maxLength: 6 }),
        (cols, rows) => {
          const objects = rows.map((r) => Object.fromEntries(cols.map((c, j) => [c, r[j] ?? null])));
          // Parsed: JSON.stringify puts keys like "0" first, which PostgreSQL does not mind.
          assert.deepEqual(JSON.parse(jsonObjects(cols, rows, 0, rows.length)), JSON.parse(JSON.stringify(objects)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
