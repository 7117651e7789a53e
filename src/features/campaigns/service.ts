import type { Clock } from '../../core/clock.ts';
import type { Actor } from '../../core/auth/policy.ts';
import { can } from '../../core/auth/policy.ts';
import type { Db, Executor } from '../../core/db/schema.ts';
import { DateTime } from 'luxon';
import { denied, invalid, notFound, ok, type Problem, type Result } from '../../core/result.ts';
import { slugify } from '../../core/auth/service.ts';
import { fingerprintHash } from '../../core/antispam/duplicates.ts';
import { cleanText } from '../../core/antispam/text.ts';
import { findBlockedWord, loadBlockedWords } from '../../core/antispam/blocked-words.ts';
import { PURGE_DAYS, purgeCutoff } from '../../core/antispam/retention.ts';
import { readSetting } from '../../core/settings/index.ts';
import {
  createPrivateToken,
  EDIT_WINDOW_MS,
  editableUntil,
  editMinutesLeft,
  hashPrivateToken,
  isWellFormedToken,
} from '../../core/antispam/private-link.ts';
import {
  campaignLength,
  campaignPhase,
  isIsoDate,
  isTimeZone,
  localDate,
  localToUtc,
  sixteenDaysTemplate,
  type CampaignPhase,
} from './calendar.ts';
import { isPledgeKind } from './messages.ts';
import { checkCityLevelPlace } from './place.ts';
import * as repo from './repo.ts';
import type { BoardFilter, Campaign, CampaignEvent, Pledge, PublicPledge } from './repo.ts';

export type { Campaign, CampaignEvent, Pledge, PublicPledge } from './repo.ts';

export const ACTION_MAX = 280;
export const NAME_MAX = 60;
export const PLACE_MAX = 80;
export const LINK_MAX = 500;

export const BOARD_PAGE_SIZE = 50;

type Fields = Record<string, string>;
const invalidFields = (fields: Fields): { ok: false } & Problem => ({
  ok: false,
  kind: 'invalid',
  message: Object.values(fields)[0] ?? 'Check the form.',
  fields,
});

/** The optional http/https link of a pledge or an event; a problem is written to `fields.link`. */
function readLink(raw: unknown, fields: Fields): string {
  const text = cleanText(raw, { field: 'link', label: 'The link', maxLength: LINK_MAX });
  if (!text.ok) {
    fields.link = text.message;
    return '';
  }
  const checked = checkLink(text.value);
  if (!checked.ok) {
    fields.link = checked.message;
    return '';
  }
  return checked.link;
}

/** Only http(s) addresses with a host; returned normalised, or an error message. */
export function checkLink(
  raw: string,
  label = 'The link',
): { ok: true; link: string } | { ok: false; message: string } {
  const text = raw.trim();
  if (!text) return { ok: true, link: '' };
  if (text.length > LINK_MAX) return { ok: false, message: `${label} must be ${LINK_MAX} characters or fewer.` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `${label} must be a full web address starting with https:// or http://.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return {
      ok: false,
      message: `${label} must start with https:// or http:// (other kinds of links are not accepted).`,
    };
  if (!url.hostname || url.username || url.password)
    return { ok: false, message: `${label} must be a plain web address.` };
  return { ok: true, link: url.href };
}

// ── pledges ─────────────────────────────────────────────────────────────────

export interface PledgeInput {
  action?: unknown;
  days?: unknown;
  kind?: unknown;
  display_name?: unknown;
  place?: unknown;
  link?: unknown;
}

export interface CleanPledge {
  action: string;
  days: number[];
  kind: string;
  displayName: string;
  place: string;
  link: string;
}

export const asList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)];

