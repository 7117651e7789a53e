import { DateTime, IANAZone } from 'luxon';

/*
 * "Publish at" in the site's time zone (core/identity/time-zones.ts): what staff type is a wall-clock
 * time there; what is stored and compared is the UTC instant. Daylight saving is the zone's rules
 * (luxon reads them from the ICU data Node.js carries).
 */
const FIELDS = "yyyy-MM-dd'T'HH:mm:ss";
const DAY = 86_400_000;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export type LocalParse = { at: Date } | { problem: 'invalid' | 'gap' };

/**
 * A datetime-local value ("2026-12-01T09:30") read as a time in `zone`. A time the clocks skip
 * (the hour lost when summer time starts) is refused rather than moved; a time that happens twice
 * (the hour repeated when it ends) is the first of the two, and the UTC shown beside it says which.
 */
export function localToUtc(raw: string, zone: string): LocalParse {
  const m = LOCAL.exec(raw.trim());
  if (!m) return { problem: 'invalid' };
  const [year, month, day, hour, minute, second] = m.slice(1).map((n) => Number(n ?? 0)) as number[];
  // The typed fields as if they were UTC; then each offset the zone has around that day is tried.
  const wall = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: 'utc' });
  const iana = IANAZone.create(zone);
  if (!wall.isValid || !iana.isValid) return { problem: 'invalid' };
  const typed = wall.toFormat(FIELDS);
  const offsets = new Set([-DAY, 0, DAY].map((d) => iana.offset(wall.toMillis() + d)));
  const instants = [...offsets]
    .map((offset) => wall.toMillis() - offset * 60_000)
    .filter((ms) => DateTime.fromMillis(ms, { zone }).toFormat(FIELDS) === typed)
    .sort((x, y) => x - y);
  // None: the clocks skipped that time. Two: it happened twice; the first is taken.
  return instants.length ? { at: new Date(instants[0]!) } : { problem: 'gap' };
}

/** The stored instant as the editor's field shows it in `zone`: "2026-12-01T10:30". */
export function utcToLocalInput(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** "2026-12-01 09:30 UTC", shown beside a local time. */
export function utcLabel(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
