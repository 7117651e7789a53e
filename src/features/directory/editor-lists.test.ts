import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { translate } from '../../core/i18n/index.ts';
import { formValues as readForm, loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { importPackage } from './hsds-io.ts';
import { seedDirectory } from './seed.ts';

/*
 * Saving a listing in the editor keeps its phones, languages and areas as rows: an imported phone's
 * extension and other HSDS fields the editor does not show, a language's note and an area's description
 * survive every save; one the curator removes goes, with nothing left pointing at it.
 */
const ID = {
  org: '0b000000-0000-4000-8000-000000000001',
  service: '1b000000-0000-4000-8000-000000000001',
  desk: '5b000000-0000-4000-8000-000000000001',
  mobile: '5b000000-0000-4000-8000-000000000002',
  en: '7b000000-0000-4000-8000-000000000001',
  pt: '7b000000-0000-4000-8000-000000000002',
  ro: '7b000000-0000-4000-8000-000000000003',
  gb: '8b000000-0000-4000-8000-000000000001',
  ie: '8b000000-0000-4000-8000-000000000002',
  region: '8b000000-0000-4000-8000-000000000003',
};
const EDIT = `/admin/resources/${ID.service}/edit`;

function writePackage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-phones-'));
  const csv = (table: string, rows: Record<string, string>[]) => {
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    fs.writeFileSync(
      path.join(dir, `${table}.csv`),
      stringify([cols, ...rows.map((r) => cols.map((c) => r[c] ?? ''))]),
    );
  };
  csv('organization', [{ id: ID.org, name: 'Quayside Support (sample)', description: 'Support line.' }]);
  csv('service', [
    {
      id: ID.service,
      organization_id: ID.org,
      name: 'Quayside support line (sample)',
      description: 'A support line.',
      status: 'active',
    },
  ]);
  csv('phone', [
    {
      id: ID.desk,
      service_id: ID.service,
      number: '+44 20 7946 0141',
      extension: '12',
      type: 'voice',
      description: 'Front desk',
    },
    { id: ID.mobile, service_id: ID.service, number: '+44 20 7946 0142', extension: '', type: 'cell', description: '' },
  ]);
  csv('language', [
    { id: ID.en, service_id: ID.service, phone_id: '', name: 'English', code: 'en', note: 'All sessions' },
    {
      id: ID.pt,
      service_id: ID.service,
      phone_id: '',
      name: 'Portuguese',
      code: 'pt',
      note: 'Tuesday evenings, with an interpreter',
    },
    // Spoken on the mobile only: it goes with that phone.
    { id: ID.ro, service_id: '', phone_id: ID.mobile, name: 'Romanian', code: 'ro', note: 'On the mobile' },
  ]);
  csv('service_area', [
    {
      id: ID.gb,
      service_id: ID.service,
      name: 'United Kingdom',
      description: 'Calls from anywhere in the UK',
      extent_type: 'text',
      uri: 'urn:iso:std:iso:3166:-1:GB',
    },
    {
      id: ID.ie,
      service_id: ID.service,
      name: 'Ireland',
      description: 'Texts only',
      extent_type: 'text',
      uri: 'urn:iso:std:iso:3166:-1:IE',
    },
    // Not a country: the editor cannot show it, so it stays whatever the curator does.
    {
      id: ID.region,
      service_id: ID.service,
      name: 'North West England',
      description: '',
      extent_type: 'text',
      uri: '',
    },
  ]);
  return dir;
}

/** The fields a browser would send for the listing form, as it is shown. */
const formValues = (html: string) => readForm(html, EDIT);

