import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { FieldErrors } from '../../core/result.ts';
import { DAYS } from './hours.ts';
import type { ExceptionInput, HoursInput, ListingInput } from './listing-model.ts';
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

// ── exceptions: dates when the usual hours do not apply ──
export const EXCEPTION_KEYS = ['from', 'to', 'kind', 'opens', 'closes', 'note'] as const;
export type ExceptionKey = (typeof EXCEPTION_KEYS)[number];
export const exceptionField = (row: number, key: ExceptionKey) => `exception${row}_${key}`;
export const EXCEPTION_KINDS = ['closed', 'hours'] as const;
/** A date input's value; a change lasts a year at most (the usual hours cover the rest). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_SPAN_DAYS = 366;
const NOTE_MAX = 200;
function validDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/**
 * The change rows: a first date, a last one (the first when left empty), closed all day or open at other
 * times (opening before closing: a change does not run past midnight), and a note for readers. A row with
 * no date, no times and no note is no row; its kind alone (a radio always sends one) does not count.
 */
export function parseExceptionRows(form: Form, errors: FieldErrors): ExceptionInput[] {
  const out: ExceptionInput[] = [];
  rowIndexes(form, 'exception', EXCEPTION_KEYS).forEach((r, position) => {
    const f = (k: ExceptionKey) => exceptionField(r, k);
    const row = position + 1;
    const [from, to, opens, closes, note] = (['from', 'to', 'opens', 'closes', 'note'] as const).map((k) =>
      str(form[f(k)]),
    ) as [string, string, string, string, string];
    const kind = str(form[f('kind')]) || 'closed';
    if (!(EXCEPTION_KINDS as readonly string[]).includes(kind)) {
      errors[f('kind')] = msg('exceptionKind', { row });
      return;
    }
    if (!from && !to && !opens && !closes && !note) return;
    if (!validDate(from)) {
      errors[f('from')] = msg('exceptionFrom', { row });
      return;
    }
    const last = to || from;
    if (!validDate(last) || last < from) {
      errors[f('to')] = msg('exceptionTo', { row });
      return;
    }
    if (Date.parse(last) - Date.parse(from) > MAX_SPAN_DAYS * 86_400_000) {
      errors[f('to')] = msg('exceptionSpan', { row });
      return;
    }
    if (note.length > NOTE_MAX) {
      errors[f('note')] = msg('exceptionNote', { row });
      return;
    }
    if (kind === 'closed') {
      if (opens || closes) errors[f('opens')] = msg('exceptionClosedTimes', { row });
      else out.push({ from, to: last, opens_at: null, closes_at: null, note });
      return;
    }
    const o = TIME.exec(opens);
    const c = TIME.exec(closes);
    if (!o || !c) {
      errors[f(!o ? 'opens' : 'closes')] = msg('exceptionTimes', { row });
      return;
    }
    const [opens_at, closes_at] = [`${o[1]}:${o[2]}`, `${c[1]}:${c[2]}`];
    if (closes_at <= opens_at) {
      errors[f('closes')] = msg('exceptionCloses', { row });
      return;
    }
    out.push({ from, to: last, opens_at, closes_at, note });
  });
  return out;
}

export function exceptionsToForm(exceptions: readonly ExceptionInput[]): Form {
  const form: Form = {};
  exceptions.forEach((e, r) => {
    form[exceptionField(r, 'from')] = e.from;
    form[exceptionField(r, 'to')] = e.to === e.from ? '' : e.to;
    form[exceptionField(r, 'kind')] = e.opens_at ? 'hours' : 'closed';
    form[exceptionField(r, 'opens')] = e.opens_at ?? '';
    form[exceptionField(r, 'closes')] = e.closes_at ?? '';
    form[exceptionField(r, 'note')] = e.note;
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
