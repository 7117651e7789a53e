import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { campaignLength, campaignPhase, dateOfDay, sixteenDaysTemplate } from './calendar.ts';
import { checkCityLevelPlace, looksLikeStreetAddress } from './place.ts';
import { checkLink } from './link.ts';
import { eventsCalendar } from './ics.ts';
import ICAL from 'ical.js';

const sixteen = (zone: string) => ({ starts_on: '2026-11-25', ends_on: '2026-12-10', time_zone: zone });

describe('campaign days', () => {
  it('counts day 1 on 25 November and day 16 on 10 December', () => {
    const c = sixteen('UTC');
    assert.deepEqual(campaignPhase(c, new Date('2026-11-25T00:00:00Z')), { phase: 'running', day: 1 });
    assert.deepEqual(campaignPhase(c, new Date('2026-12-10T23:59:59Z')), { phase: 'running', day: 16 });
    assert.deepEqual(campaignPhase(c, new Date('2026-11-24T23:59:59Z')), { phase: 'before', daysUntil: 1 });
    assert.deepEqual(campaignPhase(c, new Date('2026-12-11T00:00:00Z')), { phase: 'after' });
    assert.deepEqual(campaignPhase(c, new Date('2026-11-01T12:00:00Z')), { phase: 'before', daysUntil: 24 });
  });

  it('computes "today" in the campaign time zone, not in UTC', () => {
    const instant = new Date('2026-11-24T23:30:00Z');
    // Still 24 November in New York, already 25 November in Paris and Auckland.
    assert.equal(campaignPhase(sixteen('America/New_York'), instant).phase, 'before');
    assert.deepEqual(campaignPhase(sixteen('Europe/Paris'), instant), { phase: 'running', day: 1 });
    // Auckland is UTC+13 in December: day 16 ends at 11:00 UTC on 10 December.
    assert.deepEqual(campaignPhase(sixteen('Pacific/Auckland'), new Date('2026-12-10T10:59:00Z')), {
      phase: 'running',
      day: 16,
    });
    assert.deepEqual(campaignPhase(sixteen('Pacific/Auckland'), new Date('2026-12-10T11:00:00Z')), { phase: 'after' });
    // Day 16 lasts until local midnight in Honolulu, 10:00 UTC on 11 December.
    assert.deepEqual(campaignPhase(sixteen('Pacific/Honolulu'), new Date('2026-12-11T09:59:00Z')), {
      phase: 'running',
      day: 16,
    });
    assert.deepEqual(campaignPhase(sixteen('Pacific/Honolulu'), new Date('2026-12-11T10:00:00Z')), { phase: 'after' });
  });

  it('flips days at local midnight across a daylight-saving change', () => {
    const c = { starts_on: '2026-03-27', ends_on: '2026-04-02', time_zone: 'Europe/London' };
    // Clocks go forward on 29 March 2026: local midnight of 30 March is 23:00 UTC on the 29th.
    assert.deepEqual(campaignPhase(c, new Date('2026-03-29T22:59:00Z')), { phase: 'running', day: 3 });
    assert.deepEqual(campaignPhase(c, new Date('2026-03-29T23:00:00Z')), { phase: 'running', day: 4 });
  });

  it('the 16 Days template covers 25 November to 10 December with 16 day slots for any year', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2200 }), (year) => {
        const tpl = sixteenDaysTemplate(year);
        assert.equal(tpl.startsOn, `${year}-11-25`);
        assert.equal(tpl.endsOn, `${year}-12-10`);
        assert.equal(campaignLength(tpl.startsOn, tpl.endsOn), 16);
        assert.equal(tpl.themes.length, 16);
        assert.equal(dateOfDay(tpl.startsOn, 16), `${year}-12-10`);
        assert.equal(dateOfDay(tpl.startsOn, 7), `${year}-12-01`);
      }),
    );
  });
});

