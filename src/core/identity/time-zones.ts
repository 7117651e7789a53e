import { IANAZone } from 'luxon';

/*
 * The site's time zone: the zone staff think in when they enter a date ("Publish at"). Chosen by
 * an admin from the zones this Node.js knows (IANA names), UTC first; stored times stay UTC.
 */
export const DEFAULT_TIME_ZONE = 'UTC';

let zones: string[] | undefined;

/** Every zone an admin may pick, UTC first, then by name. */
export function timeZoneChoices(): string[] {
  zones ??= [DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf('timeZone').filter((z) => z !== DEFAULT_TIME_ZONE)];
  return zones;
}

/** A zone from the list (exact spelling): anything else is refused, never guessed. */
export function isTimeZone(value: unknown): value is string {
  return typeof value === 'string' && timeZoneChoices().includes(value) && IANAZone.isValidZone(value);
}
