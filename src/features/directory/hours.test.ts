import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeException,
  describeHours,
  exceptionOf,
  exceptionToday,
  isByAppointment,
  isOpenAt,
  upcomingExceptions,
  type ScheduleLike,
} from './hours.ts';

/*
 * Exceptions to the weekly hours (closed on a date, special hours for a range) and "by appointment",
 * read by a manual clock: every `now` below is a fixed instant, and dates are the listing's local dates.
 */
const ALL = 'MO,TU,WE,TH,FR,SA,SU';
const week = (over: Partial<ScheduleLike> = {}): ScheduleLike => ({
  freq: 'WEEKLY',
  byday: 'MO,TU,WE,TH,FR',
  opens_at: '09:00',
  closes_at: '17:00',
  timezone: null,
  timezone_name: 'Europe/London',
  ...over,
});
const closed = (from: string, to = from, over: Partial<ScheduleLike> = {}): ScheduleLike => ({
  freq: null,
  byday: null,
  opens_at: null,
  closes_at: null,
  timezone: null,
  timezone_name: 'Europe/London',
  valid_from: from,
  valid_to: to,
  description: 'Closed',
  ...over,
});
const special = (from: string, to: string, opens: string, closes: string, over: Partial<ScheduleLike> = {}) =>
  week({ byday: ALL, opens_at: opens, closes_at: closes, valid_from: from, valid_to: to, ...over });

describe('hours exceptions', () => {
  it('a closed date replaces the weekly hours on that date only', () => {
    const hours = [week(), closed('2026-12-25')];
    // Friday 25 December 2026, 10:00 in London (GMT).
    assert.equal(isOpenAt(hours, new Date('2026-12-25T10:00:00Z')), false, 'closed on Christmas Day');
    assert.equal(isOpenAt(hours, new Date('2026-12-24T10:00:00Z')), true, 'open the day before');
    assert.equal(isOpenAt([week()], new Date('2026-12-25T10:00:00Z')), true, 'open without the exception');
  });
  it('special hours replace the weekly hours for their range', () => {
    const hours = [week(), special('2026-12-23', '2026-12-24', '10:00', '12:00')];
    assert.equal(isOpenAt(hours, new Date('2026-12-24T11:00:00Z')), true, 'inside the special hours');
    assert.equal(isOpenAt(hours, new Date('2026-12-24T13:00:00Z')), false, 'after them, though the week says open');
    assert.equal(isOpenAt(hours, new Date('2026-12-22T13:00:00Z')), true, 'the day before the range: usual hours');
    // A special opening on a day the week has none (Sunday 27 December).
    const sunday = [week(), special('2026-12-27', '2026-12-27', '12:00', '14:00')];
    assert.equal(isOpenAt(sunday, new Date('2026-12-27T12:30:00Z')), true);
  });
  it('reads the date in the listing’s time zone', () => {
    const toronto = { timezone_name: 'America/Toronto' };
    const hours = [
      week({ ...toronto, byday: ALL, opens_at: '00:00', closes_at: '00:00' }),
      closed('2026-12-25', '2026-12-25', toronto),
    ];
    // 03:00 UTC on the 25th is 22:00 on the 24th in Toronto: still open; 03:00 UTC on the 26th is 22:00 on the 25th.
    assert.equal(isOpenAt(hours, new Date('2026-12-25T03:00:00Z')), true, '24 Dec 22:00 in Toronto');
    assert.equal(isOpenAt(hours, new Date('2026-12-26T03:00:00Z')), false, '25 Dec 22:00 in Toronto');
    assert.equal(isOpenAt(hours, new Date('2026-12-26T06:00:00Z')), true, '26 Dec 01:00 in Toronto');
    assert.equal(exceptionToday(hours, new Date('2026-12-25T03:00:00Z')), null);
    assert.equal(exceptionToday(hours, new Date('2026-12-26T03:00:00Z'))?.from, '2026-12-25');
  });
  it('a night session belongs to the day it starts on', () => {
    const night = week({ byday: 'FR', opens_at: '22:00', closes_at: '03:00' });
    // Saturday 26 December 02:00 continues Friday night.
    const sat = new Date('2026-12-26T02:00:00Z');
    assert.equal(isOpenAt([night, closed('2026-12-26')], sat), true, 'closing Saturday does not cut Friday night');
    assert.equal(isOpenAt([night, closed('2026-12-25')], sat), false, 'closing Friday removes Friday night');
  });
  it('says nothing without hours, unless an exception is in force', () => {
    const now = new Date('2026-12-24T11:00:00Z');
    assert.equal(isOpenAt([closed('2026-12-25')], now), null);
    assert.equal(isOpenAt([special('2026-12-24', '2026-12-24', '10:00', '12:00')], now), true);
    assert.equal(isOpenAt([closed('2026-12-24')], now), false);
  });
  it('knows an exception by its shape, and leaves other rows to the regular reading', () => {
    assert.ok(exceptionOf(closed('2026-12-25')));
    assert.equal(exceptionOf(closed('2026-12-25', '2026-12-25', { description: 'Summer visits' })), null);
    assert.equal(exceptionOf(closed('2026-12-25', '2026-12-24')), null, 'ends before it starts');
    assert.equal(exceptionOf(special('2026-06-01', '2026-08-31', '10:00', '16:00', { byday: 'MO,TU' })), null);
    assert.equal(exceptionOf(special('2026-06-01', '2026-08-31', '16:00', '10:00')), null, 'closes before opens');
    assert.equal(exceptionOf(week({ valid_from: '2026-01-01' })), null, 'an open-ended validity is regular');
    assert.deepEqual(exceptionOf(special('2026-12-24', '2026-12-24', '10:00:00', '12:00:00', { notes: ' Eve ' })), {
      from: '2026-12-24',
      to: '2026-12-24',
      opens_at: '10:00',
      closes_at: '12:00',
      note: 'Eve',
    });
    const appointment = { ...closed(''), valid_from: null, valid_to: null, description: 'By appointment' };
    assert.ok(isByAppointment(appointment));
    assert.ok(!isByAppointment({ ...appointment, opens_at: '09:00', closes_at: '10:00' }));
    assert.ok(!isByAppointment(closed('2026-12-25')));
  });
  it('are not part of the weekly lines, and read in English and French', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const hours = [week(), special('2026-12-24', '2026-12-24', '10:00', '12:00'), closed('2026-12-25', '2026-12-26')];
    assert.deepEqual(describeHours(hours), ['Mon, Tue, Wed, Thu, Fri 09:00–17:00']);
    const [eve, christmas] = upcomingExceptions(hours, now);
    assert.equal(describeException(eve!, 'en', now), 'Open 10:00–12:00 only on Thu 24 Dec');
    assert.equal(describeException(christmas!, 'en', now), 'Closed from Fri 25 Dec to Sat 26 Dec');
    assert.equal(describeException({ ...christmas!, to: christmas!.from }, 'en', now), 'Closed on Fri 25 Dec');
    assert.equal(describeException(christmas!, 'fr', now), 'Fermé du ven. 25 déc. au sam. 26 déc.');
    assert.equal(describeException(eve!, 'fr', now), 'Ouvert seulement de 10:00 à 12:00 le jeu. 24 déc.');
    assert.equal(
      describeException(eve!, 'en', new Date('2025-12-01T12:00:00Z')),
      'Open 10:00–12:00 only on Thu, 24 Dec 2026',
      'another year is named',
    );
    assert.deepEqual(upcomingExceptions(hours, new Date('2026-12-25T12:00:00Z')), [christmas], 'past ones drop off');
  });
});
