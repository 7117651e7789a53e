import { cleanText } from '../../core/antispam/text.ts';
import { recordAudit } from '../../core/audit/index.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import { slugify } from '../../core/auth/service.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, EventRepeat } from '../../core/db/schema.ts';
import { denied, invalid, invalidFields, notFound, ok, type FieldErrors, type Result } from '../../core/result.ts';
import { campaignLength, isIsoDate, isTimeZone, localToUtc, sixteenDaysTemplate } from './calendar.ts';
import { readLink } from './link.ts';
import { msg } from './messages.ts';
import { checkCityLevelPlace } from './place.ts';
import { PLACE_MAX } from './pledge-service.ts';
import * as repo from './repo.ts';
import type { Campaign, CampaignEvent } from './repo.ts';

/*
 * Staff writing campaigns and their events. Days are calendar dates in the campaign's time zone;
 * events are entered in its local time and stored as UTC instants. Every change is audited.
 */
export interface CampaignInput {
  title?: string;
  slug?: string;
  description?: string;
  tag_slug?: string;
  time_zone?: string;
  starts_on?: string;
  ends_on?: string;
  /** Checkbox values ("1") with the hidden "0" beside them; absent means open. */
  is_board_open?: readonly string[];
  themes?: readonly string[];
}

interface CleanCampaign {
  title: string;
  slug: string;
  description: string;
  tagSlug: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
  isBoardOpen: boolean;
  themes: string[];
}

/** The first and last day; problems go to `fields`. */
function readDates(input: CampaignInput, fields: FieldErrors): { startsOn: string; endsOn: string } {
  const startsOn = (input.starts_on ?? '').trim();
  const endsOn = (input.ends_on ?? '').trim();
  if (!isIsoDate(startsOn)) fields.starts_on = msg('startsOnInvalid');
  if (!isIsoDate(endsOn)) fields.ends_on = msg('endsOnInvalid');
  else if (isIsoDate(startsOn) && (endsOn < startsOn || campaignLength(startsOn, endsOn) > 366))
    fields.ends_on = msg('endsOnOutOfRange');
  return { startsOn, endsOn };
}

/** Day themes are single lines of at most 200 characters, one per day of the campaign. */
const cleanThemes = (themes: readonly string[] | undefined, length: number) =>
  Array.from({ length }, (_, i) =>
    (themes?.[i] ?? '')
      .replace(/[\u0000-\u001F\u007F]/g, ' ')
      .trim()
      .slice(0, 200),
  );

const boardOpen = (values: readonly string[] | undefined) =>
  values === undefined || values.some((x) => ['1', 'on', 'true'].includes(x));

function validateCampaign(input: CampaignInput): Result<CleanCampaign> {
  const fields: FieldErrors = {};
  const title = cleanText(input.title, { field: 'title', label: msg('titleLabel'), maxLength: 120, minLength: 1 });
  if (!title.ok) fields.title = title.message;
  const description = cleanText(input.description, {
    field: 'description',
    label: msg('descriptionLabel'),
    maxLength: 4000,
    multiline: true,
  });
  if (!description.ok) fields.description = description.message;
  const slug = slugify(input.slug?.trim() ? input.slug : title.ok ? title.value : '');
  const tagSlug = input.tag_slug?.trim() ? slugify(input.tag_slug) : slug;
  const timeZone = (input.time_zone ?? '').trim();
  if (!isTimeZone(timeZone)) fields.time_zone = msg('timeZoneInvalid');
  const { startsOn, endsOn } = readDates(input, fields);
  if (Object.keys(fields).length || !title.ok || !description.ok) return invalidFields(fields);
  const length = campaignLength(startsOn, endsOn);
  return ok({
    title: title.value,
    slug,
    description: description.value,
    tagSlug,
    timeZone,
    startsOn,
    endsOn,
    isBoardOpen: boardOpen(input.is_board_open),
    themes: cleanThemes(input.themes, length),
  });
}

const campaignColumns = (v: CleanCampaign) => ({
  slug: v.slug,
  title: v.title,
  description: v.description,
  tag_slug: v.tagSlug,
  time_zone: v.timeZone,
  starts_on: v.startsOn,
  ends_on: v.endsOn,
  is_board_open: v.isBoardOpen ? 1 : 0,
});

/** "pledges" is taken by the private links (/campaigns/pledges/…). */
async function slugProblem(db: Db, slug: string, exceptId?: number) {
  return slug === 'pledges' || (await repo.slugTaken(db, slug, exceptId))
    ? invalid(msg('slugTaken', { slug }), 'slug')
    : undefined;
}

