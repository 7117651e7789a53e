import type { Locale } from '../../core/i18n/index.ts';
import { Field, type FieldErrors } from '../../core/views/components.tsx';
import { useLocale, useTranslate } from '../../core/views/locale.ts';
import { countryChoices, languageChoices, timeZoneChoices, zonesOfCountry } from './editor-choices.ts';
import {
  EMPTY_ROWS,
  EXCEPTION_KEYS,
  exceptionField,
  HOURS_KEYS,
  hoursField,
  PHONE_KEYS,
  phoneField,
  rowIndexes,
  type ExceptionKey,
  type HoursKey,
} from './editor-rows.ts';
import { DAYS } from './hours.ts';

/*
 * The listing editor's fields that replace developer syntax: hours as rows of days and times, phones
 * as rows, countries, languages and time zones chosen by name. Plain form controls, so the form works
 * without JavaScript; directory-editor.js only adds "add a row" buttons and a filter over long lists.
 */
type Form = Record<string, string | string[] | undefined>;
const one = (form: Form, k: string) => {
  const v = form[k];
  return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '';
};
const many = (form: Form, k: string) => {
  const v = form[k];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : [];
};
/** The rows to show: those the form has, then EMPTY_ROWS more to fill in. */
function rowsToShow(form: Form, prefix: string, keys: readonly string[]): number[] {
  const rows = rowIndexes(form, prefix, keys);
  const next = rows.length ? rows[rows.length - 1]! + 1 : 0;
  return [...rows, ...Array.from({ length: EMPTY_ROWS }, (_, i) => next + i)];
}

const dayLabel = (locale: Locale) => {
  const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'long', timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return Object.fromEntries(DAYS.map((d, i) => [d, format.format(Date.UTC(2024, 0, 1 + i))]));
};

/** An opening and a closing time side by side (a session of the week, or a dated change). */
function TimePair(p: { values: Form; errors?: FieldErrors; opens: string; closes: string }) {
  return (
    <div class="time-pair">
      <Field name={p.opens} label="Opens" errors={p.errors}>
        {(a) => <input {...a} type="time" value={one(p.values, p.opens)} />}
      </Field>
      <Field name={p.closes} label="Closes" errors={p.errors}>
        {(a) => <input {...a} type="time" value={one(p.values, p.closes)} />}
      </Field>
    </div>
  );
}

/** Opening hours as sessions: the days it runs on, opening and closing times, or open 24 hours. */
export function HoursRows({
  prefix,
  legend,
  hint,
  values,
  errors,
}: {
  prefix: string;
  legend: string;
  hint: string;
  values: Form;
  errors?: FieldErrors;
}) {
  const tr = useTranslate();
  const names = dayLabel(useLocale());
  const rows = rowsToShow(values, prefix, HOURS_KEYS);
  const f = (r: number, k: HoursKey) => hoursField(prefix, r, k);
  return (
    <fieldset class="hours-editor" id={`${prefix}-rows`} data-rows={prefix}>
      <legend>{legend}</legend>
      <p class="hint">{hint}</p>
      {rows.map((r, position) => (
        <fieldset class="hours-row" id={`field-${f(r, 'days')}`} data-row={r}>
          <legend>Session {position + 1}</legend>
          {errors?.[f(r, 'days')] && <p class="field-error">{tr(errors[f(r, 'days')]!)}</p>}
          <div class="day-boxes">
            {DAYS.map((d) => (
              <label class="day-box">
                <input type="checkbox" name={f(r, 'days')} value={d} checked={many(values, f(r, 'days')).includes(d)} />{' '}
                {names[d]}
              </label>
            ))}
          </div>
          <TimePair values={values} errors={errors} opens={f(r, 'opens')} closes={f(r, 'closes')} />
          <label>
            <input type="checkbox" name={f(r, 'allDay')} value="1" checked={one(values, f(r, 'allDay')) !== ''} /> Open
            24 hours on these days
          </label>
        </fieldset>
      ))}
    </fieldset>
  );
}