/** Validates a pledge against its campaign; every problem is reported at once. */
export function validatePledge(campaign: Campaign, input: PledgeInput): Result<CleanPledge> {
  const fields: Fields = {};
  const action = cleanText(input.action, {
    field: 'action',
    label: 'Your action',
    maxLength: ACTION_MAX,
    minLength: 1,
    multiline: false,
  });
  if (!action.ok) fields.action = action.message;
  else if ([...action.value].length < 5) fields.action = 'Say a little more about your action (at least 5 characters).';

  const length = campaignLength(campaign.starts_on, campaign.ends_on);
  const rawDays = asList(input.days);
  const days = [...new Set(rawDays.map((d) => Number(d)))].sort((a, b) => a - b);
  if (rawDays.length === 0) fields.days = 'Choose at least one day.';
  else if (days.some((d) => !Number.isInteger(d) || d < 1 || d > length))
    fields.days = `Days must be between day 1 and day ${length} of this campaign.`;

  if (!isPledgeKind(input.kind)) fields.kind = 'Choose the kind of action.';

  const name = cleanText(input.display_name, { field: 'display_name', label: 'The name', maxLength: NAME_MAX });
  if (!name.ok) fields.display_name = name.message;

  const placeText = cleanText(input.place, { field: 'place', label: 'The place', maxLength: PLACE_MAX });
  let place = '';
  if (!placeText.ok) fields.place = placeText.message;
  else {
    const checked = checkCityLevelPlace(placeText.value);
    if (checked.ok) place = checked.place;
    else
      fields.place = checked.suggestion
        ? `Give only a town or city, not a street address — for example “${checked.suggestion}”.`
        : 'Give only a town or city, not a street address, house number or postcode.';
  }

  const link = readLink(input.link, fields);

  if (Object.keys(fields).length) return invalidFields(fields);
  return ok({
    action: action.ok ? action.value : '',
    days,
    kind: String(input.kind),
    displayName: name.ok ? name.value : '',
    place,
    link,
  });
}

/** The admin-configured blocked words (shared with comments) apply to every text field of a pledge. */
async function blockedWordProblem(db: Db, p: CleanPledge) {
  const word = findBlockedWord([p.action, p.displayName, p.place, p.link], await loadBlockedWords(db));
  return word
    ? invalidFields({ _form: 'Your pledge contains words this site does not publish. Change the text and try again.' })
    : undefined;
}

const daysColumn = (days: number[]) => `,${days.join(',')},`;
/** A checked pledge as its columns, for a new pledge and an edited one alike. */
const pledgeColumns = (p: CleanPledge) => ({
  action: p.action,
  days: daysColumn(p.days),
  kind: p.kind,
  display_name: p.displayName,
  place: p.place,
  link: p.link,
});
export const daysOf = (p: { days: string }) => p.days.split(',').filter(Boolean).map(Number);

/** A new pledge goes to the moderation queue; the private link token is returned once and only its hash kept. */
export async function submitPledge(
  db: Db,
  clock: Clock,
  slug: string,
  input: PledgeInput,
): Promise<Result<{ token: string; pledgeId: number; campaign: Campaign }>> {
  const campaign = await repo.findCampaignBySlug(db, slug);
  if (!campaign) return notFound('campaign');
  if (!campaign.is_board_open || campaignPhase(campaign, clock.now()).phase === 'after') {
    return invalidFields({
      _form: 'This board is closed: it no longer takes new pledges. Your text is kept below if you want to copy it.',
    });
  }
  const clean = validatePledge(campaign, input);
  if (!clean.ok) return clean;
  const blocked = await blockedWordProblem(db, clean.value);
  if (blocked) return blocked;
  const fingerprint = fingerprintHash(clean.value.action);
  if (await repo.fingerprintExists(db, campaign.id, fingerprint)) {
    return invalidFields({
      action:
        'This pledge has already been sent (perhaps the form was sent twice). If it is waiting for moderation, it will appear once approved.',
    });
  }
  const { token, hash } = createPrivateToken();
  const now = clock.now().toISOString();
  const pledgeId = await repo.insertPledge(db, {
    campaign_id: campaign.id,
    ...pledgeColumns(clean.value),
    status: 'pending',
    is_featured: 0,
    me_too_count: 0,
    token_hash: hash,
    fingerprint,
    created_at: now,
    updated_at: now,
    moderated_by: null,
    moderated_at: null,
  });
  return ok({ token, pledgeId, campaign });
}

