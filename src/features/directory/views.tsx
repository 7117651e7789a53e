import { termLabel, termLabelByName } from './term-labels.ts';
import { LOCALES, type Locale } from '../../core/i18n/index.ts';
import type { PageContext } from '../../core/views/context.ts';
import {
  CsrfField,
  ErrorSummary,
  Field,
  Notice,
  Pagination,
  formatDate,
  type FieldErrors,
} from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import { safeHref } from '../../core/text/urls.ts';
import { countryName, describePlace } from './gazetteer.ts';
import {
  describeException,
  describeHours,
  exceptionOf,
  exceptionToday,
  isByAppointment,
  isOpenAt,
  upcomingExceptions,
  zoneOf,
  type HoursException,
} from './hours.ts';
import { FACETS, TAXONOMY_IDS, type Facet } from './hsds.ts';
import { areaCode, listingPlaces, type Listing, type ListingPlace } from './listing-model.ts';
import { t, type MessageKey } from './messages.ts';
import type { ScheduleRow } from './repo.ts';
import { MAX_MATCHES, RADII, type ResultCard, type SearchOutcome, type SearchParams } from './search.ts';
import { REPORT_MAX } from './service.ts';
import { assetUrl } from '../../core/http/assets.ts';

const FACET_LABEL: Record<Facet | 'language', MessageKey> = {
  category: 'category',
  approach: 'approach',
  population: 'population',
  delivery: 'delivery',
  language: 'language',
};

/** The search URL for params with some changed: every link on the page keeps the visitor's other choices. */
export function searchHref(
  p: SearchParams,
  change: Partial<SearchParams> & { filters?: SearchParams['filters'] } = {},
): string {
  const v = { ...p, ...change };
  const u = new URLSearchParams();
  if (v.q) u.set('q', v.q);
  if (v.at) u.set('at', v.at);
  else if (v.placeId !== null) {
    u.set('place', v.place);
    u.set('placeId', String(v.placeId));
  } else if (v.place) u.set('place', v.place);
  if (v.radius && (v.at || v.place || v.placeId !== null)) u.set('radius', String(v.radius));
  for (const f of [...FACETS, 'language'] as const) for (const code of v.filters[f]) u.append(f, code);
  if (v.openNow) u.set('open', '1');
  if (v.sort === 'distance') u.set('sort', 'distance');
  if (v.page > 1) u.set('page', String(v.page));
  const s = u.toString();
  return s ? `/resources?${s}` : '/resources';
}

/** The public view of where a service is: a confidential location shows only its area. */
type PlaceFields = Pick<Listing['locations'][number], 'city' | 'country' | 'is_confidential' | 'area_name'> &
  Partial<Listing['locations'][number]>;
export function publicPlace(loc: PlaceFields, locale: Locale = 'en'): { lines: string[]; area: string } {
  const country = loc.country ? (locale === 'en' ? countryName(loc.country) : regionName(loc.country, locale)) : '';
  if (loc.is_confidential) return { lines: [], area: [loc.area_name ?? loc.city, country].filter(Boolean).join(', ') };
  return {
    lines: [
      loc.address_1,
      loc.address_2,
      [loc.city, loc.postal_code].filter(Boolean).join(' '),
      loc.region ?? loc.state_province,
      country,
    ].filter((x): x is string => !!x),
    area: [loc.city, country].filter(Boolean).join(', '),
  };
}

function TermBadges({ names, facet, label = facet }: { names: string[]; facet: Facet; label?: string }) {
  if (!names.length) return null;
  return (
    <ul class="badges" aria-label={label}>
      {names.map((name) => (
        <li class="badge">{name}</li>
      ))}
    </ul>
  );
}
const termNames = (listing: Listing, facet: Facet, L: Locale) =>
  listing.terms.filter((x) => x.taxonomy_id === TAXONOMY_IDS[facet]).map((x) => termLabel(L, x));

/** A listing not checked with the service for this long tells readers so. */
export const STALE_MONTHS = 6;
/** Whether a listing's last check (or its absence) is older than STALE_MONTHS at `now`. */
export function isStale(assuredDate: string | null, now: Date): boolean {
  if (!assuredDate) return false;
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - STALE_MONTHS);
  return new Date(assuredDate).getTime() < limit.getTime();
}

