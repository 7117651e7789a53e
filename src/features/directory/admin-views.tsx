import { translate, type Message } from '../../core/i18n/index.ts';
import type { PageContext } from '../../core/views/context.ts';
import type { Place } from './gazetteer.ts';
import type { Page } from '../../core/pagination.ts';
import {
  CsrfField,
  ErrorSummary,
  Field,
  Notice,
  Pagination,
  type FieldErrors,
  TableScroll,
} from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import { ModerationActions } from '../../core/views/moderation.tsx';
import { useTranslate } from '../../core/views/locale.ts';
import { FACETS, SERVICE_STATUSES, TAXONOMY_IDS, type Facet } from './hsds.ts';
import {
  locationField,
  locationIndexes,
  nextLocationIndex,
  type ListingForm,
  type LocationKey,
} from './listing-form.ts';
import type * as repo from './repo.ts';
import {
  ByAppointmentBox,
  ChoiceRows,
  CountrySelect,
  ExceptionRows,
  HoursRows,
  PhoneRows,
  TimeZoneSelect,
} from './editor-fields.tsx';
import { assetUrl } from '../../core/http/assets.ts';
import { PlaceFinder, PlaceMap } from './editor-map.tsx';
import type { PlaceHelp } from './place-finder.ts';

type Suggestion = NonNullable<Awaited<ReturnType<typeof repo.findSuggestion>>>;
type Duplicate = Awaited<ReturnType<typeof repo.duplicateCandidates>>[number];
const FACET_TITLE: Record<Facet, string> = {
  category: 'Categories',
  approach: 'Approach',
  population: 'Populations served',
  delivery: 'Delivery',
};