export type NewCampaign =
  { template: 'sixteen-days'; year: string; timeZone: string } | { template: 'blank'; fields: CampaignInput };

/** The "16 Days of Activism" template for a year (typed by a person: checked here). */
function fromTemplate(year: string, timeZone: string): Result<CampaignInput> {
  const y = Number(year.trim());
  if (!year.trim() || !Number.isInteger(y) || y < 2000 || y > 2200) return invalid(msg('yearOutOfRange'), 'year');
  const tpl = sixteenDaysTemplate(y);
  return ok({
    title: tpl.title,
    slug: tpl.slug,
    description: tpl.description,
    tag_slug: tpl.tagSlug,
    time_zone: timeZone,
    starts_on: tpl.startsOn,
    ends_on: tpl.endsOn,
    themes: tpl.themes,
  });
}

/** Creates a campaign, blank or from the "16 Days of Activism" template for a year. */
export async function createCampaign(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: NewCampaign,
): Promise<Result<Campaign>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const fields = input.template === 'sixteen-days' ? fromTemplate(input.year, input.timeZone) : ok(input.fields);
  const clean = fields.ok ? validateCampaign(fields.value) : fields;
  if (!clean.ok) return clean;
  const v = clean.value;
  const taken = await slugProblem(db, v.slug);
  if (taken) return taken;
  const now = clock.now().toISOString();
  const id = await db.transaction().execute(async (tx) => {
    const id = await repo.insertCampaign(tx, { ...campaignColumns(v), created_at: now, updated_at: now });
    await repo.replaceDays(tx, id, v.themes);
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: 'campaign.create',
      subject: `campaign:${id}`,
      detail: v.slug,
    });
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
  if (!(await repo.findCampaignById(db, id))) return notFound(msg('campaignNotFound'));
  const clean = validateCampaign(input);
  if (!clean.ok) return clean;
  const v = clean.value;
  const taken = await slugProblem(db, v.slug, id);
  if (taken) return taken;
  await db.transaction().execute(async (tx) => {
    await repo.updateCampaign(tx, id, { ...campaignColumns(v), updated_at: clock.now().toISOString() });
    await repo.replaceDays(tx, id, v.themes);
    await recordAudit(tx, clock, { actorId: actor.id, action: 'campaign.update', subject: `campaign:${id}` });
  });
  return ok((await repo.findCampaignById(db, id))!);
}

/** Closes or reopens a campaign's board (the one-click toggle on the staff list). */
export async function setBoardOpen(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number,
  open: boolean,
): Promise<Result<Campaign>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  if (!(await repo.findCampaignById(db, id))) return notFound(msg('campaignNotFound'));
  await repo.updateCampaign(db, id, { is_board_open: open ? 1 : 0, updated_at: clock.now().toISOString() });
  return ok((await repo.findCampaignById(db, id))!);
}

/** What the staff edit page shows: the campaign, its day themes and its events. */
export async function campaignForEditing(
  db: Db,
  id: number,
): Promise<Result<{ campaign: Campaign; themes: string[]; events: CampaignEvent[] }>> {
  const campaign = await repo.findCampaignById(db, id);
  if (!campaign) return notFound(msg('campaignNotFound'));
  const [days, events] = await Promise.all([repo.listDays(db, id), repo.listEvents(db, id)]);
  return ok({ campaign, themes: days.map((d) => d.theme), events });
}

// ── events ──────────────────────────────────────────────────────────────────

export interface EventInput {
  title?: string;
  description?: string;
  starts_at?: string;
  ends_at?: string;
  place?: string;
  link?: string;
  /** '', 'daily' or 'weekly'. */
  repeat?: string;
  /** How many times in all, when it repeats. */
  repeat_count?: string;
}

/** At most a year of weekly events, or two months of daily ones. */
export const REPEAT_MAX = 60;

type CleanEvent = Omit<CampaignEvent, 'id' | 'campaign_id' | 'created_at'>;

/** Start and end as UTC instants from local times; the end defaults to an hour after the start. */
function readTimes(campaign: Campaign, input: EventInput, fields: FieldErrors) {
  const startsAt = input.starts_at ? localToUtc(input.starts_at, campaign.time_zone) : undefined;
  const endsAt = input.ends_at
    ? localToUtc(input.ends_at, campaign.time_zone)
    : startsAt && new Date(new Date(startsAt).getTime() + 3600_000).toISOString().replace('.000', '');
  if (!startsAt) fields.starts_at = msg('eventStartInvalid');
  if (!endsAt) fields.ends_at = msg('eventEndInvalid');
  else if (startsAt && endsAt <= startsAt) fields.ends_at = msg('eventEndBeforeStart');
  return { startsAt, endsAt };
}