describe('city-level places', () => {
  it('accepts towns and cities and refuses street addresses and postcodes', () => {
    for (const ok of ['Paris', 'Lyon, France', 'São Paulo', 'Online', 'Greater Manchester', ''])
      assert.ok(checkCityLevelPlace(ok).ok, ok);
    for (const bad of [
      '12 Rue de Rivoli, Paris',
      '221B Baker Street, London',
      'SW1A 1AA',
      '10115 Berlin',
      'Flat 3, Hope Road',
      'Calle Mayor',
      '1600 Pennsylvania Avenue',
    ]) {
      assert.ok(looksLikeStreetAddress(bad), bad);
      assert.equal(checkCityLevelPlace(bad).ok, false, bad);
    }
  });

  it('suggests the city named in an address', () => {
    const r = checkCityLevelPlace('12 Rue de Rivoli, Paris');
    assert.deepEqual(r, { ok: false, suggestion: 'Paris' });
  });
});

describe('links', () => {
  it('keeps http and https links and refuses every other scheme', () => {
    assert.deepEqual(checkLink('https://example.org/a'), { ok: true, value: 'https://example.org/a' });
    assert.ok(checkLink('http://example.org').ok);
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://example.org',
      'vbscript:x',
      '//example.org',
      'example.org',
      'https://user:pw@example.org/',
    ]) {
      assert.equal(checkLink(bad).ok, false, bad);
    }
  });
});

