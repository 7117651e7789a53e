import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { formValues, loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import type { FieldErrors } from '../../core/result.ts';
import { translate } from '../../core/i18n/index.ts';
import { exceptionsToForm, parseExceptionRows } from './editor-rows.ts';
import { writeListing } from './listing-store.ts';
import { demoInput, dialectOf, seedDirectory } from './seed.ts';

/*
 * "By appointment" and dated changes to the usual hours in the listing editor: rows of plain fields
 * checked one by one, saved as HSDS schedule rows, read back as they were filled, and shown to readers
 * (with "open now" following a change for today, in the listing's zone) in English and French.
 */
const parse = (form: Record<string, string>) => {
  const errors: FieldErrors = {};
  const out = parseExceptionRows(form, errors);
  return { out, errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, translate('en', v)])) };
};

describe('change rows ↔ the exceptions model', () => {
  it('reads a closed day, a range of special hours and skips an empty row whose kind alone is set', () => {
    const { out, errors } = parse({
      exception0_from: '2026-12-25',
      exception0_kind: 'closed',
      exception0_note: 'Christmas Day',
      exception1_kind: 'closed',
      exception2_from: '2026-12-23',
      exception2_to: '2026-12-24',
      exception2_kind: 'hours',
      exception2_opens: '10:00',
      exception2_closes: '13:30:00',
    });
    assert.deepEqual(errors, {});
    assert.deepEqual(out, [
      { from: '2026-12-25', to: '2026-12-25', opens_at: null, closes_at: null, note: 'Christmas Day' },
      { from: '2026-12-23', to: '2026-12-24', opens_at: '10:00', closes_at: '13:30', note: '' },
    ]);
    assert.deepEqual(parse(exceptionsToForm(out) as Record<string, string>).out, out, 'the form reads back');
  });
  it('names the row and the field of each mistake', () => {
    const { out, errors } = parse({
      exception0_from: '2026-12-25',
      exception0_to: '2026-12-24',
      exception1_from: '2026-12-25',
      exception1_kind: 'hours',
      exception1_opens: '14:00',
      exception1_closes: '09:00',
      exception2_from: '2026-02-30',
      exception3_from: '2026-12-25',
      exception3_kind: 'hours',
      exception3_opens: '10:00',
      exception4_from: '2026-12-25',
      exception4_opens: '10:00',
      exception5_from: '2026-12-25',
      exception5_kind: 'sometimes',
      exception6_from: '2026-01-01',
      exception6_to: '2027-06-01',
      exception7_from: '2026-12-25',
      exception7_note: 'x'.repeat(201),
      exception8_note: 'A note without a date',
    });
    assert.deepEqual(out, []);
    assert.deepEqual(errors, {
      exception0_to: 'Change 1: the last date cannot be before the first.',
      exception1_closes: 'Change 2: the closing time must be after the opening time.',
      exception2_from: 'Change 3: give the first date (or leave the whole row empty).',
      exception3_closes: 'Change 4: give the opening and the closing time.',
      exception4_opens: 'Change 5: a day closed all day has no times; clear them or choose “open at other times”.',
      exception5_kind: 'Change 6: choose “closed all day” or “open at other times”.',
      exception6_to: 'Change 7: a change can last a year at most; the usual hours cover the rest.',
      exception7_note: 'Change 8: keep the note under 200 characters.',
      exception8_from: 'Change 9: give the first date (or leave the whole row empty).',
    });
  });
});