export async function pledgeForToken(db: Db, token: string): Promise<Result<{ pledge: Pledge; campaign: Campaign }>> {
  if (!isWellFormedToken(token)) return notFound('pledge');
  const pledge = await repo.findPledgeByTokenHash(db, hashPrivateToken(token));
  if (!pledge) return notFound('pledge');
  const campaign = await repo.findCampaignById(db, pledge.campaign_id);
  if (!campaign) return notFound('pledge');
  return ok({ pledge, campaign });
}

/**
 * Like a comment, a pledge can be changed through its private link for the first 15 minutes
 * after it was sent (the window is shared with comments) and deleted at any time.
 */
export interface PledgeEditWindow {
  canEdit: boolean;
  until: string;
  minutesLeft: number;
}

export function pledgeEditWindow(pledge: Pick<Pledge, 'created_at' | 'status'>, now: Date): PledgeEditWindow {
  const until = editableUntil(pledge.created_at);
  const minutesLeft = pledge.status === 'rejected' || pledge.status === 'spam' ? 0 : editMinutesLeft(until, now);
  return { canEdit: minutesLeft > 0, until, minutesLeft };
}

export const EDIT_WINDOW_MINUTES = EDIT_WINDOW_MS / 60_000;

/** The author changes their pledge through the private link (within the window); it goes back to moderation. */
export async function editPledgeWithToken(
  db: Db,
  clock: Clock,
  token: string,
  input: PledgeInput,
): Promise<Result<{ pledge: Pledge; campaign: Campaign; wasApproved: boolean }>> {
  const found = await pledgeForToken(db, token);
  if (!found.ok) return found;
  const { pledge, campaign } = found.value;
  if (pledge.status === 'rejected' || pledge.status === 'spam')
    return invalidFields({
      _form: 'This pledge was not published, so it can no longer be changed. You can still delete it.',
    });
  if (!pledgeEditWindow(pledge, clock.now()).canEdit) {
    return invalidFields({
      _form: `The ${EDIT_WINDOW_MINUTES} minutes for changing this pledge have passed, so nothing was changed. You can still delete it.`,
    });
  }
  const clean = validatePledge(campaign, input);
  if (!clean.ok) return clean;
  const blocked = await blockedWordProblem(db, clean.value);
  if (blocked) return blocked;
  const fingerprint = fingerprintHash(clean.value.action);
  if (await repo.fingerprintExists(db, campaign.id, fingerprint, pledge.id))
    return invalidFields({ action: 'Another pledge on this board already says exactly this.' });
  const now = clock.now().toISOString();
  await repo.updatePledge(db, pledge.id, {
    ...pledgeColumns(clean.value),
    fingerprint,
    status: 'pending',
    is_featured: 0,
    updated_at: now,
  });
  const updated = (await repo.findPledge(db, campaign.id, pledge.id))!;
  return ok({ pledge: updated, campaign, wasApproved: pledge.status === 'approved' });
}

export async function deletePledgeWithToken(db: Db, token: string): Promise<Result<{ campaign: Campaign }>> {
  const found = await pledgeForToken(db, token);
  if (!found.ok) return found;
  await repo.deletePledge(db, found.value.pledge.id);
  return ok({ campaign: found.value.campaign });
}

export type ModerationAction = 'approve' | 'reject' | 'spam' | 'feature' | 'unfeature';
export const MODERATION_ACTIONS: readonly ModerationAction[] = ['approve', 'reject', 'spam', 'feature', 'unfeature'];

export async function moderatePledge(
  db: Db,
  clock: Clock,
  actor: Actor,
  campaignId: number,
  pledgeId: number,
  action: ModerationAction,
): Promise<Result<Pledge>> {
  if (!can(actor, 'pledges.moderate')) return denied();
  return db.transaction().execute(async (tx) => {
    const pledge = await repo.findPledge(tx, campaignId, pledgeId);
    if (!pledge) return notFound('pledge');
    const now = clock.now().toISOString();
    if (action === 'feature' || action === 'unfeature') {
      if (pledge.status !== 'approved') return invalid('Only an approved pledge can be featured.');
      await repo.updatePledge(tx, pledge.id, { is_featured: action === 'feature' ? 1 : 0 });
    } else {
      const status = action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'spam';
      await repo.updatePledge(tx, pledge.id, {
        status,
        is_featured: status === 'approved' ? pledge.is_featured : 0,
        moderated_by: actor.id,
        moderated_at: now,
      });
    }
    await tx
      .insertInto('audit_log')
      .values({
        user_id: actor.id,
        action: `pledge.${action}`,
        subject: `pledge:${pledge.id}`,
        detail: '',
        created_at: now,
      })
      .execute();
    return ok((await repo.findPledge(tx, campaignId, pledgeId))!);
  });
}

