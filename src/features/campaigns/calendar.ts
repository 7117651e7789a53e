import { DateTime, IANAZone } from 'luxon';

/*
 * Campaign days are calendar dates in the campaign's own time zone: "today is day 3" must
 * flip at local midnight where the campaign happens, not at UTC midnight.
 */
export type CampaignPhase =
  { phase: 'before'; daysUntil: number } | { phase: 'running'; day: number } | { phase: 'after' };

export const isTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);
export const isIsoDate = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid;

/** Number of days from starts_on to ends_on, both included. */
export function campaignLength(startsOn: string, endsOn: string): number {
  const a = DateTime.fromISO(startsOn, { zone: 'UTC' });
  const b = DateTime.fromISO(endsOn, { zone: 'UTC' });
  return Math.round(b.diff(a, 'days').days) + 1;
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(now: Date, zone: string): string {
  return DateTime.fromJSDate(now).setZone(zone).toISODate()!;
}

export function campaignPhase(c: { starts_on: string; ends_on: string; time_zone: string }, now: Date): CampaignPhase {
  const today = DateTime.fromISO(localDate(now, c.time_zone), { zone: 'UTC' });
  const start = DateTime.fromISO(c.starts_on, { zone: 'UTC' });
  const offset = Math.round(today.diff(start, 'days').days);
  const length = campaignLength(c.starts_on, c.ends_on);
  if (offset < 0) return { phase: 'before', daysUntil: -offset };
  if (offset >= length) return { phase: 'after' };
  return { phase: 'running', day: offset + 1 };
}

/** The calendar date of day N (1-based). */
export function dateOfDay(startsOn: string, day: number): string {
  return DateTime.fromISO(startsOn, { zone: 'UTC' })
    .plus({ days: day - 1 })
    .toISODate()!;
}

/** "Wed 25 Nov" style label for a local date, for the day-by-day list. */
export function dayLabel(isoDate: string, locale = 'en'): string {
  return DateTime.fromISO(isoDate, { zone: 'UTC' })
    .setLocale(locale === 'fr' ? 'fr' : 'en-GB')
    .toFormat('ccc d LLL');
}

export function formatDateRange(startsOn: string, endsOn: string, locale = 'en'): string {
  const fmt = (d: string) =>
    DateTime.fromISO(d, { zone: 'UTC' })
      .setLocale(locale === 'fr' ? 'fr' : 'en-GB')
      .toFormat('d LLLL yyyy');
  return `${fmt(startsOn)} – ${fmt(endsOn)}`;
}

/** A local wall-clock time ("2026-11-28T18:00") in the campaign zone → ISO UTC instant. */
export function localToUtc(local: string, zone: string): string | undefined {
  const dt = DateTime.fromISO(local, { zone });
  return dt.isValid ? dt.toUTC().toISO({ suppressMilliseconds: true })! : undefined;
}

export function utcToLocalInput(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: 'UTC' }).setZone(zone).toFormat("yyyy-LL-dd'T'HH:mm");
}

export function formatEventTime(startsAt: string, endsAt: string, zone: string, locale = 'en'): string {
  const loc = locale === 'fr' ? 'fr' : 'en-GB';
  const s = DateTime.fromISO(startsAt, { zone: 'UTC' }).setZone(zone).setLocale(loc);
  const e = DateTime.fromISO(endsAt, { zone: 'UTC' }).setZone(zone).setLocale(loc);
  const end = s.hasSame(e, 'day') ? e.toFormat('HH:mm') : e.toFormat('ccc d LLL HH:mm');
  return `${s.toFormat('ccc d LLL yyyy, HH:mm')}–${end} (${s.toFormat('ZZZZ')}, ${zone})`;
}

/** The day a repeating event happens for the last time, in the campaign's zone and the reader's language. */
export function lastOccurrenceDay(
  startsAt: string,
  repeat: 'daily' | 'weekly',
  count: number,
  zone: string,
  locale = 'en',
): string {
  const first = DateTime.fromISO(startsAt, { zone: 'UTC' }).setZone(zone);
  const last = first.plus(repeat === 'daily' ? { days: count - 1 } : { weeks: count - 1 });
  return last.setLocale(locale === 'fr' ? 'fr' : 'en-GB').toFormat('ccc d LLL yyyy');
}

/*
 * The 16 Days of Activism against Gender-Based Violence run every year from 25 November
 * (International Day for the Elimination of Violence against Women) to 10 December (Human
 * Rights Day). Themes are suggestions staff edit; they favour systemic change.
 */
export const SIXTEEN_DAYS_THEMES: readonly string[] = [
  'Elimination of Violence against Women Day: why we start here',
  'Listening first: what sex workers say keeps them safe',
  'Decriminalisation and safety: what the evidence says',
  'Safer reporting: violence can be reported without fear of arrest',
  'Migrants’ rights and labour rights',
  'Money and housing: the material roots of exploitation',
  'Health without judgement',
  'Online violence and deplatforming',
  'Trafficking support that does not harm consent-based work',
  'Police accountability',
  'Trans and gender-diverse workers',
  'Funding sex-worker-led groups',
  'Media: words that do not dehumanise',
  'Contacting representatives about the law',
  'Care for frontline workers and peers',
  'Human Rights Day: rights for all who sell sex',
];

export interface CampaignTemplate {
  title: string;
  slug: string;
  startsOn: string;
  endsOn: string;
  tagSlug: string;
  description: string;
  themes: string[];
}

/** The 16 Days of Activism for any year: 25 November to 10 December, 16 day slots. */
export function sixteenDaysTemplate(year: number): CampaignTemplate {
  return {
    title: `16 Days of Activism ${year}`,
    slug: `16-days-${year}`,
    startsOn: `${year}-11-25`,
    endsOn: `${year}-12-10`,
    tagSlug: `16-days-${year}`,
    description:
      'From 25 November to 10 December, the 16 Days of Activism against Gender-Based Violence ask: what are you doing? Tell us what you will do — and favour actions that change systems, not only minds.',
    themes: [...SIXTEEN_DAYS_THEMES],
  };
}
