import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { DIALECTS, createTestApp, createTestDatabase, type TestApp } from '../../../test/support/app.ts';
import { translate } from '../../core/i18n/index.ts';
import { csrfFrom, formValues as readForm, loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { exportPackage, importPackage } from './hsds-io.ts';
import { seedDirectory } from './seed.ts';
import { submitSuggestion } from './service.ts';

async function publicPost(t: TestApp, pageUrl: string, action: string, fields: Record<string, string>) {
  const page = await t.inject(pageUrl);
  return postForm(t, action, { ...fields, _csrf: csrfFrom(page.body) });
}

for (const dialect of DIALECTS) {
  describe(`directory curation (${dialect})`, () => {
    let t: TestApp;
    let mod: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      mod = await loginAs(t, 'moderator');
    });
    after(() => t.close());
    const get = (url: string, s: StaffSession = mod) => t.inject({ url, headers: { cookie: s.cookie } });
    const serviceBySlug = (slug: string) =>
      t.db.selectFrom('service').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();

    it('takes a suggestion without an account, keeps text on bad input, and shows it with duplicate hints', async () => {
      const bad = await publicPost(t, '/resources/suggest', '/resources/suggest', {
        name: 'Keep this text',
        url: 'javascript:alert(1)',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /value="Keep this text"/);
      assert.equal((await t.db.selectFrom('resource_suggestions').selectAll().execute()).length, 0);
      const good = await publicPost(t, '/resources/suggest', '/resources/suggest', {
        name: 'Red Umbrella evening clinic',
        url: 'https://red-umbrella.example.org/clinic',
        where: 'London',
        context: 'Evening clinic',
      });
      assert.equal(good.statusCode, 200);
      assert.match(good.body, /Thank you/);
      const queue = await get('/admin/resources');
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, /Red Umbrella evening clinic/);
      assert.match(queue.body, /Possible duplicate of .*Red Umbrella Drop-in \(demo\).*same website/s);
    });

    it('merges a suggestion into an existing listing and records it in the history', async () => {
      const s = await t.db
        .selectFrom('resource_suggestions')
        .selectAll()
        .where('name', '=', 'Red Umbrella evening clinic')
        .executeTakeFirstOrThrow();
      const wrong = await postForm(t, `/admin/resources/suggestions/${s.id}/merge`, { target: 'no-such-listing' }, mod);
      assert.equal(wrong.statusCode, 400);
      const res = await postForm(
        t,
        `/admin/resources/suggestions/${s.id}/merge`,
        { target: 'red-umbrella-drop-in' },
        mod,
      );
      assert.equal(res.statusCode, 303);
      const after = await t.db
        .selectFrom('resource_suggestions')
        .selectAll()
        .where('id', '=', s.id)
        .executeTakeFirstOrThrow();
      const red = await serviceBySlug('red-umbrella-drop-in');
      assert.equal(after.status, 'merged');
      assert.equal(after.service_id, red.id);
      const edit = await get(`/admin/resources/${red.id}/edit`);
      assert.match(edit.body, /merged suggestion #/);
      const again = await postForm(
        t,
        `/admin/resources/suggestions/${s.id}/merge`,
        { target: 'red-umbrella-drop-in' },
        mod,
      );
      assert.equal(again.statusCode, 409, 'a suggestion is dealt with once');
    });

    it('approves a suggestion into a new listing that search then finds', async () => {
      const page = await t.inject('/resources/suggest');
      await postForm(t, '/resources/suggest', {
        name: 'Glasgow Night Bus (demo)',
        where: 'Glasgow',
        _csrf: csrfFrom(page.body),
      });
      const s = await t.db
        .selectFrom('resource_suggestions')
        .selectAll()
        .where('name', '=', 'Glasgow Night Bus (demo)')
        .executeTakeFirstOrThrow();
      const review = await get(`/admin/resources/suggestions/${s.id}`);
      assert.match(review.body, /Approve as a new listing/);
      // The suggestion is approved at its own address (its id in the path, typed by the route's schema).
      const approve = `/admin/resources/suggestions/${s.id}/approve`;
      assert.match(review.body, new RegExp(`<form method="post" action="${approve}"`));
      const fields = {
        name: 'Glasgow Night Bus (demo)',
        description: 'A warm bus with tea and harm-reduction supplies.',
        status: 'active',
        category: ['health', 'safety'],
        approach: ['harm-reduction', 'free'],
        delivery: 'in-person',
        languages: 'en',
        phones: '+44 20 7946 0155 | voice | Bus mobile',
        loc0_address1: 'Example Square',
        loc0_city: 'Glasgow',
        loc0_country: 'GB',
        loc0_latitude: '55.8609',
        loc0_longitude: '-4.2514',
        hours: 'TH,FR,SA 22:00-04:00',
        timezone: 'Europe/London',
        loc0_postalCode: 'G1 0AA',
        loc0_region: 'Scotland',
      };
      const badHours = await postForm(t, approve, { ...fields, hours: 'whenever' }, mod);
      assert.equal(badHours.statusCode, 400);
      assert.match(badHours.body, /Write hours like/);
      assert.match(badHours.body, /A warm bus with tea/);
      const res = await postForm(t, approve, fields, mod);
      assert.equal(res.statusCode, 303);
      const approved = await t.db
        .selectFrom('resource_suggestions')
        .selectAll()
        .where('id', '=', s.id)
        .executeTakeFirstOrThrow();
      assert.equal(approved.status, 'approved');
      const found = await t.inject('/resources?q=bus&place=Glasgow&placeId=2648579&radius=10');
      assert.match(found.body, /Glasgow Night Bus \(demo\)/);
      const listing = await t.inject('/resources/glasgow-night-bus');
      assert.match(listing.body, /Thu, Fri, Sat 22:00–04:00/);
    });

    it('edits a listing with a recorded history and refuses bad input without changing anything', async () => {
      const paris = await serviceBySlug('ecoute-travail-du-sexe');
      const form = await get(`/admin/resources/${paris.id}/edit`);
      assert.match(form.body, /value="Écoute Travail du Sexe \(demo\)"/);
      const bad = await postForm(
        t,
        `/admin/resources/${paris.id}/edit`,
        { name: 'Renamed', loc0_country: 'France!', loc0_address1: 'x', loc0_city: 'Paris' },
        mod,
      );
      assert.equal(bad.statusCode, 400);
      assert.equal((await serviceBySlug('ecoute-travail-du-sexe')).name, 'Écoute Travail du Sexe (demo)');
      // Resubmit the form as shown, with a new fee line.
      const values = readForm(form.body, `/admin/resources/${paris.id}/edit`);
      delete values._csrf;
      values.feesDescription = 'Free; donations welcome';
      const ok = await postForm(t, `/admin/resources/${paris.id}/edit`, values, mod);
      assert.equal(ok.statusCode, 303);
      const history = await t.db
        .selectFrom('directory_changes')
        .selectAll()
        .where('service_id', '=', paris.id)
        .execute();
      assert.equal(history.length, 1, JSON.stringify(history));
      assert.deepEqual(
        Object.keys(JSON.parse(history[0]!.detail)),
        ['feesDescription'],
        'only the changed field is recorded',
      );
      const page = await t.inject('/resources/ecoute-travail-du-sexe');
      assert.match(page.body, /donations welcome/);
    });

    it('lists listings needing verification by a configurable age and clears them when verified', async () => {
      const queue = await get('/admin/resources/verification');
      assert.match(queue.body, /Safe Harbour House \(demo\)/, '300 days old');
      assert.match(queue.body, /Toronto Peer Legal Clinic \(demo\)/, 'never verified');
      assert.doesNotMatch(queue.body, /Red Umbrella Drop-in/, 'verified 20 days ago');
      const safe = await serviceBySlug('safe-harbour-house');
      assert.equal(
        (await postForm(t, `/admin/resources/${safe.id}/verify`, { back: 'verification' }, mod)).statusCode,
        303,
      );
      const after = await get('/admin/resources/verification');
      assert.doesNotMatch(after.body, /Safe Harbour House/);
      const verified = await serviceBySlug('safe-harbour-house');
      assert.equal(verified.assured_date, '2026-11-25');
      assert.equal(verified.verified_by, 'Test moderator');
      assert.equal((await postForm(t, '/admin/resources/verification', { months: '0' }, mod)).statusCode, 400);
      assert.equal((await postForm(t, '/admin/resources/verification', { months: '24' }, mod)).statusCode, 303);
      assert.doesNotMatch(
        (await get('/admin/resources/verification')).body,
        /Harbour City Trans/,
        '400 days is under 24 months',
      );
    });

    it('takes outdated-information reports from readers and lets curators resolve them', async () => {
      const empty = await publicPost(
        t,
        '/resources/bangkok-sisters-drop-in',
        '/resources/bangkok-sisters-drop-in/report',
        { message: '  ' },
      );
      assert.equal(empty.statusCode, 400);
      const res = await publicPost(
        t,
        '/resources/bangkok-sisters-drop-in',
        '/resources/bangkok-sisters-drop-in/report',
        { message: 'They moved to a new street in October.' },
      );
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /A curator will check/);
      const home = await get('/admin/resources');
      assert.match(home.body, /They moved to a new street/);
      const report = await t.db.selectFrom('directory_reports').selectAll().executeTakeFirstOrThrow();
      assert.equal((await postForm(t, `/admin/resources/reports/${report.id}/resolve`, {}, mod)).statusCode, 303);
      assert.doesNotMatch((await get('/admin/resources')).body, /They moved to a new street/);
      assert.equal(
        (await publicPost(t, '/resources/bangkok-sisters-drop-in', '/resources/nope/report', { message: 'x' }))
          .statusCode,
        404,
      );
    });

    it('lets only curators curate and only admins edit the vocabulary', async () => {
      const editor = await loginAs(t, 'editor');
      assert.equal((await get('/admin/resources', editor)).statusCode, 403);
      assert.equal((await t.inject('/admin/resources')).statusCode, 303, 'anonymous visitors are sent to log in');
      assert.equal((await get('/admin/resources/taxonomy')).statusCode, 403, 'moderators do not edit the vocabulary');
      const admin = await loginAs(t, 'admin');
      const staffHome = await get('/admin', admin);
      assert.match(staffHome.body, /\/admin\/resources\/taxonomy/);
      const bad = await postForm(
        t,
        '/admin/resources/taxonomy',
        { facet: 'approach', code: 'Bad Code', name: '' },
        admin,
      );
      assert.equal(bad.statusCode, 400);
      const add = await postForm(
        t,
        '/admin/resources/taxonomy',
        { facet: 'approach', code: 'childcare', name: 'Childcare available', description: 'Bring your children.' },
        admin,
      );
      assert.equal(add.statusCode, 303);
      const search = await t.inject('/resources?q=drop-in');
      assert.match(search.body, /name="approach" value="childcare"/);
    });

    it("records every curator's action in the audit log, by whom and on what, never a reader's words", async () => {
      // A status change, a rejected suggestion and a renamed term, beside what the tests above did.
      const bangkok = await serviceBySlug('bangkok-sisters-drop-in');
      const edit = `/admin/resources/${bangkok.id}/edit`;
      const values = readForm((await get(edit)).body, edit);
      assert.equal((await postForm(t, edit, { ...values, status: 'temporarily closed' }, mod)).statusCode, 303);
      assert.ok((await submitSuggestion(t.db, t.clock, { name: 'Spam Clinic', source: 'form' })).ok);
      const spam = await t.db
        .selectFrom('resource_suggestions')
        .select('id')
        .where('name', '=', 'Spam Clinic')
        .executeTakeFirstOrThrow();
      assert.equal((await postForm(t, `/admin/resources/suggestions/${spam.id}/reject`, {}, mod)).statusCode, 303);
      const admin = await loginAs(t, 'admin');
      const term = await t.db
        .selectFrom('taxonomy_term')
        .select('id')
        .where('code', '=', 'childcare')
        .executeTakeFirstOrThrow();
      const renamed = { name: 'Childcare on site', description: '' };
      assert.equal((await postForm(t, `/admin/resources/taxonomy/${term.id}`, renamed, admin)).statusCode, 303);

      const log = await t.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
      const entry = (action: string, subject?: string) =>
        log.find((e) => e.action === action && (subject === undefined || e.subject === subject));
      for (const action of [
        'suggestion.merge',
        'listing.create',
        'suggestion.approve',
        'listing.update',
        'listing.verify',
        'setting.change',
        'report.resolve',
        'taxonomy.add',
      ])
        assert.ok(entry(action), `${action} is recorded`);
      assert.equal(entry('listing.status', `listing:${bangkok.id}`)?.detail, 'active → temporarily closed');
      assert.equal(entry('listing.update', `listing:${bangkok.id}`)?.detail, 'status');
      assert.equal(entry('listing.update', `listing:${bangkok.id}`)?.user_id, mod.userId);
      assert.equal(entry('suggestion.reject', `suggestion:${spam.id}`)?.user_id, mod.userId);
      assert.equal(entry('taxonomy.rename', `term:${term.id}`)?.user_id, admin.userId);
      assert.equal(entry('setting.change')?.detail, '6 → 24');
      // Readers' suggestions and reports reach the curators, not the log.
      assert.doesNotMatch(
        JSON.stringify(log),
        /evening clinic|red-umbrella\.example\.org\/clinic|Glasgow|moved to a new street|Spam Clinic/i,
      );
      // A form that fails, or changes nothing, records nothing.
      const count = log.length;
      assert.equal((await postForm(t, edit, { ...values, name: '' }, mod)).statusCode, 400);
      assert.equal((await postForm(t, edit, readForm((await get(edit)).body, edit), mod)).statusCode, 303);
      assert.equal((await t.db.selectFrom('audit_log').select('id').execute()).length, count);
    });
  });
}