function VerifiedLine({
  ctx,
  s,
  now,
}: {
  ctx: PageContext;
  s: { assured_date: string | null; verified_by: string | null };
  now: Date;
}) {
  const L = ctx.locale;
  return (
    <p class="meta">
      {s.assured_date ? t(L, 'verified', { date: formatDate(s.assured_date, L) }) : t(L, 'notVerified')}
      {s.assured_date && s.verified_by ? ` (${s.verified_by})` : ''}
      {isStale(s.assured_date, now) && (
        <>
          {' · '}
          <strong class="stale">{t(L, 'staleShort', { months: STALE_MONTHS })}</strong>
        </>
      )}
    </p>
  );
}

function ResultItem({ ctx, r, now }: { ctx: PageContext; r: ResultCard; now: Date }) {
  const s = r.card;
  const hours = describeHours(s.schedules, ctx.locale);
  const where = s.places.map((l) => publicPlace(l).area).filter(Boolean)[0];
  return (
    <li class="card result">
      <h3>
        <a href={localised(`/resources/${s.slug}`, ctx.locale)}>{s.name}</a>
      </h3>
      <p class="meta">
        {s.organization_name !== s.name ? `${s.organization_name}. ` : ''}
        {where}
        {r.distanceKm !== null
          ? ` · ${t(ctx.locale, 'km', { km: r.distanceKm < 10 ? r.distanceKm.toFixed(1) : Math.round(r.distanceKm) })}`
          : ''}
      </p>
      {r.remote && <p class="badge badge--remote">{t(ctx.locale, 'coversArea')}</p>}
      {s.status === 'temporarily closed' && <p class="badge badge--closed">{t(ctx.locale, 'tempClosed')}</p>}
      {s.description && <p>{s.description.length > 220 ? `${s.description.slice(0, 217)}…` : s.description}</p>}
      {hours.length > 0 && (
        <p class="meta">
          {r.openNow === true ? (
            <strong class="open-now">{t(ctx.locale, 'openNowBadge')}</strong>
          ) : r.openNow === false ? (
            t(ctx.locale, 'closedNow')
          ) : (
            ''
          )}
          {' · '}
          {hours.join('; ')}
        </p>
      )}
      <TermBadges
        names={s.approach.map((name) => termLabelByName(ctx.locale, name))}
        facet="approach"
        label={t(ctx.locale, 'approach')}
      />
      <VerifiedLine ctx={ctx} s={s} now={now} />
    </li>
  );
}

