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
import { BarChart, LineChart } from '../../core/views/chart.tsx';
import type { ComponentChildren } from 'preact';
import type { PageContext } from '../../core/views/context.ts';
import { campaignLength, dateOfDay, dayLabel, formatDateRange, formatEventTime, utcToLocalInput } from './calendar.ts';
import { kindKey, PLEDGE_KINDS } from './kinds.ts';
import { t } from './messages.ts';
import type { PublicPledge } from './pledge-repo.ts';
import { daysOf, type PledgeFigures } from './pledge-service.ts';
import type { Campaign, CampaignEvent } from './repo.ts';
import { CampaignStyles } from './views.tsx';
import { REPEAT_MAX } from './authoring-service.ts';

type Values = Record<string, string | readonly string[] | undefined>;
const str = (v: Values, k: string) => {
  const value = v[k];
  return typeof value === 'string' ? value : '';
};

export function AdminCampaignsPage({
  ctx,
  campaigns,
  pending,
  canEdit,
  values = {},
  errors,
  defaultYear,
}: {
  ctx: PageContext;
  campaigns: Campaign[];
  pending: Map<number, number>;
  canEdit: boolean;
  values?: Values;
  errors?: FieldErrors;
  defaultYear: number;
}) {
  return (
    <Layout ctx={ctx} title="Campaigns (staff)" head={{ noindex: true }}>
      <p>
        <a href="/admin">Staff home</a>
      </p>
      <CampaignStyles />
      <h1>Campaigns</h1>
      {campaigns.length === 0 ? (
        <p>No campaigns yet.</p>
      ) : (
        <TableScroll label="Campaigns">
          <table>
            <thead>
              <tr>
                <th>Campaign</th>
                <th>Dates</th>
                <th>Board</th>
                <th>Pending pledges</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr>
                  <td>
                    <a href={`/campaigns/${c.slug}`}>{c.title}</a>
                    {canEdit && (
                      <>
                        {' '}
                        · <a href={`/admin/campaigns/${c.id}`}>Edit</a>
                      </>
                    )}
                  </td>
                  <td>{formatDateRange(c.starts_on, c.ends_on)}</td>
                  <td>
                    {c.is_board_open ? 'Open' : 'Closed'}
                    {canEdit && (
                      <form method="post" action={`/admin/campaigns/${c.id}/board`} class="inline-form">
                        <CsrfField token={ctx.csrfToken} />
                        <input type="hidden" name="open" value={c.is_board_open ? '0' : '1'} />{' '}
                        <button type="submit" class="link-button" data-board-toggle={c.slug}>
                          {c.is_board_open ? 'Close the board' : 'Reopen the board'}
                        </button>
                      </form>
                    )}
                  </td>
                  <td>
                    <a href={`/admin/campaigns/${c.id}/pledges`}>{pending.get(c.id) ?? 0} to moderate</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {canEdit && (
        <>
          <h2>New campaign</h2>
          <ErrorSummary errors={errors} />
          <form method="post" action="/admin/campaigns" novalidate>
            <CsrfField token={ctx.csrfToken} />
            <fieldset>
              <legend>Start from</legend>
              <label>
                <input
                  type="radio"
                  name="template"
                  value="sixteen-days"
                  checked={str(values, 'template') !== 'blank'}
                />{' '}
                The “16 Days of Activism” template (25 November – 10 December, 16 day slots with suggested themes)
              </label>
              <br />
              <label>
                <input type="radio" name="template" value="blank" checked={str(values, 'template') === 'blank'} /> A
                blank campaign
              </label>
            </fieldset>
            <Field name="year" label="Year (template)" errors={errors}>
              {(a) => (
                <input {...a} type="number" min="2000" max="2200" value={str(values, 'year') || String(defaultYear)} />
              )}
            </Field>
            <Field
              name="time_zone"
              label="Time zone"
              hint="Days change at midnight in this zone, e.g. Europe/London."
              errors={errors}
            >
              {(a) => <input {...a} type="text" value={str(values, 'time_zone') || 'Europe/London'} />}
            </Field>
            <Field name="title" label="Title (blank campaign)" errors={errors}>
              {(a) => <input {...a} type="text" value={str(values, 'title')} />}
            </Field>
            <Field name="starts_on" label="First day (blank campaign)" errors={errors}>
              {(a) => <input {...a} type="date" value={str(values, 'starts_on')} />}
            </Field>
            <Field name="ends_on" label="Last day (blank campaign)" errors={errors}>
              {(a) => <input {...a} type="date" value={str(values, 'ends_on')} />}
            </Field>
            <Field name="slug" label="Address (optional)" hint="Made from the title when empty." errors={errors}>
              {(a) => <input {...a} type="text" value={str(values, 'slug')} />}
            </Field>
            <button type="submit">Create campaign</button>
          </form>
        </>
      )}
    </Layout>
  );
}

export function AdminCampaignEditPage({
  ctx,
  campaign,
  themes,
  events,
  values,
  errors,
  eventValues = {},
  eventErrors,
  notice,
  figures,
}: {
  ctx: PageContext;
  campaign: Campaign;
  themes: string[];
  events: CampaignEvent[];
  /** Pledges at a glance (absent when a caller has none to show). */
  figures?: PledgeFigures;
  values?: Values;
  errors?: FieldErrors;
  eventValues?: Values;
  eventErrors?: FieldErrors;
  notice?: string;
}) {
  const v: Values = values ?? {
    title: campaign.title,
    slug: campaign.slug,
    description: campaign.description,
    tag_slug: campaign.tag_slug,
    time_zone: campaign.time_zone,
    starts_on: campaign.starts_on,
    ends_on: campaign.ends_on,
    is_board_open: campaign.is_board_open ? '1' : undefined,
    themes,
  };
  const length = campaignLength(str(v, 'starts_on') || campaign.starts_on, str(v, 'ends_on') || campaign.ends_on) || 1;
  const vThemes = Array.isArray(v.themes) ? v.themes : [];
  return (
    <Layout ctx={ctx} title={`Edit ${campaign.title}`} head={{ noindex: true }}>
      <p>
        <a href="/admin/campaigns">Campaigns</a> · <a href={`/campaigns/${campaign.slug}`}>View page</a> ·{' '}
        <a href={`/admin/campaigns/${campaign.id}/pledges`}>Moderate pledges</a>
      </p>
      <h1>Edit {campaign.title}</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      {figures && <PledgeCharts campaign={campaign} figures={figures} />}
      <ErrorSummary errors={errors} />
      <form method="post" action={`/admin/campaigns/${campaign.id}`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <Field name="title" label="Title" errors={errors}>
          {(a) => <input {...a} type="text" value={str(v, 'title')} />}
        </Field>
        <Field name="slug" label="Address" errors={errors}>
          {(a) => <input {...a} type="text" value={str(v, 'slug')} />}
        </Field>
        <Field name="description" label="Description" errors={errors}>
          {(a) => (
            <textarea {...a} rows={5}>
              {str(v, 'description')}
            </textarea>
          )}
        </Field>
        <Field name="tag_slug" label="Tag of the campaign’s posts" errors={errors}>
          {(a) => <input {...a} type="text" value={str(v, 'tag_slug')} />}
        </Field>
        <Field name="time_zone" label="Time zone" errors={errors}>
          {(a) => <input {...a} type="text" value={str(v, 'time_zone')} />}
        </Field>
        <Field name="starts_on" label="First day" errors={errors}>
          {(a) => <input {...a} type="date" value={str(v, 'starts_on')} />}
        </Field>
        <Field name="ends_on" label="Last day" errors={errors}>
          {(a) => <input {...a} type="date" value={str(v, 'ends_on')} />}
        </Field>
        <div class="field">
          <label>
            <input type="checkbox" name="is_board_open" value="1" checked={!!v.is_board_open} /> The pledge board is
            open (uncheck to close it)
          </label>
          <input type="hidden" name="is_board_open" value="0" />
        </div>
        <fieldset>
          <legend>Day themes</legend>
          {Array.from({ length: Math.min(length, 366) }, (_, i) => (
            <div class="field">
              <label for={`theme-${i + 1}`}>
                Day {i + 1} ({dayLabel(dateOfDay(str(v, 'starts_on') || campaign.starts_on, i + 1))})
              </label>
              <input id={`theme-${i + 1}`} type="text" name="themes" value={vThemes[i] ?? ''} />
            </div>
          ))}
        </fieldset>
        <button type="submit">Save campaign</button>
      </form>

      <h2>Events</h2>
      {events.length === 0 ? (
        <p>No events yet.</p>
      ) : (
        <ul>
          {events.map((e) => (
            <li>
              {e.title} — {formatEventTime(e.starts_at, e.ends_at, campaign.time_zone)} {e.place && `· ${e.place}`}{' '}
              <a href={`/admin/campaigns/${campaign.id}/events/${e.id}`}>
                Edit<span class="visually-hidden"> {e.title}</span>
              </a>
              <form method="post" action={`/admin/campaigns/${campaign.id}/events/${e.id}/delete`} class="inline-form">
                <CsrfField token={ctx.csrfToken} />
                <button type="submit" class="link-button">
                  Remove
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h3>Add an event</h3>
      <ErrorSummary errors={eventErrors} />
      <form method="post" action={`/admin/campaigns/${campaign.id}/events`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <Field name="event_title" label="Title" errors={eventErrors}>
          {(a) => <input {...a} name="title" type="text" value={str(eventValues, 'title')} />}
        </Field>
        <Field name="event_starts_at" label={`Starts (${campaign.time_zone})`} errors={eventErrors}>
          {(a) => <input {...a} name="starts_at" type="datetime-local" value={str(eventValues, 'starts_at')} />}
        </Field>
        <Field name="event_ends_at" label={`Ends (${campaign.time_zone})`} errors={eventErrors}>
          {(a) => <input {...a} name="ends_at" type="datetime-local" value={str(eventValues, 'ends_at')} />}
        </Field>
        <Field name="event_place" label="Town, city or “Online”" errors={eventErrors}>
          {(a) => <input {...a} name="place" type="text" value={str(eventValues, 'place')} />}
        </Field>
        <RepeatFields values={eventValues} errors={eventErrors} prefix="event_" />
        <Field name="event_link" label="Link" errors={eventErrors}>
          {(a) => <input {...a} name="link" type="url" value={str(eventValues, 'link')} />}
        </Field>
        <Field name="event_description" label="Description" errors={eventErrors}>
          {(a) => (
            <textarea {...a} name="description" rows={3}>
              {str(eventValues, 'description')}
            </textarea>
          )}
        </Field>
        <button type="submit">Add event</button>
      </form>
    </Layout>
  );
}

/** Edit one event: the same fields and rules as adding it; times in the campaign's time zone. */
export function AdminEventEditPage({
  ctx,
  campaign,
  event,
  values,
  errors,
}: {
  ctx: PageContext;
  campaign: Campaign;
  event: CampaignEvent;
  values?: Values;
  errors?: FieldErrors;
}) {
  const v: Values = values ?? {
    title: event.title,
    starts_at: utcToLocalInput(event.starts_at, campaign.time_zone),
    ends_at: utcToLocalInput(event.ends_at, campaign.time_zone),
    place: event.place,
    link: event.link,
    description: event.description,
    repeat: event.repeat,
    repeat_count: event.repeat ? String(event.repeat_count) : '',
  };
  return (
    <Layout ctx={ctx} title={`Edit event: ${event.title}`} head={{ noindex: true }}>
      <p>
        <a href={`/admin/campaigns/${campaign.id}`}>Back to {campaign.title}</a>
      </p>
      <CampaignStyles />
      <h1>Edit event</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/admin/campaigns/${campaign.id}/events/${event.id}`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <Field name="title" label="Title" errors={errors}>
          {(a) => <input {...a} type="text" value={str(v, 'title')} />}
        </Field>
        <Field name="starts_at" label={`Starts (${campaign.time_zone})`} errors={errors}>
          {(a) => <input {...a} type="datetime-local" value={str(v, 'starts_at')} />}
        </Field>
        <Field name="ends_at" label={`Ends (${campaign.time_zone})`} errors={errors}>
          {(a) => <input {...a} type="datetime-local" value={str(v, 'ends_at')} />}
        </Field>
        <Field name="place" label="Town, city or “Online”" errors={errors}>
          {(a) => <input {...a} type="text" value={str(v, 'place')} />}
        </Field>
        <RepeatFields values={v} errors={errors} prefix="" />
        <Field name="link" label="Link" errors={errors}>
          {(a) => <input {...a} type="url" value={str(v, 'link')} />}
        </Field>
        <Field name="description" label="Description" errors={errors}>
          {(a) => (
            <textarea {...a} rows={3}>
              {str(v, 'description')}
            </textarea>
          )}
        </Field>
        <button type="submit">Save event</button>
      </form>
    </Layout>
  );
}

/** Approved pledges per campaign day and per kind, as charts with their numbers behind them. */
function PledgeCharts({ campaign, figures }: { campaign: Campaign; figures: PledgeFigures }) {
  const days = figures.perDay.map((_, i) => `Day ${i + 1} (${dayLabel(dateOfDay(campaign.starts_on, i + 1))})`);
  const kinds = PLEDGE_KINDS.map((k) => ({ label: t('en', kindKey(k)), value: figures.byKind.get(k) ?? 0 }));
  return (
    <section aria-labelledby="pledge-figures">
      <h2 id="pledge-figures">Pledges at a glance</h2>
      <p>
        {figures.total} on the board ·{' '}
        <a href={`/admin/campaigns/${campaign.id}/pledges`}>{figures.waiting} waiting for moderation</a>
      </p>
      <LineChart
        id="pledges-per-day"
        caption="Pledges on the board per campaign day (a pledge may name several days)"
        labelHead="Campaign day"
        labels={days}
        ticks={days.map((_, i) => `Day ${i + 1}`)}
        series={[{ name: 'Pledges', values: figures.perDay }]}
      />
      <BarChart id="pledges-per-kind" caption="Pledges on the board per kind" head={['Kind', 'Pledges']} data={kinds} />
    </section>
  );
}

function ModerationItem({ pledge, actions }: { pledge: PublicPledge; actions: ComponentChildren }) {
  return (
    <li class="pledge" id={`pledge-${pledge.id}`}>
      <p class="pledge__action">{pledge.action}</p>
      <p class="muted">
        {pledge.display_name || 'Anonymous'} {pledge.place && `· ${pledge.place}`} · {t('en', kindKey(pledge.kind))} ·
        days {daysOf(pledge).join(', ')} {pledge.link && `· ${pledge.link}`} · me too: {pledge.me_too_count}
      </p>
      {actions}
    </li>
  );
}

export function AdminModerationPage({
  ctx,
  campaign,
  pending,
  approved,
  notice,
}: {
  ctx: PageContext;
  campaign: Campaign;
  pending: Page<PublicPledge>;
  approved: Page<PublicPledge>;
  notice?: string;
}) {
  // Each list is paged on its own; a link keeps the other list's page.
  const base = `/admin/campaigns/${campaign.id}/pledges`;
  const href = (queuePage: number, boardPage: number) => `${base}?page=${queuePage}&board=${boardPage}`;
  return (
    <Layout ctx={ctx} title={`Pledges: ${campaign.title}`} head={{ noindex: true }}>
      <p>
        <a href="/admin/campaigns">Campaigns</a> · <a href={`/campaigns/${campaign.slug}`}>View page</a>
      </p>
      <CampaignStyles />
      <h1>Pledges: {campaign.title}</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      <h2 id="queue">Waiting for moderation ({pending.total})</h2>
      {pending.items.length === 0 ? (
        <p>{pending.total === 0 ? 'Nothing to moderate.' : 'No pledges on this page.'}</p>
      ) : (
        <ul class="pledges">
          {pending.items.map((p) => (
            <ModerationItem
              pledge={p}
              actions={
                <ModerationActions
                  label={`Pledge by ${p.display_name || 'Anonymous'}`}
                  form={{ action: `${base}/${p.id}`, csrfToken: ctx.csrfToken }}
                  buttons={{
                    approve: { name: 'action', value: 'approve', data: { 'data-moderate': 'approve' } },
                    reject: { name: 'action', value: 'reject', data: { 'data-moderate': 'reject' } },
                    spam: { name: 'action', value: 'spam', data: { 'data-moderate': 'spam' } },
                  }}
                />
              }
            />
          ))}
        </ul>
      )}
      <Pagination
        page={pending.page}
        pageCount={pending.pageCount}
        href={(n) => `${href(n, approved.page)}#queue`}
        label="Pages of the moderation queue"
      />
      <h2 id="board">On the board ({approved.total})</h2>
      <ul class="pledges">
        {approved.items.map((p) => (
          <ModerationItem
            pledge={p}
            actions={
              <form method="post" action={`${base}/${p.id}`} class="moderation-actions">
                <CsrfField token={ctx.csrfToken} />
                <button
                  type="submit"
                  name="action"
                  value={p.is_featured ? 'unfeature' : 'feature'}
                  class="secondary"
                  data-moderate={p.is_featured ? 'unfeature' : 'feature'}
                >
                  {p.is_featured ? 'Stop featuring' : 'Feature'}
                </button>
                <button type="submit" name="action" value="reject" class="secondary" data-moderate="reject">
                  Remove from board
                </button>
              </form>
            }
          />
        ))}
      </ul>
      <Pagination
        page={approved.page}
        pageCount={approved.pageCount}
        href={(n) => `${href(pending.page, n)}#board`}
        label="Pages of the board"
      />
    </Layout>
  );
}

/** Whether an event repeats (at the same local time) and how many times in all: the add and edit forms. */
function RepeatFields({ values, errors, prefix }: { values?: Values; errors?: FieldErrors; prefix: string }) {
  const v: Values = values ?? {};
  const repeat = str(v, 'repeat');
  return (
    <>
      <Field name={`${prefix}repeat`} label="Repeats" errors={errors}>
        {(a) => (
          <select {...a} name="repeat">
            <option value="" selected={repeat === ''}>
              Does not repeat
            </option>
            <option value="daily" selected={repeat === 'daily'}>
              Every day
            </option>
            <option value="weekly" selected={repeat === 'weekly'}>
              Every week
            </option>
          </select>
        )}
      </Field>
      <Field
        name={`${prefix}repeat_count`}
        label={`Times in all, when it repeats (2 to ${REPEAT_MAX})`}
        errors={errors}
      >
        {(a) => (
          <input {...a} name="repeat_count" type="number" min={2} max={REPEAT_MAX} value={str(v, 'repeat_count')} />
        )}
      </Field>
    </>
  );
}