/** "By appointment": one box, for a service seen (also, or only) when an appointment is made. */
export function ByAppointmentBox({ values }: { values: Form }) {
  return (
    <div class="field" id="field-byAppointment">
      <label>
        <input type="checkbox" name="byAppointment" value="1" checked={one(values, 'byAppointment') !== ''} /> By
        appointment
      </label>
      <p class="hint">Readers see “By appointment” with the hours (or instead of them, when there are none).</p>
    </div>
  );
}

/** Dated changes to the usual hours: closed all day, or open at other times, from one date to another. */
export function ExceptionRows({ values, errors }: { values: Form; errors?: FieldErrors }) {
  const tr = useTranslate();
  const rows = rowsToShow(values, 'exception', EXCEPTION_KEYS);
  const f = (r: number, k: ExceptionKey) => exceptionField(r, k);
  return (
    <fieldset class="exception-editor" id="exception-rows" data-rows="exception">
      <legend>Changes to the usual hours</legend>
      <p class="hint">
        Holidays and other dates when the hours above do not apply: closed all day, or open at other times. Leave the
        last date empty for a single day. Readers see the changes that are still to come.
      </p>
      {rows.map((r, position) => {
        const kind = one(values, f(r, 'kind')) === 'hours' ? 'hours' : 'closed';
        return (
          <fieldset class="exception-row" data-row={r}>
            <legend>Change {position + 1}</legend>
            <div class="time-pair">
              <Field name={f(r, 'from')} label="First date" errors={errors}>
                {(a) => <input {...a} type="date" value={one(values, f(r, 'from'))} />}
              </Field>
              <Field name={f(r, 'to')} label="Last date (optional)" errors={errors}>
                {(a) => <input {...a} type="date" value={one(values, f(r, 'to'))} />}
              </Field>
            </div>
            <fieldset class="exception-kind" id={`field-${f(r, 'kind')}`}>
              <legend>On these dates</legend>
              {errors?.[f(r, 'kind')] && <p class="field-error">{tr(errors[f(r, 'kind')]!)}</p>}
              <label>
                <input type="radio" name={f(r, 'kind')} value="closed" data-default="1" checked={kind === 'closed'} />{' '}
                Closed all day
              </label>
              <label>
                <input type="radio" name={f(r, 'kind')} value="hours" checked={kind === 'hours'} /> Open at other times
              </label>
            </fieldset>
            <TimePair values={values} errors={errors} opens={f(r, 'opens')} closes={f(r, 'closes')} />
            <Field name={f(r, 'note')} label="Note for readers (optional)" errors={errors}>
              {(a) => <input {...a} type="text" maxLength={200} value={one(values, f(r, 'note'))} />}
            </Field>
          </fieldset>
        );
      })}
    </fieldset>
  );
}

/** Phones as rows: the number (checked against the listing's country), call or text, and a note. */
export function PhoneRows({ values, errors }: { values: Form; errors?: FieldErrors }) {
  const tr = useTranslate();
  const rows = rowsToShow(values, 'phone', PHONE_KEYS);
  return (
    <fieldset class="phone-editor" id="phone-rows" data-rows="phone">
      <legend>Phones</legend>
      <p class="hint">
        Write a number the way it is dialled in the listing’s country, or with its country code (+44…). Leave a row
        empty to leave it out.
      </p>
      {rows.map((r, position) => (
        <fieldset class="phone-row" data-row={r}>
          <legend>Phone {position + 1}</legend>
          <Field name={phoneField(r, 'number')} label="Number" errors={errors}>
            {(a) => <input {...a} type="tel" autocomplete="off" value={one(values, phoneField(r, 'number'))} />}
          </Field>
          <Field name={phoneField(r, 'type')} label="Kind" errors={errors}>
            {(a) => (
              <select {...a}>
                <option value="voice" selected={one(values, phoneField(r, 'type')) !== 'text'}>
                  Call
                </option>
                <option value="text" selected={one(values, phoneField(r, 'type')) === 'text'}>
                  Text message
                </option>
              </select>
            )}
          </Field>
          <Field name={phoneField(r, 'note')} label="Note (optional)" errors={errors}>
            {(a) => <input {...a} type="text" value={one(values, phoneField(r, 'note'))} />}
          </Field>
          {errors?.[phoneField(r, 'type')] && <p class="field-error">{tr(errors[phoneField(r, 'type')]!)}</p>}
        </fieldset>
      ))}
    </fieldset>
  );
}

