import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/auth/policy.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { requireStaff } from '../../core/http/guard.tsx';
import {
  FormFlag,
  FormList,
  FormText,
  Id,
  IdParams,
  PageNumber,
  Type,
  type App,
  type Static,
} from '../../core/http/schemas.ts';
import { fieldErrorsOf, statusOf, type FieldErrors, type Problem } from '../../core/result.ts';
import { AdminCampaignEditPage, AdminCampaignsPage, AdminEventEditPage, AdminModerationPage } from './admin-views.tsx';
import {
  addEvent,
  campaignForEditing,
  createCampaign,
  eventForEditing,
  removeEvent,
  setBoardOpen,
  updateCampaign,
  updateEvent,
  type NewCampaign,
} from './authoring-service.ts';
import { findCampaignById, listCampaigns } from './board-service.ts';
import {
  MODERATION_ACTIONS,
  moderatePledge,
  moderationLists,
  pendingCounts,
  pendingPledgeCount,
  pledgeArrivalsSince,
  pledgeFigures,
} from './pledge-service.ts';

/*
 * The staff side of campaigns: editors write campaigns (from the 16 Days template or blank), their
 * day themes and events, and close or reopen boards; moderators approve, turn down and feature
 * pledges. Every route is behind `requireStaff` with the action policy.ts allows.
 */
export async function campaignStaffRoutes(app: App) {
  app.deps.registry.adminLinks.push(
    {
      href: '/admin/campaigns',
      label: 'Campaigns',
      description: 'Create campaigns (16 Days template), set day themes, add events, close a board.',
      action: 'campaigns.edit',
    },
    {
      href: '/admin/campaigns',
      label: 'Pledges',
      description: 'Moderate and feature pledges on campaign boards.',
      action: 'pledges.moderate',
    },
  );
  app.deps.registry.queues.push({
    name: 'pledges_pending',
    count: () => pendingPledgeCount(app.deps.db),
    dashboard: { label: 'Pledges waiting', href: '/admin/campaigns', action: 'pledges.moderate' },
    trend: { label: 'Pledges sent', times: (since) => pledgeArrivalsSince(app.deps.db, since) },
  });
  await app.register(campaignAuthoringRoutes);
  await app.register(campaignEventRoutes);
  await app.register(pledgeModerationRoutes);
}

const editor = { preHandler: requireStaff('campaigns.edit') };
const moderator = { preHandler: requireStaff('pledges.moderate') };

/** A problem as a page: not found as the site's 404, anything else with its message. */
function problemPage(req: FastifyRequest, reply: FastifyReply, problem: Problem) {
  if (problem.kind === 'not_found') return reply.callNotFound();
  const status = statusOf(problem);
  return reply.page(<ErrorPage ctx={req.pageContext()} status={status} message={problem.message} />, status);
}

type ListPageProps = Parameters<typeof AdminCampaignsPage>[0];
type EditPageExtra = Omit<
  Parameters<typeof AdminCampaignEditPage>[0],
  'ctx' | 'campaign' | 'themes' | 'events' | 'figures'
>;

/** A campaign's staff edit page (with the form state after a refused change), or the 404 page. */
async function sendEditPage(
  app: App,
  req: FastifyRequest,
  reply: FastifyReply,
  id: number,
  extra: EditPageExtra,
  status = 200,
) {
  const found = await campaignForEditing(app.deps.db, id);
  if (!found.ok) return reply.callNotFound();
  const figures = await pledgeFigures(app.deps.db, found.value.campaign);
  const page = <AdminCampaignEditPage ctx={req.pageContext()} {...found.value} figures={figures} {...extra} />;
  return reply.page(page, status);
}

// ── campaigns ───────────────────────────────────────────────────────────────

const NewCampaignForm = Type.Object({
  template: Type.Optional(Type.Enum(['sixteen-days', 'blank'])),
  // Typed by a person: the service answers a wrong year with a field error.
  year: Type.Optional(FormText(20)),
  time_zone: Type.Optional(FormText(100)),
  title: Type.Optional(FormText(1000)),
  slug: Type.Optional(FormText(1000)),
  starts_on: Type.Optional(FormText(50)),
  ends_on: Type.Optional(FormText(50)),
});