export function SearchForm({
  ctx,
  params,
  compact = false,
}: {
  ctx: PageContext;
  params?: SearchParams;
  compact?: boolean;
}) {
  const L = ctx.locale;
  return (
    <form method="get" action={`/resources#${ANSWER_ID}`} class="directory-search" role="search" data-directory-search>
      {L !== 'en' && <input type="hidden" name="lang" value={L} />}
      <Field name="q" label={t(L, 'keywords')} hint={compact ? undefined : t(L, 'keywordsHint')}>
        {(a) => <input {...a} type="search" maxLength={200} value={params?.q ?? ''} />}
      </Field>
      <Field name="place" label={t(L, 'near')} hint={compact ? undefined : t(L, 'nearHint')}>
        {(a) => (
          <input
            {...a}
            type="text"
            maxLength={200}
            autocomplete="off"
            value={params?.at ? '' : (params?.place ?? '')}
          />
        )}
      </Field>
      {!compact && (
        <Field name="radius" label={t(L, 'radius')}>
          {(a) => (
            <select {...a}>
              {RADII.map((r) => (
                <option value={String(r)} selected={(params?.radius ?? 25) === r}>
                  {r} km
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <input type="hidden" name="at" value={params?.at ?? ''} data-location-field disabled={!params?.at} />
      {L !== 'en' && <input type="hidden" name="lang" value={L} />}
      {!compact && (
        <div class="field">
          <label>
            <input type="checkbox" name="open" value="1" checked={params?.openNow} /> {t(L, 'openNow')}
          </label>
        </div>
      )}
      <button type="submit">{t(L, 'search')}</button>{' '}
      <button type="button" class="secondary" hidden data-use-location data-label-busy="…">
        {t(L, 'useLocation')}
      </button>
      <p class="hint" hidden data-location-note>
        {t(L, 'locationNote')}
      </p>
      {params?.at && (
        <p class="meta">
          {t(L, 'nearYourLocation', { at: params.at })}{' '}
          <a href={localised(searchHref({ ...params, at: '' }), L)}>{t(L, 'forgetLocation')}</a>
        </p>
      )}
    </form>
  );
}

/** Where every search form lands: the answer (results, the place question or the errors) carries this id. */
export const ANSWER_ID = 'answer';
const plurals = Object.fromEntries(LOCALES.map((l) => [l, new Intl.PluralRules(l)])) as Record<
  Locale,
  Intl.PluralRules
>;
const numbers = Object.fromEntries(LOCALES.map((l) => [l, new Intl.NumberFormat(l)])) as Record<
  Locale,
  Intl.NumberFormat
>;
/** "1 result", "2 results", « 0 résultat »: the plural category from Intl.PluralRules, the number from Intl.NumberFormat. */
export function resultCount(L: Locale, n: number): string {
  return t(L, plurals[L].select(n) === 'one' ? 'resultsOne' : 'results', { count: numbers[L].format(n) });
}

/** How many filters the reader has chosen (the count on the folded filters). */
const chosenFilters = (p: SearchParams) =>
  [...FACETS, 'language' as const].reduce((n, f) => n + p.filters[f].length, 0);

/** One filter's choices: those with results (or chosen) first; choices with no results here fold away. */
function FacetFieldset({ L, f }: { L: Locale; f: SearchOutcome['facets'][number] }) {
  const shown = f.options.filter((o) => o.count > 0 || o.selected);
  const empty = f.options.filter((o) => o.count === 0 && !o.selected);
  const option = (o: (typeof f.options)[number]) => (
    <label class={o.count === 0 && !o.selected ? 'facet facet--empty' : 'facet'}>
      <input type="checkbox" name={f.facet} value={o.code} checked={o.selected} />
      <span>
        {f.facet === 'language' ? languageLabel(o, L) : termLabel(L, o)}{' '}
        <span class="count">({numbers[L].format(o.count)})</span>
      </span>
    </label>
  );
  return (
    <fieldset>
      <legend>{t(L, FACET_LABEL[f.facet])}</legend>
      {shown.map(option)}
      {empty.length > 0 && (
        <details class="facet-more">
          <summary>{t(L, 'emptyFacets', { count: empty.length })}</summary>
          {empty.map(option)}
        </details>
      )}
    </fieldset>
  );
}

/** The filters, folded into a <details> whose summary counts the reader's choices (opened on wide screens by directory-locate.js). */
function FiltersForm({ ctx, outcome }: { ctx: PageContext; outcome: SearchOutcome }) {
  const L = ctx.locale;
  const p = outcome.params;
  const chosen = chosenFilters(p);
  return (
    <details class="filters-fold" data-filters>
      <summary>{chosen > 0 ? t(L, 'filtersActive', { count: chosen }) : t(L, 'filters')}</summary>
      <form method="get" action={`/resources#${ANSWER_ID}`} class="filters" aria-label={t(L, 'filters')}>
        {L !== 'en' && <input type="hidden" name="lang" value={L} />}
        {p.q && <input type="hidden" name="q" value={p.q} />}
        {p.at && <input type="hidden" name="at" value={p.at} />}
        {!p.at && p.place && <input type="hidden" name="place" value={p.place} />}
        {!p.at && p.placeId !== null && <input type="hidden" name="placeId" value={String(p.placeId)} />}
        {outcome.near && <input type="hidden" name="radius" value={String(p.radius)} />}
        {p.openNow && <input type="hidden" name="open" value="1" />}
        {outcome.near && (
          <fieldset>
            <legend>{t(L, 'sort')}</legend>
            <label class="facet">
              <input type="radio" name="sort" value="relevance" checked={p.sort === 'relevance'} />
              <span>{t(L, 'sortRelevance')}</span>
            </label>
            <label class="facet">
              <input type="radio" name="sort" value="distance" checked={p.sort === 'distance'} />
              <span>{t(L, 'sortDistance')}</span>
            </label>
          </fieldset>
        )}
        {outcome.facets.map((f) => (f.options.length === 0 ? null : <FacetFieldset L={L} f={f} />))}
        <button type="submit">{t(L, 'applyFilters')}</button>
      </form>
    </details>
  );
}

/** The place the search picked for an ambiguous name, with the others one tap away ("Not this London?"). */
function OtherPlaces({ L, p, outcome }: { L: Locale; p: SearchParams; outcome: SearchOutcome }) {
  if (outcome.otherPlaces.length === 0) return null;
  const name = p.place.split(',')[0]!.trim();
  return (
    <details class="other-places">
      <summary>{t(L, 'notThisPlace', { place: name })}</summary>
      <p>{t(L, 'otherPlaces', { place: name })}</p>
      <ul>
        {outcome.otherPlaces.map((c) => (
          <li>
            <a
              href={`${localised(searchHref(p, { placeId: c.id, place: describePlace(c), page: 1 }), L)}#${ANSWER_ID}`}
            >
              {describePlace(c)}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function SearchPage({ ctx, outcome, now }: { ctx: PageContext; outcome: SearchOutcome; now: Date }) {
  const L = ctx.locale;
  const p = outcome.params;
  const hasErrors = Object.keys(outcome.errors).length > 0;
  return (
    <Layout
      ctx={ctx}
      title={t(L, 'title')}
      head={{
        description: t(L, 'intro'),
        canonical: `${ctx.publicUrl}${localised('/resources', L)}`,
        alternates: alternates(ctx, '/resources'),
      }}
      scripts={[assetUrl('directory-locate.js')]}
    >
      <LanguageSwitch ctx={ctx} path={searchHref(p)} />
      <h1>{t(L, 'title')}</h1>
      <p class="lead">{t(L, 'intro')}</p>
      {hasErrors && (
        <div id={ANSWER_ID} class="answer">
          <ErrorSummary errors={outcome.errors} />
        </div>
      )}
      <SearchForm ctx={ctx} params={p} />
      {!hasErrors && outcome.placeChoices.length > 0 && (
        <section aria-labelledby="place-choices" id={ANSWER_ID} class="answer" tabindex={-1}>
          <h2 id="place-choices">{t(L, 'whichPlace', { place: p.place })}</h2>
          <ul>
            {outcome.placeChoices.map((c) => (
              <li>
                <a
                  href={`${localised(searchHref(p, { placeId: c.id, place: describePlace(c), page: 1 }), L)}#${ANSWER_ID}`}
                >
                  {describePlace(c)}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {outcome.searched && (
        <div class="directory-layout">
          <section
            class="results answer"
            aria-labelledby="results-title"
            id={hasErrors ? undefined : ANSWER_ID}
            tabindex={-1}
          >
            <h2 id="results-title">
              {outcome.capped ? t(L, 'resultsMore', { count: MAX_MATCHES }) : resultCount(L, outcome.total)}
              {outcome.near ? ` — ${outcome.near.label ?? t(L, 'yourLocation')}, ${p.radius} km` : ''}
            </h2>
            <OtherPlaces L={L} p={p} outcome={outcome} />
            {outcome.correctedQuery && <Notice>{t(L, 'showingFor', { q: outcome.correctedQuery })}</Notice>}
            {outcome.total === 0 && <p>{t(L, 'noResults')}</p>}
            <ol class="result-list">
              {outcome.results.map((r) => (
                <ResultItem ctx={ctx} r={r} now={now} />
              ))}
            </ol>
            <Pagination
              page={p.page}
              pageCount={outcome.pageCount}
              href={(page) => `${localised(searchHref(p, { page }), L)}#${ANSWER_ID}`}
            />
          </section>
          <FiltersForm ctx={ctx} outcome={outcome} />
        </div>
      )}
      <p>
        <a href={localised('/resources/suggest', L)}>{t(L, 'suggest')}</a> ·{' '}
        <a href="/api/hsds/">Open data (HSDS API)</a>
      </p>
    </Layout>
  );
}

/** A public directory path in the page's language: English pages keep plain addresses. */
export function localised(path: string, locale: Locale): string {
  if (locale === 'en') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=${locale}`;
}
/** Each language's own name for itself, for the language switch. */
const AUTONYMS: Record<Locale, string> = { en: 'English', fr: 'Français' };
/** hreflang alternates for a page that exists in every UI language. */
const alternates = (ctx: PageContext, path: string) =>
  Object.fromEntries(LOCALES.map((l) => [l, `${ctx.publicUrl}${localised(path, l)}`]));

/** Links to this page in the other UI languages; each link is marked in its own language. */
function LanguageSwitch({ ctx, path }: { ctx: PageContext; path: string }) {
  return (
    <nav class="language-switch" aria-label={t(ctx.locale, 'languageSwitch')}>
      <ul>
        {LOCALES.filter((l) => l !== ctx.locale).map((l) => (
          <li>
            <a href={localised(path, l)} hreflang={l} lang={l}>
              {AUTONYMS[l]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const languageNames = Object.fromEntries(
  LOCALES.map((l) => [l, new Intl.DisplayNames([l], { type: 'language' })]),
) as Record<Locale, Intl.DisplayNames>;
const regionNames = Object.fromEntries(
  LOCALES.map((l) => [l, new Intl.DisplayNames([l], { type: 'region' })]),
) as Record<Locale, Intl.DisplayNames>;
/** A language's name in the page's language; English pages keep the name the listing gives. */
function languageLabel(row: { code: string | null; name: string | null }, L: Locale): string {
  if (L !== 'en' && row.code) {
    try {
      return languageNames[L].of(row.code) ?? row.name ?? row.code;
    } catch {
      // Not a language code Intl knows: fall back to the listing's own words.
    }
  }
  return row.name ?? row.code ?? '';
}
function regionName(code: string, L: Locale): string {
  try {
    return regionNames[L].of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
function areaLabel(a: { uri: string | null; name: string | null }, L: Locale): string {
  const code = areaCode(a.uri);
  if (code === 'world') return t(L, 'worldwide');
  if (L !== 'en' && code) return regionName(code, L);
  return a.name ?? '';
}

/** Hours lines with "open now" and the zone they are in; each line keeps the schedule's own note. */
/** An exception in words, with the curator's note. */
const exceptionText = (e: HoursException, L: Locale, now: Date) =>
  `${describeException(e, L, now)}${e.note ? ` — ${e.note}` : ''}`;

/**
 * A block of hours: the weekly sessions, "by appointment", whether it is open now and the dated changes
 * still to come. `alsoExceptions` are the service's changes, which also close (or open) its places.
 */
function HoursBlock({
  L,
  title,
  hint,
  schedules,
  alsoExceptions = [],
  now,
  zoneKey,
  headingLevel,
}: {
  L: Locale;
  title: string;
  hint?: string;
  schedules: ScheduleRow[];
  alsoExceptions?: ScheduleRow[];
  now: Date;
  zoneKey: 'timesLocalService' | 'timesLocalPlace';
  headingLevel: 3 | 4;
}) {
  const lines = schedules
    .map((s) => ({ s, text: describeHours([s], L)[0] }))
    .filter((x): x is { s: ScheduleRow; text: string } => !!x.text);
  const appointment = schedules.some(isByAppointment);
  const upcoming = upcomingExceptions(schedules, now);
  if (lines.length === 0 && !appointment && upcoming.length === 0) return null;
  const withService = [...schedules, ...alsoExceptions];
  const open = isOpenAt(withService, now);
  const today = exceptionToday(withService, now);
  const zoned = lines[0]?.s ?? schedules.find((s) => exceptionOf(s));
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <div class="hours">
      <Heading>{title}</Heading>
      {hint && <p class="hint">{hint}</p>}
      {open !== null && <p>{open ? <strong class="open-now">{t(L, 'openNowBadge')}</strong> : t(L, 'closedNow')}</p>}
      {today && (
        <p class="hours-today">
          <strong>{t(L, 'exceptionToday', { what: exceptionText(today, L, now) })}</strong>
        </p>
      )}
      {(lines.length > 0 || appointment) && (
        <ul>
          {lines.map(({ s, text }) => (
            <li>
              {text}
              {s.description ? <span class="meta"> — {s.description}</span> : ''}
            </li>
          ))}
          {appointment && <li>{t(L, 'byAppointment')}</li>}
        </ul>
      )}
      {upcoming.length > 0 && (
        <>
          <p class="hours-changes">{t(L, 'exceptionsTitle')}</p>
          <ul class="hours-changes">
            {upcoming.map((e) => (
              <li>{exceptionText(e, L, now)}</li>
            ))}
          </ul>
        </>
      )}
      {zoned && <p class="meta">{t(L, zoneKey, { zone: zoneOf(zoned) })}</p>}
    </div>
  );
}

/**
 * One place of a listing: its public address, its own hours and how to get there. A confidential place
 * shows its area only — no name, street, postcode, directions or coordinates.
 */
function PlaceBlock({
  L,
  place,
  n,
  serviceName,
  now,
  serviceExceptions,
}: {
  L: Locale;
  place: ListingPlace;
  n: number;
  serviceName: string;
  now: Date;
  serviceExceptions: ScheduleRow[];
}) {
  const loc = place.location;
  const shown = publicPlace(loc, L);
  const isConfidential = !!loc.is_confidential;
  const heading = isConfidential ? shown.area : loc.name && loc.name !== serviceName ? loc.name : shown.area;
  return (
    <div class="place">
      <h3>{heading || t(L, 'placeUnnamed', { n })}</h3>
      {isConfidential ? (
        <p>{t(L, 'confidentialNote')}</p>
      ) : (
        shown.lines.length > 0 && (
          <address>
            {shown.lines.map((line) => (
              <>
                {line}
                <br />
              </>
            ))}
          </address>
        )
      )}
      {!isConfidential && loc.transportation && (
        <p class="meta">
          <strong>{t(L, 'gettingThere')}</strong> {loc.transportation}
        </p>
      )}
      <HoursBlock
        L={L}
        title={t(L, 'hoursTitle')}
        schedules={place.hours}
        alsoExceptions={serviceExceptions}
        now={now}
        zoneKey="timesLocalPlace"
        headingLevel={4}
      />
    </div>
  );
}

export function ListingPage({
  ctx,
  listing,
  now,
  reportErrors,
  reportText = '',
  reported = false,
}: {
  ctx: PageContext;
  listing: Listing;
  now: Date;
  reportErrors?: FieldErrors;
  reportText?: string;
  reported?: boolean;
}) {
  const s = listing.service;
  const L = ctx.locale;
  const path = `/resources/${s.slug}`;
  const { places, serviceHours } = listingPlaces(listing);
  const placesHaveHours = places.some((p) => describeHours(p.hours).length > 0);
  const serviceExceptions = serviceHours.filter((x) => exceptionOf(x));
  const textPhones = listing.phones.filter((p) => p.type === 'text');
  const voicePhones = listing.phones.filter((p) => p.type !== 'text');
  const areas = listing.areas.map((a) => areaLabel(a, L)).filter(Boolean);
  const dial = (p: { number: string; extension: number | null }) =>
    `${p.number.replace(/[^\d+]/g, '')}${p.extension !== null ? `;ext=${p.extension}` : ''}`;
  const phoneNote = (p: { extension: number | null; description: string | null }) =>
    `${p.extension !== null ? ` (${t(L, 'phoneExtension', { ext: p.extension })})` : ''}${p.description ? ` — ${p.description}` : ''}`;
  const terms = (taxonomy: string) =>
    listing.terms
      .filter((x) => x.taxonomy_id === taxonomy)
      .map((x) => termLabel(L, x))
      .join(', ');
  return (
    <Layout
      ctx={ctx}
      title={s.name}
      head={{
        description: s.description?.slice(0, 160),
        canonical: `${ctx.publicUrl}${localised(path, L)}`,
        alternates: alternates(ctx, path),
      }}
    >
      <LanguageSwitch ctx={ctx} path={path} />
      <p>
        <a href={localised('/resources', L)}>← {t(L, 'title')}</a>
      </p>
      <h1>{s.name}</h1>
      {s.organization_name !== s.name && <p class="meta">{s.organization_name}</p>}
      {s.status === 'temporarily closed' && <Notice kind="warning">{t(L, 'tempClosed')}</Notice>}
      {s.status === 'defunct' && <Notice kind="warning">{t(L, 'closedForGood')}</Notice>}
      {s.alert && <Notice kind="warning">{s.alert}</Notice>}
      {isStale(s.assured_date, now) && (
        <Notice kind="warning">
          {t(L, 'staleWarning', { months: STALE_MONTHS, date: formatDate(s.assured_date!, L) })}
        </Notice>
      )}
      <VerifiedLine ctx={ctx} s={s} now={now} />
      {s.description && <p class="prose">{s.description}</p>}
      <section aria-labelledby="contact-title">
        <h2 id="contact-title">{t(L, 'contactTitle')}</h2>
        <ul class="contact-list">
          {voicePhones.map((p) => (
            <li>
              {t(L, 'callLabel')} <a href={`tel:${dial(p)}`}>{p.number}</a>
              {phoneNote(p)}
            </li>
          ))}
          {textPhones.map((p) => (
            <li>
              {t(L, 'textLabel')} <a href={`sms:${p.number.replace(/[^\d+]/g, '')}`}>{p.number}</a>
              {phoneNote(p)}
            </li>
          ))}
          {s.email && (
            <li>
              {t(L, 'emailLabel')} <a href={`mailto:${s.email}`}>{s.email}</a>
            </li>
          )}
          {safeHref(s.url) && (
            <li>
              {t(L, 'websiteLabel')}{' '}
              <a href={safeHref(s.url)} rel="noreferrer noopener nofollow">
                {s.url}
              </a>
            </li>
          )}
        </ul>
        <HoursBlock
          L={L}
          title={t(L, placesHaveHours ? 'serviceHoursTitle' : 'hoursTitle')}
          hint={placesHaveHours ? t(L, 'serviceHoursHint') : undefined}
          schedules={serviceHours}
          now={now}
          zoneKey="timesLocalService"
          headingLevel={3}
        />
        {areas.length > 0 && <p>{t(L, 'covers', { areas: areas.join(', ') })}</p>}
      </section>
      {places.length > 0 && (
        <section aria-labelledby="places-title">
          <h2 id="places-title">{t(L, 'placesTitle')}</h2>
          {places.map((place, i) => (
            <PlaceBlock
              L={L}
              place={place}
              n={i + 1}
              serviceName={s.name}
              now={now}
              serviceExceptions={serviceExceptions}
            />
          ))}
        </section>
      )}
      <section aria-labelledby="expect-title">
        <h2 id="expect-title">{t(L, 'expectTitle')}</h2>
        <TermBadges names={termNames(listing, 'approach', L)} facet="approach" label={t(L, 'approach')} />
        <dl class="details-list">
          <dt>{t(L, 'categories')}</dt>
          <dd>{terms(TAXONOMY_IDS.category) || '—'}</dd>
          <dt>{t(L, 'population')}</dt>
          <dd>{terms(TAXONOMY_IDS.population) || t(L, 'everyone')}</dd>
          <dt>{t(L, 'delivery')}</dt>
          <dd>{terms(TAXONOMY_IDS.delivery) || '—'}</dd>
          <dt>{t(L, 'languages')}</dt>
          <dd>
            {listing.languages
              .map((x) => languageLabel(x, L))
              .filter(Boolean)
              .sort((a, b) => a.localeCompare(b, L))
              .join(', ') || '—'}
          </dd>
          <dt>{t(L, 'cost')}</dt>
          <dd>{s.fees_description ?? (listing.terms.some((x) => x.code === 'free') ? t(L, 'free') : '—')}</dd>
          <dt>{t(L, 'idNeeded')}</dt>
          <dd>
            {listing.terms.some((x) => x.code === 'no-id')
              ? t(L, 'noIdNeeded')
              : (s.eligibility_description ?? t(L, 'askService'))}
          </dd>
          {s.application_process && (
            <>
              <dt>{t(L, 'howToStart')}</dt>
              <dd>{s.application_process}</dd>
            </>
          )}
          {s.interpretation_services && (
            <>
              <dt>{t(L, 'interpreting')}</dt>
              <dd>{s.interpretation_services}</dd>
            </>
          )}
        </dl>
      </section>
      <section aria-labelledby="report-title">
        <h2 id="report-title">{t(L, 'reportTitle')}</h2>
        {reported ? (
          <Notice kind="success">{t(L, 'reportThanks')}</Notice>
        ) : (
          <form method="post" action={localised(`${path}/report`, L)} class="stack">
            <CsrfField token={ctx.csrfToken} />
            <ErrorSummary errors={reportErrors} title={t(L, 'problem')} />
            <Field name="message" label={t(L, 'reportLabel')} hint={t(L, 'reportHint')} errors={reportErrors}>
              {(a) => (
                <textarea {...a} maxLength={REPORT_MAX} required>
                  {reportText}
                </textarea>
              )}
            </Field>
            <button type="submit">{t(L, 'reportSend')}</button>
          </form>
        )}
      </section>
    </Layout>
  );
}

export interface SuggestValues {
  name?: string;
  url?: string;
  context?: string;
  where?: string;
  contact?: string;
}
export function SuggestPage({
  ctx,
  values = {},
  errors,
  done = false,
}: {
  ctx: PageContext;
  values?: SuggestValues;
  errors?: FieldErrors;
  done?: boolean;
}) {
  const L = ctx.locale;
  const path = '/resources/suggest';
  return (
    <Layout
      ctx={ctx}
      title={t(L, 'suggest')}
      head={{ canonical: `${ctx.publicUrl}${localised(path, L)}`, alternates: alternates(ctx, path) }}
    >
      <LanguageSwitch ctx={ctx} path={path} />
      <h1>{t(L, 'suggest')}</h1>
      {done ? (
        <>
          <Notice kind="success">{t(L, 'suggestThanks')}</Notice>
          <p>
            <a href={localised('/resources', L)}>{t(L, 'backToDirectory')}</a>
          </p>
        </>
      ) : (
        <>
          <p class="lead">{t(L, 'suggestIntro')}</p>
          <ErrorSummary errors={errors} title={t(L, 'problem')} />
          <form method="post" action={localised(path, L)} class="stack">
            <CsrfField token={ctx.csrfToken} />
            <Field name="name" label={t(L, 'suggestName')} errors={errors}>
              {(a) => <input {...a} type="text" maxLength={200} value={values.name ?? ''} />}
            </Field>
            <Field name="url" label={t(L, 'suggestUrl')} hint={t(L, 'suggestUrlHint')} errors={errors}>
              {(a) => <input {...a} type="text" maxLength={500} value={values.url ?? ''} />}
            </Field>
            <Field name="where" label={t(L, 'suggestWhere')} errors={errors}>
              {(a) => <input {...a} type="text" maxLength={200} value={values.where ?? ''} />}
            </Field>
            <Field name="contact" label={t(L, 'suggestContact')} hint={t(L, 'suggestContactHint')} errors={errors}>
              {(a) => <input {...a} type="text" maxLength={200} value={values.contact ?? ''} />}
            </Field>
            <Field name="context" label={t(L, 'suggestContext')} errors={errors}>
              {(a) => (
                <textarea {...a} maxLength={2000}>
                  {values.context ?? ''}
                </textarea>
              )}
            </Field>
            <button type="submit">{t(L, 'suggestSend')}</button>
          </form>
        </>
      )}
    </Layout>
  );
}
