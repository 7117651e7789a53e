import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PURGE_EVERY_MS } from '../../core/antispam/retention.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { FEED_CONTENT_TYPES } from '../../core/feeds.ts';
import {
  FormList,
  FormText,
  Id,
  PageNumber,
  Slug,
  SlugParams,
  Type,
  typed,
  type App,
  type Static,
} from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { fieldErrorsOf, type FieldErrors } from '../../core/result.ts';
import type { PageContext } from '../../core/views/context.ts';
import { renderDocument } from '../../core/views/render.ts';
import { campaignStaffRoutes } from './admin-routes.tsx';
import {
  calendarOf,
  campaignPage,
  campaignsByPhase,
  MAX_CACHE_MS,
  msUntilNextCampaignBoundary,
  pageTtlMs,
  pledgeFeedOf,
  runningCampaigns,
  SingleFlight,
  taggedPosts,
  type BoardQuery,
  sitemapCampaigns,
} from './board-service.ts';
import { pledgesAtom } from './feed.ts';
import { eventsCalendar } from './ics.ts';
import { PLEDGE_KINDS } from './kinds.ts';
import { t } from './messages.ts';
import {
  createPledgeService,
  deletePledgeWithToken,
  editPledgeWithToken,
  pledgeForToken,
  purgeRejectedPledges,
  refusalOf,
  submitPledge,
  type PledgeService,
} from './pledge-service.ts';
import {
  CampaignBanner,
  CampaignListPage,
  CampaignPageView,
  PledgeDeletedPage,
  PledgeThanksPage,
  PrivatePledgePage,
  type PledgeFormValues,
} from './views.tsx';

/*
 * Campaigns in public: campaign pages with their board (and the home banner), sending a pledge and
 * "me too", the private link to one's own pledge, and the calendar and feed. Staff pages are in
 * admin-routes.tsx. The state these routes need lives in services made once per app here.
 */
interface RenderedCampaign {
  html: string;
  campaignId: number;
  ttlMs: number;
}

interface CampaignServices {
  pledges: PledgeService;
  /** Anonymous GETs of one campaign page that miss the cache at the same moment share one render. */
  renders: SingleFlight<RenderedCampaign | undefined>;
}

type WithServices = { services: CampaignServices };

/** The entry plugin server.ts registers. */
export async function campaignRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const { db, clock, pageCache, guards } = app.deps;
  const onError = (err: Error) => app.log.error({ err: { message: err.message } }, 'me-too refresh failed');
  const services: CampaignServices = {
    pledges: createPledgeService({ db, clock, pageCache, guards, onError }),
    renders: new SingleFlight(),
  };
  app.addHook('onClose', () => services.pledges.meToo.flush());
  // Retention: rejected and spam pledges go after the period comments use.
  app.deps.jobs.every('pledge purge', PURGE_EVERY_MS, () => purgeRejectedPledges(db, clock));

  await app.register(campaignPageRoutes, { services });
  await app.register(pledgeBoardRoutes, { services });
  await app.register(privateLinkRoutes);
  await app.register(campaignFeedRoutes);
  await app.register(campaignStaffRoutes);
}

// ── campaign pages ──────────────────────────────────────────────────────────

const BoardQuerystring = Type.Object({
  // The filter form sends "" for "all days" and "all kinds".
  day: Type.Optional(Type.Union([Type.Literal(''), Type.Integer({ minimum: 1, maximum: 366 })])),
  kind: Type.Optional(Type.Union([Type.Literal(''), Type.Enum([...PLEDGE_KINDS])])),
  page: Type.Optional(PageNumber),
});

const boardQuery = (q: Static<typeof BoardQuerystring>): BoardQuery => ({
  day: q.day || undefined,
  kind: q.kind || undefined,
  page: q.page,
});

interface PledgeFormState {
  values: PledgeFormValues;
  errors: FieldErrors;
}

async function renderCampaign(
  app: App,
  ctx: PageContext,
  slug: string,
  query: BoardQuery,
  form?: PledgeFormState,
): Promise<RenderedCampaign | undefined> {
  const { db, clock } = app.deps;
  const data = await campaignPage(db, clock, slug, query);
  if (!data.ok) return undefined;
  const { campaign } = data.value;
  const posts = await taggedPosts(db, clock, campaign);
  const html = renderDocument(<CampaignPageView ctx={ctx} data={data.value} posts={posts} form={form} />);
  return { html, campaignId: campaign.id, ttlMs: pageTtlMs(campaign, clock) };
}

