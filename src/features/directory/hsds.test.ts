import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { DIALECTS, createTestApp, createTestDatabase, type TestApp } from '../../../test/support/app.ts';
import { translate } from '../../core/i18n/index.ts';
import { HSDS_TABLES } from './hsds.ts';
import { exportPackage, importPackage } from './hsds-io.ts';
import { reindex } from './repo.ts';
import { search } from './search.ts';
import { seedDirectory } from './seed.ts';
import { pageProblems, problems, rowProblems, tabularRow } from './testdata/official-schemas.ts';

const PUBLISHED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'published');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-hsds-'));
}
function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
}
function copyPackage(from: string, edit: (dir: string) => void): string {
  const dir = tmp();
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  edit(dir);
  return dir;
}

for (const dialect of DIALECTS) {
  describe(`HSDS exchange (${dialect})`, () => {
    let t: TestApp;
    let exported: string;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      exported = tmp();
      await exportPackage(t.db, exported);
    });
    after(() => t.close());

    it('exports every table with the specification columns, valid against the HSDS schemas', () => {
      const dp = JSON.parse(fs.readFileSync(path.join(exported, 'datapackage.json'), 'utf8'));
      assert.equal(dp.profile, 'tabular-data-package');
      for (const table of HSDS_TABLES) {
        const file = path.join(exported, `${table}.csv`);
        assert.ok(fs.existsSync(file), table);
        const rows = readCsv(file);
        const header = Object.keys(rows[0] ?? {});
        const schema = tabularRow(table);
        if (rows.length)
          for (const col of header)
            assert.ok(col in schema.properties || col === 'timezone_name', `${table}.csv: ${col} is an HSDS 3.0 field`);
        for (const row of rows)
          assert.deepEqual(rowProblems(table, row), [], `${table}: ${JSON.stringify(row).slice(0, 300)}`);
      }
      assert.ok(readCsv(path.join(exported, 'service.csv')).length >= 14);
    });

    it('exports a confidential location by its area only', () => {
      const all = fs
        .readdirSync(exported)
        .map((f) => fs.readFileSync(path.join(exported, f), 'utf8'))
        .join('\n');
      assert.doesNotMatch(all, /Hidden Street|M1 0ZZ|53\.4794|-2\.2453/);
      assert.match(all, /Greater Manchester/);
    });

    it('reproduces every HSDS field after an export, an import into an empty database and a second export', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const result = await importPackage(fresh.db, dialect, t.clock, exported);
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
        const again = tmp();
        await exportPackage(fresh.db, again);
        for (const table of HSDS_TABLES) {
          assert.equal(
            fs.readFileSync(path.join(again, `${table}.csv`), 'utf8'),
            fs.readFileSync(path.join(exported, `${table}.csv`), 'utf8'),
            `${table}.csv differs`,
          );
        }
        const found = await search(fresh.db, dialect, t.clock, { q: 'drop-in', category: ['sex-work-support'] });
        assert.ok(found.results.some((r) => r.card.name === 'Red Umbrella Drop-in (demo)'));
      } finally {
        await fresh.destroy();
      }
    });

    it('indexes imported services from the package with the same text a re-index from the database gives', async () => {
      for (const pkg of [exported, PUBLISHED]) {
        const fresh = await createTestDatabase(dialect);
        try {
          const result = await importPackage(fresh.db, dialect, t.clock, pkg);
          assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
          const words = async () => {
            const rows = (
              await sql<{
                service_id: string;
                body: string;
              }>`select service_id, body from directory_text order by service_id`.execute(fresh.db)
            ).rows;
            return rows.map((r) => `${r.service_id}: ${r.body.toLowerCase().split(/\s+/).sort().join(' ')}`);
          };
          const fromPackage = await words();
          assert.equal(fromPackage.length, result.value.counts.service);
          await reindex(
            fresh.db,
            dialect,
            fromPackage.map((line) => line.slice(0, line.indexOf(':'))),
          );
          assert.deepEqual(fromPackage, await words());
        } finally {
          await fresh.destroy();
        }
      }
    });

    it('imports a package published elsewhere, ignoring tables and columns it does not use', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const result = await importPackage(fresh.db, dialect, t.clock, PUBLISHED);
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
        assert.deepEqual(result.value.ignoredFiles.sort(), ['program.csv', 'url.csv']);
        // service_area.service_at_location_id and attribute.label are HSDS 3.1 columns, not 3.0 ones.
        assert.deepEqual(result.value.ignoredColumns.sort(), [
          'attribute.csv:label',
          'service.csv:x_local_code',
          'service_area.csv:service_at_location_id',
        ]);
        assert.equal(result.value.counts.service, 2);
        // An import from the command line is the system's action in the audit log, with what it brought.
        const audit = await fresh.db.selectFrom('audit_log').selectAll().execute();
        assert.deepEqual(
          audit.map((e) => [e.user_id, e.action]),
          [[null, 'hsds.import']],
        );
        assert.match(audit[0]!.detail, /service 2, location 2/);
        const s = await fresh.db
          .selectFrom('service')
          .selectAll()
          .where('id', '=', '1c000000-0000-4000-8000-000000000001')
          .executeTakeFirstOrThrow();
        assert.equal(s.minimum_age, 18);
        assert.equal(s.assured_date, '2026-09-01');
        assert.equal(s.slug, 'immigration-and-exploitation-advice-sample');
        const near = await search(fresh.db, dialect, t.clock, {
          q: 'trafficking',
          place: 'Liverpool',
          placeId: 2644210,
          radius: 10,
        });
        assert.deepEqual(near.errors, {});
        assert.equal(near.results[0]?.card.name, 'Immigration and exploitation advice (sample)');
      } finally {
        await fresh.destroy();
      }
    });

    it('refuses malformed packages, saying which file, row and field, and changes nothing', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const cases: [string, (dir: string) => void, RegExp][] = [
          [
            'wrong columns',
            (d) => fs.writeFileSync(path.join(d, 'service.csv'), 'identifier,title\nx,y\n'),
            /service\.csv: wrong columns: "id"/,
          ],
          [
            'broken CSV',
            (d) => fs.writeFileSync(path.join(d, 'phone.csv'), 'id,number\n"a,+44\nb,c,d\n'),
            /phone\.csv: the CSV is broken/,
          ],
          [
            'dangling reference',
            (d) =>
              fs.appendFileSync(
                path.join(d, 'service_at_location.csv'),
                '3e000000-0000-4000-8000-000000000009,1c000000-0000-4000-8000-000000000001,no-such-location,\n',
              ),
            /service_at_location\.csv, row 4, field location_id: "no-such-location" does not match any location id/,
          ],
          [
            'bad number',
            (d) =>
              fs.writeFileSync(
                path.join(d, 'location.csv'),
                fs.readFileSync(path.join(PUBLISHED, 'location.csv'), 'utf8').replace('53.4084', 'north'),
              ),
            /location\.csv, row 2, field latitude: "north" is not a number/,
          ],
          [
            'bad enum',
            (d) =>
              fs.writeFileSync(
                path.join(d, 'service.csv'),
                fs.readFileSync(path.join(PUBLISHED, 'service.csv'), 'utf8').replace(',active,', ',open,'),
              ),
            /service\.csv, row 2, field status: "open" is not one of/,
          ],
          [
            'duplicate id',
            (d) =>
              fs.appendFileSync(path.join(d, 'language.csv'), '7c000000-0000-4000-8000-000000000001,,,,French,fr,\n'),
            /language\.csv, row 4, field id/,
          ],
        ];
        for (const [name, edit, expected] of cases) {
          const dir = copyPackage(PUBLISHED, edit);
          const result = await importPackage(fresh.db, dialect, t.clock, dir);
          assert.equal(result.ok, false, name);
          assert.match(result.ok ? '' : translate('en', result.message), expected, name);
          assert.match(result.ok ? '' : translate('fr', result.message), /n’a pas été importé/, `${name}, in French`);
          const n = await fresh.db
            .selectFrom('service')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow();
          assert.equal(Number(n.n), 0, `${name}: nothing imported`);
        }
        const twice = await importPackage(fresh.db, dialect, t.clock, PUBLISHED);
        assert.ok(twice.ok);
        const clash = await importPackage(fresh.db, dialect, t.clock, PUBLISHED);
        assert.equal(clash.ok, false, 'the same ids cannot be imported twice');
      } finally {
        await fresh.destroy();
      }
    });

    it('serves the HSDS API with page objects, nested records, filters and CORS', async () => {
      const meta = await t.inject('/api/hsds/');
      assert.equal(meta.statusCode, 200);
      assert.equal(meta.json().version, '3.0');
      assert.equal(meta.headers['access-control-allow-origin'], '*');
      const list = await t.inject('/api/hsds/services?per_page=5&page=2');
      const body = list.json();
      assert.deepEqual(pageProblems('compiled/service_list.json', body), []);
      assert.equal(body.page_number, 2);
      assert.equal(body.size, 5);
      assert.ok(body.total_items >= 14);
      const found = await t.inject('/api/hsds/services?search=trafficking');
      const names = found.json().contents.map((s: { name: string }) => s.name);
      assert.ok(names.includes('Safe Harbour House (demo)'));
      const safe = found.json().contents.find((s: { name: string }) => s.name === 'Safe Harbour House (demo)');
      const full = await t.inject(`/api/hsds/services/${safe.id}`);
      assert.equal(full.statusCode, 200);
      assert.deepEqual(problems('compiled/service.json', full.json()), []);
      assert.doesNotMatch(full.body, /Hidden Street|M1 0ZZ|53\.4794/);
      const terms = await t.inject('/api/hsds/taxonomy_terms?per_page=100');
      const legal = terms.json().contents.find((x: { code: string }) => x.code === 'legal');
      const byTerm = await t.inject(`/api/hsds/services?taxonomy_term_id=${legal.id}&minimal=true`);
      assert.equal(byTerm.json().total_items, 3);
      assert.deepEqual(Object.keys(byTerm.json().contents[0]).sort(), ['id', 'last_modified', 'name', 'status']);
      for (const [url, item] of [
        ['/api/hsds/organizations', 'compiled/organization_list.json'],
        ['/api/hsds/taxonomies', 'taxonomy.json'],
        ['/api/hsds/service_at_locations', 'compiled/service_at_location_list.json'],
      ] as const) {
        const r = await t.inject(url);
        assert.equal(r.statusCode, 200, url);
        assert.deepEqual(pageProblems(item, r.json()), [], url);
      }
      const org = full.json().organization;
      const orgFull = await t.inject(`/api/hsds/organizations/${org.id}`);
      assert.equal(orgFull.json().services.length, 1);
      assert.equal((await t.inject('/api/hsds/services/nope')).statusCode, 404);
      assert.equal((await t.inject('/api/hsds/services?per_page=1000')).statusCode, 400);
      assert.equal((await t.inject('/api/hsds/services?modified_after=yesterday')).statusCode, 400);
    });
  });
}
