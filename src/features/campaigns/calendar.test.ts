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
        },
      ],
      { publicUrl: 'http://alongside.test', host: 'alongside.test' },
    );
    for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line too long: ${line}`);
    const comp = new ICAL.Component(ICAL.parse(ics));
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
