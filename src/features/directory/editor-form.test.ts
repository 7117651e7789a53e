import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { formValues, loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import type { FieldErrors } from '../../core/result.ts';
import { countryChoices, languageChoices, zoneOfCountry } from './editor-choices.ts';
import { hoursToForm, parseHoursRows, parsePhoneRows } from './editor-rows.ts';
import { DAYS } from './hours.ts';
import { sortHours, type HoursInput } from './listing-model.ts';
import { applyPicks, placeStep } from './place-finder.ts';
import { resolvePlace } from './gazetteer.ts';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { PlaceMap } from './editor-map.tsx';
import { MAP_HEIGHT, MAP_WIDTH, mapFrame } from './map-frame.ts';
import { outlinesWithin } from './outlines.ts';
import { seedDirectory } from './seed.ts';

/*
 * The listing editor without developer syntax: hours rows and phone rows map to the stored model and
 * back, countries, languages and zones come from lists, a place is found by name, and the whole form
 * saves over HTTP on both dialects without a code or a coordinate typed.
 */
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const session: fc.Arbitrary<HoursInput> = fc
  .record({
    days: fc.subarray([...DAYS], { minLength: 1 }),
    opens: hhmm,
    closes: hhmm,
    allDay: fc.boolean(),
  })
  .map(({ days, opens, closes, allDay }) => ({
    byday: days.join(','),
    opens_at: allDay ? '00:00' : opens,
    closes_at: allDay ? '00:00' : closes,
  }));

describe('hours rows ↔ the hours model', () => {
  it('reads back exactly the hours it was filled from', () => {
    fc.assert(
      fc.property(fc.array(session, { maxLength: 8 }), (hours) => {
        const form = hoursToForm(sortHours(hours), 'hours');
        const errors: FieldErrors = {};
        assert.deepEqual(parseHoursRows(form, 'hours', errors), sortHours(hours));
        assert.deepEqual(errors, {});
      }),
      { numRuns: 300 },
    );
  });

  it('shows a session round the clock as "open 24 hours", and 24:00 as midnight', () => {
    const form = hoursToForm(
      [
        { byday: 'SA,SU', opens_at: '00:00', closes_at: '24:00' },
        { byday: 'FR', opens_at: '18:00', closes_at: '24:00' },
      ],
      'loc2_hours',
    );
    assert.deepEqual(form, {
      loc2_hours0_days: ['SA', 'SU'],
      loc2_hours0_allDay: '1',
      loc2_hours0_opens: '',
      loc2_hours0_closes: '',
      loc2_hours1_days: ['FR'],
      loc2_hours1_allDay: '',
      loc2_hours1_opens: '18:00',
      loc2_hours1_closes: '00:00',
    });
  });

  it('orders the days of a row by the week, skips empty rows, and names the row of each mistake', () => {
    const errors: FieldErrors = {};
    const hours = parseHoursRows(
      {
        hours0_days: ['FR', 'MO'],
        hours0_opens: '09:00:00',
        hours0_closes: '17:30',
        hours1_days: [],
        hours1_opens: '',
        hours2_opens: '10:00',
        hours2_closes: '12:00',
        hours3_days: ['TU'],
        hours3_opens: '25:00',
        hours3_closes: '12:00',
        hours4_days: ['XX'],
        hours4_allDay: '1',
      },
      'hours',
      errors,
    );
    assert.deepEqual(hours, [{ byday: 'MO,FR', opens_at: '09:00', closes_at: '17:30' }]);
    assert.deepEqual(Object.keys(errors).sort(), ['hours2_days', 'hours3_opens', 'hours4_days']);
    assert.deepEqual({ ...errors.hours3_opens }, { key: 'directory.hoursTimes', params: { row: 4 } });
  });
});

describe('phone rows', () => {
  const parse = (rows: Record<string, string>, country?: string) => {
    const errors: FieldErrors = {};
    return { phones: parsePhoneRows(rows, country, errors), errors };
  };
  it('checks each number in the listing’s country and stores a national one in international form', () => {
    const { phones, errors } = parse(
      {
        phone0_number: '020 7946 0101',
        phone0_type: 'voice',
        phone0_note: 'Drop-in desk',
        phone1_number: '+33 1 42 68 53 00',
        phone1_type: 'text',
        phone2_number: '',
        phone2_type: 'voice',
      },
      'GB',
    );
    assert.deepEqual(errors, {});
    assert.deepEqual(phones, [
      { number: '+44 20 7946 0101', type: 'voice', description: 'Drop-in desk' },
      { number: '+33 1 42 68 53 00', type: 'text', description: '' },
    ]);
  });
  it('refuses, row by row, a number that is not one, a note without a number and an unknown kind', () => {
    const { phones, errors } = parse(
      {
        phone0_number: '12345',
        phone1_number: '+44 20 7946 0101',
        phone1_type: 'fax',
        phone2_note: 'Evenings',
        phone3_number: '06 12 34 56 78',
      },
      'GB',
    );
    assert.deepEqual(phones, []);
    assert.deepEqual(
      Object.entries(errors).map(([k, m]) => [k, m.key.replace('directory.', '')]),
      [
        ['phone0_number', 'phoneInvalidIn'],
        ['phone1_type', 'phoneType'],
        ['phone2_number', 'phoneMissing'],
        ['phone3_number', 'phoneInvalidIn'],
      ],
    );
    assert.equal(parse({ phone0_number: '06 12 34 56 78' }, 'FR').phones[0]?.number, '+33 6 12 34 56 78');
    assert.equal(parse({ phone0_number: '020 7946 0101' }).errors.phone0_number?.key, 'directory.phoneInvalid');
  });
});

describe('lists by name', () => {
  it('names countries and languages in the staff member’s language, sending codes', () => {
    const fr = countryChoices('fr');
    assert.equal(fr.find((c) => c.code === 'DE')?.name, 'Allemagne');
    assert.equal(countryChoices('en').find((c) => c.code === 'GB')?.name, 'United Kingdom');
    for (const gone of ['EU', 'UN', 'SU', 'YU', 'UK', 'ZZ']) assert.ok(!fr.some((c) => c.code === gone), gone);
    assert.equal(languageChoices('fr').find((l) => l.code === 'ro')?.name, 'roumain');
    assert.equal(languageChoices('en', ['rom']).find((l) => l.code === 'rom')?.name, 'Romany');
  });
  it('takes the zone from a country with one, and none from a country with several', () => {
    assert.equal(zoneOfCountry('FR'), 'Europe/Paris');
    assert.equal(zoneOfCountry('GB'), 'Europe/London');
    assert.equal(zoneOfCountry('US'), undefined);
    assert.equal(zoneOfCountry('gb; DROP'), undefined);
  });
});

describe('finding a place by name', () => {
  it('offers the matches, then fills town, region, country and point from the pick', () => {
    const form = { loc0_id: '', loc0_lookup: 'Springfield', findPlace: '0' };
    const step = placeStep(form)!;
    assert.ok(step.help.matches[0]!.length > 1, 'several Springfields');
    const pick = step.help.matches[0]![0]!;
    const filled = applyPicks({ ...step.form, loc0_pick: String(pick.id) });
    assert.deepEqual(
      [filled.loc0_city, filled.loc0_country, filled.loc0_latitude, filled.loc0_longitude, filled.loc0_pick],
      [
        pick.name,
        pick.country,
        String(Math.round(pick.lat * 1e4) / 1e4),
        String(Math.round(pick.lon * 1e4) / 1e4),
        undefined,
      ],
    );
    const leeds = resolvePlace('Leeds', { preferLikely: true });
    assert.equal(leeds.kind, 'found');
  });

  it('draws the coasts and borders that cross the map from the bundled outlines, and none far from any', () => {
    const crossing = (lat: number, lon: number) => {
      const frame = mapFrame(lat, lon);
      const lines = outlinesWithin(frame);
      const inFrame = lines.filter((line) =>
        line.some(([lo, la]) => lo >= frame.west && lo <= frame.east && la >= frame.south && la <= frame.north),
      );
      return { lines, inFrame };
    };
    const dover = crossing(51.127, 1.313); // the Channel coast
    assert.ok(dover.inFrame.length > 0, 'the coast at Dover');
    const strasbourg = crossing(48.573, 7.752); // the Rhine, France–Germany
    assert.ok(strasbourg.inFrame.length > 0, 'the border at Strasbourg');
    assert.equal(crossing(53.8, -1.55).lines.length, 0, 'Leeds: no coast or border within 20 km');
    assert.equal(crossing(30, -40).lines.length, 0, 'mid-Atlantic: nothing');

    // The nudge answers with the outlines for the moved point, and the map draws each as a path.
    const step = placeStep({ loc0_id: '', loc0_latitude: '51.127', loc0_longitude: '1.313', nudge: '0:n' })!;
    assert.ok(step.help.outlines[0]!.length > 0);
    const svg = renderToString(
      h(PlaceMap, { index: 0, action: '/x', lat: 51.132, lon: 1.313, nearby: [], outlines: step.help.outlines[0]! }),
    );
    const paths = [...svg.matchAll(/<path class="place-map-outline" d="([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(paths.length, step.help.outlines[0]!.length);
    const visible = paths
      .flatMap((d) => [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)])
      .filter(([, x, y]) => {
        const [px, py] = [Number(x), Number(y)];
        return px >= 0 && px <= MAP_WIDTH && py >= 0 && py <= MAP_HEIGHT;
      });
    assert.ok(visible.length > 0, 'some of the coast is inside the drawing');
  });
});

for (const dialect of DIALECTS) {
  describe(`the listing form without codes or coordinates (${dialect})`, () => {
    let t: TestApp;
    let mod: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      mod = await loginAs(t, 'moderator');
    });
    after(() => t.close());

    it('creates a listing from rows, lists and a place found by name, then shows the same choices again', async () => {
      const form = formValues(
        (await t.inject({ url: '/admin/resources/new', headers: { cookie: mod.cookie } })).body,
        '/admin/resources/new',
      );
      assert.equal(form.timezone, '', 'the zone follows the place by default');
      Object.assign(form, { name: 'Rows test service', loc0_lookup: 'Leeds', findPlace: '0' });
      const found = await postForm(t, '/admin/resources/new', form, mod);
      assert.equal(found.statusCode, 200);
      assert.match(
        found.body,
        /<input type="radio" name="loc0_pick" value="\d+" checked\/> Leeds, England, United Kingdom/,
      );
      const values = formValues(found.body, '/admin/resources/new');
      assert.equal(values.loc0_lookup, 'Leeds');
      Object.assign(values, {
        hours0_days: ['MO', 'TU', 'WE'],
        hours0_opens: '09:00',
        hours0_closes: '17:00',
        hours1_days: ['SA'],
        hours1_allDay: '1',
        phone0_number: '0113 496 0000',
        phone0_type: 'voice',
        phone0_note: 'Front desk',
        phone1_number: '07400 123456',
        phone1_type: 'text',
        languages: ['en', 'ro', ''],
        loc0_isConfidential: ['1'],
        loc0_areaName: 'West Yorkshire',
      });
      const saved = await postForm(t, '/admin/resources/new', values, mod);
      assert.equal(
        saved.statusCode,
        303,
        [...saved.body.matchAll(/<p class="field-error"[^>]*>([^<]*)/g)].map((m) => m[1]).join('; '),
      );
      const edit = String(saved.headers.location).replace(/\?.*$/, '');
      const service = await t.db
        .selectFrom('service')
        .select('id')
        .where('name', '=', 'Rows test service')
        .executeTakeFirstOrThrow();
      const schedules = await t.db
        .selectFrom('schedule')
        .select(['byday', 'opens_at', 'closes_at', 'timezone_name'])
        .where('service_id', '=', service.id)
        .orderBy('byday')
        .execute();
      assert.deepEqual(schedules, [
        { byday: 'MO,TU,WE', opens_at: '09:00', closes_at: '17:00', timezone_name: 'Europe/London' },
        { byday: 'SA', opens_at: '00:00', closes_at: '00:00', timezone_name: 'Europe/London' },
      ]);
      const phones = await t.db
        .selectFrom('phone')
        .select(['number', 'type', 'description'])
        .where('service_id', '=', service.id)
        .orderBy('number')
        .execute();
      assert.deepEqual(
        phones,
        [
          { number: '+44 113 496 0000', type: 'voice', description: 'Front desk' },
          { number: '+44 7400 123456', type: 'text', description: null },
        ].sort((a, b) => a.number.localeCompare(b.number)) as typeof phones,
      );
      const shown = formValues((await t.inject({ url: edit, headers: { cookie: mod.cookie } })).body, edit);
      assert.deepEqual(
        [shown.hours0_days, shown.hours0_opens, shown.hours1_days, shown.hours1_allDay],
        [['MO', 'TU', 'WE'], '09:00', ['SA'], ['1']],
      );
      assert.deepEqual(shown.languages, ['en', 'ro', '', '']);
      assert.deepEqual([shown.loc0_city, shown.loc0_country, shown.loc0_isConfidential], ['Leeds', 'GB', ['1']]);
      assert.match(String(shown.loc0_latitude), /^53\.\d+$/);
      assert.equal(shown.timezone, 'Europe/London');
      const page = (await t.inject({ url: edit, headers: { cookie: mod.cookie } })).body;
      assert.match(page, /<svg class="place-map"[^>]*role="img"/, 'the point on the map');
      assert.match(page, /<path class="place-map-region" d="M/, 'the borders of the districts around Leeds on it');
      // Saved again as shown: nothing changes.
      const count = async () => (await t.db.selectFrom('directory_changes').select('id').execute()).length;
      const changes = await count();
      assert.equal((await postForm(t, edit, shown, mod)).statusCode, 303);
      assert.equal(await count(), changes, 'the form reads back what it shows');
    });

    it('asks for the zone when the hours have no place to take it from', async () => {
      const res = await postForm(
        t,
        '/admin/resources/new',
        { name: 'Phone line', status: 'active', hours0_days: ['MO'], hours0_opens: '10:00', hours0_closes: '12:00' },
        mod,
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<a href="#field-timezone">Choose the time zone of these hours/);
    });
  });
}
