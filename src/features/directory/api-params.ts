import { MAX_RADIUS_KM } from './search.ts';

/*
 * The HSDS API's query parameters. Every value is checked here, so nothing malformed reaches the
 * database; a bad one throws BadParam, which the routes answer with 400 and its message.
 */
const MAX_PER_PAGE = 100;
const MAX_PAGE = 100_000;
const MAX_PROXIMITY_M = MAX_RADIUS_KM * 1000;

export type Query = Record<string, unknown>;
export class BadParam extends Error {}

// Control characters are refused: PostgreSQL cannot store NUL and no identifier or word contains one.
export const CONTROL = /[\u0000-\u001f\u007f]/;

export function text(q: Query, name: string, max = 200): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new BadParam(`${name} must be given once.`);
  if (v.length > max) throw new BadParam(`${name} must be at most ${max} characters.`);
  if (CONTROL.test(v)) throw new BadParam(`${name} must not contain control characters.`);
  return v;
}
export const id = (q: Query, name: string) => text(q, name, 100);

export function flag(q: Query, name: string): boolean {
  const v = text(q, name, 10);
  if (v === undefined || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new BadParam(`${name} must be true or false.`);
}

export function whole(q: Query, name: string, fallback: number, max: number): number {
  const v = text(q, name, 12);
  if (v === undefined) return fallback;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= max)) throw new BadParam(`${name} must be a whole number from 1 to ${max}.`);
  return n;
}

export interface Listing {
  page: number;
  perPage: number;
  ndjson: boolean;
}
export function listing(q: Query): Listing {
  const format = text(q, 'format', 10) ?? 'json';
  if (format !== 'json' && format !== 'ndjson') throw new BadParam('format must be json or ndjson.');
  return {
    page: whole(q, 'page', 1, MAX_PAGE),
    perPage: whole(q, 'per_page', 20, MAX_PER_PAGE),
    ndjson: format === 'ndjson',
  };
}

/** `modified_after`: a date or date-time (ISO 8601); without a zone it is read as UTC. */
export function modifiedAfter(q: Query): string | undefined {
  const v = text(q, 'modified_after', 40);
  if (v === undefined) return undefined;
  const bad = new BadParam('modified_after must be a date or date-time such as 2026-01-01 or 2026-01-01T09:30:00Z.');
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  if (!m) throw bad;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    throw bad;
  const zone = m[8] === undefined ? 'Z' : m[8] === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[8].slice(-2)}`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = new Date(
    `${m[1]}-${m[2]}-${m[3]}T${pad(hour)}:${pad(minute)}:${pad(second)}${(m[7] ?? '').slice(0, 4)}${zone}`,
  );
  if (Number.isNaN(at.getTime())) throw bad;
  return at.toISOString();
}

/** The `postcode` and `proximity` parameters, checked (the place itself is looked up later). */
export function placeParams(q: Query): { postalCode: string; radiusKm?: number } | undefined {
  const postcode = text(q, 'postcode', 24)?.trim() || undefined;
  const proximity = text(q, 'proximity', 20);
  if (proximity !== undefined) {
    const metres = /^\d+(\.\d+)?$/.test(proximity) ? Number(proximity) : NaN;
    if (!(metres > 0 && metres <= MAX_PROXIMITY_M))
      throw new BadParam(`proximity must be a distance in metres, above 0 and at most ${MAX_PROXIMITY_M}.`);
    if (postcode === undefined) throw new BadParam('proximity is measured from a postcode: give postcode too.');
  }
  if (postcode === undefined) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9 -]{0,15}$/.test(postcode))
    throw new BadParam('postcode must be at most 16 letters, digits, spaces or hyphens.');
  return {
    postalCode: normalisePostalCode(postcode),
    radiusKm: proximity === undefined ? undefined : Number(proximity) / 1000,
  };
}
export const normalisePostalCode = (code: string) => code.replace(/\s+/g, '').toUpperCase();
