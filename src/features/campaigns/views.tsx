import { DateTime } from 'luxon';
import { HoneypotField, ProofOfWorkField } from '../../core/antispam/views.tsx';
import type { PledgeStatus } from '../../core/db/schema.ts';
import type { Params } from '../../core/i18n/index.ts';
import { CsrfField, ErrorSummary, Field, Notice, Pagination, type FieldErrors } from '../../core/views/components.tsx';
import type { PageContext } from '../../core/views/context.ts';
import { safeHref } from '../../core/text/urls.ts';
import { Layout } from '../../core/views/layout.tsx';
import { useTranslate } from '../../core/views/locale.ts';
import type { CampaignPage } from './board-service.ts';
import { dateOfDay, dayLabel, formatDateRange, formatEventTime, lastOccurrenceDay } from './calendar.ts';
import { kindKey, PLEDGE_KINDS } from './kinds.ts';
import { t, type CampaignKey } from './messages.ts';
import type { BoardFilter, PublicPledge } from './pledge-repo.ts';
import { ACTION_MAX, daysOf, LINK_MAX, NAME_MAX, PLACE_MAX, type OwnPledge } from './pledge-service.ts';
import type { Campaign, CampaignEvent } from './repo.ts';
import { assetUrl } from '../../core/http/assets.ts';

export interface TaggedPost {
  slug: string;
  title: string;
  excerpt: string;
  published_at: string;
}

export interface PledgeFormValues {
  action?: string;
  days?: readonly string[];
  kind?: string;
  display_name?: string;
  place?: string;
  link?: string;
}

/** The campaign stylesheet (same origin); the layout has no slot for per-feature CSS in <head>. */
export const CampaignStyles = () => <link rel="stylesheet" href={assetUrl('campaigns.css')} />;

const tr = (ctx: PageContext) => (key: CampaignKey, params?: Params) => t(ctx.locale, key, params);
/** The "one" or "other" sentence for `n` by the reader's language's plural rules (French: 0 and 1 are "one"). */
const plural = (ctx: PageContext, n: number, one: CampaignKey, other: CampaignKey) =>
  t(ctx.locale, new Intl.PluralRules(ctx.locale).select(n) === 'one' ? one : other, { n });
const pledgeCount = (ctx: PageContext, n: number) => plural(ctx, n, 'pledgeOne', 'pledgeCount');

export function boardHref(slug: string, filter: BoardFilter, page = 1, hash = '#board'): string {
  const q = new URLSearchParams();
  if (filter.day) q.set('day', String(filter.day));
  if (filter.kind) q.set('kind', filter.kind);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `/campaigns/${slug}${s ? `?${s}` : ''}${hash}`;
}

export function CampaignListPage({
  ctx,
  running,
  upcoming,
  past,
  pledges,
}: {
  ctx: PageContext;
  running: Campaign[];
  upcoming: Campaign[];
  past: Campaign[];
  /** Campaign id → pledges on its board. */
  pledges: Map<number, number>;
}) {
  const m = tr(ctx);
  const section = (id: string, title: string, items: Campaign[]) =>
    items.length > 0 && (
      <section aria-labelledby={id}>
        <h2 id={id}>{title}</h2>
        <ul class="campaign-cards">
          {items.map((c) => (
            <li class="campaign-card" data-campaign={c.slug}>
              <h3>
                <a href={`/campaigns/${c.slug}`}>{c.title}</a>
              </h3>
              <p class="muted">{formatDateRange(c.starts_on, c.ends_on, ctx.locale)}</p>
              {c.description && <p>{summary(c.description)}</p>}
              <p class="campaign-card__count">{pledgeCount(ctx, pledges.get(c.id) ?? 0)}</p>
            </li>
          ))}
        </ul>
      </section>
    );
  return (
    <Layout
      ctx={ctx}
      title={m('campaigns')}
      head={{ description: m('campaignsDescription'), canonical: `${ctx.publicUrl}/campaigns` }}
    >
      <CampaignStyles />
      <h1>{m('campaigns')}</h1>
      {running.length + upcoming.length + past.length === 0 && <p>{m('noCampaigns')}</p>}
      {section('running', m('running'), running)}
      {section('upcoming', m('upcoming'), upcoming)}
      {section('past', m('past'), past)}
    </Layout>
  );
}

