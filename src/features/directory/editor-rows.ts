import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { FieldErrors } from '../../core/result.ts';
import { DAYS } from './hours.ts';
import type { HoursInput, ListingInput } from './listing-model.ts';
import { msg } from './messages.ts';

/*
 * The listing editor's repeated rows, as plain form fields that work without JavaScript:
 * opening hours as sessions (<prefix><r>_days checkboxes, _opens and _closes time inputs, _allDay),
 * and phones (phone<r>_number, phone<r>_type, phone<r>_note). Each maps to the stored model and back;
 * a row left empty is no row. The form shows the rows it has and two empty ones.
 */
type Form = Record<string, string | string[] | undefined>;
export const MAX_ROWS = 40;
export const EMPTY_ROWS = 2;

const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '').trim();
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

/** The row numbers a form holds under `prefix` (hours0_days, hours3_opens… → [0, 3]). */
export function rowIndexes(form: Form, prefix: string, keys: readonly string[]): number[] {
  const found = new Set<number>();
  for (const k of Object.keys(form)) {
    if (!k.startsWith(prefix)) continue;
    const m = /^(\d{1,2})_([A-Za-z]+)$/.exec(k.slice(prefix.length));
    if (m && keys.includes(m[2]!) && Number(m[1]) < MAX_ROWS) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

// ── opening hours ──
export const HOURS_KEYS = ['days', 'opens', 'closes', 'allDay'] as const;
export type HoursKey = (typeof HOURS_KEYS)[number];
export const hoursField = (prefix: string, row: number, key: HoursKey) => `${prefix}${row}_${key}`;
/** A time input's value: "09:30" (a browser may add ":00" seconds). */
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::00)?$/;
const ROUND_THE_CLOCK = (h: HoursInput) =>
  h.opens_at === '00:00' && (h.closes_at === '00:00' || h.closes_at === '24:00');

/**
 * The sessions of an hours block. `where` names it in messages: undefined for the listing's own hours,
 * the location's number for a place's. A row is its days ticked and either "open 24 hours" or two times;
 * a closing time at or before the opening time runs past midnight (as the hours model reads it).
 */
export function parseHoursRows(form: Form, prefix: string, errors: FieldErrors, where?: number): HoursInput[] {
  const out: HoursInput[] = [];
  rowIndexes(form, prefix, HOURS_KEYS).forEach((r, position) => {
    const f = (k: HoursKey) => hoursField(prefix, r, k);
    const row = position + 1;
    const days = [...new Set(list(form[f('days')]))];
    const allDay = str(form[f('allDay')]) !== '';
    const opens = str(form[f('opens')]);
    const closes = str(form[f('closes')]);
    if (days.length === 0 && !allDay && !opens && !closes) return;
    const say = (key: 'hoursDays' | 'hoursTimes') =>
      where === undefined
        ? msg(key, { row })
        : msg(key === 'hoursDays' ? 'locationHoursDays' : 'locationHoursTimes', { n: where, row });
    if (days.length === 0 || days.some((d) => !(DAYS as readonly string[]).includes(d))) {
      errors[f('days')] = say('hoursDays');
      return;
    }
    const byday = DAYS.filter((d) => days.includes(d)).join(',');
    if (allDay) {
      out.push({ byday, opens_at: '00:00', closes_at: '00:00' });
      return;
    }
    const o = TIME.exec(opens);
    const c = TIME.exec(closes);
    if (!o || !c) {
      errors[f(!o ? 'opens' : 'closes')] = say('hoursTimes');
      return;
    }
    out.push({ byday, opens_at: `${o[1]}:${o[2]}`, closes_at: `${c[1]}:${c[2]}` });
  });
  return out;
}

/** Hours as form rows: a session from midnight to midnight is "open 24 hours"; 24:00 shows as midnight. */
export function hoursToForm(hours: readonly HoursInput[], prefix: string): Form {
  const form: Form = {};
  hours.forEach((h, r) => {
    const allDay = ROUND_THE_CLOCK(h);
    form[hoursField(prefix, r, 'days')] = h.byday.split(',');
    form[hoursField(prefix, r, 'allDay')] = allDay ? '1' : '';
    form[hoursField(prefix, r, 'opens')] = allDay ? '' : h.opens_at;
    form[hoursField(prefix, r, 'closes')] = allDay ? '' : h.closes_at === '24:00' ? '00:00' : h.closes_at;
  });
  return form;
}

// ── phones ──
export const PHONE_KEYS = ['number', 'type', 'note'] as const;
export type PhoneKey = (typeof PHONE_KEYS)[number];
export const phoneField = (row: number, key: PhoneKey) => `phone${row}_${key}`;
export const PHONE_TYPES = ['voice', 'text'] as const;

/**
 * Phone rows, each number checked by libphonenumber-js as a number of `country` (the listing's place):
 * one written with its country code (+44…) is checked as such, and kept as typed; a national one
 * ("020 7946 0101") is stored in international form, so readers abroad can dial it.
 */
export function parsePhoneRows(
  form: Form,
  country: string | undefined,
  errors: FieldErrors,
  countryLabel = country,
): ListingInput['phones'] {
  const out: ListingInput['phones'] = [];
  rowIndexes(form, 'phone', PHONE_KEYS).forEach((r, position) => {
    const f = (k: PhoneKey) => phoneField(r, k);
    const row = position + 1;
    const number = str(form[f('number')]);
    const type = str(form[f('type')]) || 'voice';
    const description = str(form[f('note')]);
    // The kind is checked even on an empty row: a select sends one of its options, nothing else.
    if (!(PHONE_TYPES as readonly string[]).includes(type)) {
      errors[f('type')] = msg('phoneType', { row });
      return;
    }
    if (!number && !description) return;
    const parsed =
      number.length <= 40 ? parsePhoneNumberFromString(number, country as CountryCode | undefined) : undefined;
    if (!parsed?.isValid()) {
      errors[f('number')] = !number
        ? msg('phoneMissing', { row })
        : country && !number.startsWith('+')
          ? msg('phoneInvalidIn', { row, country: countryLabel ?? '' })
          : msg('phoneInvalid', { row });
      return;
    }
    out.push({
      number: number.startsWith('+') ? number : parsed.formatInternational(),
      type: type as 'voice' | 'text',
      description,
    });
  });
  return out;
}

export function phonesToForm(phones: ListingInput['phones']): Form {
  const form: Form = {};
  phones.forEach((p, r) => {
    form[phoneField(r, 'number')] = p.number;
    form[phoneField(r, 'type')] = p.type;
    form[phoneField(r, 'note')] = p.description;
  });
  return form;
}
