import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { DIALECTS, createTestApp, createTestDatabase, type TestApp } from '../../../test/support/app.ts';
import { translate } from '../../core/i18n/index.ts';
import { exportPackage, importPackage } from './hsds-io.ts';
import { loadListingForEdit, writeListing } from './listing-store.ts';
import { demoInput, dialectOf, seedDirectory } from './seed.ts';
import { official, packageProblems } from './testdata/frictionless.ts';
import { problems, rowProblems } from './testdata/official-schemas.ts';

/*
 * "By appointment" and dated changes are plain HSDS 3.0 schedule rows: an export holds them valid
 * against the specification's descriptor, an import brings them back as the editor showed them, a second
 * export is the same file, and the API's records with them are valid against the official schemas.
 */
const EXCEPTIONS = [
  { from: '2026-12-23', to: '2026-12-24', opens_at: '10:00', closes_at: '13:00', note: 'Short days' },
  { from: '2026-12-25', to: '2026-12-26', opens_at: null, closes_at: null, note: 'Christmas' },
];

for (const dialect of DIALECTS) {
  describe(`by appointment and dated changes in HSDS (${dialect})`, () => {
    let t: TestApp;
    let id = '';
    let exported = '';
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      const input = demoInput({
        name: 'Appointments desk (test)',
        terms: { category: ['health'] },
        location: { city: 'Leeds', country: 'GB', latitude: 53.8, longitude: -1.55 },
        hours: [{ byday: 'MO,TU', opens_at: '09:00', closes_at: '17:00' }],
        timezone: 'Europe/London',
        byAppointment: true,
        exceptions: EXCEPTIONS,
      } as never);
      ({ id } = await writeListing(t.db, dialectOf(t.db), t.clock, input));
      exported = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-hours-'));
      await exportPackage(t.db, exported);
    });
    after(() => t.close());

    it('exports them as schedule rows valid against the specification', async () => {
      const rows = (
        parse(fs.readFileSync(path.join(exported, 'schedules.csv')), { columns: true, bom: true }) as Record<
          string,
          string
        >[]
      ).filter((r) => r.service_id === id);
      const plain = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('x-'))));
      for (const r of plain) assert.deepEqual(rowProblems('schedule', r), [], JSON.stringify(r));
      const pick = (r: Record<string, string>) =>
        [r.valid_from, r.valid_to, r.byday, r.opens_at, r.closes_at, r.description, r.notes].join('|');
      assert.deepEqual(plain.map(pick).sort(), [
        '2026-12-23|2026-12-24|MO,TU,WE,TH,FR,SA,SU|10:00:00|13:00:00|Special hours|Short days',
        '2026-12-25|2026-12-26||||Closed|Christmas',
        '||MO,TU|09:00:00|17:00:00||',
        '|||||By appointment|',
      ]);
      assert.deepEqual(await packageProblems(exported), []);
      const dp = official();
      const ours = JSON.parse(fs.readFileSync(path.join(exported, 'datapackage.json'), 'utf8')) as {
        resources: { name: string; schema: { fields: { name: string }[] } }[];
      };
      for (const r of dp.resources) {
        const mine = ours.resources.find((x) => x.name === r.name)!;
        r.schema.fields.push(...(mine.schema.fields.filter((f) => f.name.startsWith('x-')) as typeof r.schema.fields));
      }
      assert.deepEqual(await packageProblems(exported, dp), [], "against the specification's descriptor");
    });

    it('imports them back as the editor showed them, and exports the same files again', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const result = await importPackage(fresh.db, dialect, t.clock, exported);
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
        const before = (await loadListingForEdit(t.db, id))!.input;
        const after = (await loadListingForEdit(fresh.db, id))!.input;
        assert.equal(after.byAppointment, true);
        assert.deepEqual(after.exceptions, before.exceptions);
        assert.deepEqual(
          after.exceptions,
          EXCEPTIONS.map((e) => ({ ...e })),
        );
        assert.deepEqual(after.hours, before.hours);
        const again = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-hours-'));
        await exportPackage(fresh.db, again);
        for (const file of fs.readdirSync(exported))
          assert.equal(
            fs.readFileSync(path.join(again, file), 'utf8'),
            fs.readFileSync(path.join(exported, file), 'utf8'),
            `${file} differs`,
          );
      } finally {
        await fresh.destroy();
      }
    });

    it('serves them in the API, valid against the official schemas', async () => {
      for (const url of [`/api/hsds/services/${id}`, `/api/hsds/organizations?full=true&per_page=100`]) {
        const res = await t.inject(url);
        assert.equal(res.statusCode, 200, url);
        assert.doesNotMatch(res.body, /:null[,}\]]/, `${url}: no field is null`);
        const schema = url.includes('organizations') ? 'compiled/organization.json' : 'compiled/service.json';
        const body = res.json() as { contents?: unknown[] };
        for (const item of body.contents ?? [body])
          assert.deepEqual(problems(schema, item), [], `${url} against ${schema}`);
      }
      const service = (await t.inject(`/api/hsds/services/${id}`)).json() as {
        schedules: { description?: string; valid_from?: string; notes?: string }[];
      };
      assert.deepEqual(
        service.schedules.map((s) => `${s.description ?? ''} ${s.valid_from ?? ''} ${s.notes ?? ''}`.trim()).sort(),
        ['', 'By appointment', 'Closed 2026-12-25 Christmas', 'Special hours 2026-12-23 Short days'],
      );
    });
  });
}
