import { Feed } from 'feed';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/auth/policy.ts';
import { isHoneypotTripped } from '../../core/antispam/honeypot.ts';
import { createRateLimiter } from '../../core/limits.ts';
import { PURGE_EVERY_MS } from '../../core/antispam/retention.ts';
import { noStore } from '../../core/http/security.ts';
import { renderDocument } from '../../core/views/render.ts';
import { statusOf, type Problem } from '../../core/result.ts';
import type { FieldErrors } from '../../core/views/components.tsx';
import { requireStaff } from '../../core/http/guard.tsx';
import { listPublishedPostsByTag } from '../posts/service.ts';
import { AdminCampaignEditPage, AdminCampaignsPage, AdminEventEditPage, AdminModerationPage } from './admin-views.tsx';
import { campaignLength, campaignPhase, localDate } from './calendar.ts';
import { eventsCalendar } from './ics.ts';
import { MeTooBatcher } from './me-too.ts';
import { kindKey, t } from './messages.ts';
import * as campaigns from './service.ts';
import { asList, MODERATION_ACTIONS, type ModerationAction, type PledgeInput } from './service.ts';
import {
  CampaignBanner,
  CampaignListPage,
  CampaignPageView,
  PledgeDeletedPage,
  PledgeThanksPage,
  PrivatePledgePage,
  type PledgeFormValues,
  type TaggedPost,
} from './views.tsx';
import { DateTime } from 'luxon';

const MAX_CACHE_MS = 5 * 60_000;
/** "Me too" re-renders of a busy campaign page happen at most this often. */
export const ME_TOO_REFRESH_MS = 1000;

const formValues = (body: Record<string, unknown>): PledgeFormValues => ({
  action: typeof body.action === 'string' ? body.action : '',
  days: asList(body.days),
  kind: typeof body.kind === 'string' ? body.kind : '',
  display_name: typeof body.display_name === 'string' ? body.display_name : '',
  place: typeof body.place === 'string' ? body.place : '',
  link: typeof body.link === 'string' ? body.link : '',
});

const errorsOf = (problem: Problem): FieldErrors =>
  problem.kind === 'invalid'
    ? (problem.fields ?? { [problem.field ?? '_form']: problem.message })
    : { _form: problem.message };

const intParam = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) ? n : undefined;
};

const pledgeBodySchema = {
  type: 'object',
  properties: {
    action: { type: 'string', maxLength: 5000 },
    days: {
      anyOf: [
        { type: 'string', maxLength: 10 },
        { type: 'array', items: { type: 'string', maxLength: 10 }, maxItems: 400 },
      ],
    },
    kind: { type: 'string', maxLength: 100 },
    display_name: { type: 'string', maxLength: 1000 },
    place: { type: 'string', maxLength: 1000 },
    link: { type: 'string', maxLength: 5000 },
    website: { type: 'string', maxLength: 1000 },
    altcha: { type: 'string', maxLength: 10_000 },
    _csrf: { type: 'string' },
  },
};