const newCampaign = (b: Static<typeof NewCampaignForm>): NewCampaign =>
  b.template === 'blank'
    ? { template: 'blank', fields: b }
    : { template: 'sixteen-days', year: b.year ?? '', timeZone: b.time_zone ?? '' };

const CampaignForm = Type.Object({
  title: Type.Optional(FormText(1000)),
  slug: Type.Optional(FormText(1000)),
  description: Type.Optional(FormText(20_000)),
  tag_slug: Type.Optional(FormText(1000)),
  time_zone: Type.Optional(FormText(100)),
  starts_on: Type.Optional(FormText(50)),
  ends_on: Type.Optional(FormText(50)),
  // The checkbox ("1") and the hidden "0" beside it.
  is_board_open: Type.Optional(FormList(4, 10)),
  themes: Type.Optional(FormList(400, 2000)),
});

/** The campaign list (also the moderators' way in), new campaigns, the board toggle and the edit page. */
async function campaignAuthoringRoutes(app: App) {
  const { db, clock, pageCache } = app.deps;
  const listPage = async (req: FastifyRequest, form: Pick<ListPageProps, 'values' | 'errors'> = {}) => (
    <AdminCampaignsPage
      ctx={req.pageContext()}
      campaigns={await listCampaigns(db)}
      pending={await pendingCounts(db)}
      canEdit={can(req.staff, 'campaigns.edit')}
      defaultYear={clock.now().getUTCFullYear()}
      {...form}
    />
  );

  app.get('/admin/campaigns', moderator, async (req, reply) => reply.page(await listPage(req)));

  app.post('/admin/campaigns', { ...editor, schema: { body: NewCampaignForm } }, async (req, reply) => {
    const result = await createCampaign(db, clock, req.staff!, newCampaign(req.body));
    if (!result.ok)
      return reply.page(await listPage(req, { values: req.body, errors: fieldErrorsOf(result) }), statusOf(result));
    await pageCache.invalidate(cacheTags.campaigns, cacheTags.home);
    return reply.redirect(`/admin/campaigns/${result.value.id}`, 303);
  });

  const BoardToggle = { params: IdParams, body: Type.Object({ open: Type.Optional(Type.Enum(['0', '1'])) }) };
  app.post('/admin/campaigns/:id/board', { ...editor, schema: BoardToggle }, async (req, reply) => {
    const result = await setBoardOpen(db, clock, req.staff!, req.params.id, req.body.open === '1');
    if (!result.ok) return problemPage(req, reply, result);
    await pageCache.invalidate(cacheTags.campaign(req.params.id));
    return reply.redirect('/admin/campaigns', 303);
  });

  const Saved = Type.Object({ saved: Type.Optional(FormFlag) });
  app.get('/admin/campaigns/:id', { ...editor, schema: { params: IdParams, querystring: Saved } }, async (req, reply) =>
    sendEditPage(app, req, reply, req.params.id, req.query.saved ? { notice: 'Saved.' } : {}),
  );

  app.post(
    '/admin/campaigns/:id',
    { ...editor, schema: { params: IdParams, body: CampaignForm } },
    async (req, reply) => {
      const { id } = req.params;
      const result = await updateCampaign(db, clock, req.staff!, id, req.body);
      if (!result.ok) {
        if (result.kind === 'not_found') return reply.callNotFound();
        const open = req.body.is_board_open?.includes('1') ? '1' : undefined;
        const values = { ...req.body, themes: req.body.themes ?? [], is_board_open: open };
        return sendEditPage(app, req, reply, id, { values, errors: fieldErrorsOf(result) }, statusOf(result));
      }
      await pageCache.invalidate(cacheTags.campaigns, cacheTags.home);
      return reply.redirect(`/admin/campaigns/${id}?saved=1`, 303);
    },
  );
}

// ── events ──────────────────────────────────────────────────────────────────

const EventForm = Type.Object({
  title: Type.Optional(FormText(1000)),
  description: Type.Optional(FormText(10_000)),
  starts_at: Type.Optional(FormText(50)),
  ends_at: Type.Optional(FormText(50)),
  place: Type.Optional(FormText(1000)),
  link: Type.Optional(FormText(5000)),
  repeat: Type.Optional(FormText(20)),
  repeat_count: Type.Optional(FormText(20)),
});
const EventParams = Type.Object({ id: Id, eventId: Id });

