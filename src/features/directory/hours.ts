import { DateTime } from 'luxon';
import { LOCALES, type Locale } from '../../core/i18n/index.ts';
import { t } from './messages.ts';

/*
 * Regular opening hours from HSDS schedule rows (RFC 5545 style: freq WEEKLY, byday "MO,TU",
 * opens_at/closes_at "HH:MM"), evaluated in the service's own time zone. A closing time at or before
 * the opening time means the session runs past midnight into the next day.
 */
export interface ScheduleLike {
  freq: string | null;
  byday: string | null;
  opens_at: string | null;
  closes_at: string | null;
  timezone: number | null;
  timezone_name: string | null;
  valid_from?: string | null;
  valid_to?: string | null;
}

export const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
/** Short day names in the page's language ("Mon", "lun."), from the platform's locale data. */
const dayNames = (locale: Locale): Record<string, string> => {
  const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'short', timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return Object.fromEntries(DAYS.map((d, i) => [d, format.format(Date.UTC(2024, 0, 1 + i))]));
};
const DAY_NAMES = Object.fromEntries(LOCALES.map((l) => [l, dayNames(l)])) as Record<Locale, Record<string, string>>;

function minutes(hhmm: string | null): number | null {
  const m = /^(\d{1,2}):(\d{2})/.exec(hhmm ?? '');
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v >= 0 && v <= 24 * 60 ? v : null;
}

/** The zone a schedule is written in: its IANA name, else its UTC offset, else an offset on opens_at, else UTC. */
export function zoneOf(s: ScheduleLike): string {
  if (s.timezone_name && DateTime.now().setZone(s.timezone_name).isValid) return s.timezone_name;
  if (s.timezone !== null && s.timezone !== undefined && Number.isFinite(s.timezone)) {
    const h = Number(s.timezone);
    return h === 0 ? 'UTC' : `UTC${h > 0 ? '+' : ''}${h}`;
  }
  const m = /([+-]\d{2}):?(\d{2})$/.exec(s.opens_at ?? '');
  if (m) return `UTC${m[1]!.startsWith('-') ? '-' : '+'}${Number(m[1]!.slice(1))}${m[2] !== '00' ? `:${m[2]}` : ''}`;
  return 'UTC';
}

function days(s: ScheduleLike): string[] {
  if (!s.byday) return [...DAYS];
  return s.byday
    .split(',')
    .map((d) => d.trim().toUpperCase())
    .filter((d): d is string => (DAYS as readonly string[]).includes(d));
}

/** Whether any regular session is running at `now`. Schedules without hours say nothing (null). */
export function isOpenAt(schedules: ScheduleLike[], now: Date): boolean | null {
  const weekly = schedules.filter(
    (s) =>
      (!s.freq || s.freq.toUpperCase() === 'WEEKLY') && minutes(s.opens_at) !== null && minutes(s.closes_at) !== null,
  );
  if (weekly.length === 0) return null;
  for (const s of weekly) {
    const local = DateTime.fromJSDate(now).setZone(zoneOf(s));
    if (!local.isValid) continue;
    const date = local.toISODate()!;
    if (s.valid_from && date < s.valid_from) continue;
    if (s.valid_to && date > s.valid_to) continue;
    const today = DAYS[local.weekday - 1]!;
    const yesterday = DAYS[(local.weekday + 5) % 7]!;
    const minute = local.hour * 60 + local.minute;
    const open = minutes(s.opens_at)!;
    const close = minutes(s.closes_at)!;
    const on = days(s);
    if (close > open) {
      if (on.includes(today) && minute >= open && minute < close) return true;
    } else {
      // Overnight (22:00–06:00) or round the clock (00:00–00:00).
      if (on.includes(today) && minute >= open) return true;
      if (on.includes(yesterday) && minute < close) return true;
    }
  }
  return false;
}

/** A session from midnight to midnight (00:00–00:00 or 00:00–24:00): open all day, not "00:00–00:00". */
function roundTheClock(s: ScheduleLike): boolean {
  return minutes(s.opens_at) === 0 && (minutes(s.closes_at) === 0 || minutes(s.closes_at) === 24 * 60);
}

/** "Mon, Tue 09:00–17:00" lines for display, in the page's language; a monthly session reads "Day 1 of each month 10:00–12:00". */
export function describeHours(
  schedules: (ScheduleLike & { bymonthday?: string | null })[],
  locale: Locale = 'en',
): string[] {
  return schedules
    .filter((s) => minutes(s.opens_at) !== null && minutes(s.closes_at) !== null)
    .map((s) => {
      const d = days(s);
      const monthDays =
        s.freq?.toUpperCase() === 'MONTHLY' && s.bymonthday
          ? s.bymonthday
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
              .join(', ')
          : '';
      const dayText = monthDays
        ? t(locale, 'monthlyOn', { days: monthDays })
        : d.length === 7
          ? t(locale, 'everyDay')
          : d.map((x) => DAY_NAMES[locale][x]).join(', ');
      if (roundTheClock(s) && !monthDays)
        return d.length === 7 ? t(locale, 'open24') : t(locale, 'open24On', { days: dayText });
      return `${dayText} ${s.opens_at!.slice(0, 5)}–${s.closes_at!.slice(0, 5)}`;
    });
}

/** Parses a curator's "MO,TU,WE 09:00-17:00" line. */
export function parseHoursLine(line: string): { byday: string; opens_at: string; closes_at: string } | null {
  const m = /^\s*([A-Za-z]{2}(?:\s*,\s*[A-Za-z]{2})*)\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(line);
  if (!m) return null;
  const byday = m[1]!.split(',').map((d) => d.trim().toUpperCase());
  if (!byday.every((d) => (DAYS as readonly string[]).includes(d))) return null;
  const pad = (t: string) => t.padStart(5, '0');
  if (minutes(m[2]!) === null || minutes(m[3]!) === null) return null;
  return { byday: byday.join(','), opens_at: pad(m[2]!), closes_at: pad(m[3]!) };
}
