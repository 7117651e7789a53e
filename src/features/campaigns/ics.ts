import { ICalCalendar, ICalCalendarMethod, ICalEventRepeatingFreq } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Campaign, CampaignEvent } from './repo.ts';
import { vtimezone } from './vtimezone.ts';

/*
 * A campaign's events as iCalendar (RFC 5545), written by ical-generator: it escapes text
 * (§3.3.11) and folds lines (§3.1). Times are the campaign's local times with its TZID, and the
 * calendar carries that zone's VTIMEZONE (vtimezone.ts), so a repeating event keeps its local
 * time across a change of daylight saving time. A repeating event is one event with an RRULE.
 */
/** TEXT escaping (§3.3.11) for the calendar's name, which ical-generator writes as it is given. */
const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');

const FREQ = { daily: ICalEventRepeatingFreq.DAILY, weekly: ICalEventRepeatingFreq.WEEKLY } as const;

/** Years the events (with every repetition) fall in, so the VTIMEZONE covers each of them. */
function yearsOf(events: readonly CampaignEvent[], zone: string, fallback: string): [number, number] {
  const years = events.flatMap((e) => {
    const last = DateTime.fromISO(e.ends_at, { zone }).plus({
      days: e.repeat === 'daily' ? e.repeat_count - 1 : e.repeat === 'weekly' ? 7 * (e.repeat_count - 1) : 0,
    });
    return [DateTime.fromISO(e.starts_at, { zone }).year, last.year];
  });
  const year = Number(fallback.slice(0, 4));
  return years.length ? [Math.min(...years), Math.max(...years)] : [year, year];
}

export function eventsCalendar(
  campaign: Campaign,
  events: CampaignEvent[],
  opts: { publicUrl: string; host: string },
): string {
  const zone = campaign.time_zone;
  const url = `${opts.publicUrl}/campaigns/${campaign.slug}`;
  const [from, to] = yearsOf(events, zone, campaign.starts_on);
  const calendar = new ICalCalendar({
    prodId: '//Alongside//Campaigns//EN',
    method: ICalCalendarMethod.PUBLISH,
    name: text(campaign.title),
    scale: 'GREGORIAN',
    // No calendar-wide zone name (DTSTAMP stays in UTC); each event names the zone and this writes its VTIMEZONE.
    timezone: { name: '', generator: (tz: string) => vtimezone(tz, from, to) },
    x: { 'X-WR-TIMEZONE': zone },
  });
  for (const e of events) {
    calendar.createEvent({
      id: `campaign-event-${e.id}@${opts.host}`,
      stamp: new Date(e.created_at),
      start: DateTime.fromISO(e.starts_at, { zone }),
      end: DateTime.fromISO(e.ends_at, { zone }),
      timezone: zone,
      summary: e.title,
      description: e.description || null,
      location: e.place || null,
      url: e.link || url,
      repeating: e.repeat ? { freq: FREQ[e.repeat], count: e.repeat_count } : null,
    });
  }
  return calendar.toString();
}