/**
 * Retention, the same rule and period as comments (core/antispam/retention.ts): rejected and spam
 * pledges older than the configured period (default 30 days) are deleted.
 */
export async function purgeRejectedPledges(db: Db, clock: Clock, days?: number): Promise<number> {
  const period = days ?? (await readSetting(db, PURGE_DAYS));
  return repo.purgeTurnedDownBefore(db, purgeCutoff(clock, period));
}

/**
 * "Me too" adds one to an approved pledge. Who clicked is never stored: `allowed` is an
 * in-memory check (client key + pledge, once a day) and `record` queues the click for the next
 * batched write; the count returned includes clicks not yet written.
 */
export async function addMeToo(
  db: Db,
  campaignId: number,
  pledgeId: number,
  allowed: (pledgeId: number) => boolean,
  record: (pledgeId: number) => Promise<number>,
  waiting: (pledgeId: number) => number,
): Promise<Result<{ counted: boolean; count: number }>> {
  const pledge = await repo.findPledge(db, campaignId, pledgeId);
  if (!pledge || pledge.status !== 'approved') return notFound('pledge');
  if (!allowed(pledge.id)) return ok({ counted: false, count: pledge.me_too_count + waiting(pledge.id) });
  const queued = await record(pledge.id);
  // After a flush the row already holds this click; before one, it is still queued.
  const fresh = await repo.findPledge(db, campaignId, pledgeId);
  return ok({
    counted: true,
    count: (fresh?.me_too_count ?? pledge.me_too_count) + Math.min(queued, waiting(pledge.id)),
  });
}

// ── campaign page ───────────────────────────────────────────────────────────

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
  counts: Awaited<ReturnType<typeof repo.boardCounts>>;
}

export async function campaignPage(
  db: Db,
  slug: string,
  now: Date,
  filter: BoardFilter,
  page: number,
): Promise<Result<CampaignPage>> {
  const campaign = await repo.findCampaignBySlug(db, slug);
  if (!campaign) return notFound('campaign');
  const length = campaignLength(campaign.starts_on, campaign.ends_on);
  const f: BoardFilter = {
    day: filter.day !== undefined && filter.day >= 1 && filter.day <= length ? filter.day : undefined,
    kind: isPledgeKind(filter.kind) ? filter.kind : undefined,
  };
  const [days, events, counts, matching] = await Promise.all([
    repo.listDays(db, campaign.id),
    repo.listEvents(db, campaign.id),
    repo.boardCounts(db, campaign.id),
    repo.countBoard(db, campaign.id, f),
  ]);
  const pageCount = Math.max(1, Math.ceil(matching / BOARD_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const pledges = await repo.listBoard(db, campaign.id, f, BOARD_PAGE_SIZE, (current - 1) * BOARD_PAGE_SIZE);
  return ok({
    campaign,
    phase: campaignPhase(campaign, now),
    length,
    days,
    events,
    pledges,
    filter: f,
    page: current,
    pageCount,
    matching,
    counts,
  });
}

/** Campaigns whose own local date today lies within their dates. */
export async function runningCampaigns(
  db: Db,
  now: Date,
): Promise<{ campaign: Campaign; day: number; length: number }[]> {
  // A UTC date ±1 covers every zone; the zone check below is exact.
  const candidates = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('starts_on', '<=', new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10))
    .where('ends_on', '>=', new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10))
    .orderBy('starts_on')
    .execute();
  const out: { campaign: Campaign; day: number; length: number }[] = [];
  for (const c of candidates) {
    const p = campaignPhase(c, now);
    if (p.phase === 'running') out.push({ campaign: c, day: p.day, length: campaignLength(c.starts_on, c.ends_on) });
  }
  return out;
}