/** Sends a campaign's page; with a form state, the page re-shown after a refused pledge. */
function campaignPageSender(app: App, renders: CampaignServices['renders']) {
  return async (req: FastifyRequest, reply: FastifyReply, slug: string, query: BoardQuery, form?: PledgeFormState) => {
    const render = () => renderCampaign(app, req.pageContext(), slug, query, form);
    // Only what the cache would store is shared: anonymous GETs, never a page with someone's form.
    const shareable = !form && req.method === 'GET' && !!req.cacheTags && !req.staff;
    const page = await (shareable ? renders.run(req.url, render) : render());
    if (!page) return reply.callNotFound();
    req.cacheTags?.push(cacheTags.campaign(page.campaignId));
    req.cacheTtlMs = page.ttlMs;
    return reply.type('text/html; charset=utf-8').send(page.html);
  };
}

/** The home page's banner while a campaign runs; the cached home page must not outlive local midnight. */
async function homeBanner(app: App, ctx: PageContext, req: FastifyRequest | undefined) {
  const { db, clock } = app.deps;
  const running = await runningCampaigns(db, clock);
  const untilMidnight = await msUntilNextCampaignBoundary(db, clock);
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
}

/** The list of campaigns and each campaign's page with its board. */
async function campaignPageRoutes(app: App, { services }: WithServices) {
  const { db, clock } = app.deps;
  const sendPage = campaignPageSender(app, services.renders);
  app.deps.registry.homeSections.push({ order: 10, render: (ctx, visit) => homeBanner(app, ctx, visit?.req) });
  app.deps.registry.sitemap.push({
    tags: [cacheTags.campaigns],
    entries: () => sitemapCampaigns(db),
  });

  const listCache = { pageCache: { tags: [cacheTags.campaigns], ttlMs: 60_000 } };
  app.get('/campaigns', { config: listCache }, async (req, reply) =>
    reply.page(<CampaignListPage ctx={req.pageContext()} {...await campaignsByPhase(db, clock)} />),
  );

  app.get(
    '/campaigns/:slug',
    {
      schema: { params: SlugParams, querystring: BoardQuerystring },
      config: { pageCache: { tags: [cacheTags.campaigns, cacheTags.posts] } },
    },
    async (req, reply) => sendPage(req, reply, req.params.slug, boardQuery(req.query)),
  );
}

// ── the pledge board ────────────────────────────────────────────────────────

/** Every field is checked by the service, so a person's mistake comes back with the form kept. */
const PledgeForm = Type.Object({
  action: Type.Optional(FormText(5000)),
  days: Type.Optional(FormList(400, 10)),
  kind: Type.Optional(FormText(100)),
  display_name: Type.Optional(FormText(1000)),
  place: Type.Optional(FormText(1000)),
  link: Type.Optional(FormText(5000)),
  website: Type.Optional(FormText(1000)),
  altcha: Type.Optional(FormText(10_000)),
});

/** Sending a pledge (into moderation) and "me too" on an approved one. */
async function pledgeBoardRoutes(app: App, { services }: WithServices) {
  const { db, clock, config, clientKey } = app.deps;
  const sendPage = campaignPageSender(app, services.renders);

  app.post('/campaigns/:slug/pledges', { schema: { params: SlugParams, body: PledgeForm } }, async (req, reply) => {
    noStore(reply);
    const signals = {
      withinRateLimit: await services.pledges.allowSubmission(await clientKey(req.ip)),
      form: req.body,
      // Without JavaScript there is no solution ("missing"): the pledge still goes to moderation, under the ceiling.
      challenge: await app.proofOfWork.verify(req.body.altcha),
    };
    const result = await submitPledge(db, clock, req.params.slug, req.body, signals, app.unverifiedCeiling);
    if (!result.ok) {
      const { problem, status } = refusalOf(result);
      if (status === 404) return reply.callNotFound();
      const form = { values: req.body, errors: fieldErrorsOf(problem) };
      return sendPage(req, reply.code(status), req.params.slug, {}, form);
    }
    const { token, campaign } = result.value;
    const privateUrl = `${config.publicUrl}/campaigns/pledges/${token}`;
    return reply.page(<PledgeThanksPage ctx={req.pageContext()} campaign={campaign} privateUrl={privateUrl} />, 201);
  });

  app.post(
    '/campaigns/:slug/pledges/:id/me-too',
    {
      schema: { params: Type.Object({ slug: Slug, id: Id }) },
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const { slug, id } = req.params;
      const result = await services.pledges.meToo.click(slug, id, await clientKey(req.ip));
      if (!result.ok) return reply.callNotFound();
      if (req.headers.accept?.includes('application/json')) return noStore(reply).send(result.value);
      return reply.redirect(`/campaigns/${slug}#pledge-${id}`, 303);
    },
  );
}

