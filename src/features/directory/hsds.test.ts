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
import { HSDS_FIELDS, HSDS_FILES, HSDS_TABLES } from './hsds.ts';
import { exportPackage, importPackage } from './hsds-io.ts';
import { reindex } from './repo.ts';
import { search } from './search.ts';
import { seedDirectory } from './seed.ts';
import { official, packageProblems } from './testdata/frictionless.ts';
import { OPENREFERRAL, pageProblems, problems, rowProblems, tabularRow } from './testdata/official-schemas.ts';

const PUBLISHED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'published');
const EXAMPLE = path.join(OPENREFERRAL, 'examples', 'csv');

/** The official descriptor, with the extension columns an export declares (x-…) added to its tables. */
function officialWithExtensions(ours: { resources: { name: string; schema: { fields: { name: string }[] } }[] }) {
  const dp = official();
  for (const r of dp.resources) {
    const mine = ours.resources.find((x) => x.name === r.name)!;
    r.schema.fields.push(...(mine.schema.fields.filter((f) => f.name.startsWith('x-')) as typeof r.schema.fields));
  }
  return dp;
}

describe('HSDS 3.0 field list', () => {
  it("is the specification's: tables, file names, fields in order, types, formats, required, enums", () => {
    const dp = official();
    assert.deepEqual(
      dp.resources.map((r) => r.name),
      [...HSDS_TABLES],
    );
    for (const r of dp.resources as unknown as {
      name: (typeof HSDS_TABLES)[number];
      path: string;
      schema: {
        fields: {
          name: string;
          type: string;
          format?: string;
          constraints?: { required?: boolean; enum?: string[] };
        }[];
      };
    }[]) {
      assert.equal(HSDS_FILES[r.name], r.path);
      assert.deepEqual(
        HSDS_FIELDS[r.name].map((f) => [
          f.name,
          f.tabular ?? (f.type === 's' ? 'string' : 'number'),
          f.format === 'date-time' ? undefined : f.format,
          !!f.required,
          f.enum ?? undefined,
        ]),
        r.schema.fields.map((f) => [f.name, f.type, f.format, !!f.constraints?.required, f.constraints?.enum]),
        r.name,
      );
    }
  });
});

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

    it("exports the specification's package: its file names and columns, valid against its descriptor (Frictionless)", async () => {
      const dp = JSON.parse(fs.readFileSync(path.join(exported, 'datapackage.json'), 'utf8'));
      assert.equal(dp.profile, 'tabular-data-package');
      assert.deepEqual(fs.readdirSync(exported).sort(), ['datapackage.json', ...Object.values(HSDS_FILES)].sort());
      for (const r of official().resources) {
        const rows = readCsv(path.join(exported, r.path));
        const header = parse(fs.readFileSync(path.join(exported, r.path)), { to_line: 1 })[0] as string[];
        assert.deepEqual(
          header.filter((h) => !h.startsWith('x-')),
          r.schema.fields.map((f) => f.name),
          `${r.path}: the specification's columns in its order`,
        );
        const schema = tabularRow(r.name);
        for (const row of rows) {
          const plain = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('x-')));
          assert.deepEqual(rowProblems(r.name, plain), [], `${r.path}: ${JSON.stringify(row).slice(0, 300)}`);
          for (const k of Object.keys(plain)) assert.ok(k in schema.properties, `${r.path}: ${k}`);
        }
      }
      assert.ok(readCsv(path.join(exported, 'services.csv')).length >= 14);
      assert.match(fs.readFileSync(path.join(exported, 'schedules.csv'), 'utf8'), /,\d{2}:\d{2}:\d{2},/);
      // Frictionless: our descriptor, and the specification's own descriptor read over our files.
      assert.deepEqual(await packageProblems(exported), [], "against the export's own descriptor");
      assert.deepEqual(await packageProblems(exported, officialWithExtensions(dp)), [], "against the specification's");
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
        for (const file of fs.readdirSync(exported)) {
          assert.equal(
            fs.readFileSync(path.join(again, file), 'utf8'),
            fs.readFileSync(path.join(exported, file), 'utf8'),
            `${file} differs`,
          );
        }
        // The confidential location is still confidential after the round trip.
        const safe = await fresh.db
          .selectFrom('location')
          .select(['is_confidential', 'area_name'])
          .where('name', '=', 'Greater Manchester')
          .executeTakeFirstOrThrow();
        assert.deepEqual(safe, { is_confidential: 1, area_name: 'Greater Manchester' });
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
        assert.deepEqual(result.value.skipped, []);
        assert.equal(result.value.counts.program, 1, 'programs are kept');
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

    it("imports the specification's example package: strict names its two faults, --skip-invalid the rest", async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const strict = await importPackage(fresh.db, dialect, t.clock, EXAMPLE);
        assert.equal(strict.ok, false);
        const text = strict.ok ? '' : translate('en', strict.message);
        assert.match(text, /locations\.csv, row 2, field latitude: 100 is out of range/);
        // …and the rows that point at rows missing from the package.
        const missing = [
          /organizations\.csv, row 2, field parent_organization_id: "[0-9a-f-]+" does not match any organization id/,
          /contacts\.csv, row 2, field organization_id: "[0-9a-f-]+" does not match any organization id/,
          /taxonomy_terms\.csv, row 2, field parent_id: "[0-9a-f-]+" does not match any taxonomy_term id/,
        ];
        for (const re of missing) assert.match(text, re);
        const n = await fresh.db
          .selectFrom('organization')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 0, 'strict: nothing imported');

        const lenient = await importPackage(fresh.db, dialect, t.clock, EXAMPLE, { skipInvalid: true });
        assert.ok(lenient.ok, lenient.ok ? '' : translate('en', lenient.message));
        const skipped = lenient.value.skipped.map((m) => translate('en', m));
        assert.ok(
          skipped.some((m) => /locations\.csv, row 2, field latitude/.test(m)),
          skipped.join('\n'),
        );
        assert.ok(
          skipped.some((m) => /taxonomy_terms\.csv, row 2, field parent_id/.test(m)),
          skipped.join('\n'),
        );
        // Its one organisation points at a missing parent, so (one row a table) only what does not hang off it stays.
        for (const table of ['metadata', 'meta_table_description', 'taxonomy'] as const)
          assert.equal(lenient.value.counts[table], 1, `${table} kept`);
        assert.equal(lenient.value.counts.organization, 0);

        // Mended (the latitude corrected, the references to missing rows emptied), it imports whole, strictly.
        const missingIds = [
          'cd09a387-91f4-4555-94ec-e799c35344cd',
          'ae67a707-5893-4225-b0b1-320ab9cb596b',
          '0bc248fa-dc27-4650-9ba4-8f1a24ef16a2',
          '985e4a42-bd9f-4edc-911d-0243a4640aca',
          '93eaf18d-1cd2-4ec7-bffb-3c9172ee5070',
          '07ff6aee-a219-438c-b694-d2fcb6c5373b',
        ];
        const mended = copyPackage(EXAMPLE, (d) => {
          const edit = (file: string, from: RegExp | string, to: string) =>
            fs.writeFileSync(path.join(d, file), fs.readFileSync(path.join(d, file), 'utf8').replaceAll(from, to));
          edit('locations.csv', /,100,/g, ',10,');
          for (const file of fs.readdirSync(d).filter((f) => f.endsWith('.csv')))
            for (const id of missingIds) edit(file, id, '');
        });
        const whole = await createTestDatabase(dialect);
        try {
          const result = await importPackage(whole.db, dialect, t.clock, mended);
          assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
          for (const table of HSDS_TABLES) assert.equal(result.value.counts[table], 1, `${table} kept`);
          const back = tmp();
          await exportPackage(whole.db, back);
          // (The directory's own vocabulary is exported beside the example's.)
          for (const r of official().resources) assert.ok(readCsv(path.join(back, r.path)).length >= 1, r.path);
          const dp = JSON.parse(fs.readFileSync(path.join(back, 'datapackage.json'), 'utf8'));
          assert.deepEqual(await packageProblems(back, officialWithExtensions(dp)), [], 'mended, exported, valid');
        } finally {
          await whole.destroy();
        }
        const out = tmp();
        await exportPackage(fresh.db, out);
        const dp = JSON.parse(fs.readFileSync(path.join(out, 'datapackage.json'), 'utf8'));
        assert.deepEqual(
          await packageProblems(out, officialWithExtensions(dp)),
          [],
          "the export, against the specification's descriptor",
        );
        const service = (await t.inject('/api/hsds/services?per_page=1')).statusCode;
        assert.equal(service, 200);
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
                '3e000000-0000-4000-8000-000000000009,1c000000-0000-4000-8000-000000000001,3e000000-0000-4000-8000-0000000000ff,\n',
              ),
            /service_at_location\.csv, row 4, field location_id: "3e000000-0000-4000-8000-0000000000ff" does not match any location id/,
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
          [
            'id that is not a UUID',
            (d) => fs.appendFileSync(path.join(d, 'language.csv'), 'lang-7,,,,French,fr,\n'),
            /language\.csv, row 4, field id: "lang-7" is not a UUID/,
          ],
          [
            'date in the wrong format',
            (d) =>
              fs.writeFileSync(
                path.join(d, 'service.csv'),
                fs.readFileSync(path.join(PUBLISHED, 'service.csv'), 'utf8').replace('2026-09-01', '01/09/2026'),
              ),
            /service\.csv, row 2, field assured_date: "01\/09\/2026" is not a date/,
          ],
          [
            'a 10 MB cell',
            (d) =>
              fs.appendFileSync(
                path.join(d, 'language.csv'),
                `7c000000-0000-4000-8000-0000000000aa,,,,${'x'.repeat(10_000_000)},fr,\n`,
              ),
            /language\.csv(, row 4, field name: the value is too long|: the CSV is broken)/,
          ],
          [
            'a file that is no HSDS table',
            (d) => fs.writeFileSync(path.join(d, 'url.csv'), 'id,url\n'),
            /url\.csv: this file is not an HSDS 3\.0 table/,
          ],
          [
            'a descriptor path outside the folder',
            (d) => {
              const dp = JSON.parse(fs.readFileSync(path.join(d, 'datapackage.json'), 'utf8'));
              dp.resources.find((r: { name: string }) => r.name === 'phone').path = '../../etc/passwd';
              fs.writeFileSync(path.join(d, 'datapackage.json'), JSON.stringify(dp));
            },
            /the resource "phone" has the path "\.\.\/\.\.\/etc\/passwd", which is not a file inside the package folder/,
          ],
          [
            'an absolute descriptor path',
            (d) => {
              const dp = JSON.parse(fs.readFileSync(path.join(d, 'datapackage.json'), 'utf8'));
              dp.resources.find((r: { name: string }) => r.name === 'phone').path = '/etc/passwd';
              fs.writeFileSync(path.join(d, 'datapackage.json'), JSON.stringify(dp));
            },
            /the resource "phone" has the path "\/etc\/passwd"/,
          ],
          [
            'a link out of the folder',
            (d) => {
              fs.rmSync(path.join(d, 'phone.csv'));
              fs.symlinkSync('/etc/passwd', path.join(d, 'phone.csv'));
            },
            /the resource "phone" has the path "phone\.csv", which is not a file inside the package folder/,
          ],
          [
            'a resource that is no HSDS table',
            (d) => {
              const dp = JSON.parse(fs.readFileSync(path.join(d, 'datapackage.json'), 'utf8'));
              dp.resources.push({ name: 'url', path: 'url.csv' });
              fs.writeFileSync(path.join(d, 'datapackage.json'), JSON.stringify(dp));
            },
            /the resource "url" is not an HSDS 3\.0 table/,
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
        // The same package again is a sync with nothing to do (hsds-sync.test.ts tests syncs that change things).
        const again = await importPackage(fresh.db, dialect, t.clock, PUBLISHED);
        assert.ok(again.ok, again.ok ? '' : translate('en', again.message));
        assert.deepEqual(
          { ...again.value.sync, unchanged: again.value.sync.unchanged > 0 },
          { added: 0, updated: 0, unchanged: true, older: 0, conflicts: [], retired: [] },
        );
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