/** The add-event form shares the edit page with the campaign form: its field ids are prefixed. */
const eventFieldErrors = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === '_form' ? k : `event_${k}`, v]));

/** Adding, editing and removing a campaign's events (times in the campaign's zone). */
async function campaignEventRoutes(app: App) {
  const { db, clock, pageCache } = app.deps;
  // The campaign page and its events.ics both carry the campaign's tag.
  const saved = async (reply: FastifyReply, id: number) => {
    await pageCache.invalidate(cacheTags.campaign(id));
    return reply.redirect(`/admin/campaigns/${id}?saved=1`, 303);
  };

  app.post(
    '/admin/campaigns/:id/events',
    { ...editor, schema: { params: IdParams, body: EventForm } },
    async (req, reply) => {
      const { id } = req.params;
      const result = await addEvent(db, clock, req.staff!, id, req.body);
      if (result.ok) return saved(reply, id);
      if (result.kind === 'not_found') return reply.callNotFound();
      const form = { eventValues: req.body, eventErrors: eventFieldErrors(fieldErrorsOf(result)) };
      return sendEditPage(app, req, reply, id, form, statusOf(result));
    },
  );

  app.get(
    '/admin/campaigns/:id/events/:eventId',
    { ...editor, schema: { params: EventParams } },
    async (req, reply) => {
      const found = await eventForEditing(db, req.params.id, req.params.eventId);
      if (!found.ok) return reply.callNotFound();
      return reply.page(<AdminEventEditPage ctx={req.pageContext()} {...found.value} />);
    },
  );

  const EventEdit = { params: EventParams, body: EventForm };
  app.post('/admin/campaigns/:id/events/:eventId', { ...editor, schema: EventEdit }, async (req, reply) => {
    const { id, eventId } = req.params;
    const result = await updateEvent(db, clock, req.staff!, id, eventId, req.body);
    if (result.ok) return saved(reply, id);
    const found = result.kind === 'not_found' ? undefined : await eventForEditing(db, id, eventId);
    if (!found?.ok) return reply.callNotFound();
    const form = { values: req.body, errors: fieldErrorsOf(result) };
    return reply.page(<AdminEventEditPage ctx={req.pageContext()} {...found.value} {...form} />, statusOf(result));
  });

  const EventDelete = { params: EventParams };
  app.post('/admin/campaigns/:id/events/:eventId/delete', { ...editor, schema: EventDelete }, async (req, reply) => {
    const result = await removeEvent(db, req.staff!, req.params.id, req.params.eventId);
    if (!result.ok) return reply.callNotFound();
    return saved(reply, req.params.id);
  });
}

// ── pledge moderation ───────────────────────────────────────────────────────

const ModerationSchema = {
  params: Type.Object({ id: Id, pledgeId: Id }),
  body: Type.Object({ action: Type.Enum([...MODERATION_ACTIONS]) }),
};

/** A campaign's moderation queue and board, and one decision on one pledge. */
async function pledgeModerationRoutes(app: App) {
  const { db, clock, pageCache } = app.deps;
  // `page` pages the queue, `board` the approved pledges.
  const Query = Type.Object({
    done: Type.Optional(FormFlag),
    page: Type.Optional(PageNumber),
    board: Type.Optional(PageNumber),
  });

  app.get(
    '/admin/campaigns/:id/pledges',
    { ...moderator, schema: { params: IdParams, querystring: Query } },
    async (req, reply) => {
      const campaign = await findCampaignById(db, req.params.id);
      if (!campaign) return reply.callNotFound();
      const lists = await moderationLists(db, campaign.id, { pending: req.query.page, approved: req.query.board });
      const notice = req.query.done ? 'Done.' : undefined;
      return reply.page(<AdminModerationPage ctx={req.pageContext()} campaign={campaign} {...lists} notice={notice} />);
    },
  );

  app.post('/admin/campaigns/:id/pledges/:pledgeId', { ...moderator, schema: ModerationSchema }, async (req, reply) => {
    const { id, pledgeId } = req.params;
    const result = await moderatePledge(db, clock, req.staff!, id, pledgeId, req.body.action);
    if (!result.ok) return problemPage(req, reply, result);
    await pageCache.invalidate(cacheTags.campaign(id));
    return reply.redirect(`/admin/campaigns/${id}/pledges?done=1#pledge-${pledgeId}`, 303);
  });
}