/**
 * A list of codes chosen by name: one select per chosen item and EMPTY_ROWS more, all sending `name`.
 * `world` adds "the whole world" to a list of countries.
 */
export function ChoiceRows({
  name,
  legend,
  itemLabel,
  hint,
  kind,
  values,
  errors,
}: {
  name: 'languages' | 'areas';
  legend: string;
  itemLabel: string;
  hint: string;
  kind: 'language' | 'country-or-world';
  values: Form;
  errors?: FieldErrors;
}) {
  const tr = useTranslate();
  const locale = useLocale();
  const chosen = many(values, name).flatMap((x) => x.split(/[\s,]+/).filter(Boolean));
  const options =
    kind === 'language'
      ? languageChoices(locale, chosen)
      : [{ code: 'world', name: 'The whole world' }, ...countryChoices(locale)];
  const slots = [...chosen, ...Array.from({ length: EMPTY_ROWS }, () => '')];
  return (
    <fieldset id={`field-${name}`} class="choice-rows" data-rows={name}>
      <legend>{legend}</legend>
      <p class="hint">{hint}</p>
      {errors?.[name] && <p class="field-error">{tr(errors[name]!)}</p>}
      {slots.map((value, i) => (
        <div class="field choice-row" data-row={i}>
          <label for={`field-${name}-${i}`}>
            {itemLabel} {i + 1}
          </label>
          <select id={`field-${name}-${i}`} name={name} data-filterable="">
            <option value="">(none)</option>
            {options.map((o) => (
              <option value={o.code} selected={o.code === value}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
      ))}
    </fieldset>
  );
}

/** A location's country, chosen by name. */
export function CountrySelect({ name, value, errors }: { name: string; value: string; errors?: FieldErrors }) {
  const locale = useLocale();
  const code = value.toUpperCase();
  const options = countryChoices(locale);
  return (
    <Field name={name} label="Country" errors={errors}>
      {(a) => (
        <select {...a} data-filterable="">
          <option value="">(choose the country)</option>
          {/* A code the list does not know (an import) stays as it is until the curator picks another. */}
          {code && !options.some((o) => o.code === code) && (
            <option value={value} selected>
              {value}
            </option>
          )}
          {options.map((o) => (
            <option value={o.code} selected={o.code === code}>
              {o.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The zone of the hours: by default the place's country's, with that country's zones listed first. */
export function TimeZoneSelect({ value, country, errors }: { value: string; country: string; errors?: FieldErrors }) {
  const local = zonesOfCountry(country.toUpperCase());
  const all = timeZoneChoices();
  const option = (z: string) => (
    <option value={z} selected={z === value}>
      {z.replace(/_/g, ' ')}
    </option>
  );
  return (
    <Field
      name="timezone"
      label="Time zone of the hours"
      hint="Leave it to the place’s country unless the country has several zones or the service has no place."
      errors={errors}
    >
      {(a) => (
        <select {...a} data-filterable="">
          <option value="" selected={value === ''}>
            The place’s country
          </option>
          {value && !all.includes(value) && option(value)}
          {local.length > 0 && <optgroup label="Zones of the place’s country">{local.map(option)}</optgroup>}
          <optgroup label="Every zone">{all.filter((z) => !local.includes(z)).map(option)}</optgroup>
        </select>
      )}
    </Field>
  );
}
