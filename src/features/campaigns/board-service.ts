import { DateTime } from 'luxon';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import { pageCount } from '../../core/pagination.ts';
import { notFound, ok, type Result } from '../../core/result.ts';
import { listPublishedPostsByTag } from '../posts/service.ts';
import { campaignLength, campaignPhase, type CampaignPhase } from './calendar.ts';
import { isPledgeKind } from './kinds.ts';
import { msg } from './messages.ts';
import * as pledgeRepo from './pledge-repo.ts';
import type { BoardFilter, PublicPledge } from './pledge-repo.ts';
import * as repo from './repo.ts';
import type { Campaign, CampaignEvent } from './repo.ts';

/*
 * Reading campaigns in public: the list, a campaign's page with its board, the home banner, the
 * calendar and the feed — and how long each may be cached, since "today is day N" changes at the
 * campaign's local midnight.
 */
export const BOARD_PAGE_SIZE = 50;
/** Cached campaign pages and banners are refreshed at least this often. */
export const MAX_CACHE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export const listCampaigns = (db: Db) => repo.listCampaigns(db);
export const findCampaignBySlug = (db: Db, slug: string) => repo.findCampaignBySlug(db, slug);
export const findCampaignById = (db: Db, id: number) => repo.findCampaignById(db, id);
export const listEvents = (db: Db, campaignId: number) => repo.listEvents(db, campaignId);
export const listDays = (db: Db, campaignId: number) => repo.listDays(db, campaignId);

/**
 * Every campaign by where it stands today: running, coming up (soonest first) and past, with the
 * number of pledges on its board (approved ones: what a visitor can see there).
 */
export async function campaignsByPhase(
  db: Db,
  clock: Clock,
): Promise<{ running: Campaign[]; upcoming: Campaign[]; past: Campaign[]; pledges: Map<number, number> }> {
  const all = await repo.listCampaigns(db);
  const pledges = await pledgeRepo.approvedCounts(db);
  const now = clock.now();
  const phase = (c: Campaign) => campaignPhase(c, now).phase;
  return {
    running: all.filter((c) => phase(c) === 'running'),
    upcoming: all.filter((c) => phase(c) === 'before').reverse(),
    past: all.filter((c) => phase(c) === 'after'),
    pledges,
  };
}

export interface CampaignPage {
  campaign: Campaign;
  phase: CampaignPhase;
  length: number;
  days: { day_number: number; theme: string }[];
  events: CampaignEvent[];
  pledges: PublicPledge[];
  filter: BoardFilter;
  page: number;
  pageCount: number;
  matching: number;
  counts: Awaited<ReturnType<typeof pledgeRepo.boardCounts>>;
}

/** What the board is asked to show: a day outside the campaign or an unknown kind shows every pledge. */
export interface BoardQuery {
  day?: number;
  kind?: string;
  page?: number;
}

export async function campaignPage(
  db: Db,
  clock: Clock,
  slug: string,
  query: BoardQuery,
): Promise<Result<CampaignPage>> {
  const campaign = await repo.findCampaignBySlug(db, slug);
  if (!campaign) return notFound(msg('campaignNotFound'));
  const length = campaignLength(campaign.starts_on, campaign.ends_on);
  const filter: BoardFilter = {
    day: query.day !== undefined && query.day >= 1 && query.day <= length ? query.day : undefined,
    kind: isPledgeKind(query.kind) ? query.kind : undefined,
  };
  const [days, events, counts, matching] = await Promise.all([
    repo.listDays(db, campaign.id),
    repo.listEvents(db, campaign.id),
    pledgeRepo.boardCounts(db, campaign.id),
    pledgeRepo.countBoard(db, campaign.id, filter),
  ]);
  const pages = pageCount(matching, BOARD_PAGE_SIZE);
  // A page past the end shows the last one (links to a board that has shrunk keep working).
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  const offset = (page - 1) * BOARD_PAGE_SIZE;
  const pledges = await pledgeRepo.listBoard(db, campaign.id, filter, BOARD_PAGE_SIZE, offset);
  const phase = campaignPhase(campaign, clock.now());
  return ok({ campaign, phase, length, days, events, pledges, filter, page, pageCount: pages, matching, counts });
}

