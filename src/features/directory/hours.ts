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
  description?: string | null;
  notes?: string | null;
  interval?: number | null;
  byweekno?: string | null;
  bymonthday?: string | null;
  byyearday?: string | null;
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

/** Whether luxon knows a zone name, checked once per name (it does not change while the process runs). */
const zoneNames = new Map<string, boolean>();
function isZoneName(name: string): boolean {
  let known = zoneNames.get(name);
  if (known === undefined) {
    known = DateTime.now().setZone(name).isValid;
    // Names come from the directory's rows: a bounded memo, whatever they hold.
    if (zoneNames.size < 1000) zoneNames.set(name, known);
  }
  return known;
}

/** The zone a schedule is written in: its IANA name, else its UTC offset, else an offset on opens_at, else UTC. */
export function zoneOf(s: ScheduleLike): string {
  if (s.timezone_name && isZoneName(s.timezone_name)) return s.timezone_name;
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

/** What "now" is in a zone: its date, the day before, the weekday (1 = Monday) and the minute of the day. */
interface LocalNow {
  valid: boolean;
  date: string;
  yesterday: string;
  weekday: number;
  minute: number;
}
/**
 * `now` in each zone, worked out once per zone for a given instant: a page of results asks for the
 * same instant in the same few zones for every card, and each luxon conversion costs tens of µs.
 */
const localNows = { at: NaN, byZone: new Map<string, LocalNow>() };
function localNow(now: Date, zone: string): LocalNow {
  if (now.getTime() !== localNows.at) {
    localNows.at = now.getTime();
    localNows.byZone.clear();
  }
  let v = localNows.byZone.get(zone);
  if (!v) {
    const local = DateTime.fromJSDate(now).setZone(zone);
    v = local.isValid
      ? {
          valid: true,
          date: local.toISODate()!,
          yesterday: local.minus({ days: 1 }).toISODate()!,
          weekday: local.weekday,
          minute: local.hour * 60 + local.minute,
        }
      : { valid: false, date: '', yesterday: '', weekday: 0, minute: 0 };
    if (localNows.byZone.size < 1000) localNows.byZone.set(zone, v);
  }
  return v;
}

/** Whether a session is running at `now`: exceptions for a date replace the regular sessions that start on it. Schedules without hours say nothing (null). */
export function isOpenAt(schedules: ScheduleLike[], now: Date): boolean | null {
  const exceptions = schedules.flatMap((s) => {
    const e = exceptionOf(s);
    return e ? [{ s, e }] : [];
  });
  const weekly = schedules.filter(
    (s) =>
      !exceptionOf(s) &&
      (!s.freq || s.freq.toUpperCase() === 'WEEKLY') &&
      minutes(s.opens_at) !== null &&
      minutes(s.closes_at) !== null,
  );
  const excepted = (date: string) => exceptions.some(({ e }) => e.from <= date && date <= e.to);
  let exceptionToday = false;
  for (const { s, e } of exceptions) {
    const local = localNow(now, zoneOf(s));
    if (!local.valid) continue;
    const date = local.date;
    if (date < e.from || date > e.to) continue;
    exceptionToday = true;
    const minute = local.minute;
    if (e.opens_at && e.closes_at && minute >= minutes(e.opens_at)! && minute < minutes(e.closes_at)!) return true;
  }
  if (weekly.length === 0 && !exceptionToday) return null;
  for (const s of weekly) {
    const local = localNow(now, zoneOf(s));
    if (!local.valid) continue;
    const date = local.date;
    if (s.valid_from && date < s.valid_from) continue;
    if (s.valid_to && date > s.valid_to) continue;
    // A session belongs to the day it starts on: an exception that day replaces it, one the next day does not cut it short.
    const runsToday = !excepted(date);
    const ranYesterday = !excepted(local.yesterday);
    const today = DAYS[local.weekday - 1]!;
    const yesterday = DAYS[(local.weekday + 5) % 7]!;
    const minute = local.minute;
    const open = minutes(s.opens_at)!;
    const close = minutes(s.closes_at)!;
    const on = days(s);
    if (close > open) {
      if (runsToday && on.includes(today) && minute >= open && minute < close) return true;
    } else {
      // Overnight (22:00–06:00) or round the clock (00:00–00:00).
      if (runsToday && on.includes(today) && minute >= open) return true;
      if (ranYesterday && on.includes(yesterday) && minute < close) return true;
    }
  }
  return false;
}

// ── exceptions and "by appointment" ──
/*
 * HSDS 3.0 has no holiday table: a change for some dates is a schedule row valid for those dates only
 * (valid_from … valid_to, both set), every day of the week. Closed: no times and the description "Closed".
 * Special hours: opens_at/closes_at, the description "Special hours". The curator's note is in `notes`.
 * "By appointment" is a schedule row with no times, no days and no dates whose description says so.
 * Other readers of the data see the same meaning in the descriptions.
 */
export const CLOSED = 'Closed';
export const SPECIAL_HOURS = 'Special hours';
export const BY_APPOINTMENT = 'By appointment';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface HoursException {
  from: string;
  to: string;
  /** Both null when closed all day; otherwise closes_at is after opens_at. */
  opens_at: string | null;
  closes_at: string | null;
  note: string | null;
}

const plainRecurrence = (s: ScheduleLike) =>
  (!s.freq || s.freq.toUpperCase() === 'WEEKLY') &&
  (s.interval === null || s.interval === undefined || s.interval === 1) &&
  !s.byweekno &&
  !s.bymonthday &&
  !s.byyearday;
const says = (s: ScheduleLike, text: string) => (s.description ?? '').trim().toLowerCase() === text.toLowerCase();

/** The exception a schedule row is, or null when it is a regular (or other) schedule. */
export function exceptionOf(s: ScheduleLike): HoursException | null {
  if (!s.valid_from || !s.valid_to || !ISO_DATE.test(s.valid_from) || !ISO_DATE.test(s.valid_to)) return null;
  if (s.valid_to < s.valid_from || !plainRecurrence(s) || days(s).length !== 7) return null;
  const note = s.notes?.trim() || null;
  const opens = minutes(s.opens_at);
  const closes = minutes(s.closes_at);
  if (!s.opens_at && !s.closes_at)
    return says(s, CLOSED) ? { from: s.valid_from, to: s.valid_to, opens_at: null, closes_at: null, note } : null;
  // Times with a zone written on them ("10:00Z") are left to the regular reading, as the editor cannot show them.
  const plain = (v: string | null) => /^\d{2}:\d{2}(?::00)?$/.test(v ?? '');
  if (!plain(s.opens_at) || !plain(s.closes_at) || opens === null || closes === null || closes <= opens) return null;
  return {
    from: s.valid_from,
    to: s.valid_to,
    opens_at: s.opens_at!.slice(0, 5),
    closes_at: s.closes_at!.slice(0, 5),
    note,
  };
}

export const isByAppointment = (s: ScheduleLike) =>
  says(s, BY_APPOINTMENT) && !s.opens_at && !s.closes_at && !s.byday && !s.valid_from && !s.valid_to;

/** The local date at `now` in a schedule's zone (YYYY-MM-DD). */
function localDate(s: ScheduleLike, now: Date): string {
  const local = DateTime.fromJSDate(now).setZone(zoneOf(s));
  return (local.isValid ? local : DateTime.fromJSDate(now).toUTC()).toISODate()!;
}

/** The exception in force today (in the schedule's zone), if any. */
export function exceptionToday(schedules: ScheduleLike[], now: Date): HoursException | null {
  for (const s of schedules) {
    const e = exceptionOf(s);
    const date = e ? localDate(s, now) : '';
    if (e && e.from <= date && date <= e.to) return e;
  }
  return null;
}

/** Exceptions not yet over (today's included), soonest first, at most `max`. */
export function upcomingExceptions(schedules: ScheduleLike[], now: Date, max = 6): HoursException[] {
  return schedules
    .flatMap((s) => {
      const e = exceptionOf(s);
      return e && e.to >= localDate(s, now) ? [e] : [];
    })
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
    .slice(0, max);
}

const dateFormats = Object.fromEntries(
  LOCALES.map((l) => [
    l,
    {
      short: new Intl.DateTimeFormat(l === 'fr' ? 'fr-FR' : 'en-GB', {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        timeZone: 'UTC',
      }),
      long: new Intl.DateTimeFormat(l === 'fr' ? 'fr-FR' : 'en-GB', {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      }),
    },
  ]),
) as Record<Locale, { short: Intl.DateTimeFormat; long: Intl.DateTimeFormat }>;

/** "Thu 25 Dec" (with the year when it is not this year's), in the page's language. */
export function shortDate(iso: string, locale: Locale, now: Date): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const f = y === now.getUTCFullYear() ? dateFormats[locale].short : dateFormats[locale].long;
  return f.format(Date.UTC(y, m - 1, d));
}

/** An exception in words: "Closed on Thu 25 Dec", "Open 10:00–14:00 from Wed 24 Dec to Fri 26 Dec". */
export function describeException(e: HoursException, locale: Locale, now: Date): string {
  const from = shortDate(e.from, locale, now);
  const to = shortDate(e.to, locale, now);
  const times = { opens: e.opens_at ?? '', closes: e.closes_at ?? '' };
  if (!e.opens_at)
    return e.from === e.to ? t(locale, 'closedOn', { date: from }) : t(locale, 'closedFromTo', { from, to });
  return e.from === e.to
    ? t(locale, 'specialOn', { date: from, ...times })
    : t(locale, 'specialFromTo', { from, to, ...times });
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
    .filter((s) => minutes(s.opens_at) !== null && minutes(s.closes_at) !== null && !exceptionOf(s))
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