/*
 * Listings with several locations, as an HSDS import leaves them: two sites for one service, one of
 * them shared with another service, with fields the editor never shows (a location's description,
 * an address's attention line, a schedule's validity) that every save must keep.
 */
const ID = {
  org: '0a000000-0000-4000-8000-000000000001',
  org2: '0a000000-0000-4000-8000-000000000002',
  advice: '1a000000-0000-4000-8000-000000000001',
  clinic: '1a000000-0000-4000-8000-000000000002',
  harbour: '2a000000-0000-4000-8000-000000000001',
  leeds: '2a000000-0000-4000-8000-000000000002',
};
function writeMultiSitePackage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-multisite-'));
  const csv = (table: string, rows: Record<string, string>[]) => {
    const cols = Object.keys(rows[0]!);
    fs.writeFileSync(
      path.join(dir, `${table}.csv`),
      stringify([cols, ...rows.map((r) => cols.map((c) => r[c] ?? ''))]),
    );
  };
  csv('organization', [
    { id: ID.org, name: 'Harbour Network (sample)', description: 'Advice network.' },
    { id: ID.org2, name: 'Leeds Health (sample)', description: 'Clinics.' },
  ]);
  csv('service', [
    {
      id: ID.advice,
      organization_id: ID.org,
      name: 'Harbour Network advice (sample)',
      description: 'Advice at two sites.',
      status: 'active',
    },
    {
      id: ID.clinic,
      organization_id: ID.org2,
      name: 'Leeds evening clinic (sample)',
      description: 'Walk-in clinic.',
      status: 'active',
    },
  ]);
  const loc = {
    location_type: 'physical',
    organization_id: ID.org,
    alternate_name: '',
    description: '',
    transportation: '',
    latitude: '',
    longitude: '',
    external_identifier: '',
    external_identifier_type: '',
  };
  csv('location', [
    {
      id: ID.harbour,
      ...loc,
      name: 'Harbourside office',
      alternate_name: 'HQ',
      description: 'Ground floor, step-free',
      transportation: 'Bus 12 to Harbour Street',
      latitude: '53.4084',
      longitude: '-2.9916',
      external_identifier: 'LIV-1',
      external_identifier_type: 'local',
    },
    {
      id: ID.leeds,
      ...loc,
      name: 'Northside clinic',
      description: 'Upstairs, lift available',
      transportation: 'Tram to Park Square',
      latitude: '53.7997',
      longitude: '-1.5492',
    },
  ]);
  csv('service_at_location', [
    {
      id: '3a000000-0000-4000-8000-000000000001',
      service_id: ID.advice,
      location_id: ID.harbour,
      description: 'Main office',
    },
    { id: '3a000000-0000-4000-8000-000000000002', service_id: ID.advice, location_id: ID.leeds, description: '' },
    { id: '3a000000-0000-4000-8000-000000000003', service_id: ID.clinic, location_id: ID.leeds, description: '' },
  ]);
  const address = { attention: '', address_2: '', region: '', address_type: 'physical', country: 'GB' };
  csv('address', [
    {
      id: '4a000000-0000-4000-8000-000000000001',
      location_id: ID.harbour,
      ...address,
      attention: 'Reception',
      address_1: '1 Sample Street',
      address_2: 'Unit 4',
      city: 'Liverpool',
      state_province: 'Merseyside',
      postal_code: 'L1 0AA',
    },
    {
      id: '4a000000-0000-4000-8000-000000000002',
      location_id: ID.leeds,
      ...address,
      address_1: '2 Sample Road',
      address_2: 'Floor 2',
      city: 'Leeds',
      state_province: 'West Yorkshire',
      postal_code: 'LS1 0BB',
    },
  ]);
  const sched = {
    service_id: '',
    location_id: '',
    valid_from: '',
    freq: 'WEEKLY',
    wkst: 'MO',
    interval: '1',
    byday: '',
    bymonthday: '',
    description: '',
    opens_at: '',
    closes_at: '',
    attending_type: '',
  };
  csv('schedule', [
    {
      id: '6a000000-0000-4000-8000-000000000001',
      ...sched,
      service_id: ID.advice,
      valid_from: '2026-01-01',
      byday: 'TU,TH',
      description: 'Advice sessions',
      opens_at: '09:30',
      closes_at: '16:00',
    },
    {
      id: '6a000000-0000-4000-8000-000000000002',
      ...sched,
      location_id: ID.harbour,
      byday: 'MO,WE',
      description: 'Walk-in evening',
      opens_at: '17:00',
      closes_at: '20:00',
      attending_type: 'In person',
    },
    {
      id: '6a000000-0000-4000-8000-000000000003',
      ...sched,
      location_id: ID.leeds,
      freq: 'MONTHLY',
      byday: '',
      bymonthday: '1',
      description: 'First of the month',
      opens_at: '10:00',
      closes_at: '12:00',
    },
  ]);
  csv('contact', [
    { id: '9a000000-0000-4000-8000-000000000001', service_id: ID.advice, name: 'Duty adviser', title: 'Adviser' },
  ]);
  return dir;
}