for (const dialect of DIALECTS) {
  describe(`saving a listing keeps its phones, languages and areas (${dialect})`, () => {
    let t: TestApp;
    let mod: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      const imported = await importPackage(t.db, dialect, t.clock, writePackage());
      assert.ok(imported.ok, imported.ok ? '' : translate('en', imported.message));
      mod = await loginAs(t, 'moderator');
    });
    after(() => t.close());
    const shown = async () => formValues((await t.inject({ url: EDIT, headers: { cookie: mod.cookie } })).body);
    // This listing's rows, and the imported ones whatever became of them.
    const phones = () =>
      t.db
        .selectFrom('phone')
        .selectAll()
        .where((eb) => eb.or([eb('service_id', '=', ID.service), eb('id', 'in', [ID.desk, ID.mobile])]))
        .orderBy('id')
        .execute();
    const areas = () =>
      t.db.selectFrom('service_area').selectAll().where('service_id', '=', ID.service).orderBy('id').execute();
    const languages = () =>
      t.db
        .selectFrom('language')
        .selectAll()
        .where((eb) => eb.or([eb('service_id', '=', ID.service), eb('id', 'in', [ID.en, ID.pt, ID.ro])]))
        .orderBy('id')
        .execute();
    const lastChange = async () => {
      const rows = await t.db
        .selectFrom('directory_changes')
        .selectAll()
        .where('service_id', '=', ID.service)
        .orderBy('id')
        .execute();
      return JSON.parse(rows.at(-1)!.detail) as Record<string, [string, string]>;
    };

    it('keeps every phone and language row as it was when something else changes', async () => {
      const beforePhones = await phones();
      const beforeLanguages = await languages();
      const beforeAreas = await areas();
      assert.equal(beforePhones.find((p) => p.id === ID.desk)!.extension, 12);
      const values = await shown();
      // Phones are rows, languages chosen by name one per list (sending codes); two empty rows follow.
      assert.deepEqual(
        [0, 1, 2].map((r) => [values[`phone${r}_number`], values[`phone${r}_type`], values[`phone${r}_note`]]),
        [
          ['+44 20 7946 0141', 'voice', 'Front desk'],
          ['+44 20 7946 0142', 'voice', ''],
          ['', 'voice', ''],
        ],
      );
      assert.deepEqual(values.languages, ['en', 'pt', '', '']);
      values.description = 'A support line, answered by peers.';
      const res = await postForm(t, EDIT, values, mod);
      assert.equal(res.statusCode, 303);
      assert.deepEqual(Object.keys(await lastChange()), ['description']);
      assert.deepEqual(await phones(), beforePhones, 'same ids, extension, type "cell" and note');
      assert.deepEqual(await languages(), beforeLanguages, 'same ids, names and notes');
      assert.deepEqual(
        await areas(),
        beforeAreas,
        'same ids and descriptions, and the region the editor does not show',
      );
      const page = (await t.inject('/resources/quayside-support-line-sample')).body;
      assert.match(page, /<a href="tel:\+442079460141;ext=12">\+44 20 7946 0141<\/a> \(extension 12\) — Front desk/);
    });

    it('changes a phone’s note in place, keeping its id and extension', async () => {
      const values = await shown();
      assert.equal(values.phone0_number, '+44 20 7946 0141');
      values.phone0_note = 'Reception, ask for the duty worker';
      assert.equal((await postForm(t, EDIT, values, mod)).statusCode, 303);
      const desk = (await phones()).find((p) => p.id === ID.desk)!;
      assert.deepEqual(
        [desk.number, desk.extension, desk.type, desk.description],
        ['+44 20 7946 0141', 12, 'voice', 'Reception, ask for the duty worker'],
      );
      assert.equal((await phones()).find((p) => p.id === ID.mobile)!.type, 'cell', 'the other phone is untouched');
      assert.deepEqual(Object.keys(await lastChange()), ['phones']);
    });

    it('removes an area that is taken out, adds a new one, and keeps the rest with their descriptions', async () => {
      const values = await shown();
      assert.deepEqual(values.areas, ['GB', 'IE', '', '']);
      values.areas = ['GB', 'FR', '', ''];
      assert.equal((await postForm(t, EDIT, values, mod)).statusCode, 303);
      const after = await areas();
      assert.deepEqual(after.find((a) => a.id === ID.gb)?.description, 'Calls from anywhere in the UK');
      assert.equal(
        after.find((a) => a.id === ID.ie),
        undefined,
        'Ireland is gone',
      );
      assert.equal(after.find((a) => a.id === ID.region)?.name, 'North West England');
      assert.deepEqual(
        after.filter((a) => a.uri === 'urn:iso:std:iso:3166:-1:FR').map((a) => a.name),
        ['France'],
      );
      assert.equal(
        await t.db.selectFrom('service_area').select('id').where('id', '=', ID.ie).executeTakeFirst(),
        undefined,
        'nothing left pointing at nothing',
      );
      assert.deepEqual(Object.keys(await lastChange()), ['areas']);
    });

    it('removes a phone and a language that are taken out, adds new ones, and keeps the rest', async () => {
      const keptLanguage = (await languages()).find((l) => l.id === ID.en);
      const values = await shown();
      assert.deepEqual(
        [values.phone0_note, values.phone1_number],
        ['Reception, ask for the duty worker', '+44 20 7946 0142'],
      );
      Object.assign(values, {
        phone1_number: '+44 20 7946 0143',
        phone1_type: 'text',
        phone1_note: 'Texts answered in the evening',
      });
      values.languages = ['en', 'fr', '', ''];
      assert.equal((await postForm(t, EDIT, values, mod)).statusCode, 303);
      const after = await phones();
      assert.equal(
        after.find((p) => p.id === ID.mobile),
        undefined,
        'the removed phone is gone',
      );
      assert.deepEqual(after.map((p) => p.number).sort(), ['+44 20 7946 0141', '+44 20 7946 0143']);
      assert.equal(after.find((p) => p.id === ID.desk)!.extension, 12);
      const added = after.find((p) => p.number === '+44 20 7946 0143')!;
      assert.deepEqual(
        [added.service_id, added.type, added.description],
        [ID.service, 'text', 'Texts answered in the evening'],
      );
      const langs = await languages();
      assert.deepEqual(
        langs.find((l) => l.id === ID.en),
        keptLanguage,
        'English keeps its row and note',
      );
      assert.equal(
        langs.find((l) => l.id === ID.pt),
        undefined,
        'Portuguese is gone',
      );
      assert.equal(
        langs.find((l) => l.id === ID.ro),
        undefined,
        'the language spoken only on the removed phone goes with it',
      );
      assert.deepEqual(
        langs.filter((l) => l.code === 'fr').map((l) => [l.service_id, l.name, l.note]),
        [[ID.service, 'French', null]],
      );
      assert.deepEqual(Object.keys(await lastChange()).sort(), ['languages', 'phones']);
      const page = (await t.inject('/resources/quayside-support-line-sample')).body;
      assert.doesNotMatch(page, /7946 0142/);
      assert.match(page, /Text <a href="sms:\+442079460143">/);
    });

    it('saves the form as shown again without any change', async () => {
      const before = { phones: await phones(), languages: await languages(), areas: await areas() };
      assert.equal((await postForm(t, EDIT, await shown(), mod)).statusCode, 303);
      assert.deepEqual({ phones: await phones(), languages: await languages(), areas: await areas() }, before);
    });
  });
}