export function CurationHome({
  ctx,
  suggestions,
  reports,
  dueCount,
  months,
  listings,
  notice,
}: {
  ctx: PageContext;
  suggestions: Page<{ s: Suggestion; duplicates: Duplicate[] }>;
  reports: Awaited<ReturnType<typeof repo.openReports>>;
  dueCount: number;
  months: number;
  listings: Awaited<ReturnType<typeof repo.listServices>>;
  notice?: Message;
}) {
  return (
    <Layout ctx={ctx} title="Resource directory" head={{ noindex: true }}>
      <h1>Resource directory</h1>
      {notice && <Notice kind="success">{translate(ctx.locale, notice)}</Notice>}
      <p>
        <a class="button" href="/admin/resources/new">
          New listing
        </a>{' '}
        <a class="button secondary" href="/admin/resources/verification">
          Needs verification ({dueCount}, older than {months} months)
        </a>
      </p>
      <section aria-labelledby="sugg">
        <h2 id="sugg">Suggestions waiting ({suggestions.total})</h2>
        {suggestions.items.length === 0 ? (
          <p>{suggestions.total === 0 ? 'No suggestions are waiting.' : 'No suggestions on this page.'}</p>
        ) : (
          <ul class="stack">
            {suggestions.items.map(({ s, duplicates }) => (
              <li class="card">
                <h3>
                  <a href={`/admin/resources/suggestions/${s.id}`}>{s.name}</a>
                </h3>
                <p class="meta">
                  {s.source === 'comment' ? `From comment #${s.source_comment_id ?? '?'}` : 'From the public form'} ·{' '}
                  {s.created_at.slice(0, 10)} {s.url && `· ${s.url}`}
                </p>
                {duplicates.length > 0 && (
                  <p class="notice notice--warning">
                    Possible duplicate of{' '}
                    {duplicates.map((d, i) => (
                      <>
                        {i > 0 && ', '}
                        <a href={`/resources/${d.slug}`}>{d.name}</a> ({d.reason})
                      </>
                    ))}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
        <Pagination
          page={suggestions.page}
          pageCount={suggestions.pageCount}
          href={(n) => `/admin/resources?page=${n}#sugg`}
          label="Pages of suggestions"
        />
      </section>
      <section aria-labelledby="reports">
        <h2 id="reports">Outdated-information reports ({reports.length})</h2>
        {reports.length === 0 ? (
          <p>No open reports.</p>
        ) : (
          <ul class="stack">
            {reports.map((r) => (
              <li class="card">
                <p>
                  <strong>
                    <a href={`/admin/resources/${r.service_id}/edit`}>{r.name}</a>
                  </strong>{' '}
                  · {r.created_at.slice(0, 10)}
                </p>
                <p>{r.message}</p>
                <ModerationActions
                  label={`Report on ${r.name}`}
                  form={{ action: `/admin/resources/reports/${r.id}/resolve`, csrfToken: ctx.csrfToken }}
                  buttons={{ approve: { label: 'Mark as dealt with', data: { 'data-report-resolve': String(r.id) } } }}
                >
                  <a href={`/admin/resources/${r.service_id}/edit`}>Edit the listing</a>
                </ModerationActions>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="all">
        <h2 id="all">Listings</h2>
        <TableScroll label="Listings">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Last verified</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {listings.map((l) => (
                <tr>
                  <td>
                    <a href={`/resources/${l.slug}`}>{l.name}</a>
                  </td>
                  <td>{l.status}</td>
                  <td>{l.assured_date ?? 'never'}</td>
                  <td>
                    <a href={`/admin/resources/${l.id}/edit`}>Edit</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </Layout>
  );
}

/** What the editor says about an existing location beside its fields, keyed by location id. */
export type PlaceNotes = Record<string, { sharedWith: number; keptHours: string[] }>;

export function ListingFormFields({
  action,
  values,
  errors,
  terms,
  places = {},
  keptHours = [],
  help,
}: {
  action: string;
  values: ListingForm;
  errors?: FieldErrors;
  terms: repo.TermRow[];
  places?: PlaceNotes;
  keptHours?: string[];
  help?: PlaceHelp;
}) {
  const tr = useTranslate();
  const v = (k: string) => {
    const value = values[k];
    return typeof value === 'string' ? value : '';
  };
  const checked = (f: Facet, code: string) => {
    const x = values[f];
    return Array.isArray(x) ? x.includes(code) : x === code;
  };
  const text = (name: string, label: string, hint?: string) => (
    <Field name={name} label={label} hint={hint} errors={errors}>
      {(a) => <input {...a} type="text" value={v(name)} />}
    </Field>
  );
  const area = (name: string, label: string, hint?: string) => (
    <Field name={name} label={label} hint={hint} errors={errors}>
      {(a) => <textarea {...a}>{v(name)}</textarea>}
    </Field>
  );
  const indexes = locationIndexes(values);
  return (
    <>
      {text('name', 'Service name')}
      {text('organizationName', 'Organisation', 'Leave empty when it is the same as the service.')}
      {area('description', 'Description')}
      {text('url', 'Website')}
      {text('email', 'Public e-mail')}
      <Field name="status" label="Status" errors={errors}>
        {(a) => (
          <select {...a}>
            {SERVICE_STATUSES.map((s) => (
              <option value={s} selected={v('status') === s || (!v('status') && s === 'active')}>
                {s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <PhoneRows values={values} errors={errors} />
      {FACETS.map((f) => (
        <fieldset id={`field-${f}`}>
          <legend>{FACET_TITLE[f]}</legend>
          {errors?.[f] && <p class="field-error">{tr(errors[f])}</p>}
          {terms
            .filter((t) => t.taxonomy_id === TAXONOMY_IDS[f])
            .map((t) => (
              <label>
                <input type="checkbox" name={f} value={t.code ?? ''} checked={checked(f, t.code ?? '')} /> {t.name}
              </label>
            ))}
        </fieldset>
      ))}
      <ChoiceRows
        name="languages"
        legend="Languages spoken"
        itemLabel="Language"
        hint="Choose each language the service works in. Leave the rest at “(none)”."
        kind="language"
        values={values}
        errors={errors}
      />
      {text('feesDescription', 'Cost')}
      {text('eligibility', 'Who can use it, ID needed')}
      {text('applicationProcess', 'How to start')}
      {text('interpretation', 'Interpreting')}
      <HoursRows
        prefix="hours"
        legend="Opening hours"
        hint="One session per row: tick its days and give its times. Days ticked in no row show as closed. A closing time before the opening time runs past midnight. Leave every row empty when the service has no set hours."
        values={values}
        errors={errors}
      />
      {keptHours.length > 0 && (
        <p class="hint">Also kept as imported (the lines above cannot express them): {keptHours.join('; ')}.</p>
      )}
      <ByAppointmentBox values={values} />
      <ExceptionRows values={values} errors={errors} />
      <TimeZoneSelect value={v('timezone')} country={v(locationField(indexes[0] ?? 0, 'country'))} errors={errors} />
      <ChoiceRows
        name="areas"
        legend="Area covered by phone or online"
        itemLabel="Country"
        hint="The countries the service reaches by phone or online, or the whole world."
        kind="country-or-world"
        values={values}
        errors={errors}
      />
      <section aria-labelledby="places-title">
        <h2 id="places-title">Places to visit</h2>
        <p class="hint">
          Leave the place empty for a phone or online service. A service with several sites has one place each; use “Add
          another location” below for one more.
        </p>
        {(indexes.length ? indexes : [0]).map((i, position) => (
          <LocationFieldset
            index={i}
            position={position}
            action={action}
            values={values}
            errors={errors}
            notes={places[v(locationField(i, 'id'))]}
            matches={help?.matches[i]}
            nearby={help?.nearby[i]}
            outlines={help?.outlines[i]}
            regions={help?.regions[i]}
          />
        ))}
      </section>
    </>
  );
}

function LocationFieldset({
  index,
  position,
  action,
  values,
  errors,
  notes,
  matches,
  nearby,
  outlines,
  regions,
}: {
  index: number;
  position: number;
  action: string;
  values: ListingForm;
  errors?: FieldErrors;
  notes?: PlaceNotes[string];
  matches?: Place[];
  nearby?: PlaceHelp['nearby'][number];
  outlines?: PlaceHelp['outlines'][number];
  regions?: PlaceHelp['regions'][number];
}) {
  const name = (k: LocationKey) => locationField(index, k);
  const v = (k: LocationKey) => {
    const value = values[name(k)];
    return typeof value === 'string' ? value : '';
  };
  const text = (k: LocationKey, label: string, hint?: string) => (
    <Field name={name(k)} label={label} hint={hint} errors={errors}>
      {(a) => <input {...a} type="text" value={v(k)} />}
    </Field>
  );
  const lat = Number(v('latitude') || NaN);
  const lon = Number(v('longitude') || NaN);
  const point =
    Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
  const id = v('id');
  const title = `Location ${position + 1}${v('name') ? `: ${v('name')}` : id ? '' : ' (new)'}`;
  return (
    <fieldset id={`loc-${index}`} class="location">
      <legend>{title}</legend>
      <input type="hidden" name={name('id')} value={id} />
      {notes && notes.sharedWith > 0 && (
        <p class="hint">
          {notes.sharedWith === 1 ? 'One other listing is' : `${notes.sharedWith} other listings are`} also at this
          place: changes here show on them too, and removing it here takes it off this listing only.
        </p>
      )}
      {text('name', 'Place name')}
      <PlaceFinder
        index={index}
        action={action}
        matches={matches}
        lookup={typeof values[`loc${index}_lookup`] === 'string' ? (values[`loc${index}_lookup`] as string) : ''}
        errors={errors}
      />
      {text('address1', 'Street address')}
      {text('address2', 'Address line 2')}
      {text('city', 'Town or city')}
      {text('region', 'Region or state')}
      {text('postalCode', 'Postal code')}
      <CountrySelect name={name('country')} value={v('country')} errors={errors} />
      {text('latitude', 'Latitude', 'Filled from the place you pick; you may also type it.')}
      {text('longitude', 'Longitude')}
      {point && (
        <PlaceMap
          index={index}
          action={action}
          lat={point.lat}
          lon={point.lon}
          nearby={nearby ?? []}
          outlines={outlines ?? []}
          regions={regions ?? []}
        />
      )}
      <div class="field">
        <label>
          <input
            type="checkbox"
            name={name('isConfidential')}
            value="1"
            checked={v('isConfidential') === '1'}
            aria-describedby={`loc${index}-confidential-hint`}
          />{' '}
          Confidential location (shelter, safe house)
        </label>
        <p class="hint" id={`loc${index}-confidential-hint`}>
          Readers then see only the area named below (or the town), never the street, postal code or exact point: the
          public map and “near me” searches use the middle of the area instead.
        </p>
      </div>
      {text(
        'areaName',
        'Area shown for a confidential address',
        'For example: Greater Manchester. Defaults to the town.',
      )}
      {text('transportation', 'Getting there')}
      <HoursRows
        prefix={name('hours')}
        legend="Opening hours at this place"
        hint="Only when this place keeps its own hours; leave the rows empty otherwise."
        values={values}
        errors={errors}
      />
      {notes && notes.keptHours.length > 0 && <p class="hint">Also kept as imported: {notes.keptHours.join('; ')}.</p>}
      <div class="field">
        <label>
          <input type="checkbox" name={name('remove')} value="1" checked={v('remove') === '1'} />{' '}
          {id ? 'Remove this location from the listing when I save' : 'Leave this new location out'}
        </label>
      </div>
    </fieldset>
  );
}

/** Save, or add one more location (the form comes back with an empty place, nothing saved). Save comes first, so Enter saves. */
function ListingFormActions({ action, values, saveLabel }: { action: string; values: ListingForm; saveLabel: string }) {
  return (
    <div class="actions">
      <button type="submit">{saveLabel}</button>
      <button
        type="submit"
        class="secondary"
        name="addLocation"
        value="1"
        formaction={`${action}#loc-${nextLocationIndex(values)}`}
      >
        Add another location
      </button>
    </div>
  );
}

export function ListingFormPage({
  ctx,
  title,
  action,
  values,
  errors,
  terms,
  history,
  serviceId,
  slug,
  places,
  keptHours,
  help,
}: {
  ctx: PageContext;
  title: string;
  action: string;
  values: ListingForm;
  errors?: FieldErrors;
  terms: repo.TermRow[];
  history?: Awaited<ReturnType<typeof repo.changesFor>>;
  serviceId?: string;
  slug?: string;
  places?: PlaceNotes;
  keptHours?: string[];
  help?: PlaceHelp;
}) {
  return (
    <Layout ctx={ctx} title={title} head={{ noindex: true }} scripts={[assetUrl('directory-editor.js')]}>
      <p>
        <a href="/admin/resources">← Resource directory</a>
      </p>
      <h1>{title}</h1>
      {slug && (
        <p>
          <a href={`/resources/${slug}`}>View the public page</a>
        </p>
      )}
      {serviceId && (
        <form method="post" action={`/admin/resources/${serviceId}/verify`} class="inline-form">
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="secondary">
            Mark as verified today
          </button>
        </form>
      )}
      <link rel="stylesheet" href={assetUrl('directory-editor.css')} />
      <ErrorSummary errors={errors} />
      <form method="post" action={action} class="stack listing-editor">
        <CsrfField token={ctx.csrfToken} />
        <ListingFormFields
          action={action}
          values={values}
          errors={errors}
          terms={terms}
          places={places}
          keptHours={keptHours}
          help={help}
        />
        <ListingFormActions action={action} values={values} saveLabel="Save listing" />
      </form>
      {history && (
        <section aria-labelledby="history">
          <h2 id="history">History</h2>
          {history.length === 0 ? (
            <p>No changes recorded.</p>
          ) : (
            <ol>
              {history.map((h) => {
                const detail = JSON.parse(h.detail) as Record<string, [string, string]>;
                return (
                  <li>
                    <strong>{h.action}</strong> by {h.display_name ?? 'a former staff member'} on{' '}
                    {h.created_at.slice(0, 16).replace('T', ' ')} UTC
                    <ul>
                      {Object.entries(detail)
                        .slice(0, 30)
                        .map(([k, [a, b]]) => (
                          <li>
                            {k}: “{String(a).slice(0, 120)}” → “{String(b).slice(0, 120)}”
                          </li>
                        ))}
                    </ul>
                  </li>
                );
              })}
            </ol>
          )}
        </section>
      )}
    </Layout>
  );
}

export function SuggestionPage({
  ctx,
  s,
  duplicates,
  values,
  terms,
  errors,
  help,
}: {
  ctx: PageContext;
  s: Suggestion;
  duplicates: Duplicate[];
  values: ListingForm;
  terms: repo.TermRow[];
  errors?: FieldErrors;
  help?: PlaceHelp;
}) {
  return (
    <Layout
      ctx={ctx}
      title={`Suggestion: ${s.name}`}
      head={{ noindex: true }}
      scripts={[assetUrl('directory-editor.js')]}
    >
      <link rel="stylesheet" href={assetUrl('directory-editor.css')} />
      <p>
        <a href="/admin/resources">← Resource directory</a>
      </p>
      <h1>Suggestion: {s.name}</h1>
      <dl>
        <dt>Website</dt>
        <dd>{s.url || '—'}</dd>
        <dt>Where</dt>
        <dd>{s.where_text || '—'}</dd>
        <dt>Contact</dt>
        <dd>{s.contact_text || '—'}</dd>
        <dt>What they said</dt>
        <dd>{s.context || '—'}</dd>
        <dt>Source</dt>
        <dd>
          {s.source === 'comment' ? `Comment #${s.source_comment_id}` : 'Public form'}, {s.created_at.slice(0, 10)}
        </dd>
        <dt>Status</dt>
        <dd>{s.status}</dd>
      </dl>
      <ErrorSummary errors={errors} />
      {s.status === 'pending' && (
        <>
          <section aria-labelledby="merge">
            <h2 id="merge">Already listed? Merge into it</h2>
            {duplicates.length > 0 && (
              <p>Possible duplicates: {duplicates.map((d) => `${d.name} (${d.reason})`).join('; ')}</p>
            )}
            <form method="post" action={`/admin/resources/suggestions/${s.id}/merge`} class="stack">
              <CsrfField token={ctx.csrfToken} />
              <Field
                name="target"
                label="Listing to merge into"
                hint="Choose a possible duplicate or type the listing's address name (slug)."
                errors={errors}
              >
                {(a) => (
                  <>
                    <input {...a} type="text" list="dup-list" value={duplicates[0]?.slug ?? ''} />
                    <datalist id="dup-list">
                      {duplicates.map((d) => (
                        <option value={d.slug}>{d.name}</option>
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <button type="submit">Merge</button>
            </form>
          </section>
          <section aria-labelledby="approve">
            <h2 id="approve">Approve as a new listing</h2>
            <form method="post" action={`/admin/resources/suggestions/${s.id}/approve`} class="stack">
              <CsrfField token={ctx.csrfToken} />
              <ListingFormFields
                action={`/admin/resources/suggestions/${s.id}/approve`}
                values={values}
                errors={errors}
                terms={terms}
                help={help}
              />
              <ListingFormActions
                action={`/admin/resources/suggestions/${s.id}/approve`}
                values={values}
                saveLabel="Create listing"
              />
            </form>
          </section>
          <section aria-labelledby="reject">
            <h2 id="reject">Not for the directory? Reject it</h2>
            <ModerationActions
              label={`Suggestion: ${s.name}`}
              form={{ action: `/admin/resources/suggestions/${s.id}/reject`, csrfToken: ctx.csrfToken }}
              buttons={{ reject: { label: 'Reject suggestion', data: { 'data-suggestion-reject': String(s.id) } } }}
            />
          </section>
        </>
      )}
    </Layout>
  );
}

export function VerificationPage({
  ctx,
  months,
  cutoff,
  rows,
  errors,
}: {
  ctx: PageContext;
  months: number;
  cutoff: string;
  rows: Awaited<ReturnType<typeof repo.needingVerification>>;
  errors?: FieldErrors;
}) {
  return (
    <Layout ctx={ctx} title="Needs verification" head={{ noindex: true }}>
      <p>
        <a href="/admin/resources">← Resource directory</a>
      </p>
      <h1>Needs verification</h1>
      <p>
        Listings not verified since {cutoff} ({months} months), oldest first. Check each with the service, edit what
        changed, then mark it verified.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/resources/verification" class="inline-form">
        <CsrfField token={ctx.csrfToken} />
        <Field name="months" label="Ask for verification after (months)" errors={errors}>
          {(a) => <input {...a} type="number" min={1} max={60} value={String(months)} />}
        </Field>
        <button type="submit" class="secondary">
          Save
        </button>
      </form>
      {rows.length === 0 ? (
        <p>Every listing has been verified recently.</p>
      ) : (
        <TableScroll label="Listings due for verification">
          <table>
            <thead>
              <tr>
                <th>Listing</th>
                <th>Last verified</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/admin/resources/${r.id}/edit`}>{r.name}</a>
                  </td>
                  <td>
                    {r.assured_date ? `${r.assured_date}${r.verified_by ? ` by ${r.verified_by}` : ''}` : 'never'}
                  </td>
                  <td>
                    <form method="post" action={`/admin/resources/${r.id}/verify`} class="inline-form">
                      <CsrfField token={ctx.csrfToken} />
                      <input type="hidden" name="back" value="verification" />
                      <button type="submit" class="secondary">
                        Verified today
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </Layout>
  );
}

/** A term's synonyms, English and French: words readers type that should find it. */
function SynonymsForm({
  ctx,
  term,
  words = { en: [], fr: [] },
}: {
  ctx: PageContext;
  term: repo.TermRow;
  words?: Record<'en' | 'fr', string[]>;
}) {
  return (
    <form method="post" action={`/admin/resources/taxonomy/${term.id}/synonyms`} class="stack">
      <CsrfField token={ctx.csrfToken} />
      <label for={`se-${term.id}`}>English synonyms of {term.name}</label>
      <input id={`se-${term.id}`} type="text" name="en" value={words.en.join(', ')} />
      <label for={`sf-${term.id}`}>French synonyms of {term.name}</label>
      <input id={`sf-${term.id}`} type="text" name="fr" value={words.fr.join(', ')} />
      <button type="submit" class="secondary">
        Save synonyms
      </button>
    </form>
  );
}

export function TaxonomyPage({
  ctx,
  terms,
  synonyms = new Map(),
  errors,
  values = {},
}: {
  ctx: PageContext;
  terms: repo.TermRow[];
  synonyms?: Map<string, Record<'en' | 'fr', string[]>>;
  errors?: FieldErrors;
  values?: { facet?: string; code?: string; name?: string; description?: string };
}) {
  return (
    <Layout ctx={ctx} title="Directory vocabulary" head={{ noindex: true }}>
      <p>
        <a href="/admin/resources">← Resource directory</a>
      </p>
      <h1>Directory vocabulary</h1>
      <p class="lead">
        Synonyms are single words readers might type for a term, separated by commas: a search for any of them also
        finds the services carrying the term (“lawyer” finds Legal).
      </p>
      <ErrorSummary errors={errors} />
      {FACETS.map((f) => (
        <section>
          <h2>{FACET_TITLE[f]}</h2>
          <TableScroll label={FACET_TITLE[f]}>
            <table>
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Name and description</th>
                  <th>Synonyms</th>
                </tr>
              </thead>
              <tbody>
                {terms
                  .filter((t) => t.taxonomy_id === TAXONOMY_IDS[f])
                  .map((t) => (
                    <tr>
                      <td>{t.code}</td>
                      <td>
                        <form method="post" action={`/admin/resources/taxonomy/${t.id}`} class="stack">
                          <CsrfField token={ctx.csrfToken} />
                          <label for={`n-${t.id}`} class="visually-hidden">
                            Name
                          </label>
                          <input id={`n-${t.id}`} type="text" name="name" value={t.name} />
                          <label for={`d-${t.id}`} class="visually-hidden">
                            Description
                          </label>
                          <input id={`d-${t.id}`} type="text" name="description" value={t.description} />
                          <button type="submit" class="secondary">
                            Rename
                          </button>
                        </form>
                      </td>
                      <td>
                        <SynonymsForm ctx={ctx} term={t} words={synonyms.get(t.id)} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      ))}
      <section>
        <h2>Add a term</h2>
        <form method="post" action="/admin/resources/taxonomy" class="stack">
          <CsrfField token={ctx.csrfToken} />
          <Field name="facet" label="List" errors={errors}>
            {(a) => (
              <select {...a}>
                {FACETS.map((f) => (
                  <option value={f} selected={values.facet === f}>
                    {FACET_TITLE[f]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            name="code"
            label="Code"
            hint="Lower-case, with dashes: it appears in search addresses."
            errors={errors}
          >
            {(a) => <input {...a} type="text" value={values.code ?? ''} />}
          </Field>
          <Field name="name" label="Name" errors={errors}>
            {(a) => <input {...a} type="text" value={values.name ?? ''} />}
          </Field>
          <Field name="description" label="Description" errors={errors}>
            {(a) => <input {...a} type="text" value={values.description ?? ''} />}
          </Field>
          <button type="submit">Add term</button>
        </form>
      </section>
    </Layout>
  );
}