export async function campaignRoutes(app: FastifyInstance) {
  const { db, clock, config, pageCache, clientKey } = app.deps;

  // ── home banner and staff links ──
  app.deps.registry.homeSections.push({
    order: 10,
    async render(ctx, req) {
      const now = clock.now();
      const running = await campaigns.runningCampaigns(db, now);
      // The banner appears and disappears at local midnight: the cached home page must not outlive it.
      const untilMidnight = await campaigns.msUntilNextCampaignBoundary(db, now);
      if (req && untilMidnight !== undefined)
        req.cacheTtlMs = Math.max(1000, Math.min(req.cacheTtlMs ?? MAX_CACHE_MS, untilMidnight));
      if (running.length === 0) return null;
      return (
        <>
          {running.map((r) => (
            <CampaignBanner ctx={ctx} campaign={r.campaign} day={r.day} length={r.length} />
          ))}
        </>
      );
    },
  });
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

  // ── "me too": clicks are written and the page re-rendered at most once a second ──
  const meTooLimiter = createRateLimiter({ clock, max: 1, windowMs: 24 * 60 * 60_000 });
  const meToo = new MeTooBatcher({
    db,
    clock,
    pageCache,
    intervalMs: ME_TOO_REFRESH_MS,
    onError: (err) => app.log.error({ err: { message: err.message } }, 'me-too flush failed'),
  });
  app.addHook('onClose', () => meToo.flush({ invalidate: false }));

  // ── retention: rejected and spam pledges go after the period comments use ──
  app.deps.jobs.every('pledge purge', PURGE_EVERY_MS, () => campaigns.purgeRejectedPledges(db, clock));

  const invalidateCampaign = (id: number) => pageCache.invalidate(`campaign:${id}`);

  async function postsFor(campaign: campaigns.Campaign): Promise<TaggedPost[]> {
    if (!campaign.tag_slug) return [];
    return listPublishedPostsByTag(db, campaign.tag_slug, clock.now(), 10);
  }

  /**
   * Renders the campaign page (board filters from the query), with a form state when re-shown
   * after an error. Anonymous GETs of the same URL that miss the cache at the same moment (right
   * after a moderation or a batch of "me too" clicks) share one render instead of each doing it.
   */
  const inflight = new Map<string, Promise<{ html: string; campaignId: number; ttlMs: number } | undefined>>();
  async function renderCampaignHtml(
    req: FastifyRequest,
    slug: string,
    form?: { values: PledgeFormValues; errors: FieldErrors },
  ) {
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const data = await campaigns.campaignPage(
      db,
      slug,
      clock.now(),
      { day: intParam(q.day), kind: q.kind || undefined },
      intParam(q.page) ?? 1,
    );
    if (!data.ok) return undefined;
    const c = data.value.campaign;
    // "Today is day N" changes at local midnight: never keep the page past it.
    const nextMidnight = DateTime.fromJSDate(clock.now())
      .setZone(c.time_zone)
      .plus({ days: 1 })
      .startOf('day')
      .toMillis();
    const ttlMs = Math.max(1000, Math.min(MAX_CACHE_MS, nextMidnight - clock.now().getTime()));
    const posts = await postsFor(c);
    return {
      html: renderDocument(<CampaignPageView ctx={req.pageContext()} data={data.value} posts={posts} form={form} />),
      campaignId: c.id,
      ttlMs,
    };
  }

  async function renderCampaign(
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    form?: { values: PledgeFormValues; errors: FieldErrors },
    status = 200,
  ) {
    const shareable = !form && req.method === 'GET' && !!req.cacheTags && !req.staff;
    let pending = shareable ? inflight.get(req.url) : undefined;
    if (!pending) {
      pending = renderCampaignHtml(req, slug, form);
      if (shareable) {
        const key = req.url;
        inflight.set(key, pending);
        void pending.finally(() => inflight.delete(key)).catch(() => {});
      }
    }
    const page = await pending;
    if (!page) return reply.callNotFound();
    req.cacheTags?.push(`campaign:${page.campaignId}`);
    req.cacheTtlMs = page.ttlMs;
    return reply.code(status).type('text/html; charset=utf-8').send(page.html);
  }

  // ── public pages ──
  app.get('/campaigns', { config: { pageCache: { tags: ['campaigns'], ttlMs: 60_000 } } }, async (req, reply) => {
    const now = clock.now();
    const all = await campaigns.listCampaigns(db);
    const phase = (c: campaigns.Campaign) => campaignPhase(c, now).phase;
    return reply.page(
      <CampaignListPage
        ctx={req.pageContext()}
        running={all.filter((c) => phase(c) === 'running')}
        upcoming={all.filter((c) => phase(c) === 'before').reverse()}
        past={all.filter((c) => phase(c) === 'after')}
      />,
    );
  });

  app.get('/campaigns/:slug', { config: { pageCache: { tags: ['campaigns', 'posts'] } } }, async (req, reply) => {
    return renderCampaign(req, reply, (req.params as { slug: string }).slug);
  });

  app.post(
    '/campaigns/:slug/pledges',
    { schema: { body: pledgeBodySchema }, config: { rateLimit: { max: 10, timeWindow: '10 minutes' } } },
    async (req, reply) => {
      noStore(reply);
      const slug = (req.params as { slug: string }).slug;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = formValues(body);
      if (isHoneypotTripped(body)) {
        return renderCampaign(
          req,
          reply,
          slug,
          {
            values,
            errors: {
              _form:
                'Your pledge could not be accepted. If you are a person, clear the hidden “website” field and try again.',
            },
          },
          400,
        );
      }
      // Without JavaScript there is no solution ("missing"): the pledge still goes to moderation like every other.
      const pow = await app.proofOfWork.verify(body.altcha);
      if (pow !== 'verified' && pow !== 'missing') {
        const message =
          pow === 'expired'
            ? 'The anti-spam check expired. Send the form again.'
            : 'The anti-spam check failed. Send the form again.';
        return renderCampaign(req, reply, slug, { values, errors: { _form: message } }, 400);
      }
      const result = await campaigns.submitPledge(db, clock, slug, body as PledgeInput);
      if (!result.ok) {
        if (result.kind === 'not_found') return reply.callNotFound();
        return renderCampaign(req, reply, slug, { values, errors: errorsOf(result) }, statusOf(result));
      }
      const privateUrl = `${config.publicUrl}/campaigns/pledges/${result.value.token}`;
      return reply.page(
        <PledgeThanksPage ctx={req.pageContext()} campaign={result.value.campaign} privateUrl={privateUrl} />,
        201,
      );
    },
  );

  app.post(
    '/campaigns/:slug/pledges/:id/me-too',
    { config: { rateLimit: { max: 120, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const { slug, id } = req.params as { slug: string; id: string };
      const campaign = await campaigns.findCampaignBySlug(db, slug);
      const pledgeId = intParam(id);
      if (!campaign || pledgeId === undefined) return reply.callNotFound();
      const key = clientKey(req.ip);
      const result = await campaigns.addMeToo(
        db,
        campaign.id,
        pledgeId,
        (pid) => meTooLimiter.hit(`${key}:${pid}`),
        (pid) => meToo.add(campaign.id, pid),
        (pid) => meToo.pendingFor(pid),
      );
      if (!result.ok) return reply.callNotFound();
      if (req.headers.accept?.includes('application/json'))
        return reply.header('cache-control', 'no-store').send(result.value);
      return reply.redirect(`/campaigns/${campaign.slug}#pledge-${pledgeId}`, 303);
    },
  );

  // ── private link: see, change or delete one's own pledge ──
  app.get('/campaigns/pledges/:token', async (req, reply) => {
    noStore(reply);
    const found = await campaigns.pledgeForToken(db, (req.params as { token: string }).token);
    if (!found.ok) return reply.callNotFound();
    const { pledge, campaign } = found.value;
    const token = (req.params as { token: string }).token;
    return reply.page(
      <PrivatePledgePage
        ctx={req.pageContext()}
        campaign={campaign}
        pledge={pledge}
        token={token}
        length={campaignLength(campaign.starts_on, campaign.ends_on)}
        editWindow={campaigns.pledgeEditWindow(pledge, clock.now())}
      />,
    );
  });

  app.post(
    '/campaigns/pledges/:token',
    { schema: { body: pledgeBodySchema }, config: { rateLimit: { max: 20, timeWindow: '10 minutes' } } },
    async (req, reply) => {
      noStore(reply);
      const token = (req.params as { token: string }).token;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const result = await campaigns.editPledgeWithToken(db, clock, token, body as PledgeInput);
      if (!result.ok) {
        if (result.kind === 'not_found') return reply.callNotFound();
        const found = await campaigns.pledgeForToken(db, token);
        if (!found.ok) return reply.callNotFound();
        const { pledge, campaign } = found.value;
        return reply.page(
          <PrivatePledgePage
            ctx={req.pageContext()}
            campaign={campaign}
            pledge={pledge}
            token={token}
            length={campaignLength(campaign.starts_on, campaign.ends_on)}
            editWindow={campaigns.pledgeEditWindow(pledge, clock.now())}
            values={formValues(body)}
            errors={errorsOf(result)}
          />,
          statusOf(result),
        );
      }
      if (result.value.wasApproved) await invalidateCampaign(result.value.campaign.id);
      const { pledge, campaign } = result.value;
      return reply.page(
        <PrivatePledgePage
          ctx={req.pageContext()}
          campaign={campaign}
          pledge={pledge}
          token={token}
          length={campaignLength(campaign.starts_on, campaign.ends_on)}
          editWindow={campaigns.pledgeEditWindow(pledge, clock.now())}
          notice={t(req.pageContext().locale, 'saved')}
        />,
      );
    },
  );

  app.post(
    '/campaigns/pledges/:token/delete',
    { config: { rateLimit: { max: 20, timeWindow: '10 minutes' } } },
    async (req, reply) => {
      noStore(reply);
      const result = await campaigns.deletePledgeWithToken(db, (req.params as { token: string }).token);
      if (!result.ok) return reply.callNotFound();
      await invalidateCampaign(result.value.campaign.id);
      return reply.page(<PledgeDeletedPage ctx={req.pageContext()} campaign={result.value.campaign} />);
    },
  );

  // ── calendar and feed ──
  app.get('/campaigns/:slug/events.ics', { config: { pageCache: { tags: ['campaigns'] } } }, async (req, reply) => {
    const campaign = await campaigns.findCampaignBySlug(db, (req.params as { slug: string }).slug);
    if (!campaign) return reply.callNotFound();
    req.cacheTags?.push(`campaign:${campaign.id}`);
    const events = await campaigns.listEvents(db, campaign.id);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${campaign.slug}.ics"`)
      .send(eventsCalendar(campaign, events, { publicUrl: config.publicUrl, host: new URL(config.publicUrl).host }));
  });

  app.get('/campaigns/:slug/pledges.atom', { config: { pageCache: { tags: ['campaigns'] } } }, async (req, reply) => {
    const campaign = await campaigns.findCampaignBySlug(db, (req.params as { slug: string }).slug);
    if (!campaign) return reply.callNotFound();
    req.cacheTags?.push(`campaign:${campaign.id}`);
    const pledges = await campaigns.recentApproved(db, campaign.id, 50);
    const url = `${config.publicUrl}/campaigns/${campaign.slug}`;
    const feed = new Feed({
      id: `${url}/pledges.atom`,
      title: t('en', 'feedTitle', { title: campaign.title }),
      link: url,
      updated: new Date(pledges[0]?.moderated_at ?? campaign.updated_at),
      copyright: '',
      feedLinks: { atom: `${url}/pledges.atom` },
    });
    for (const p of pledges) {
      const who = p.display_name || t('en', 'anonymous');
      feed.addItem({
        id: `${url}#pledge-${p.id}`,
        link: `${url}#pledge-${p.id}`,
        title: `${who}: ${t('en', kindKey(p.kind))}`,
        description: p.action,
        content: `${p.action}${p.place ? ` (${p.place})` : ''}`,
        date: new Date(p.moderated_at ?? p.created_at),
      });
    }
    return reply.type('application/atom+xml; charset=utf-8').send(feed.atom1());
  });

  // ── staff ──
  app.get('/admin/campaigns', { preHandler: requireStaff('pledges.moderate') }, async (req, reply) => {
    return reply.page(
      <AdminCampaignsPage
        ctx={req.pageContext()}
        campaigns={await campaigns.listCampaigns(db)}
        pending={await campaigns.pendingCounts(db)}
        canEdit={can(req.staff, 'campaigns.edit')}
        defaultYear={Number(localDate(clock.now(), 'UTC').slice(0, 4))}
      />,
    );
  });

  app.post('/admin/campaigns', { preHandler: requireStaff('campaigns.edit') }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const input =
      body.template === 'blank'
        ? {
            template: 'blank' as const,
            fields: {
              title: body.title,
              slug: body.slug,
              time_zone: body.time_zone,
              starts_on: body.starts_on,
              ends_on: body.ends_on,
            },
          }
        : { template: 'sixteen-days' as const, year: Number(body.year), timeZone: String(body.time_zone ?? '') };
    const result = await campaigns.createCampaign(db, clock, req.staff!, input);
    if (!result.ok) {
      return reply.page(
        <AdminCampaignsPage
          ctx={req.pageContext()}
          campaigns={await campaigns.listCampaigns(db)}
          pending={await campaigns.pendingCounts(db)}
          canEdit
          values={body}
          errors={errorsOf(result)}
          defaultYear={Number(body.year) || 2026}
        />,
        statusOf(result),
      );
    }
    await pageCache.invalidate('campaigns', 'home');
    return reply.redirect(`/admin/campaigns/${result.value.id}`, 303);
  });

  app.post('/admin/campaigns/:id/board', { preHandler: requireStaff('campaigns.edit') }, async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined) return reply.callNotFound();
    const open = (req.body as { open?: string } | undefined)?.open === '1';
    const result = await campaigns.setBoardOpen(db, clock, req.staff!, id, open);
    if (!result.ok)
      return result.kind === 'not_found' ? reply.callNotFound() : reply.code(statusOf(result)).send(result.message);
    await invalidateCampaign(id);
    return reply.redirect('/admin/campaigns', 303);
  });

  async function editPage(
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: Partial<Parameters<typeof AdminCampaignEditPage>[0]> = {},
    status = 200,
  ) {
    const campaign = await campaigns.findCampaignById(db, id);
    if (!campaign) return reply.callNotFound();
    const days = await campaigns.listDays(db, id);
    return reply.page(
      <AdminCampaignEditPage
        ctx={req.pageContext()}
        campaign={campaign}
        themes={days.map((d) => d.theme)}
        events={await campaigns.listEvents(db, id)}
        {...extra}
      />,
      status,
    );
  }

  app.get('/admin/campaigns/:id', { preHandler: requireStaff('campaigns.edit') }, async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined) return reply.callNotFound();
    const q = req.query as { saved?: string };
    return editPage(req, reply, id, q.saved ? { notice: 'Saved.' } : {});
  });

  app.post('/admin/campaigns/:id', { preHandler: requireStaff('campaigns.edit') }, async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined) return reply.callNotFound();
    const body = (req.body ?? {}) as Record<string, string | string[]>;
    const result = await campaigns.updateCampaign(db, clock, req.staff!, id, body);
    if (!result.ok) {
      if (result.kind === 'not_found') return reply.callNotFound();
      return editPage(
        req,
        reply,
        id,
        {
          values: {
            ...body,
            themes: asList(body.themes),
            is_board_open: asList(body.is_board_open).includes('1') ? '1' : undefined,
          },
          errors: errorsOf(result),
        },
        statusOf(result),
      );
    }
    await pageCache.invalidate('campaigns', 'home');
    return reply.redirect(`/admin/campaigns/${id}?saved=1`, 303);
  });

  app.post('/admin/campaigns/:id/events', { preHandler: requireStaff('campaigns.edit') }, async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    if (id === undefined) return reply.callNotFound();
    const body = (req.body ?? {}) as Record<string, string>;
    const result = await campaigns.addEvent(db, clock, req.staff!, id, body);
    if (!result.ok) {
      if (result.kind === 'not_found') return reply.callNotFound();
      const errors = Object.fromEntries(
        Object.entries(errorsOf(result)).map(([k, v]) => [k === '_form' ? k : `event_${k}`, v]),
      );
      return editPage(req, reply, id, { eventValues: body, eventErrors: errors }, statusOf(result));
    }
    await invalidateCampaign(id);
    return reply.redirect(`/admin/campaigns/${id}?saved=1`, 303);
  });

  async function eventIds(req: FastifyRequest) {
    const { id, eventId } = req.params as { id: string; eventId: string };
    const cid = intParam(id);
    const eid = intParam(eventId);
    if (cid === undefined || eid === undefined) return undefined;
    const campaign = await campaigns.findCampaignById(db, cid);
    const event = campaign && (await campaigns.findEvent(db, cid, eid));
    return campaign && event ? { campaign, event } : undefined;
  }

  app.get(
    '/admin/campaigns/:id/events/:eventId',
    { preHandler: requireStaff('campaigns.edit') },
    async (req, reply) => {
      const found = await eventIds(req);
      if (!found) return reply.callNotFound();
      return reply.page(<AdminEventEditPage ctx={req.pageContext()} campaign={found.campaign} event={found.event} />);
    },
  );

  app.post(
    '/admin/campaigns/:id/events/:eventId',
    { preHandler: requireStaff('campaigns.edit') },
    async (req, reply) => {
      const found = await eventIds(req);
      if (!found) return reply.callNotFound();
      const body = (req.body ?? {}) as Record<string, string>;
      const result = await campaigns.updateEvent(db, clock, req.staff!, found.campaign.id, found.event.id, body);
      if (!result.ok) {
        if (result.kind === 'not_found') return reply.callNotFound();
        return reply.page(
          <AdminEventEditPage
            ctx={req.pageContext()}
            campaign={found.campaign}
            event={found.event}
            values={body}
            errors={errorsOf(result)}
          />,
          statusOf(result),
        );
      }
      // The campaign page and its events.ics both carry the campaign's tag.
      await invalidateCampaign(found.campaign.id);
      return reply.redirect(`/admin/campaigns/${found.campaign.id}?saved=1`, 303);
    },
  );

  app.post(
    '/admin/campaigns/:id/events/:eventId/delete',
    { preHandler: requireStaff('campaigns.edit') },
    async (req, reply) => {
      const { id, eventId } = req.params as { id: string; eventId: string };
      const cid = intParam(id);
      const eid = intParam(eventId);
      if (cid === undefined || eid === undefined) return reply.callNotFound();
      const result = await campaigns.removeEvent(db, req.staff!, cid, eid);
      if (!result.ok) return reply.callNotFound();
      await invalidateCampaign(cid);
      return reply.redirect(`/admin/campaigns/${cid}?saved=1`, 303);
    },
  );

  app.get('/admin/campaigns/:id/pledges', { preHandler: requireStaff('pledges.moderate') }, async (req, reply) => {
    const id = intParam((req.params as { id: string }).id);
    const campaign = id === undefined ? undefined : await campaigns.findCampaignById(db, id);
    if (!campaign) return reply.callNotFound();
    const q = req.query as { done?: string };
    return reply.page(
      <AdminModerationPage
        ctx={req.pageContext()}
        campaign={campaign}
        pending={await campaigns.listPledgesByStatus(db, campaign.id, 'pending')}
        approved={await campaigns.listPledgesByStatus(db, campaign.id, 'approved')}
        notice={q.done ? 'Done.' : undefined}
      />,
    );
  });

  app.post(
    '/admin/campaigns/:id/pledges/:pledgeId',
    { preHandler: requireStaff('pledges.moderate') },
    async (req, reply) => {
      const { id, pledgeId } = req.params as { id: string; pledgeId: string };
      const cid = intParam(id);
      const pid = intParam(pledgeId);
      const action = (req.body as { action?: string } | undefined)?.action;
      if (cid === undefined || pid === undefined) return reply.callNotFound();
      if (!MODERATION_ACTIONS.includes(action as ModerationAction))
        return reply.code(400).send('Unknown moderation action.');
      const result = await campaigns.moderatePledge(db, clock, req.staff!, cid, pid, action as ModerationAction);
      if (!result.ok) {
        if (result.kind === 'not_found') return reply.callNotFound();
        return reply.code(statusOf(result)).send(result.message);
      }
      await invalidateCampaign(cid);
      return reply.redirect(`/admin/campaigns/${cid}/pledges?done=1#pledge-${pid}`, 303);
    },
  );
}