for (const dialect of DIALECTS) {
  describe(`by appointment and dated changes, edited and read (${dialect})`, () => {
    let t: TestApp;
    let mod: StaffSession;
    let edit = '';
    let page = '';
    let serviceId = '';
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      mod = await loginAs(t, 'moderator');
      // Open Mondays, Wednesdays and Fridays 12:00–18:00, London time.
      const s = await t.db
        .selectFrom('service')
        .select(['id', 'slug'])
        .where('name', '=', 'Red Umbrella Drop-in (demo)')
        .executeTakeFirstOrThrow();
      serviceId = s.id;
      edit = `/admin/resources/${s.id}/edit`;
      page = `/resources/${s.slug}`;
    });
    after(() => t.close());
    const shown = async () => formValues((await t.inject({ url: edit, headers: { cookie: mod.cookie } })).body, edit);
    const dated = () =>
      t.db
        .selectFrom('schedule')
        .select(['valid_from', 'valid_to', 'opens_at', 'closes_at', 'byday', 'description', 'notes', 'timezone_name'])
        .where('service_id', '=', serviceId)
        .where('description', 'in', ['Closed', 'Special hours', 'By appointment'])
        .orderBy('description')
        .execute();

    it('saves them as HSDS schedule rows and shows the same fields again', async () => {
      const form = await shown();
      assert.equal(form.exception0_kind, 'closed', 'an empty row is “closed” by default');
      Object.assign(form, {
        byAppointment: ['1'],
        exception0_from: '2026-12-25',
        exception0_note: 'Christmas Day',
        exception1_from: '2026-12-23',
        exception1_to: '2026-12-24',
        exception1_kind: 'hours',
        exception1_opens: '12:00',
        exception1_closes: '14:00',
      });
      const res = await postForm(t, edit, form, mod);
      assert.equal(res.statusCode, 303, [...res.body.matchAll(/class="field-error"[^>]*>([^<]*)/g)].join('; '));
      assert.deepEqual(await dated(), [
        {
          valid_from: null,
          valid_to: null,
          opens_at: null,
          closes_at: null,
          byday: null,
          description: 'By appointment',
          notes: null,
          timezone_name: null,
        },
        {
          valid_from: '2026-12-25',
          valid_to: '2026-12-25',
          opens_at: null,
          closes_at: null,
          byday: null,
          description: 'Closed',
          notes: 'Christmas Day',
          timezone_name: 'Europe/London',
        },
        {
          valid_from: '2026-12-23',
          valid_to: '2026-12-24',
          opens_at: '12:00',
          closes_at: '14:00',
          byday: 'MO,TU,WE,TH,FR,SA,SU',
          description: 'Special hours',
          notes: null,
          timezone_name: 'Europe/London',
        },
      ]);
      const again = await shown();
      assert.deepEqual(again.byAppointment, ['1']);
      assert.deepEqual(
        [again.exception0_from, again.exception0_to, again.exception0_kind, again.exception0_opens],
        ['2026-12-23', '2026-12-24', 'hours', '12:00'],
      );
      assert.deepEqual(
        [again.exception1_from, again.exception1_kind, again.exception1_note],
        ['2026-12-25', 'closed', 'Christmas Day'],
      );
      assert.deepEqual([again.hours0_days, again.hours0_opens], [['MO', 'WE', 'FR'], '12:00'], 'weekly hours stay');
      const count = async () => (await t.db.selectFrom('directory_changes').select('id').execute()).length;
      const changes = await count();
      assert.equal((await postForm(t, edit, again, mod)).statusCode, 303);
      assert.equal(await count(), changes, 'saved again as shown: nothing changes');
    });

    it('refuses mistakes beside their field and changes nothing', async () => {
      const before = await dated();
      const form = await shown();
      Object.assign(form, { exception2_from: '2026-12-31', exception2_to: '2026-12-30' });
      const res = await postForm(t, edit, form, mod);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<a href="#field-exception2_to">Change 3: the last date cannot be before the first\./);
      assert.match(
        res.body,
        /id="field-exception2_to"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="field-exception2_to"/,
      );
      assert.deepEqual(await dated(), before);
    });

    it('shows readers “by appointment”, the changes to come and today’s change, in English and French', async () => {
      t.clock.set('2026-12-01T12:30:00Z'); // Tuesday
      const en = (await t.inject({ url: page })).body;
      assert.match(en, /<li>By appointment<\/li>/);
      assert.match(en, /Changes to the usual hours/);
      assert.match(en, /<li>Open 12:00–14:00 only from Wed 23 Dec to Thu 24 Dec<\/li>/);
      assert.match(en, /<li>Closed on Fri 25 Dec — Christmas Day<\/li>/);
      assert.doesNotMatch(en, /Every day 12:00–14:00/, 'a change is not a weekly line');
      const fr = (await t.inject({ url: `${page}?lang=fr` })).body;
      assert.match(fr, /<li>Sur rendez-vous<\/li>/);
      assert.match(fr, /<li>Fermé le ven\. 25 déc\. — Christmas Day<\/li>/);
      assert.match(fr, /Ouvert seulement de 12:00 à 14:00 du mer\. 23 déc\. au jeu\. 24 déc\./);

      // The clock only moves forward here: a cached page lives a minute of the clock.
      // Friday 18 December, 13:00 in London: open as usual.
      t.clock.set('2026-12-18T13:00:00Z');
      assert.match((await t.inject({ url: page })).body, /class="open-now">Open now/);
      // Wednesday 23 December 15:00: the special hours (12:00–14:00) are over, the usual ones would not be.
      t.clock.set('2026-12-23T15:00:00Z');
      assert.match((await t.inject({ url: page })).body, /Closed now/);
      // Friday 25 December, 13:00 in London: the usual Friday session is replaced by the closure.
      t.clock.set('2026-12-25T13:00:00Z');
      const christmas = (await t.inject({ url: page })).body;
      assert.match(christmas, /Closed now/);
      assert.match(christmas, /<strong>Today: Closed on Fri 25 Dec — Christmas Day<\/strong>/);
      assert.doesNotMatch(christmas, /Wed 23 Dec/, 'changes already over are not shown');
      const frToday = (await t.inject({ url: `${page}?lang=fr` })).body;
      assert.match(frToday, /Aujourd’hui : Fermé le ven\. 25 déc\./);
    });

    it('leaves the listing out of “open now” on a closed date', async () => {
      const found = async () =>
        (await t.inject({ url: `/resources?q=${encodeURIComponent('Red Umbrella')}&open=1` })).body;
      t.clock.set('2026-12-25T13:05:00Z'); // Friday, Christmas Day
      assert.doesNotMatch(await found(), /Red Umbrella Drop-in \(demo\)/);
      t.clock.set('2027-01-01T13:00:00Z'); // the next Friday
      assert.match(await found(), /Red Umbrella Drop-in \(demo\)/);
    });

    it('closes every place of a listing on the service’s closed date', async () => {
      const place = (name: string, latitude: number) => ({
        name,
        city: 'London',
        country: 'GB',
        latitude,
        longitude: -0.1,
        hours: [{ byday: 'FR', opens_at: '09:00', closes_at: '17:00' }],
      });
      const input = demoInput({
        name: 'Two rooms (test)',
        terms: { category: ['health'] },
        timezone: 'Europe/London',
        exceptions: [{ from: '2027-01-08', to: '2027-01-08', opens_at: null, closes_at: null, note: '' }],
      } as never);
      input.locations = [place('North room', 51.52), place('South room', 51.48)].map((l) => ({
        ...l,
        address1: '',
        address2: '',
        region: '',
        postalCode: '',
        isConfidential: false,
        areaName: '',
        transportation: '',
      }));
      const { slug } = await writeListing(t.db, dialectOf(t.db), t.clock, input);
      const two = `/resources/${slug}`;
      t.clock.set('2027-01-08T10:00:00Z'); // Friday 8 January, 10:00 in London
      const closedDay = (await t.inject({ url: two })).body;
      // The service's block (where the change is listed) and both places say so.
      assert.equal(closedDay.match(/<p>Closed now<\/p>/g)?.length, 3, 'both places closed');
      assert.equal(closedDay.match(/Today: Closed on Fri 8 Jan/g)?.length, 3);
      assert.match(closedDay, /<li>Closed on Fri 8 Jan<\/li>/, 'listed once, with the service’s hours');
      t.clock.set('2027-01-15T10:00:00Z'); // the next Friday
      assert.equal((await t.inject({ url: two })).body.match(/class="open-now">Open now/g)?.length, 2);
    });

    it('removes what is cleared', async () => {
      mod = await loginAs(t, 'moderator'); // the clock has moved on: a fresh session
      const cleared = await shown();
      delete cleared.byAppointment;
      for (const k of ['from', 'to', 'opens', 'closes', 'note']) {
        cleared[`exception0_${k}`] = '';
        cleared[`exception1_${k}`] = '';
      }
      assert.equal((await postForm(t, edit, cleared, mod)).statusCode, 303);
      assert.deepEqual(await dated(), []);
    });
  });
}