/** Milliseconds until the next local midnight of a campaign that runs now or starts within two days. */
export async function msUntilNextCampaignBoundary(db: Db, now: Date): Promise<number | undefined> {
  const soon = await db
    .selectFrom('campaigns')
    .select(['time_zone', 'starts_on', 'ends_on'])
    .where('starts_on', '<=', new Date(now.getTime() + 2 * 86_400_000).toISOString().slice(0, 10))
    .where('ends_on', '>=', new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10))
    .execute();
  let min: number | undefined;
  for (const c of soon) {
    const ms =
      DateTime.fromJSDate(now).setZone(c.time_zone).plus({ days: 1 }).startOf('day').toMillis() - now.getTime();
    min = min === undefined ? ms : Math.min(min, ms);
  }
  return min;
}

export const listCampaigns = (db: Db) => repo.listCampaigns(db);
export const findCampaignBySlug = (db: Db, slug: string) => repo.findCampaignBySlug(db, slug);
export const findCampaignById = (db: Db, id: number) => repo.findCampaignById(db, id);
export const listEvents = (db: Db, id: number) => repo.listEvents(db, id);
export const listDays = (db: Db, id: number) => repo.listDays(db, id);
export const recentApproved = (db: Db, id: number, limit = 50) => repo.recentApproved(db, id, limit);
export const pendingCounts = (db: Db) => repo.pendingCounts(db);
export const listPledgesByStatus = (db: Db, id: number, status: Pledge['status']) => repo.listByStatus(db, id, status);

// ── staff: campaigns and events ──────────────────────────────────────────────

export interface CampaignInput {
  title?: unknown;
  slug?: unknown;
  description?: unknown;
  tag_slug?: unknown;
  time_zone?: unknown;
  starts_on?: unknown;
  ends_on?: unknown;
  is_board_open?: unknown;
  themes?: unknown;
}

function validateCampaign(input: CampaignInput): Result<{
  title: string;
  slug: string;
  description: string;
  tagSlug: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
  isBoardOpen: boolean;
  themes: string[];
}> {
  const fields: Fields = {};
  const title = cleanText(input.title, { field: 'title', label: 'The title', maxLength: 120, minLength: 1 });
  if (!title.ok) fields.title = title.message;
  const description = cleanText(input.description, {
    field: 'description',
    label: 'The description',
    maxLength: 4000,
    multiline: true,
  });
  if (!description.ok) fields.description = description.message;
  const slugRaw = typeof input.slug === 'string' && input.slug.trim() ? input.slug : title.ok ? title.value : '';
  const slug = slugify(slugRaw);
  const tagSlug = typeof input.tag_slug === 'string' && input.tag_slug.trim() ? slugify(input.tag_slug) : slug;
  const timeZone = typeof input.time_zone === 'string' ? input.time_zone.trim() : '';
  if (!isTimeZone(timeZone)) fields.time_zone = 'Give a time zone such as Europe/London or America/Toronto.';
  const startsOn = String(input.starts_on ?? '');
  const endsOn = String(input.ends_on ?? '');
  if (!isIsoDate(startsOn)) fields.starts_on = 'Give the first day as a date (YYYY-MM-DD).';
  if (!isIsoDate(endsOn)) fields.ends_on = 'Give the last day as a date (YYYY-MM-DD).';
  else if (isIsoDate(startsOn) && (endsOn < startsOn || campaignLength(startsOn, endsOn) > 366))
    fields.ends_on = 'The last day must be on or after the first day, within a year.';
  const themes = asList(input.themes).map((th) =>
    th
      .replace(/[\u0000-\u001F\u007F]/g, ' ')
      .trim()
      .slice(0, 200),
  );
  if (Object.keys(fields).length) return invalidFields(fields);
  const length = campaignLength(startsOn, endsOn);
  return ok({
    title: title.ok ? title.value : '',
    slug,
    description: description.ok ? description.value : '',
    tagSlug,
    timeZone,
    startsOn,
    endsOn,
    isBoardOpen:
      input.is_board_open === undefined
        ? true
        : asList(input.is_board_open).some((x) => ['1', 'on', 'true'].includes(x)),
    themes: Array.from({ length }, (_, i) => themes[i] ?? ''),
  });
}

