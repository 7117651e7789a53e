import type { PageContext } from '../../core/views/context.ts';
import { CsrfField, ErrorSummary, Field, Notice, Pagination, formatDate, type FieldErrors } from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import { countryName, describePlace } from './gazetteer.ts';
import { describeHours, isOpenAt } from './hours.ts';
import { FACETS, TAXONOMY_IDS, type Facet } from './hsds.ts';
import { areaCode, type Listing } from './listing.ts';
import { t, type MessageKey } from './messages.ts';
import { MAX_MATCHES, RADII, type ResultCard, type SearchOutcome, type SearchParams } from './search.ts';

const FACET_LABEL: Record<Facet | 'language', MessageKey> = { category: 'category', approach: 'approach', population: 'population', delivery: 'delivery', language: 'language' };

/** The search URL for params with some changed: every link on the page keeps the visitor's other choices. */
export function searchHref(p: SearchParams, change: Partial<SearchParams> & { filters?: SearchParams['filters'] } = {}): string {
  const v = { ...p, ...change };
  const u = new URLSearchParams();
  if (v.q) u.set('q', v.q);
  if (v.at) u.set('at', v.at);
  else if (v.placeId) {
    u.set('place', v.place);
    u.set('placeId', v.placeId);
  } else if (v.place) u.set('place', v.place);
  if (v.radius && (v.at || v.place || v.placeId)) u.set('radius', String(v.radius));
  for (const f of [...FACETS, 'language'] as const) for (const code of v.filters[f]) u.append(f, code);
  if (v.openNow) u.set('open', '1');
  if (v.sort === 'distance') u.set('sort', 'distance');
  if (v.page > 1) u.set('page', String(v.page));
  const s = u.toString();
  return s ? `/resources?${s}` : '/resources';
}

/** The public view of where a service is: a confidential location shows only its area. */
type PlaceFields = Pick<Listing['locations'][number], 'city' | 'country' | 'is_confidential' | 'area_name'> & Partial<Listing['locations'][number]>;
export function publicPlace(loc: PlaceFields): { lines: string[]; area: string } {
  const country = loc.country ? countryName(loc.country) : '';
  if (loc.is_confidential) return { lines: [], area: [loc.area_name ?? loc.city, country].filter(Boolean).join(', ') };
  return {
    lines: [loc.address_1, loc.address_2, [loc.city, loc.postal_code].filter(Boolean).join(' '), loc.region ?? loc.state_province, country].filter((x): x is string => !!x),
    area: [loc.city, country].filter(Boolean).join(', '),
  };
}

function TermBadges({ names, facet }: { names: string[]; facet: Facet }) {
  if (!names.length) return null;
  return (
    <ul class="badges" aria-label={facet}>
      {names.map((name) => (
        <li class="badge">{name}</li>
      ))}
    </ul>
  );
}
const termNames = (listing: Listing, facet: Facet) => listing.terms.filter((x) => x.taxonomy_id === TAXONOMY_IDS[facet]).map((x) => x.name);

function VerifiedLine({ ctx, s }: { ctx: PageContext; s: { assured_date: string | null; verified_by: string | null } }) {
  return (
    <p class="meta">
      {s.assured_date ? t(ctx.locale, 'verified', { date: formatDate(s.assured_date, ctx.locale) }) : t(ctx.locale, 'notVerified')}
      {s.assured_date && s.verified_by ? ` (${s.verified_by})` : ''}
    </p>
  );
}

function ResultItem({ ctx, r }: { ctx: PageContext; r: ResultCard }) {
  const s = r.card;
  const where = s.places.map((l) => publicPlace(l).area).filter(Boolean)[0];
  return (
    <li class="card result">
      <h3>
        <a href={`/resources/${s.slug}`}>{s.name}</a>
      </h3>
      <p class="meta">
        {s.organization_name !== s.name ? `${s.organization_name}. ` : ''}
        {where}
        {r.distanceKm !== null ? ` · ${t(ctx.locale, 'km', { km: r.distanceKm < 10 ? r.distanceKm.toFixed(1) : Math.round(r.distanceKm) })}` : ''}
      </p>
      {r.remote && <p class="badge badge--remote">{t(ctx.locale, 'coversArea')}</p>}
      {s.status === 'temporarily closed' && <p class="badge badge--closed">{t(ctx.locale, 'tempClosed')}</p>}
      {s.description && <p>{s.description.length > 220 ? `${s.description.slice(0, 217)}…` : s.description}</p>}
      {r.hours.length > 0 && (
        <p class="meta">
          {r.openNow === true ? <strong class="open-now">{t(ctx.locale, 'openNowBadge')}</strong> : r.openNow === false ? t(ctx.locale, 'closedNow') : ''}
          {' · '}
          {r.hours.join('; ')}
        </p>
      )}
      <TermBadges names={s.approach} facet="approach" />
      <VerifiedLine ctx={ctx} s={s} />
    </li>
  );
}