/** A card's summary: the description's first paragraph, cut at a word near 200 characters. */
function summary(description: string): string {
  const first = description.split(/\n{2,}/)[0]!.trim();
  return first.length <= 200 ? first : `${first.slice(0, 197).replace(/\s+\S*$/, '')}…`;
}

function PhaseNotice({ ctx, data }: { ctx: PageContext; data: CampaignPage }) {
  const m = tr(ctx);
  const p = data.phase;
  if (p.phase === 'running')
    return <p class="campaign-today">{m('todayIsDay', { day: p.day, length: data.length })}</p>;
  if (p.phase === 'before')
    return (
      <p class="campaign-today">{p.daysUntil === 1 ? m('startsTomorrow') : m('startsIn', { days: p.daysUntil })}</p>
    );
  return <p class="campaign-today">{m('ended')}</p>;
}

function DayByDay({ ctx, data }: { ctx: PageContext; data: CampaignPage }) {
  const m = tr(ctx);
  const themes = new Map(data.days.map((d) => [d.day_number, d.theme]));
  const today = data.phase.phase === 'running' ? data.phase.day : 0;
  return (
    <section aria-labelledby="days-title">
      <h2 id="days-title">{m('dayByDay')}</h2>
      <ol class="campaign-days">
        {Array.from({ length: data.length }, (_, i) => i + 1).map((day) => (
          <li
            class={day === today ? 'campaign-day campaign-day--today' : 'campaign-day'}
            aria-current={day === today ? 'date' : undefined}
          >
            <strong>{m('day', { day })}</strong>{' '}
            <span class="muted">{dayLabel(dateOfDay(data.campaign.starts_on, day), ctx.locale)}</span>
            {day === today && <span class="badge"> {m('today')}</span>}
            {themes.get(day) ? <span> — {themes.get(day)}</span> : null}{' '}
            <a href={boardHref(data.campaign.slug, { day })}>{pledgeCount(ctx, data.counts.byDay.get(day) ?? 0)}</a>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Events({ ctx, campaign, events }: { ctx: PageContext; campaign: Campaign; events: CampaignEvent[] }) {
  const m = tr(ctx);
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">{m('events')}</h2>
      {events.length === 0 ? (
        <p>{m('noEvents')}</p>
      ) : (
        <ul class="campaign-events">
          {events.map((e) => (
            <li>
              <strong>
                {safeHref(e.link) ? (
                  <a href={safeHref(e.link)} rel="nofollow noopener noreferrer">
                    {e.title}
                  </a>
                ) : (
                  e.title
                )}
              </strong>
              <br />
              <time datetime={e.starts_at}>
                {formatEventTime(e.starts_at, e.ends_at, campaign.time_zone, ctx.locale)}
              </time>
              {e.place && <span> · {e.place}</span>}
              {e.repeat && (
                <p class="event-repeats">
                  {m(e.repeat === 'daily' ? 'repeatsDaily' : 'repeatsWeekly', {
                    count: e.repeat_count,
                    last: lastOccurrenceDay(e.starts_at, e.repeat, e.repeat_count, campaign.time_zone, ctx.locale),
                  })}
                </p>
              )}
              {e.description && <p>{e.description}</p>}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={`/campaigns/${campaign.slug}/events.ics`}>{m('calendar')}</a>
      </p>
    </section>
  );
}

function linkDomain(link: string): string {
  try {
    return new URL(link).hostname;
  } catch {
    return link;
  }
}

export function PledgeCard({
  ctx,
  pledge,
  campaign,
  meToo = true,
}: {
  ctx: PageContext;
  pledge: PublicPledge;
  campaign: Campaign;
  meToo?: boolean;
}) {
  const m = tr(ctx);
  return (
    <li class={pledge.is_featured ? 'pledge pledge--featured' : 'pledge'} id={`pledge-${pledge.id}`}>
      {pledge.is_featured ? <p class="badge">{m('featured')}</p> : null}
      <p class="pledge__action">{pledge.action}</p>
      <p class="pledge__meta muted">
        {pledge.display_name || m('anonymous')}
        {pledge.place && <span> · {pledge.place}</span>} · {m(kindKey(pledge.kind))} ·{' '}
        {daysOf(pledge)
          .map((d) => m('day', { day: d }))
          .join(', ')}
      </p>
      {safeHref(pledge.link) && (
        <p class="pledge__link">
          <a href={safeHref(pledge.link)} rel="ugc nofollow noopener noreferrer">
            {linkDomain(pledge.link)}
          </a>
        </p>
      )}
      {meToo && (
        <form
          method="post"
          action={`/campaigns/${campaign.slug}/pledges/${pledge.id}/me-too`}
          class="inline-form me-too"
          data-one={m('meTooOne', { n: '{n}' })}
          data-many={m('meTooCount', { n: '{n}' })}
          data-lang={ctx.locale}
          data-already={m('meTooAlready')}
        >
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="button-secondary" aria-describedby="me-too-help">
            {m('meToo')}
          </button>{' '}
          <span class="muted" data-me-too-count aria-live="polite">
            {plural(ctx, pledge.me_too_count, 'meTooOne', 'meTooCount')}
          </span>
        </form>
      )}
    </li>
  );
}

export function PledgeFields({
  ctx,
  campaign,
  length,
  values = {},
  errors,
}: {
  ctx: PageContext;
  campaign: Campaign;
  length: number;
  values?: PledgeFormValues;
  errors?: FieldErrors;
}) {
  const m = tr(ctx);
  const translate = useTranslate();
  const chosen = new Set(values.days ?? []);
  return (
    <>
      <Field name="action" label={m('action')} hint={m('actionHint')} errors={errors}>
        {(a) => (
          <textarea {...a} rows={3} maxlength={ACTION_MAX * 2} required>
            {values.action ?? ''}
          </textarea>
        )}
      </Field>
      <fieldset
        class={errors?.days ? 'field field--error' : 'field'}
        id="field-days"
        aria-describedby={errors?.days ? 'field-days-error' : undefined}
      >
        <legend>{m('days')}</legend>
        {errors?.days && (
          <p class="field-error" id="field-days-error">
            {translate(errors.days)}
          </p>
        )}
        <div class="checkbox-grid">
          {Array.from({ length }, (_, i) => String(i + 1)).map((d) => (
            <label>
              <input type="checkbox" name="days" value={d} checked={chosen.has(d)} /> {m('day', { day: d })}{' '}
              <span class="muted">{dayLabel(dateOfDay(campaign.starts_on, Number(d)), ctx.locale)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <Field name="kind" label={m('kind')} errors={errors}>
        {(a) => (
          <select {...a} required>
            <option value="">—</option>
            {PLEDGE_KINDS.map((k) => (
              <option value={k} selected={values.kind === k}>
                {m(kindKey(k))}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="display_name" label={m('displayName')} hint={m('displayNameHint')} errors={errors}>
        {(a) => (
          <input {...a} type="text" value={values.display_name ?? ''} maxlength={NAME_MAX * 2} autocomplete="off" />
        )}
      </Field>
      <Field name="place" label={m('place')} hint={m('placeHint')} errors={errors}>
        {(a) => <input {...a} type="text" value={values.place ?? ''} maxlength={PLACE_MAX * 2} autocomplete="off" />}
      </Field>
      <Field name="link" label={m('link')} hint={m('linkHint')} errors={errors}>
        {(a) => <input {...a} type="url" value={values.link ?? ''} maxlength={LINK_MAX} autocomplete="off" />}
      </Field>
    </>
  );
}

export function PledgeForm({
  ctx,
  campaign,
  length,
  values,
  errors,
}: {
  ctx: PageContext;
  campaign: Campaign;
  length: number;
  values?: PledgeFormValues;
  errors?: FieldErrors;
}) {
  const m = tr(ctx);
  if (!campaign.is_board_open) {
    // A pledge sent while the board closed: keep the text visible so it can be copied elsewhere.
    return (
      <div id="pledge-form">
        <ErrorSummary errors={errors} />
        <Notice kind="warning">{m('boardClosed')}</Notice>
        {values?.action && (
          <Field name="action" label={m('action')}>
            {(a) => (
              <textarea {...a} rows={3} readonly>
                {values.action}
              </textarea>
            )}
          </Field>
        )}
      </div>
    );
  }
  return (
    <form
      method="post"
      action={`/campaigns/${campaign.slug}/pledges#error-summary`}
      class="pledge-form"
      id="pledge-form"
      novalidate
    >
      <h3>{m('formTitle')}</h3>
      <ErrorSummary errors={errors} />
      <CsrfField token={ctx.csrfToken} />
      <HoneypotField />
      <PledgeFields ctx={ctx} campaign={campaign} length={length} values={values} errors={errors} />
      <ProofOfWorkField hint={m('powHint')} />
      <button type="submit">{m('submit')}</button>
    </form>
  );
}

export function CampaignPageView({
  ctx,
  data,
  posts,
  form,
  scripts,
}: {
  ctx: PageContext;
  data: CampaignPage;
  posts: TaggedPost[] | undefined;
  form?: { values?: PledgeFormValues; errors?: FieldErrors };
  scripts?: string[];
}) {
  const m = tr(ctx);
  const c = data.campaign;
  const f = data.filter;
  return (
    <Layout
      ctx={ctx}
      title={c.title}
      scripts={[...(scripts ?? []), assetUrl('campaigns.js')]}
      head={{
        description: c.description.slice(0, 200),
        canonical: `${ctx.publicUrl}/campaigns/${c.slug}`,
        feeds: [
          {
            title: m('feedTitle', { title: c.title }),
            href: `/campaigns/${c.slug}/pledges.atom`,
            type: 'application/atom+xml',
          },
        ],
      }}
    >
      <CampaignStyles />
      <h1>{c.title}</h1>
      <p class="muted">{formatDateRange(c.starts_on, c.ends_on, ctx.locale)}</p>
      <PhaseNotice ctx={ctx} data={data} />
      {c.is_board_open ? (
        <p class="jump-to-pledge">
          <a class="button" href="#pledge-form">
            {m('addPledgeJump')}
          </a>
        </p>
      ) : null}
      {c.description.split(/\n{2,}/).map((para) => (
        <p>{para}</p>
      ))}
      <DayByDay ctx={ctx} data={data} />
      {posts && posts.length > 0 && (
        <section aria-labelledby="posts-title">
          <h2 id="posts-title">{m('posts')}</h2>
          <ul>
            {posts.map((p) => (
              <li>
                <a href={`/posts/${p.slug}`}>{p.title}</a>
                {p.excerpt && <p>{p.excerpt}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Events ctx={ctx} campaign={c} events={data.events} />
      <section aria-labelledby="board-title" id="board">
        <h2 id="board-title">{m('board')}</h2>
        <p>{m('boardIntro')}</p>
        <p class="board-counts">
          <strong>{pledgeCount(ctx, data.counts.total)}</strong>
          {PLEDGE_KINDS.filter((k) => data.counts.byKind.get(k)).map((k) => (
            <span>
              {' '}
              ·{' '}
              <a href={boardHref(c.slug, { ...f, kind: k })}>
                {m(kindKey(k))}: {data.counts.byKind.get(k)}
              </a>
            </span>
          ))}
        </p>
        <form method="get" action={`/campaigns/${c.slug}#board`} class="board-filter">
          <label for="filter-day">{m('filterDay')}</label>{' '}
          <select id="filter-day" name="day">
            <option value="">{m('allDays')}</option>
            {Array.from({ length: data.length }, (_, i) => i + 1).map((d) => (
              <option value={String(d)} selected={f.day === d}>
                {m('day', { day: d })} ({data.counts.byDay.get(d) ?? 0})
              </option>
            ))}
          </select>{' '}
          <label for="filter-kind">{m('filterKind')}</label>{' '}
          <select id="filter-kind" name="kind">
            <option value="">{m('allKinds')}</option>
            {PLEDGE_KINDS.map((k) => (
              <option value={k} selected={f.kind === k}>
                {m(kindKey(k))} ({data.counts.byKind.get(k) ?? 0})
              </option>
            ))}
          </select>{' '}
          <button type="submit" class="button-secondary">
            {m('filter')}
          </button>
        </form>
        <p class="hint" id="me-too-help">
          {m('meTooHelp')}
        </p>
        {data.pledges.length === 0 ? (
          <p>{m('noPledges')}</p>
        ) : (
          <ul class="pledges">
            {data.pledges.map((p) => (
              <PledgeCard ctx={ctx} pledge={p} campaign={c} />
            ))}
          </ul>
        )}
        <Pagination
          page={data.page}
          pageCount={data.pageCount}
          href={(p) => boardHref(c.slug, f, p)}
          label={m('pledgePages')}
        />
        <p>
          <a href={`/campaigns/${c.slug}/pledges.atom`}>{m('feed')}</a>
        </p>
        <PledgeForm ctx={ctx} campaign={c} length={data.length} values={form?.values} errors={form?.errors} />
      </section>
    </Layout>
  );
}

export function PledgeThanksPage({
  ctx,
  campaign,
  privateUrl,
}: {
  ctx: PageContext;
  campaign: Campaign;
  privateUrl: string;
}) {
  const m = tr(ctx);
  return (
    <Layout ctx={ctx} title={m('thanksTitle')} head={{ noindex: true }}>
      <CampaignStyles />
      <h1>{m('thanksTitle')}</h1>
      <p>{m('thanksBody')}</p>
      <p class="private-link">
        <a href={privateUrl} data-private-link>
          {privateUrl}
        </a>
      </p>
      <p>
        <a href={`/campaigns/${campaign.slug}`}>{campaign.title}</a>
      </p>
    </Layout>
  );
}

const STATUS_KEYS: Record<PledgeStatus, CampaignKey> = {
  pending: 'status_pending',
  approved: 'status_approved',
  rejected: 'status_rejected',
  spam: 'status_spam',
};

export function PrivatePledgePage({
  ctx,
  campaign,
  pledge,
  length,
  token,
  editWindow,
  values,
  errors,
  notice,
}: OwnPledge & {
  ctx: PageContext;
  token: string;
  values?: PledgeFormValues;
  errors?: FieldErrors;
  notice?: string;
}) {
  const m = tr(ctx);
  const v: PledgeFormValues = values ?? {
    action: pledge.action,
    days: daysOf(pledge).map(String),
    kind: pledge.kind,
    display_name: pledge.display_name,
    place: pledge.place,
    link: pledge.link,
  };
  const editable = editWindow.canEdit;
  const until = DateTime.fromISO(editWindow.until, { zone: 'UTC' }).setZone(campaign.time_zone).toFormat('HH:mm ZZZZ');
  return (
    <Layout ctx={ctx} title={m('privateTitle')} head={{ noindex: true }}>
      <CampaignStyles />
      <h1>{m('privateTitle')}</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      <p>
        <a href={`/campaigns/${campaign.slug}`}>{campaign.title}</a> —{' '}
        <strong data-pledge-status={pledge.status}>{m(STATUS_KEYS[pledge.status])}</strong>
      </p>
      {editable ? (
        <form method="post" action={`/campaigns/pledges/${token}`} novalidate>
          <ErrorSummary errors={errors} />
          <CsrfField token={ctx.csrfToken} />
          <p class="hint" data-edit-minutes-left={editWindow.minutesLeft}>
            {editWindow.minutesLeft > 1
              ? m('editTimeLeft', { minutes: editWindow.minutesLeft, time: until })
              : m('editTimeLeftOne', { time: until })}{' '}
            {m('editHint')}
          </p>
          <PledgeFields ctx={ctx} campaign={campaign} length={length} values={v} errors={errors} />
          <button type="submit">{m('editSubmit')}</button>
        </form>
      ) : (
        <>
          <ErrorSummary errors={errors} />
          <p data-edit-closed>{m('editClosed')}</p>
          {values?.action && (
            <div class="kept-text">
              <p class="hint">{m('editKept')}</p>
              <pre>{values.action}</pre>
            </div>
          )}
        </>
      )}
      <form method="post" action={`/campaigns/pledges/${token}/delete`} class="danger-zone">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit" class="button-danger">
          {m('deleteSubmit')}
        </button>
      </form>
    </Layout>
  );
}

export function PledgeDeletedPage({ ctx, campaign }: { ctx: PageContext; campaign: Campaign }) {
  const m = tr(ctx);
  return (
    <Layout ctx={ctx} title={m('deleted')} head={{ noindex: true }}>
      <h1>{m('deleted')}</h1>
      <p>
        <a href={`/campaigns/${campaign.slug}`}>{campaign.title}</a>
      </p>
    </Layout>
  );
}

export function CampaignBanner({
  ctx,
  campaign,
  day,
  length,
}: {
  ctx: PageContext;
  campaign: Campaign;
  day: number;
  length: number;
}) {
  const m = tr(ctx);
  return (
    <section class="campaign-banner" aria-label={campaign.title}>
      <CampaignStyles />
      <p>
        <strong>{m('bannerNow', { title: campaign.title, day, length })}</strong>
      </p>
      <p>
        <a href={`/campaigns/${campaign.slug}`}>{m('bannerCta')}</a>
      </p>
    </section>
  );
}