/** Creates a campaign, blank or from the "16 Days of Activism" template for a year. */
export async function createCampaign(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { template: 'sixteen-days'; year: number; timeZone: string } | { template: 'blank'; fields: CampaignInput },
): Promise<Result<Campaign>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  let fields: CampaignInput;
  if (input.template === 'sixteen-days') {
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2200)
      return invalidFields({ year: 'Give a year between 2000 and 2200.' });
    const tpl = sixteenDaysTemplate(input.year);
    fields = {
      title: tpl.title,
      slug: tpl.slug,
      description: tpl.description,
      tag_slug: tpl.tagSlug,
      time_zone: input.timeZone,
      starts_on: tpl.startsOn,
      ends_on: tpl.endsOn,
      themes: tpl.themes,
    };
  } else fields = input.fields;
  const clean = validateCampaign(fields);
  if (!clean.ok) return clean;
  const v = clean.value;
  if (v.slug === 'pledges' || (await repo.slugTaken(db, v.slug)))
    return invalidFields({ slug: `A campaign with the address /campaigns/${v.slug} already exists.` });
  const now = clock.now().toISOString();
  const id = await db.transaction().execute(async (tx) => {
    const id = await repo.insertCampaign(tx, {
      slug: v.slug,
      title: v.title,
      description: v.description,
      tag_slug: v.tagSlug,
      time_zone: v.timeZone,
      starts_on: v.startsOn,
      ends_on: v.endsOn,
      is_board_open: v.isBoardOpen ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    await repo.replaceDays(tx, id, v.themes);
    await tx
      .insertInto('audit_log')
      .values({
        user_id: actor.id,
        action: 'campaign.create',
        subject: `campaign:${id}`,
        detail: v.slug,
        created_at: now,
      })
      .execute();
    return id;
  });
  return ok((await repo.findCampaignById(db, id))!);
}

export async function updateCampaign(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number,
  input: CampaignInput,
): Promise<Result<Campaign>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const existing = await repo.findCampaignById(db, id);
  if (!existing) return notFound('campaign');
  const clean = validateCampaign(input);
  if (!clean.ok) return clean;
  const v = clean.value;
  if (v.slug === 'pledges' || (await repo.slugTaken(db, v.slug, id)))
    return invalidFields({ slug: `A campaign with the address /campaigns/${v.slug} already exists.` });
  const now = clock.now().toISOString();
  await db.transaction().execute(async (tx) => {
    await repo.updateCampaign(tx, id, {
      slug: v.slug,
      title: v.title,
      description: v.description,
      tag_slug: v.tagSlug,
      time_zone: v.timeZone,
      starts_on: v.startsOn,
      ends_on: v.endsOn,
      is_board_open: v.isBoardOpen ? 1 : 0,
      updated_at: now,
    });
    await repo.replaceDays(tx, id, v.themes);
    await tx
      .insertInto('audit_log')
      .values({ user_id: actor.id, action: 'campaign.update', subject: `campaign:${id}`, detail: '', created_at: now })
      .execute();
  });
  return ok((await repo.findCampaignById(db, id))!);
}

export async function setBoardOpen(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number,
  open: boolean,
): Promise<Result<Campaign>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const existing = await repo.findCampaignById(db, id);
  if (!existing) return notFound('campaign');
  await repo.updateCampaign(db, id, { is_board_open: open ? 1 : 0, updated_at: clock.now().toISOString() });
  return ok((await repo.findCampaignById(db, id))!);
}

export interface EventInput {
  title?: unknown;
  description?: unknown;
  starts_at?: unknown;
  ends_at?: unknown;
  place?: unknown;
  link?: unknown;
}

type CleanEvent = Omit<CampaignEvent, 'id' | 'campaign_id' | 'created_at'>;