/** A town, a city or "Online": exact venues are shared privately with people who sign up. */
function readEventPlace(raw: string | undefined, fields: FieldErrors): string {
  const text = cleanText(raw, { field: 'place', label: msg('placeLabel'), maxLength: PLACE_MAX });
  if (!text.ok) fields.place = text.message;
  else if (text.value) {
    const checked = checkCityLevelPlace(text.value);
    if (checked.ok) return checked.place;
    fields.place = msg('eventPlace');
  }
  return '';
}

/** How often an event repeats and how many times in all (1 when it does not). */
function readRepeat(input: EventInput, fields: FieldErrors): { repeat: EventRepeat; repeat_count: number } {
  const repeat = input.repeat ?? '';
  if (repeat !== '' && repeat !== 'daily' && repeat !== 'weekly') {
    fields.repeat = msg('eventRepeatInvalid');
    return { repeat: '', repeat_count: 1 };
  }
  if (repeat === '') return { repeat, repeat_count: 1 };
  const raw = (input.repeat_count ?? '').trim();
  const count = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(count >= 2 && count <= REPEAT_MAX)) fields.repeat_count = msg('eventRepeatCount', { max: REPEAT_MAX });
  return { repeat, repeat_count: count };
}

/** The same rules for adding and editing an event. */
function validateEvent(campaign: Campaign, input: EventInput): Result<CleanEvent> {
  const fields: FieldErrors = {};
  const title = cleanText(input.title, { field: 'title', label: msg('titleLabel'), maxLength: 150, minLength: 1 });
  if (!title.ok) fields.title = title.message;
  const description = cleanText(input.description, {
    field: 'description',
    label: msg('descriptionLabel'),
    maxLength: 2000,
    multiline: true,
  });
  if (!description.ok) fields.description = description.message;
  const { startsAt, endsAt } = readTimes(campaign, input, fields);
  const place = readEventPlace(input.place, fields);
  const link = readLink(input.link, fields);
  const repeat = readRepeat(input, fields);
  if (Object.keys(fields).length || !title.ok || !description.ok || !startsAt || !endsAt) return invalidFields(fields);
  return ok({
    title: title.value,
    description: description.value,
    starts_at: startsAt,
    ends_at: endsAt,
    place,
    link,
    ...repeat,
  });
}

export async function addEvent(
  db: Db,
  clock: Clock,
  actor: Actor,
  campaignId: number,
  input: EventInput,
): Promise<Result<CampaignEvent>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const campaign = await repo.findCampaignById(db, campaignId);
  if (!campaign) return notFound(msg('campaignNotFound'));
  const clean = validateEvent(campaign, input);
  if (!clean.ok) return clean;
  const id = await repo.insertEvent(db, {
    campaign_id: campaignId,
    ...clean.value,
    created_at: clock.now().toISOString(),
  });
  return ok((await repo.findEvent(db, campaignId, id))!);
}

/** An event of a campaign, or undefined. */
export const findEvent = (db: Db, campaignId: number, eventId: number) => repo.findEvent(db, campaignId, eventId);

/** An event of a campaign, with its campaign (for the edit page). */
export async function eventForEditing(
  db: Db,
  campaignId: number,
  eventId: number,
): Promise<Result<{ campaign: Campaign; event: CampaignEvent }>> {
  const campaign = await repo.findCampaignById(db, campaignId);
  const event = campaign && (await repo.findEvent(db, campaignId, eventId));
  if (!campaign || !event) return notFound(msg('eventNotFound'));
  return ok({ campaign, event });
}

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
  const found = await eventForEditing(db, campaignId, eventId);
  if (!found.ok) return found;
  const clean = validateEvent(found.value.campaign, input);
  if (!clean.ok) return clean;
  await db.transaction().execute(async (tx) => {
    await repo.updateEvent(tx, campaignId, eventId, clean.value);
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: 'campaign.event.update',
      subject: `campaign_event:${eventId}`,
      detail: `campaign:${campaignId}`,
    });
  });
  return ok((await repo.findEvent(db, campaignId, eventId))!);
}

export async function removeEvent(db: Db, actor: Actor, campaignId: number, eventId: number): Promise<Result<true>> {
  if (!can(actor, 'campaigns.edit')) return denied();
  const r = await repo.deleteEvent(db, campaignId, eventId);
  return Number(r.numDeletedRows) ? ok(true) : notFound(msg('eventNotFound'));
}
