import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localToUtc, utcLabel, utcToLocalInput } from './local-time.ts';

/* "Publish at" in the site's time zone: wall-clock time there, UTC instant stored; DST by the zone's rules. */
const utc = (raw: string, zone: string) => {
  const r = localToUtc(raw, zone);
  return 'at' in r ? r.at.toISOString() : r.problem;
};

describe('publish times in the site’s time zone', () => {
  it('reads a time in the zone, with its summer and winter offsets', () => {
    assert.equal(utc('2026-12-01T10:00', 'Europe/Paris'), '2026-12-01T09:00:00.000Z');
    assert.equal(utc('2027-07-01T10:00', 'Europe/Paris'), '2027-07-01T08:00:00.000Z');
    assert.equal(utc('2026-12-01T10:00', 'America/New_York'), '2026-12-01T15:00:00.000Z');
    assert.equal(utc('2026-12-01T10:00', 'Asia/Kolkata'), '2026-12-01T04:30:00.000Z');
    assert.equal(utc('2026-12-01T10:00', 'UTC'), '2026-12-01T10:00:00.000Z');
  });

  it('refuses a time the clocks skip and takes the first of a time that happens twice', () => {
    // Paris: 2027-03-28 02:00 → 03:00; 2026-10-25 03:00 → 02:00.
    assert.equal(utc('2027-03-28T02:30', 'Europe/Paris'), 'gap');
    assert.equal(utc('2027-03-28T03:00', 'Europe/Paris'), '2027-03-28T01:00:00.000Z');
    assert.equal(utc('2026-10-25T02:30', 'Europe/Paris'), '2026-10-25T00:30:00.000Z');
    // New York: 2027-03-14 02:00 → 03:00.
    assert.equal(utc('2027-03-14T02:15', 'America/New_York'), 'gap');
  });

  it('refuses what is not a real date and time', () => {
    for (const bad of ['2026-02-31T10:00', '2026-12-01', '2026-12-01T25:00', '2026-12-01T10:00Z', 'soon', ''])
      assert.equal(utc(bad, 'Europe/Paris'), 'invalid', bad);
  });

  it('shows a stored instant back in the zone, and its UTC label', () => {
    assert.equal(utcToLocalInput('2026-12-01T09:00:00.000Z', 'Europe/Paris'), '2026-12-01T10:00');
    assert.equal(utcToLocalInput('2027-07-01T08:00:00.000Z', 'Europe/Paris'), '2027-07-01T10:00');
    assert.equal(utcLabel(new Date('2027-07-01T08:00:00.000Z')), '2027-07-01 08:00 UTC');
  });
});