/** The same rules for adding and editing an event; times are the campaign's local time. */
function validateEvent(campaign: Campaign, input: EventInput): Result<CleanEvent> {
  const fields: Fields = {};
  const title = cleanText(input.title, { field: 'title', label: 'The title', maxLength: 150, minLength: 1 });
  if (!title.ok) fields.title = title.message;
  const description = cleanText(input.description, {
    field: 'description',
    label: 'The description',
    maxLength: 2000,
    multiline: true,
  });
  if (!description.ok) fields.description = description.message;
  const startsAt = typeof input.starts_at === 'string' ? localToUtc(input.starts_at, campaign.time_zone) : undefined;
  const endsAt =
    typeof input.ends_at === 'string' && input.ends_at
      ? localToUtc(input.ends_at, campaign.time_zone)
      : startsAt && new Date(new Date(startsAt).getTime() + 3600_000).toISOString().replace('.000', '');
  if (!startsAt) fields.starts_at = 'Give the start as a date and time.';
  if (!endsAt) fields.ends_at = 'Give the end as a date and time.';
  else if (startsAt && endsAt <= startsAt) fields.ends_at = 'The end must be after the start.';
  const placeText = cleanText(input.place, { field: 'place', label: 'The place', maxLength: PLACE_MAX });
  let place = '';
  if (!placeText.ok) fields.place = placeText.message;
  else if (placeText.value) {
    const checked = checkCityLevelPlace(placeText.value);
    if (checked.ok) place = checked.place;
    else fields.place = 'Give a town or city or “Online” — share exact venues privately with people who sign up.';
  }
  const link = readLink(input.link, fields);
  if (Object.keys(fields).length) return invalidFields(fields);
  return ok({
    title: title.ok ? title.value : '',
    description: description.ok ? description.value : '',
    starts_at: startsAt!,
    ends_at: endsAt!,
    place,
    link,
  });
}

/** Events are entered in the campaign's local time and stored as UTC instants. */
export async function addEvent(
  db: Db,
  clock: Clock,
  actor: Actor,
  campaignId: number,
  input: EventInput,
): Promise<Result<CampaignEvent>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const campaign = await repo.findCampaignById(db, campaignId);
  if (!campaign) return notFound('campaign');
  const clean = validateEvent(campaign, input);
  if (!clean.ok) return clean;
  const id = await repo.insertEvent(db, {
    campaign_id: campaignId,
    ...clean.value,
    created_at: clock.now().toISOString(),
  });
  return ok((await repo.listEvents(db, campaignId)).find((e) => e.id === id)!);
}

export const findEvent = (db: Db, campaignId: number, eventId: number) => repo.findEvent(db, campaignId, eventId);

/** Staff change an event's title, time, place, link or description: the same rules as adding, and an audit entry. */
export async function updateEvent(
  db: Db,
  clock: Clock,
  actor: Actor,
  campaignId: number,
  eventId: number,
  input: EventInput,
): Promise<Result<CampaignEvent>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const campaign = await repo.findCampaignById(db, campaignId);
  if (!campaign) return notFound('campaign');
  const existing = await repo.findEvent(db, campaignId, eventId);
  if (!existing) return notFound('event');
  const clean = validateEvent(campaign, input);
  if (!clean.ok) return clean;
  const now = clock.now().toISOString();
  await db.transaction().execute(async (tx) => {
    await repo.updateEvent(tx, campaignId, eventId, clean.value);
    await tx
      .insertInto('audit_log')
      .values({
        user_id: actor.id,
        action: 'campaign.event.update',
        subject: `campaign_event:${eventId}`,
        detail: `campaign:${campaignId}`,
        created_at: now,
      })
      .execute();
  });
  return ok((await repo.findEvent(db, campaignId, eventId))!);
}

export async function removeEvent(db: Db, actor: Actor, campaignId: number, eventId: number): Promise<Result<true>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const r = await repo.deleteEvent(db, campaignId, eventId);
  return Number(r.numDeletedRows) ? ok(true) : notFound('event');
}

export { localDate };
export type { Executor };