/** The fields a browser would send for the first listing form on a page, as it is shown. */
const formValues = (html: string, action = `/admin/resources/${ID.advice}/edit`) => readForm(html, action);

for (const dialect of DIALECTS) {
  describe(`editing listings with several locations (${dialect})`, () => {
    let t: TestApp;
    let mod: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      const imported = await importPackage(t.db, dialect, t.clock, writeMultiSitePackage());
      assert.ok(imported.ok, imported.ok ? '' : translate('en', imported.message));
      mod = await loginAs(t, 'moderator');
    });
    after(() => t.close());
    const edit = `/admin/resources/${ID.advice}/edit`;
    const get = (url: string, s: StaffSession = mod) => t.inject({ url, headers: { cookie: s.cookie } });
    const shown = async () => formValues((await get(edit)).body);
    const locationRows = () => t.db.selectFrom('location').selectAll().orderBy('id').execute();
    const linksOf = async (serviceId: string) =>
      (await t.db.selectFrom('service_at_location').select('location_id').where('service_id', '=', serviceId).execute())
        .map((r) => r.location_id)
        .sort();
    const history = () =>
      t.db.selectFrom('directory_changes').selectAll().where('service_id', '=', ID.advice).orderBy('id').execute();
    const lastChange = async () => JSON.parse((await history()).at(-1)!.detail) as Record<string, [string, string]>;
    const near = async (at: string) => (await t.inject(`/resources?at=${at}&radius=10`)).body;
    const indexOf = (values: Record<string, string | string[]>, name: string) => {
      const key = Object.keys(values).find((k) => /^loc\d+_name$/.test(k) && values[k] === name);
      assert.ok(key, `the form shows ${name}`);
      return key.slice(0, key.indexOf('_'));
    };

    it('shows every location in its own fieldset with a legend, labelled fields and a remove box', async () => {
      const page = await get(edit);
      assert.equal(page.statusCode, 200);
      const fieldsets = [
        ...page.body.matchAll(
          // A location's fieldset holds fieldsets of its own (its hours rows): it runs to the next location.
          /<fieldset id="loc-(\d+)" class="location"><legend>([^<]+)<\/legend>([\s\S]*?)(?=<fieldset id="loc-|<\/section>)/g,
        ),
      ];
      assert.deepEqual(
        fieldsets.map((f) => f[2]),
        ['Location 1: Harbourside office', 'Location 2: Northside clinic'],
      );
      for (const [, i, , body] of fieldsets) {
        for (const field of [
          'name',
          'address1',
          'city',
          'region',
          'postalCode',
          'country',
          'latitude',
          'longitude',
          'areaName',
          // A place's own hours are rows of days and times (editor-rows.ts).
          'hours0_opens',
          'hours0_closes',
        ]) {
          assert.match(body!, new RegExp(`<label for="field-loc${i}_${field}">`), `loc${i}_${field} has a label`);
          assert.match(body!, new RegExp(`id="field-loc${i}_${field}"`));
        }
        assert.match(body!, new RegExp(`<input type="checkbox" name="loc${i}_isConfidential" value="1"`));
        assert.match(body!, new RegExp(`<input type="checkbox" name="loc${i}_remove" value="1"`));
      }
      assert.match(fieldsets[1]![3]!, /One other listing is also at this place/);
      assert.match(fieldsets[1]![3]!, /Also kept as imported: MONTHLY day 1 10:00–12:00: First of the month/);
      const values = formValues(page.body);
      assert.equal(values.loc0_id, ID.harbour);
      assert.equal(values.loc0_region, 'Merseyside');
      assert.deepEqual(
        [values.loc0_hours0_days, values.loc0_hours0_opens, values.loc0_hours0_closes],
        [['MO', 'WE'], '17:00', '20:00'],
      );
      assert.deepEqual(
        [values.hours0_days, values.hours0_opens, values.hours0_closes],
        [['TU', 'TH'], '09:30', '16:00'],
      );
      assert.equal(values.hours1_days, undefined, 'one session each');
      assert.match(
        page.body,
        /name="addLocation" value="1" formaction="\/admin\/resources\/1a000000-0000-4000-8000-000000000001\/edit#loc-2"/,
      );
    });

    it('saves an unchanged form without writing anything', async () => {
      const res = await postForm(t, edit, await shown(), mod);
      assert.equal(res.statusCode, 303);
      assert.equal((await history()).length, 0);
    });

    it('changes one location in place, keeping ids and every HSDS field the editor does not show', async () => {
      const beforeLocations = await locationRows();
      const beforeAddresses = await t.db.selectFrom('address').selectAll().orderBy('id').execute();
      const beforeSchedules = await t.db.selectFrom('schedule').selectAll().orderBy('id').execute();
      const values = await shown();
      const h = indexOf(values, 'Harbourside office');
      values[`${h}_address1`] = '5 Sample Street';
      const res = await postForm(t, edit, values, mod);
      assert.equal(res.statusCode, 303);
      assert.deepEqual(await locationRows(), beforeLocations, 'location rows untouched, ids stable');
      const addresses = await t.db.selectFrom('address').selectAll().orderBy('id').execute();
      assert.deepEqual(
        addresses,
        beforeAddresses.map((a) => (a.location_id === ID.harbour ? { ...a, address_1: '5 Sample Street' } : a)),
        'only address_1 changed',
      );
      assert.equal(
        addresses.find((a) => a.location_id === ID.harbour)!.region,
        null,
        'region stays empty: the state_province was only shown',
      );
      assert.deepEqual(
        await t.db.selectFrom('schedule').selectAll().orderBy('id').execute(),
        beforeSchedules,
        'schedules untouched',
      );
      assert.equal(
        (await t.db.selectFrom('contact').selectAll().where('service_id', '=', ID.advice).execute()).length,
        1,
        'the imported contact stays',
      );
      assert.deepEqual(await lastChange(), {
        'location “Harbourside office” address1': ['1 Sample Street', '5 Sample Street'],
      });
      const history2 = await get(edit);
      assert.match(history2.body, /location “Harbourside office” address1: “1 Sample Street” → “5 Sample Street”/);
      assert.match(
        (await t.inject('/resources/harbour-network-advice-sample')).body,
        /5 Sample Street/,
        'the public page shows the change',
      );
    });

    it("changes a place's own hours and point in place: the schedule keeps its description, search follows the point", async () => {
      assert.match(await near('53.4084,-2.9916'), /Harbour Network advice \(sample\)/);
      assert.doesNotMatch(await near('53.1934,-2.8931'), /Harbour Network advice/);
      const values = await shown();
      const h = indexOf(values, 'Harbourside office');
      assert.deepEqual(values[`${h}_hours0_days`], ['MO', 'WE']);
      values[`${h}_hours0_opens`] = '18:00';
      values[`${h}_hours0_closes`] = '21:00';
      values[`${h}_transportation`] = 'Bus 14';
      values[`${h}_latitude`] = '53.1934';
      values[`${h}_longitude`] = '-2.8931';
      const res = await postForm(t, edit, values, mod);
      assert.equal(res.statusCode, 303);
      assert.doesNotMatch(await near('53.4084,-2.9916'), /Harbour Network advice/, 'gone from the old point');
      assert.match(await near('53.1934,-2.8931'), /Harbour Network advice \(sample\)/, 'found at the new one');
      const s = await t.db
        .selectFrom('schedule')
        .selectAll()
        .where('id', '=', '6a000000-0000-4000-8000-000000000002')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [s.opens_at, s.closes_at, s.description, s.attending_type, s.location_id, s.service_id],
        ['18:00', '21:00', 'Walk-in evening', 'In person', ID.harbour, null],
      );
      const l = await t.db.selectFrom('location').selectAll().where('id', '=', ID.harbour).executeTakeFirstOrThrow();
      assert.deepEqual(
        [l.transportation, l.description, l.alternate_name, l.external_identifier, l.public_latitude],
        ['Bus 14', 'Ground floor, step-free', 'HQ', 'LIV-1', 53.1934],
      );
      assert.deepEqual(
        Object.keys(await lastChange()).sort(),
        ['hours', 'latitude', 'longitude', 'transportation'].map((k) => `location “Harbourside office” ${k}`),
      );
    });

    it('refuses a mistake in one location, keeping everything typed and saving nothing', async () => {
      const before = {
        locations: await locationRows(),
        links: await linksOf(ID.advice),
        changes: (await history()).length,
      };
      const values = await shown();
      const h = indexOf(values, 'Harbourside office');
      const n = indexOf(values, 'Northside clinic');
      values[`${h}_name`] = 'Harbourside office (renamed)';
      values[`${n}_latitude`] = '953.8';
      values.loc2_id = '';
      values.loc2_name = 'Sheffield drop-in';
      values.loc2_city = 'Sheffield';
      values.loc2_country = 'England';
      const res = await postForm(t, edit, values, mod);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /value="Harbourside office \(renamed\)"/);
      assert.match(res.body, /value="953.8"/);
      assert.match(res.body, /value="Sheffield drop-in"/);
      assert.match(res.body, /value="England"/);
      assert.match(
        res.body,
        new RegExp(`<a href="#field-${n}_latitude">Location 2: latitude is a number from -90 to 90.</a>`),
      );
      assert.match(res.body, /<a href="#field-loc2_country">Location 3: give the country as a two-letter code/);
      assert.match(res.body, new RegExp(`<p class="field-error" id="field-${n}_latitude-error">`));
      assert.match(res.body, /<legend>Location 3: Sheffield drop-in<\/legend>/);
      assert.deepEqual(
        { locations: await locationRows(), links: await linksOf(ID.advice), changes: (await history()).length },
        before,
        'nothing saved',
      );
    });

    it('adds a location through "add another location", and search near it finds the listing', async () => {
      assert.doesNotMatch(await near('53.3811,-1.4701'), /Harbour Network advice/);
      const values = await shown();
      const more = await postForm(t, edit, { ...values, addLocation: '1' }, mod);
      assert.equal(more.statusCode, 200, 'the form comes back with one more place');
      assert.match(more.body, /<fieldset id="loc-2" class="location"><legend>Location 3 \(new\)<\/legend>/);
      assert.equal((await linksOf(ID.advice)).length, 2, 'nothing saved yet');
      const withNew = formValues(more.body);
      assert.equal(withNew.loc2_id, '');
      Object.assign(withNew, {
        loc2_name: 'Sheffield drop-in',
        loc2_address1: '12 Example Lane',
        loc2_city: 'Sheffield',
        loc2_country: 'gb',
        loc2_latitude: '53.3811',
        loc2_longitude: '-1.4701',
        loc2_hours: 'SA 10:00-12:00',
      });
      const res = await postForm(t, edit, withNew, mod);
      assert.equal(res.statusCode, 303);
      const links = await linksOf(ID.advice);
      assert.equal(links.length, 3);
      const added = await t.db
        .selectFrom('location')
        .selectAll()
        .where('name', '=', 'Sheffield drop-in')
        .executeTakeFirstOrThrow();
      assert.deepEqual([added.public_latitude, added.public_longitude, added.is_confidential], [53.3811, -1.4701, 0]);
      const address = await t.db
        .selectFrom('address')
        .selectAll()
        .where('location_id', '=', added.id)
        .executeTakeFirstOrThrow();
      assert.equal(address.country, 'GB');
      const hours = await t.db.selectFrom('schedule').selectAll().where('location_id', '=', added.id).execute();
      assert.deepEqual(
        hours.map((s) => [s.service_id, s.byday, s.opens_at]),
        [[null, 'SA', '10:00']],
      );
      assert.deepEqual(await lastChange(), {
        'location “Sheffield drop-in”': ['', 'added: 12 Example Lane, Sheffield, GB'],
      });
      assert.match(await near('53.3811,-1.4701'), /Harbour Network advice \(sample\)/);
      assert.match(
        (await t.inject('/resources?q=sheffield')).body,
        /Harbour Network advice \(sample\)/,
        'the town is in the search text',
      );
    });

    it('removes a location only when its box is ticked; a shared place stays for the other listing', async () => {
      assert.match(await near('53.7997,-1.5492'), /Harbour Network advice \(sample\)/);
      const values = await shown();
      const n = indexOf(values, 'Northside clinic');
      const { [`${n}_id`]: _, ...withoutLeeds } = values;
      const dropped = await postForm(t, edit, withoutLeeds, mod);
      assert.equal(dropped.statusCode, 409, 'a location missing from the form is not removed');
      assert.match(dropped.body, /has a location the form does not show/);
      assert.equal((await linksOf(ID.advice)).length, 3);
      const res = await postForm(t, edit, { ...values, [`${n}_remove`]: '1' }, mod);
      assert.equal(res.statusCode, 303);
      assert.deepEqual((await linksOf(ID.advice)).includes(ID.leeds), false);
      assert.deepEqual(await linksOf(ID.clinic), [ID.leeds], 'the clinic keeps the shared place');
      const leeds = await t.db.selectFrom('location').selectAll().where('id', '=', ID.leeds).executeTakeFirstOrThrow();
      assert.equal(leeds.description, 'Upstairs, lift available');
      assert.deepEqual(await lastChange(), {
        'location “Northside clinic”': ['2 Sample Road, Floor 2, Leeds, LS1 0BB, GB', 'removed'],
      });
      const there = await near('53.7997,-1.5492');
      assert.doesNotMatch(there, /Harbour Network advice/, 'no longer found near the removed place');
      assert.match(there, /Leeds evening clinic \(sample\)/);
      const again = await postForm(t, edit, values, mod);
      assert.equal(again.statusCode, 409, 'a form naming a removed location is refused');
      assert.match(again.body, /no longer part of this listing/);
      assert.match(again.body, /value="Northside clinic"/, 'with the text kept');
    });

    it('removes a place no other listing uses, with its address and schedules, and the export still imports cleanly', async () => {
      const values = await shown();
      const s = indexOf(values, 'Sheffield drop-in');
      const sheffield = String(values[`${s}_id`]);
      assert.equal((await postForm(t, edit, { ...values, [`${s}_remove`]: '1' }, mod)).statusCode, 303);
      assert.equal(
        await t.db.selectFrom('location').select('id').where('id', '=', sheffield).executeTakeFirst(),
        undefined,
      );
      assert.equal(
        (await t.db.selectFrom('address').select('id').where('location_id', '=', sheffield).execute()).length,
        0,
      );
      assert.equal(
        (await t.db.selectFrom('schedule').select('id').where('location_id', '=', sheffield).execute()).length,
        0,
      );
      assert.doesNotMatch(await near('53.3811,-1.4701'), /Harbour Network advice/);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-multisite-export-'));
      await exportPackage(t.db, dir);
      const fresh = await createTestDatabase(dialect);
      try {
        const result = await importPackage(fresh.db, dialect, t.clock, dir);
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
      } finally {
        await fresh.destroy();
      }
    });

    it('keeps a confidential location to its area in public after later edits', async () => {
      let values = await shown();
      const more = formValues((await postForm(t, edit, { ...values, addLocation: '1' }, mod)).body);
      const i = Object.keys(more)
        .filter((k) => /^loc\d+_id$/.test(k))
        .map((k) => k.slice(0, k.indexOf('_')))
        .find((k) => more[`${k}_id`] === '')!;
      Object.assign(more, {
        [`${i}_name`]: 'Sheffield safe flat',
        [`${i}_address1`]: '12 Hidden Road',
        [`${i}_city`]: 'Sheffield',
        [`${i}_postalCode`]: 'S1 0ZZ',
        [`${i}_country`]: 'GB',
        [`${i}_latitude`]: '53.3911',
        [`${i}_longitude`]: '-1.4801',
        [`${i}_isConfidential`]: '1',
        [`${i}_areaName`]: 'South Yorkshire',
      });
      assert.equal((await postForm(t, edit, more, mod)).statusCode, 303);
      values = await shown();
      values.description = 'Advice at three sites.';
      assert.equal((await postForm(t, edit, values, mod)).statusCode, 303);
      assert.deepEqual(Object.keys(await lastChange()), ['description'], 'the confidential place was not touched');
      const safe = await t.db
        .selectFrom('location')
        .selectAll()
        .where('name', '=', 'Sheffield safe flat')
        .executeTakeFirstOrThrow();
      assert.equal(safe.is_confidential, 1);
      assert.notEqual(safe.public_latitude, 53.3911, 'search sees the area centre, not the address');
      const page = (await t.inject('/resources/harbour-network-advice-sample')).body;
      assert.match(page, /Advice at three sites/);
      assert.match(page, /South Yorkshire/);
      const api = (await t.inject(`/api/hsds/services/${ID.advice}`)).body;
      for (const text of [page, api])
        assert.doesNotMatch(text, /Hidden Road|S1 0ZZ|53\.3911|-1\.4801|Sheffield safe flat/);
      assert.match(await near('53.3811,-1.4701'), /Harbour Network advice \(sample\)/, 'still found near its area');
    });

    it("lets only curators save, and only with the form's token", async () => {
      const { _csrf, ...values } = await shown();
      assert.ok(_csrf);
      const editor = await loginAs(t, 'editor');
      assert.equal((await postForm(t, edit, { ...values, description: 'Changed' }, editor)).statusCode, 403);
      assert.equal(
        (await postForm(t, edit, { ...values, description: 'Changed', _csrf: 'forged' }, mod)).statusCode,
        403,
      );
      assert.equal((await postForm(t, edit, { ...values, addLocation: '1' })).statusCode, 403, 'no session, no form');
      const admin = await loginAs(t, 'admin');
      assert.equal((await postForm(t, edit, { ...values, description: 'Changed by an admin' }, admin)).statusCode, 303);
      assert.notEqual(
        (await t.db.selectFrom('service').select('description').where('id', '=', ID.advice).executeTakeFirstOrThrow())
          .description,
        'Changed',
      );
    });
  });
}