export function SearchForm({ ctx, params, compact = false }: { ctx: PageContext; params?: SearchParams; compact?: boolean }) {
  const L = ctx.locale;
  return (
    <form method="get" action="/resources" class="directory-search" role="search" data-directory-search>
      <Field name="q" label={t(L, 'keywords')} hint={compact ? undefined : t(L, 'keywordsHint')}>
        {(a) => <input {...a} type="search" maxLength={200} value={params?.q ?? ''} />}
      </Field>
      <Field name="place" label={t(L, 'near')} hint={compact ? undefined : t(L, 'nearHint')}>
        {(a) => <input {...a} type="text" maxLength={200} autocomplete="off" value={params?.at ? '' : params?.place ?? ''} />}
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
          Searching near your location ({params.at}). <a href={searchHref({ ...params, at: '' })}>Forget it</a>
        </p>
      )}
    </form>
  );
}

export function SearchPage({ ctx, outcome }: { ctx: PageContext; outcome: SearchOutcome }) {
  const L = ctx.locale;
  const p = outcome.params;
  return (
    <Layout ctx={ctx} title={t(L, 'title')} head={{ description: t(L, 'intro'), canonical: `${ctx.publicUrl}/resources` }} scripts={['/static/directory-locate.js']}>
      <h1>{t(L, 'title')}</h1>
      <p class="lead">{t(L, 'intro')}</p>
      <ErrorSummary errors={outcome.errors} />
      <SearchForm ctx={ctx} params={p} />
      {outcome.placeChoices.length > 0 && (
        <section aria-labelledby="place-choices">
          <h2 id="place-choices">{t(L, 'whichPlace', { place: p.place })}</h2>
          <ul>
            {outcome.placeChoices.map((c) => (
              <li>
                <a href={searchHref(p, { placeId: String(c.id), place: describePlace(c), page: 1 })}>{describePlace(c)}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {outcome.searched && (
        <div class="directory-layout">
          <form method="get" action="/resources" class="filters" aria-labelledby="filters-title">
            <h2 id="filters-title">{t(L, 'filters')}</h2>
            {p.q && <input type="hidden" name="q" value={p.q} />}
            {p.at && <input type="hidden" name="at" value={p.at} />}
            {!p.at && p.place && <input type="hidden" name="place" value={p.place} />}
            {!p.at && p.placeId && <input type="hidden" name="placeId" value={p.placeId} />}
            {outcome.near && <input type="hidden" name="radius" value={String(p.radius)} />}
            {p.openNow && <input type="hidden" name="open" value="1" />}
            {outcome.near && (
              <fieldset>
                <legend>{t(L, 'sort')}</legend>
                <label>
                  <input type="radio" name="sort" value="relevance" checked={p.sort === 'relevance'} /> {t(L, 'sortRelevance')}
                </label>
                <label>
                  <input type="radio" name="sort" value="distance" checked={p.sort === 'distance'} /> {t(L, 'sortDistance')}
                </label>
              </fieldset>
            )}
            {outcome.facets.map((f) =>
              f.options.length === 0 ? null : (
                <fieldset>
                  <legend>{t(L, FACET_LABEL[f.facet])}</legend>
                  {f.options.map((o) => (
                    <label class={o.count === 0 && !o.selected ? 'facet facet--empty' : 'facet'}>
                      <input type="checkbox" name={f.facet} value={o.code} checked={o.selected} /> {o.name} <span class="count">({o.count})</span>
                    </label>
                  ))}
                </fieldset>
              ),
            )}
            <button type="submit">{t(L, 'applyFilters')}</button>
          </form>
          <section class="results" aria-labelledby="results-title">
            <h2 id="results-title">
              {outcome.capped ? t(L, 'resultsMore', { count: MAX_MATCHES }) : t(L, 'results', { count: outcome.total })}
              {outcome.near ? ` — ${outcome.near.label}, ${p.radius} km` : ''}
            </h2>
            {outcome.correctedQuery && <Notice>{t(L, 'showingFor', { q: outcome.correctedQuery })}</Notice>}
            {outcome.total === 0 && <p>{t(L, 'noResults')}</p>}
            <ol class="result-list">
              {outcome.results.map((r) => (
                <ResultItem ctx={ctx} r={r} />
              ))}
            </ol>
            <Pagination page={p.page} pageCount={outcome.pageCount} href={(page) => searchHref(p, { page })} />
          </section>
        </div>
      )}
      <p>
        <a href="/resources/suggest">{t(L, 'suggest')}</a> · <a href="/api/hsds/">Open data (HSDS API)</a>
      </p>
    </Layout>
  );
}

export function ListingPage({ ctx, listing, now, reportErrors, reportText = '', reported = false }: {
  ctx: PageContext; listing: Listing; now: Date; reportErrors?: FieldErrors; reportText?: string; reported?: boolean;
}) {
  const s = listing.service;
  const L = ctx.locale;
  const hours = describeHours(listing.schedules);
  const open = isOpenAt(listing.schedules, now);
  const textPhones = listing.phones.filter((p) => p.type === 'text');
  const voicePhones = listing.phones.filter((p) => p.type !== 'text');
  const areas = listing.areas.map((a) => (areaCode(a.uri) === 'world' ? 'Worldwide' : a.name)).filter(Boolean);
  return (
    <Layout ctx={ctx} title={s.name} head={{ description: s.description?.slice(0, 160), canonical: `${ctx.publicUrl}/resources/${s.slug}` }}>
      <p>
        <a href="/resources">← {t(L, 'title')}</a>
      </p>
      <h1>{s.name}</h1>
      {s.organization_name !== s.name && <p class="meta">{s.organization_name}</p>}
      {s.status === 'temporarily closed' && <Notice kind="warning">{t(L, 'tempClosed')}</Notice>}
      {s.status === 'defunct' && <Notice kind="warning">This service has closed.</Notice>}
      {s.alert && <Notice kind="warning">{s.alert}</Notice>}
      <VerifiedLine ctx={ctx} s={s} />
      {s.description && <p class="prose">{s.description}</p>}
      <section aria-labelledby="contact-title">
        <h2 id="contact-title">Get in touch</h2>
        <ul class="contact-list">
          {voicePhones.map((p) => (
            <li>
              Call <a href={`tel:${p.number.replace(/[^\d+]/g, '')}`}>{p.number}</a>
              {p.description ? ` — ${p.description}` : ''}
            </li>
          ))}
          {textPhones.map((p) => (
            <li>
              Text <a href={`sms:${p.number.replace(/[^\d+]/g, '')}`}>{p.number}</a>
              {p.description ? ` — ${p.description}` : ''}
            </li>
          ))}
          {s.email && (
            <li>
              E-mail <a href={`mailto:${s.email}`}>{s.email}</a>
            </li>
          )}
          {s.url && (
            <li>
              Website{' '}
              <a href={s.url} rel="noreferrer noopener nofollow">
                {s.url}
              </a>
            </li>
          )}
        </ul>
        {listing.locations.map((loc) => {
          const place = publicPlace(loc);
          return loc.is_confidential ? (
            <p>
              <strong>Area:</strong> {place.area}. The address is confidential and is shared by the service when you contact them.
            </p>
          ) : (
            <div>
              <h3>Visit</h3>
              <address>
                {place.lines.map((line) => (
                  <>
                    {line}
                    <br />
                  </>
                ))}
              </address>
              {loc.transportation && <p class="meta">{loc.transportation}</p>}
            </div>
          );
        })}
        {hours.length > 0 && (
          <div>
            <h3>Opening hours</h3>
            <p>{open === true ? <strong class="open-now">{t(L, 'openNowBadge')}</strong> : open === false ? t(L, 'closedNow') : ''}</p>
            <ul>
              {hours.map((h) => (
                <li>{h}</li>
              ))}
            </ul>
            <p class="meta">Times are local to the service ({listing.schedules[0]?.timezone_name ?? 'UTC'}).</p>
          </div>
        )}
        {areas.length > 0 && <p>Covers: {areas.join(', ')}</p>}
      </section>
      <section aria-labelledby="expect-title">
        <h2 id="expect-title">What to expect</h2>
        <TermBadges names={termNames(listing, 'approach')} facet="approach" />
        <dl>
          <dt>Categories</dt>
          <dd>{listing.terms.filter((x) => x.taxonomy_id === TAXONOMY_IDS.category).map((x) => x.name).join(', ') || '—'}</dd>
          <dt>For</dt>
          <dd>{listing.terms.filter((x) => x.taxonomy_id === TAXONOMY_IDS.population).map((x) => x.name).join(', ') || 'Everyone'}</dd>
          <dt>How to reach it</dt>
          <dd>{listing.terms.filter((x) => x.taxonomy_id === TAXONOMY_IDS.delivery).map((x) => x.name).join(', ') || '—'}</dd>
          <dt>Languages</dt>
          <dd>{listing.languages.map((x) => x.name ?? x.code).join(', ') || '—'}</dd>
          <dt>Cost</dt>
          <dd>{s.fees_description ?? (listing.terms.some((x) => x.code === 'free') ? 'Free' : '—')}</dd>
          <dt>ID needed</dt>
          <dd>{listing.terms.some((x) => x.code === 'no-id') ? 'No ID required' : s.eligibility_description ?? 'Ask the service'}</dd>
          {s.application_process && (
            <>
              <dt>How to start</dt>
              <dd>{s.application_process}</dd>
            </>
          )}
          {s.interpretation_services && (
            <>
              <dt>Interpreting</dt>
              <dd>{s.interpretation_services}</dd>
            </>
          )}
        </dl>
      </section>
      <section aria-labelledby="report-title">
        <h2 id="report-title">Report outdated information</h2>
        {reported ? (
          <Notice kind="success">Thank you. A curator will check this listing.</Notice>
        ) : (
          <form method="post" action={`/resources/${s.slug}/report`} class="stack">
            <CsrfField token={ctx.csrfToken} />
            <ErrorSummary errors={reportErrors} />
            <Field name="message" label="What has changed?" hint="Do not include your name or contact details." errors={reportErrors}>
              {(a) => (
                <textarea {...a} maxLength={2000} required>
                  {reportText}
                </textarea>
              )}
            </Field>
            <button type="submit">Send report</button>
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
export function SuggestPage({ ctx, values = {}, errors, done = false }: { ctx: PageContext; values?: SuggestValues; errors?: FieldErrors; done?: boolean }) {
  return (
    <Layout ctx={ctx} title={t(ctx.locale, 'suggest')}>
      <h1>{t(ctx.locale, 'suggest')}</h1>
      {done ? (
        <>
          <Notice kind="success">Thank you. A curator will look at your suggestion before it is listed.</Notice>
          <p>
            <a href="/resources">Back to the directory</a>
          </p>
        </>
      ) : (
        <>
          <p class="lead">Know a service that helps, on people’s own terms? Tell us about it. You do not need an account and we do not ask who you are.</p>
          <ErrorSummary errors={errors} />
          <form method="post" action="/resources/suggest" class="stack">
            <CsrfField token={ctx.csrfToken} />
            <Field name="name" label="Name of the service" errors={errors}>
              {(a) => <input {...a} type="text" maxLength={200} value={values.name ?? ''} />}
            </Field>
            <Field name="url" label="Website (optional)" hint="For example https://example.org" errors={errors}>
              {(a) => <input {...a} type="text" maxLength={500} value={values.url ?? ''} />}
            </Field>
            <Field name="where" label="Where is it, or which area does it cover? (optional)" errors={errors}>
              {(a) => <input {...a} type="text" maxLength={200} value={values.where ?? ''} />}
            </Field>
            <Field name="contact" label="The service’s public phone or e-mail (optional)" hint="Not your own." errors={errors}>
              {(a) => <input {...a} type="text" maxLength={200} value={values.contact ?? ''} />}
            </Field>
            <Field name="context" label="What do they offer, and on what terms? (optional)" errors={errors}>
              {(a) => (
                <textarea {...a} maxLength={2000}>
                  {values.context ?? ''}
                </textarea>
              )}
            </Field>
            <button type="submit">Send suggestion</button>
          </form>
        </>
      )}
    </Layout>
  );
}

/** The home page's directory section. */
export function HomeDirectorySection({ ctx }: { ctx: PageContext }) {
  return (
    <section class="home-directory" aria-labelledby="home-directory-title">
      <h2 id="home-directory-title">{t(ctx.locale, 'title')}</h2>
      <SearchForm ctx={ctx} compact />
    </section>
  );
}