describe('iCalendar', () => {
  it('writes a calendar an independent parser reads back, with escaping and folding', () => {
    const campaign = {
      id: 1,
      slug: 's',
      title: 'Title, with; specials',
      description: '',
      tag_slug: '',
      time_zone: 'Europe/London',
      starts_on: '2026-11-25',
      ends_on: '2026-12-10',
      is_board_open: 1,
      created_at: '2026-11-01T00:00:00.000Z',
      updated_at: '',
    };
    const long = 'Évènement '.repeat(30) + '\\ back; slash, comma\nnew line';
    const ics = eventsCalendar(
      campaign,
      [
        {
          id: 7,
          campaign_id: 1,
          title: long,
          description: 'Line one\nLine two',
          starts_at: '2026-11-28T14:00:00Z',
          ends_at: '2026-11-28T16:00:00Z',
          place: 'Manchester',
          link: '',
          created_at: '2026-11-02T10:00:00.000Z',
          repeat: '',
          repeat_count: 1,
        },
      ],
      { publicUrl: 'http://alongside.test', host: 'alongside.test' },
    );
    for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line too long: ${line}`);
    const comp = new ICAL.Component(ICAL.parse(ics));
    // Times are local with a TZID now: ical.js reads them through the calendar's own VTIMEZONE.
    ICAL.TimezoneService.register(comp.getFirstSubcomponent('vtimezone')!);
    const vevent = comp.getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    assert.equal(event.summary, long);
    assert.equal(event.description, 'Line one\nLine two');
    assert.equal(event.location, 'Manchester');
    assert.equal(event.startDate.toJSDate().toISOString(), '2026-11-28T14:00:00.000Z');
    assert.equal(event.endDate.toJSDate().toISOString(), '2026-11-28T16:00:00.000Z');
    assert.equal(event.uid, 'campaign-event-7@alongside.test');
  });
});

describe('iCalendar time zones and repeating events', () => {
  const campaign = {
    id: 1,
    slug: 'vigils',
    title: 'Vigils,\r\nEND:VCALENDAR',
    description: '',
    tag_slug: '',
    time_zone: 'Europe/London',
    starts_on: '2026-10-01',
    ends_on: '2026-12-10',
    is_board_open: 1,
    created_at: '2026-09-01T00:00:00.000Z',
    updated_at: '',
  };
  const event = {
    id: 9,
    campaign_id: 1,
    title: 'Weekly vigil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:<script>alert(1)</script>',
    description: '<img src=x onerror=alert(1)>; a, b',
    // 18:00 in London, British Summer Time: 17:00 UTC.
    starts_at: '2026-10-18T17:00:00Z',
    ends_at: '2026-10-18T18:30:00Z',
    place: 'London',
    link: '',
    created_at: '2026-09-02T10:00:00.000Z',
    repeat: 'weekly' as const,
    repeat_count: 3,
  };
  const site = { publicUrl: 'http://alongside.test', host: 'alongside.test' };

  it('carries the campaign zone as a VTIMEZONE that ical.js uses, and text stays text', () => {
    const ics = eventsCalendar(campaign, [event], site);
    const comp = new ICAL.Component(ICAL.parse(ics));
    const zones = comp.getAllSubcomponents('vtimezone');
    assert.equal(zones.length, 1);
    assert.equal(zones[0]!.getFirstPropertyValue('tzid'), 'Europe/London');
    assert.match(ics, /^DTSTART;TZID=Europe\/London:20261018T180000\r$/m);
    // The name is one TEXT value (§3.3.11): a line break in it cannot end the calendar.
    assert.match(ics, /^X-WR-CALNAME:Vigils\\,\\nEND:VCALENDAR\r$/m);
    assert.equal(ics.match(/^END:VCALENDAR/gm)?.length, 1);
    const vevents = comp.getAllSubcomponents('vevent');
    assert.equal(vevents.length, 1, 'a line break in a title cannot start another event');
    const parsed = new ICAL.Event(vevents[0]!);
    assert.equal(parsed.summary, event.title.replace(/\r\n/g, '\n'), 'iCalendar text has one kind of line break');
    assert.equal(parsed.description, event.description);
    // ical.js converts with the calendar's own VTIMEZONE, not a zone database of its own.
    const tz = new ICAL.Timezone(zones[0]!);
    const start = parsed.startDate.convertToZone(ICAL.Timezone.utcTimezone);
    assert.equal(parsed.startDate.zone?.tzid ?? tz.tzid, 'Europe/London');
    assert.equal(start.toJSDate().toISOString(), '2026-10-18T17:00:00.000Z');
  });

  it('writes a repeating event as one RRULE that keeps its local time across the change of clocks', () => {
    const ics = eventsCalendar(campaign, [event], site);
    const comp = new ICAL.Component(ICAL.parse(ics));
    ICAL.TimezoneService.register(comp.getFirstSubcomponent('vtimezone')!);
    const parsed = new ICAL.Event(comp.getFirstSubcomponent('vevent')!);
    assert.ok(parsed.isRecurring());
    assert.equal(String(parsed.component.getFirstPropertyValue('rrule')), 'FREQ=WEEKLY;COUNT=3');
    const it = parsed.iterator();
    const starts: string[] = [];
    for (let next = it.next(); next; next = it.next()) starts.push(next.toJSDate().toISOString());
    // Clocks go back on 25 October 2026: 18:00 local is 17:00 UTC, then 18:00 UTC.
    assert.deepEqual(starts, ['2026-10-18T17:00:00.000Z', '2026-10-25T18:00:00.000Z', '2026-11-01T18:00:00.000Z']);
    const daily = eventsCalendar(campaign, [{ ...event, repeat: 'daily', repeat_count: 2 }], site);
    assert.match(daily, /^RRULE:FREQ=DAILY;COUNT=2\r$/m);
    const once = eventsCalendar(campaign, [{ ...event, repeat: '', repeat_count: 1 }], site);
    assert.doesNotMatch(once, /RRULE/);
  });

  it('describes every change of offset in the years the events fall in', () => {
    const ics = eventsCalendar(campaign, [{ ...event, repeat: 'weekly', repeat_count: 15 }], site);
    const tz = new ICAL.Timezone(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vtimezone')!);
    // 15 weeks from 18 October 2026 reach into 2027: its spring change is described too.
    const utc = (iso: string) => ICAL.Time.fromDateTimeString(iso, undefined as never);
    const offsetAt = (iso: string) => tz.utcOffset(utc(iso)) / 3600;
    assert.equal(offsetAt('2026-07-01T12:00:00'), 1);
    assert.equal(offsetAt('2026-12-01T12:00:00'), 0);
    assert.equal(offsetAt('2027-01-20T12:00:00'), 0);
    const tokyo = eventsCalendar({ ...campaign, time_zone: 'Asia/Tokyo' }, [event], site);
    assert.match(tokyo, /TZID:Asia\/Tokyo[\s\S]*TZOFFSETTO:\+0900/);
  });
});