/** Milliseconds from now to the next local midnight in a zone. */
function msToLocalMidnight(zone: string, now: Date): number {
  return DateTime.fromJSDate(now).setZone(zone).plus({ days: 1 }).startOf('day').toMillis() - now.getTime();
}

/** How long a campaign's page may be cached: never past its local midnight, when "today" changes. */
export function pageTtlMs(campaign: Campaign, clock: Clock): number {
  return Math.max(1000, Math.min(MAX_CACHE_MS, msToLocalMidnight(campaign.time_zone, clock.now())));
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface RunningCampaign {
  campaign: Campaign;
  day: number;
  length: number;
}

/** Campaigns whose own local date today lies within their dates. */
export async function runningCampaigns(db: Db, clock: Clock): Promise<RunningCampaign[]> {
  const now = clock.now();
  // A UTC date ±1 covers every zone; the zone check below is exact.
  const candidates = await repo.campaignsOverlapping(
    db,
    isoDay(now.getTime() - DAY_MS),
    isoDay(now.getTime() + DAY_MS),
  );
  const out: RunningCampaign[] = [];
  for (const c of candidates) {
    const p = campaignPhase(c, now);
    if (p.phase === 'running') out.push({ campaign: c, day: p.day, length: campaignLength(c.starts_on, c.ends_on) });
  }
  return out;
}

/** Milliseconds until the next local midnight of a campaign that runs now or starts within two days. */
export async function msUntilNextCampaignBoundary(db: Db, clock: Clock): Promise<number | undefined> {
  const now = clock.now();
  const soon = await repo.campaignsOverlapping(db, isoDay(now.getTime() - DAY_MS), isoDay(now.getTime() + 2 * DAY_MS));
  const times = soon.map((c) => msToLocalMidnight(c.time_zone, now));
  return times.length ? Math.min(...times) : undefined;
}

/** Published posts tagged for the campaign (the posts feature's own rule for "published"). */
export async function taggedPosts(db: Db, clock: Clock, campaign: Campaign) {
  if (!campaign.tag_slug) return [];
  return listPublishedPostsByTag(db, clock, campaign.tag_slug, 10);
}

/** A campaign and its events, for its calendar. */
export async function calendarOf(
  db: Db,
  slug: string,
): Promise<Result<{ campaign: Campaign; events: CampaignEvent[] }>> {
  const campaign = await repo.findCampaignBySlug(db, slug);
  if (!campaign) return notFound(msg('campaignNotFound'));
  return ok({ campaign, events: await repo.listEvents(db, campaign.id) });
}

/** A campaign and its 50 most recently approved pledges, for its feed. */
export async function pledgeFeedOf(
  db: Db,
  slug: string,
): Promise<Result<{ campaign: Campaign; pledges: PublicPledge[] }>> {
  const campaign = await repo.findCampaignBySlug(db, slug);
  if (!campaign) return notFound(msg('campaignNotFound'));
  return ok({ campaign, pledges: await pledgeRepo.recentApproved(db, campaign.id, 50) });
}

/**
 * Work shared by callers that ask for the same key at the same moment: anonymous GETs of one
 * campaign page that miss the cache together (right after a moderation or a batch of "me too"
 * clicks) wait for one render instead of each doing it. Nothing is kept once the work is done.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (running) return running;
    const started = work();
    this.inflight.set(key, started);
    void started.finally(() => this.inflight.delete(key)).catch(() => {});
    return started;
  }
}

/** Every campaign page for the sitemap (campaigns have no draft state: each one is public), with when it last changed. */
export async function sitemapCampaigns(db: Db): Promise<{ path: string; lastmod: string }[]> {
  return (await repo.listCampaigns(db)).map((c) => ({
    path: `/campaigns/${encodeURIComponent(c.slug)}`,
    lastmod: c.updated_at,
  }));
}
