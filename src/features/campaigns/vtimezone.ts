import { DateTime } from 'luxon';

/*
 * A VTIMEZONE (RFC 5545 §3.6.5) for an IANA zone, from the zone rules luxon reads from the
 * platform (ICU): every change of offset between two years, each written as its own observance
 * with the local time it began at. Calendars that do not know the zone name (or know an older
 * rule) then still place a campaign's events at the right instant. No rule (RRULE) is guessed: the
 * transitions are listed, so a zone whose rules changed over the years is described as it was.
 */
const DAY = 86_400_000;

const offset = (minutes: number) => {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
};

/** The local wall-clock time of `ms` at `offsetMinutes`, as an iCalendar local date-time. */
const localStamp = (ms: number, offsetMinutes: number) =>
  DateTime.fromMillis(ms + offsetMinutes * 60_000, { zone: 'UTC' }).toFormat("yyyyLLdd'T'HHmmss");

interface Observance {
  at: number;
  from: number;
  to: number;
  daylight: boolean;
  name: string;
}

function observanceAt(zone: string, at: number, from: number): Observance {
  const dt = DateTime.fromMillis(at, { zone });
  return { at, from, to: dt.offset, daylight: dt.isInDST, name: dt.offsetNameShort ?? offset(dt.offset) };
}

/** The first millisecond in (lo, hi] at which the zone's offset differs from its offset at lo. */
function transition(zone: string, lo: number, hi: number): number {
  const before = DateTime.fromMillis(lo, { zone }).offset;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (DateTime.fromMillis(mid, { zone }).offset === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** VTIMEZONE lines (CRLF-separated, no trailing line break) for `zone` from 1 January of `fromYear` to the end of `toYear`. */
export function vtimezone(zone: string, fromYear: number, toYear: number): string {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const first = DateTime.fromMillis(start, { zone }).offset;
  const observances: Observance[] = [observanceAt(zone, start, first)];
  for (let day = start; day < end; day += DAY) {
    const next = Math.min(day + DAY, end);
    const current = observances[observances.length - 1]!.to;
    if (DateTime.fromMillis(next, { zone }).offset !== current) {
      const at = transition(zone, day, next);
      observances.push(observanceAt(zone, at, current));
    }
  }
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  for (const o of observances) {
    const kind = o.daylight ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${localStamp(o.at, o.from)}`,
      `TZOFFSETFROM:${offset(o.from)}`,
      `TZOFFSETTO:${offset(o.to)}`,
      `TZNAME:${o.name.replace(/[\\;,]/g, '')}`,
      `END:${kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