// ── the private link ────────────────────────────────────────────────────────

/** Its shape is checked by the service: a wrong token is simply not found. */
const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });

/** Seeing, changing (for 15 minutes) and deleting one's own pledge through its private link. */
async function privateLinkRoutes(app: App) {
  const { db, clock, pageCache } = app.deps;
  const ownLimit = { rateLimit: { max: 20, timeWindow: '10 minutes' } };

  app.get('/campaigns/pledges/:token', { schema: { params: TokenParams } }, async (req, reply) => {
    noStore(reply);
    const found = await pledgeForToken(db, clock, req.params.token);
    if (!found.ok) return reply.callNotFound();
    return reply.page(<PrivatePledgePage ctx={req.pageContext()} {...found.value} token={req.params.token} />);
  });

  app.post(
    '/campaigns/pledges/:token',
    { schema: { params: TokenParams, body: PledgeForm }, config: ownLimit },
    async (req, reply) => {
      noStore(reply);
      const { token } = req.params;
      const result = await editPledgeWithToken(db, clock, token, req.body);
      const ctx = req.pageContext();
      if (!result.ok) {
        const { problem, status } = refusalOf(result);
        const found = status === 404 ? undefined : await pledgeForToken(db, clock, token);
        if (!found?.ok) return reply.callNotFound();
        const page = { ...found.value, values: req.body, errors: fieldErrorsOf(problem) };
        return reply.page(<PrivatePledgePage ctx={ctx} {...page} token={token} />, status);
      }
      if (result.value.wasApproved) await pageCache.invalidate(cacheTags.campaign(result.value.campaign.id));
      return reply.page(
        <PrivatePledgePage ctx={ctx} {...result.value} token={token} notice={t(ctx.locale, 'saved')} />,
      );
    },
  );

  app.post(
    '/campaigns/pledges/:token/delete',
    { schema: { params: TokenParams }, config: ownLimit },
    async (req, reply) => {
      noStore(reply);
      const result = await deletePledgeWithToken(db, clock, req.params.token);
      if (!result.ok) return reply.callNotFound();
      await pageCache.invalidate(cacheTags.campaign(result.value.campaign.id));
      return reply.page(<PledgeDeletedPage ctx={req.pageContext()} campaign={result.value.campaign} />);
    },
  );
}

// ── calendar and feed ───────────────────────────────────────────────────────

/** A campaign's events as iCalendar and its approved pledges as Atom, cached under the campaign's tag. */
async function campaignFeedRoutes(app: App) {
  const { db, config } = app.deps;
  const options = { schema: { params: SlugParams }, config: { pageCache: { tags: [cacheTags.campaigns] } } };

  app.get('/campaigns/:slug/events.ics', options, async (req, reply) => {
    const found = await calendarOf(db, req.params.slug);
    if (!found.ok) return reply.callNotFound();
    const { campaign, events } = found.value;
    req.cacheTags?.push(cacheTags.campaign(campaign.id));
    const site = { publicUrl: config.publicUrl, host: new URL(config.publicUrl).host };
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${campaign.slug}.ics"`)
      .send(eventsCalendar(campaign, events, site));
  });

  app.get('/campaigns/:slug/pledges.atom', options, async (req, reply) => {
    const found = await pledgeFeedOf(db, req.params.slug);
    if (!found.ok) return reply.callNotFound();
    const { campaign, pledges } = found.value;
    req.cacheTags?.push(cacheTags.campaign(campaign.id));
    return reply.type(FEED_CONTENT_TYPES.atom).send(pledgesAtom(config.publicUrl, campaign, pledges));
  });
}
