import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import { translate } from '../../core/i18n/index.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../../test/support/app.ts';
import { exportPackage, importPackage, type ImportOptions } from './hsds-io.ts';
import { search } from './search.ts';
import { seedDirectory } from './seed.ts';

/*
 * Importing a package whose records are already in the directory: a sync. The base is the small published
 * package of testdata; each case edits a copy of it.
 */
const PUBLISHED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'published');
const ADVICE = '1c000000-0000-4000-8000-000000000001';
const CLINIC = '1c000000-0000-4000-8000-000000000002';
const ADVICE_PHONE = '5a000000-0000-4000-8000-000000000001';

function copyPackage(edit: (edit: (file: string, from: string | RegExp, to: string) => void, dir: string) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-sync-'));
  for (const f of fs.readdirSync(PUBLISHED)) fs.copyFileSync(path.join(PUBLISHED, f), path.join(dir, f));
  edit((file, from, to) => {
    const full = path.join(dir, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = before.replace(from, to);
    assert.notEqual(after, before, `${file}: ${String(from)} is in the package`);
    fs.writeFileSync(full, after);
  }, dir);
  return dir;
}
/** The advice service renamed, its phone number changed, with this last_modified. */
const renamed = (lastModified: string, name = 'Immigration and exploitation advice (renamed)') =>
  copyPackage((edit) => {
    edit('service.csv', 'Immigration and exploitation advice (sample)', name);
    edit('service.csv', '2026-09-01T10:00:00.000Z', lastModified);
    edit('phone.csv', '+44 20 7946 0999', '+44 20 7946 0111');
  });

/** Every directory row and the import state, to compare before and after a refused sync. */
async function snapshot(db: Db) {
  const out: Record<string, unknown[]> = {};
  for (const table of ['service', 'phone', 'location', 'organization', 'service_at_location', 'hsds_import_state'])
    out[table] = (
      await db
        .selectFrom(table as 'service')
        .selectAll()
        .execute()
    ).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return out;
}

for (const dialect of DIALECTS) {
  describe(`HSDS sync (${dialect})`, () => {
    const clock = new ManualClock(new Date('2026-11-29T12:00:00Z'));
    let d: TestDatabase;
    const run = async (dir: string, options: ImportOptions = {}) => {
      const result = await importPackage(d.db, dialect, clock, dir, options);
      assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
      return result.value;
    };
    const service = (id: string) =>
      d.db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    before(async () => {
      d = await createTestDatabase(dialect);
    });
    after(() => d.destroy());

    it('imports a package, then the same package again as unchanged', async () => {
      const first = await run(PUBLISHED);
      assert.ok(first.sync.added > 0);
      assert.deepEqual(first.sync.conflicts, []);
      const again = await run(PUBLISHED);
      assert.deepEqual(
        { ...again.sync, unchanged: again.sync.unchanged },
        { added: 0, updated: 0, unchanged: first.sync.added, older: 0, conflicts: [], retired: [] },
      );
    });

    it('updates a record by id when the package is newer, replacing what hangs off it, and keeps its address', async () => {
      const slug = (await service(ADVICE)).slug;
      const r = await run(renamed('2026-11-01T00:00:00.000Z'));
      assert.deepEqual([r.sync.added, r.sync.updated, r.sync.older, r.sync.conflicts], [0, 1, 0, []]);
      const s = await service(ADVICE);
      assert.equal(s.name, 'Immigration and exploitation advice (renamed)');
      assert.equal(s.slug, slug, 'the listing keeps its address');
      const phones = await d.db.selectFrom('phone').select(['id', 'number']).where('service_id', '=', ADVICE).execute();
      assert.deepEqual(phones, [{ id: ADVICE_PHONE, number: '+44 20 7946 0111' }]);
      const found = await search(d.db, dialect, clock, { q: 'renamed' });
      assert.deepEqual(
        found.results.map((x) => x.card.name),
        ['Immigration and exploitation advice (renamed)'],
        'the search index follows the update',
      );
    });

    it('ignores a package whose last_modified is older than the directory’s', async () => {
      const r = await run(renamed('2026-08-01T00:00:00.000Z', 'An older name'));
      assert.deepEqual([r.sync.updated, r.sync.older, r.sync.conflicts], [0, 1, []]);
      assert.equal((await service(ADVICE)).name, 'Immigration and exploitation advice (renamed)');
    });

    it('reports a record a curator edited since its import as a conflict and does not overwrite it', async () => {
      await d.db
        .updateTable('service')
        .set({ description: 'Edited by a curator here.', last_modified: '2026-11-20T00:00:00.000Z' })
        .where('id', '=', ADVICE)
        .execute();
      const r = await run(renamed('2027-01-01T00:00:00.000Z', 'A newer name from the partner'));
      assert.deepEqual(r.sync.conflicts, [
        { table: 'service', id: ADVICE, name: 'Immigration and exploitation advice (renamed)' },
      ]);
      assert.equal(r.sync.updated, 0);
      const s = await service(ADVICE);
      assert.equal(s.description, 'Edited by a curator here.');
      assert.equal(s.name, 'Immigration and exploitation advice (renamed)');
      const phone = await d.db.selectFrom('phone').select('number').where('id', '=', ADVICE_PHONE).executeTakeFirst();
      assert.equal(phone?.number, '+44 20 7946 0111', 'what hangs off it is kept too');
    });

    it('adds new ids, and with --remove-missing retires the listings the package no longer holds', async () => {
      const dir = copyPackage((edit) => {
        edit('service.csv', /\n1c000000-0000-4000-8000-000000000002,[^\n]*/, '');
        edit(
          'organization.csv',
          /$/,
          '0b5a3c1e-6f0d-4c7a-9a11-1a2b3c4d5e09,A new organisation (sample),,Added by the partner.,,,,,,,,,\n',
        );
      });
      const kept = await run(dir);
      assert.deepEqual([kept.sync.added, kept.sync.retired], [1, []], 'without the flag nothing is retired');
      assert.equal((await service(CLINIC)).status, 'temporarily closed');
      const r = await run(dir, { removeMissing: true });
      assert.deepEqual([r.sync.added, r.sync.updated], [0, 0]);
      assert.deepEqual(r.sync.retired, [{ id: CLINIC, name: 'Evening sexual health clinic (sample)' }]);
      assert.equal((await service(CLINIC)).status, 'inactive');
      assert.equal(
        (await service(ADVICE)).status,
        'active',
        'the conflicting record is not retired: it is in the package',
      );
      const history = await d.db.selectFrom('directory_changes').selectAll().where('service_id', '=', CLINIC).execute();
      assert.deepEqual(
        history.map((h) => [h.user_id, JSON.parse(h.detail)]),
        [[null, { status: ['temporarily closed', 'inactive'] }]],
      );
      const again = await run(dir, { removeMissing: true });
      assert.deepEqual(again.sync.retired, [], 'a retired listing is retired once');
      // Back in the package, the listing is the package's again (the retirement dropped its import record,
      // so its newer last_modified decides).
      const back = await run(
        copyPackage((edit) => edit('service.csv', '2026-10-15T08:30:00.000Z', '2026-12-01T00:00:00.000Z')),
      );
      assert.equal(back.sync.updated, 1);
      assert.equal((await service(CLINIC)).status, 'temporarily closed');
    });

    it('refuses a hostile sync (an id twice, a reference to nothing) and changes nothing', async () => {
      const cases: [string, string, RegExp][] = [
        [
          'an id twice in the package',
          copyPackage((edit, dir) => {
            edit('service.csv', '2026-09-01T10:00:00.000Z', '2027-06-01T00:00:00.000Z');
            const line = fs.readFileSync(path.join(dir, 'service.csv'), 'utf8').split('\n')[1]!;
            fs.appendFileSync(path.join(dir, 'service.csv'), line.replace('(sample)', '(twice)') + '\n');
          }),
          /service\.csv, row 4, field id/,
        ],
        [
          'a reference to nothing',
          copyPackage((edit) => {
            edit('service.csv', '2026-10-15T08:30:00.000Z', '2027-06-01T00:00:00.000Z');
            edit('service.csv', '0b5a3c1e-6f0d-4c7a-9a11-1a2b3c4d5e02', '0b5a3c1e-6f0d-4c7a-9a11-1a2b3c4d5eff');
          }),
          /service\.csv, row 3, field organization_id: "0b5a3c1e-6f0d-4c7a-9a11-1a2b3c4d5eff" does not match any organization id/,
        ],
        [
          'a row moved to another record',
          copyPackage((edit) => {
            edit('service.csv', '2026-10-15T08:30:00.000Z', '2027-06-01T00:00:00.000Z');
            edit('phone.csv', `${ADVICE_PHONE},,${ADVICE},`, `${ADVICE_PHONE},,${CLINIC},`);
          }),
          /phone\.csv, row 2, field id: the id "5a000000-0000-4000-8000-000000000001" is already in the directory as a row of another record/,
        ],
      ];
      for (const [name, dir, expected] of cases) {
        const before = await snapshot(d.db);
        const result = await importPackage(d.db, dialect, clock, dir, { removeMissing: true });
        assert.equal(result.ok, false, name);
        assert.match(result.ok ? '' : translate('en', result.message), expected, name);
        assert.deepEqual(await snapshot(d.db), before, `${name}: nothing changed`);
      }
    });

    it(
      'gives the import its large SQLite page cache only while it runs, refused or not',
      { skip: dialect !== 'sqlite' },
      async () => {
        const cacheSize = async () =>
          Number(Object.values((await sql`pragma cache_size`.execute(d.db)).rows[0] as object)[0]);
        const before = await cacheSize();
        assert.equal(before, -1024, "the connection's own 1 MiB");
        await run(renamed('2026-11-20T00:00:00.000Z', 'Advice (cache check)'));
        assert.equal(await cacheSize(), before, 'back to 1 MiB after an import');
        // Refused inside the transaction: a row moved to another record.
        const moved = copyPackage((edit) => {
          edit('service.csv', '2026-10-15T08:30:00.000Z', '2027-06-01T00:00:00.000Z');
          edit('phone.csv', `${ADVICE_PHONE},,${ADVICE},`, `${ADVICE_PHONE},,${CLINIC},`);
        });
        const refused = await importPackage(d.db, dialect, clock, moved);
        assert.match(refused.ok ? '' : translate('en', refused.message), /already in the directory/);
        assert.equal(await cacheSize(), before, 'and after a refused one');
      },
    );

    it('reports no change when an export of the directory is imported back into it', async () => {
      const seeded = await createTestDatabase(dialect);
      try {
        await seedDirectory({ db: seeded.db, clock });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-sync-'));
        await exportPackage(seeded.db, dir);
        const result = await importPackage(seeded.db, dialect, clock, dir, { removeMissing: true });
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
        const { unchanged, ...changes } = result.value.sync;
        assert.deepEqual(changes, { added: 0, updated: 0, older: 0, conflicts: [], retired: [] });
        assert.ok(unchanged >= 14, `${unchanged} records unchanged`);
        assert.deepEqual(
          Object.values(result.value.counts).filter((n) => n > 0),
          [],
          'no row written',
        );
        const back = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-sync-'));
        await exportPackage(seeded.db, back);
        for (const file of fs.readdirSync(dir))
          assert.equal(fs.readFileSync(path.join(back, file), 'utf8'), fs.readFileSync(path.join(dir, file), 'utf8'));
      } finally {
        await seeded.destroy();
      }
    });
  });
}
