import { loadBlockedWords } from '../../core/antispam/blocked-words.ts';
import { applyUnverifiedCeiling, type UnverifiedCeiling } from '../../core/antispam/ceiling.ts';
import { fingerprintHash } from '../../core/antispam/duplicates.ts';
import {
  createPrivateToken,
  EDIT_WINDOW_MS,
  editableUntil,
  editMinutesLeft,
  hashPrivateToken,
  isWellFormedToken,
} from '../../core/antispam/private-link.ts';
import { PURGE_DAYS, purgeCutoff } from '../../core/antispam/retention.ts';
import { cleanText } from '../../core/antispam/text.ts';
import { judgeSubmission, type Refusal, type SubmissionSignals } from '../../core/antispam/verdict.ts';
import { recordAudit } from '../../core/audit/index.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import type { PageCache } from '../../core/cache/page-cache.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, PledgeStatus } from '../../core/db/schema.ts';
import type { GuardStore } from '../../core/guards/store.ts';
import { createRateLimiter } from '../../core/limits.ts';
import { pageWindow, toPage, type Page } from '../../core/pagination.ts';
import { readSetting } from '../../core/settings/index.ts';
import {
  denied,
  invalid,
  invalidFields,
  notFound,
  ok,
  statusOf,
  type Failure,
  type FieldErrors,
  type Problem,
  type Result,
} from '../../core/result.ts';
import { campaignLength, campaignPhase } from './calendar.ts';
import { isPledgeKind } from './kinds.ts';
import { readLink } from './link.ts';
import { createMeTooCounter, type MeTooCounter } from './me-too.ts';
import { msg } from './messages.ts';
import { checkCityLevelPlace } from './place.ts';
import * as pledgeRepo from './pledge-repo.ts';
import type { Pledge, PublicPledge } from './pledge-repo.ts';
import * as repo from './repo.ts';
import type { Campaign } from './repo.ts';

/*
 * Pledges: what a reader sends to a board, the private link that lets them change it for a while
 * and delete it at any time, moderation, and retention. Readers' pledges are judged by the one
 * anti-spam verdict shared with comments (core/antispam/verdict.ts).
 */
export const ACTION_MAX = 280;
export const NAME_MAX = 60;
export const PLACE_MAX = 80;
export { LINK_MAX } from './link.ts';

export interface PledgeInput {
  action?: string;
  days?: readonly string[];
  kind?: string;
  display_name?: string;
  place?: string;
  link?: string;
}

export interface CleanPledge {
  action: string;
  days: number[];
  kind: string;
  displayName: string;
  place: string;
  link: string;
}

/** Day numbers from the ",1,5,16," column. */
export const daysOf = (p: { days: string }) => p.days.split(',').filter(Boolean).map(Number);

/** A city-level place or '' ; a problem is written to `fields.place`. */
function readPlace(raw: unknown, fields: FieldErrors): string {
  const text = cleanText(raw, { field: 'place', label: msg('placeLabel'), maxLength: PLACE_MAX });
  if (!text.ok) {
    fields.place = text.message;
    return '';
  }
  const checked = checkCityLevelPlace(text.value);
  if (checked.ok) return checked.place;
  fields.place = checked.suggestion ? msg('placeStreetSuggestion', { city: checked.suggestion }) : msg('placeStreet');
  return '';
}

/** The chosen days, checked against the campaign's length; a problem is written to `fields.days`. */
function readDays(raw: readonly string[] | undefined, length: number, fields: FieldErrors): number[] {
  const days = [...new Set((raw ?? []).map((d) => Number(d)))].sort((a, b) => a - b);
  if (!raw?.length) fields.days = msg('daysRequired');
  else if (days.some((d) => !Number.isInteger(d) || d < 1 || d > length))
    fields.days = msg('daysOutOfRange', { length });
  return days;
}

/** Validates a pledge against its campaign; every problem is reported at once. */
export function validatePledge(campaign: Campaign, input: PledgeInput): Result<CleanPledge> {
  const fields: FieldErrors = {};
  const rules = { field: 'action', label: msg('actionLabel'), maxLength: ACTION_MAX, minLength: 1 };
  const action = cleanText(input.action, rules);
  if (!action.ok) fields.action = action.message;
  else if ([...action.value].length < 5) fields.action = msg('actionTooShort');
  const days = readDays(input.days, campaignLength(campaign.starts_on, campaign.ends_on), fields);
  if (!isPledgeKind(input.kind)) fields.kind = msg('kindRequired');
  const name = cleanText(input.display_name, { field: 'display_name', label: msg('nameLabel'), maxLength: NAME_MAX });
  if (!name.ok) fields.display_name = name.message;
  const place = readPlace(input.place, fields);
  const link = readLink(input.link, fields);
  if (Object.keys(fields).length || !action.ok || !name.ok || !isPledgeKind(input.kind)) return invalidFields(fields);
  return ok({ action: action.value, days, kind: input.kind, displayName: name.value, place, link });
}

/** A checked pledge as its columns, for a new pledge and an edited one alike. */
const pledgeColumns = (p: CleanPledge) => ({
  action: p.action,
  days: `,${p.days.join(',')},`,
  kind: p.kind,
  display_name: p.displayName,
  place: p.place,
  link: p.link,
  fingerprint: fingerprintHash(p.action),
});

/** What the route gathered about a submission for the anti-spam verdict. */
export type PledgeSignals = Pick<SubmissionSignals, 'withinRateLimit' | 'form' | 'challenge'>;

/**
 * The one anti-spam verdict on a pledge: blocked words in every text a person chose, and the same
 * action already pending or approved on this board. Text that did not pass validation is not
 * judged (its own problems are reported), but the limit, honeypot and challenge still are.
 */
async function judgePledge(
  db: Db,
  campaignId: number,
  clean: Result<CleanPledge>,
  signals: PledgeSignals,
  exceptId?: number,
) {
  const p = clean.ok ? clean.value : undefined;
  const duplicate = !!p && (await pledgeRepo.fingerprintExists(db, campaignId, fingerprintHash(p.action), exceptId));
  return judgeSubmission(
    { ...signals, texts: p ? [p.action, p.displayName, p.place, p.link] : [], duplicate },
    { blockedWords: await loadBlockedWords(db), fields: { duplicate: 'action' } },
  );
}

/** A problem for the form and the status to answer with: a refusal of the verdict (429 over the limit) or a service problem. */
export function refusalOf(failure: Failure | Refusal): { problem: Problem; status: number } {
  return 'problem' in failure ? failure : { problem: failure, status: statusOf(failure) };
}

export interface SubmittedPledge {
  /** The private link's token: shown once, only its hash is kept. */
  token: string;
  pledgeId: number;
  campaign: Campaign;
}

const boardTakesPledges = (campaign: Campaign, clock: Clock) =>
  !!campaign.is_board_open && campaignPhase(campaign, clock.now()).phase !== 'after';

/**
 * A new pledge goes to the moderation queue (pledges have one: both verdict queues are `pending`).
 * One sent without a proof of work also takes a place under the site-wide ceiling (shared with
 * comments), last, so a pledge refused for another reason does not use one up.
 */
export async function submitPledge(
  db: Db,
  clock: Clock,
  slug: string,
  input: PledgeInput,
  signals: PledgeSignals,
  ceiling: UnverifiedCeiling,
): Promise<Result<SubmittedPledge> | Refusal> {
  const campaign = await repo.findCampaignBySlug(db, slug);
  if (!campaign) return notFound(msg('campaignNotFound'));
  const clean = validatePledge(campaign, input);
  const verdict = await judgePledge(db, campaign.id, clean, signals);
  if (!verdict.ok) return verdict;
  if (!boardTakesPledges(campaign, clock)) return invalid(msg('boardClosedKept'));
  if (!clean.ok) return clean;
  const admitted = await applyUnverifiedCeiling(verdict, ceiling);
  if (!admitted.ok) return admitted;
  const { token, hash } = createPrivateToken();
  const now = clock.now().toISOString();
  const pledgeId = await pledgeRepo.insertPledge(db, {
    campaign_id: campaign.id,
    ...pledgeColumns(clean.value),
    status: 'pending',
    is_featured: 0,
    me_too_count: 0,
    token_hash: hash,
    created_at: now,
    updated_at: now,
    moderated_by: null,
    moderated_at: null,
  });
  return ok({ token, pledgeId, campaign });
}

// ── the private link ────────────────────────────────────────────────────────

/**
 * Like a comment, a pledge can be changed through its private link for the first 15 minutes
 * after it was sent (the window is shared with comments) and deleted at any time.
 */
export interface PledgeEditWindow {
  canEdit: boolean;
  until: string;
  minutesLeft: number;
}

export const EDIT_WINDOW_MINUTES = EDIT_WINDOW_MS / 60_000;

export function pledgeEditWindow(pledge: Pick<Pledge, 'created_at' | 'status'>, clock: Clock): PledgeEditWindow {
  const until = editableUntil(pledge.created_at);
  const turnedDown = pledge.status === 'rejected' || pledge.status === 'spam';
  const minutesLeft = turnedDown ? 0 : editMinutesLeft(until, clock.now());
  return { canEdit: minutesLeft > 0, until, minutesLeft };
}

/** Everything the private page shows about one's own pledge. */
export interface OwnPledge {
  pledge: Pledge;
  campaign: Campaign;
  length: number;
  editWindow: PledgeEditWindow;
}

export async function pledgeForToken(db: Db, clock: Clock, token: string): Promise<Result<OwnPledge>> {
  if (!isWellFormedToken(token)) return notFound(msg('pledgeNotFound'));
  const pledge = await pledgeRepo.findPledgeByTokenHash(db, hashPrivateToken(token));
  const campaign = pledge && (await repo.findCampaignById(db, pledge.campaign_id));
  if (!pledge || !campaign) return notFound(msg('pledgeNotFound'));
  const length = campaignLength(campaign.starts_on, campaign.ends_on);
  return ok({ pledge, campaign, length, editWindow: pledgeEditWindow(pledge, clock) });
}

// An edit through the private link: the route's own limit applies, and the edit form has neither a
// honeypot nor a proof of work ("missing": the one pledge queue takes it either way).
const EDIT_SIGNALS: PledgeSignals = { withinRateLimit: true, form: null, challenge: 'missing' };

/** The author changes their pledge through the private link (within the window); it goes back to moderation. */
export async function editPledgeWithToken(
  db: Db,
  clock: Clock,
  token: string,
  input: PledgeInput,
): Promise<Result<OwnPledge & { wasApproved: boolean }> | Refusal> {
  const found = await pledgeForToken(db, clock, token);
  if (!found.ok) return found;
  const { pledge, campaign } = found.value;
  if (pledge.status === 'rejected' || pledge.status === 'spam') return invalid(msg('notPublishedNoEdit'));
  if (!found.value.editWindow.canEdit) return invalid(msg('editWindowPassed', { minutes: EDIT_WINDOW_MINUTES }));
  const clean = validatePledge(campaign, input);
  if (!clean.ok) return clean;
  const verdict = await judgePledge(db, campaign.id, clean, EDIT_SIGNALS, pledge.id);
  if (!verdict.ok) return verdict;
  await pledgeRepo.updatePledge(db, pledge.id, {
    ...pledgeColumns(clean.value),
    status: 'pending',
    is_featured: 0,
    updated_at: clock.now().toISOString(),
  });
  const updated = await pledgeForToken(db, clock, token);
  if (!updated.ok) return updated;
  return ok({ ...updated.value, wasApproved: pledge.status === 'approved' });
}

export async function deletePledgeWithToken(
  db: Db,
  clock: Clock,
  token: string,
): Promise<Result<{ campaign: Campaign }>> {
  const found = await pledgeForToken(db, clock, token);
  if (!found.ok) return found;
  await pledgeRepo.deletePledge(db, found.value.pledge.id);
  return ok({ campaign: found.value.campaign });
}

// ── moderation ──────────────────────────────────────────────────────────────

export const MODERATION_ACTIONS = ['approve', 'reject', 'spam', 'feature', 'unfeature'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

const STATUS_OF: Record<'approve' | 'reject' | 'spam', PledgeStatus> = {
  approve: 'approved',
  reject: 'rejected',
  spam: 'spam',
};

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
    const pledge = await pledgeRepo.findPledge(tx, campaignId, pledgeId);
    if (!pledge) return notFound(msg('pledgeNotFound'));
    if (action === 'feature' || action === 'unfeature') {
      if (pledge.status !== 'approved') return invalid(msg('featureNeedsApproval'));
      await pledgeRepo.updatePledge(tx, pledge.id, { is_featured: action === 'feature' ? 1 : 0 });
    } else {
      const status = STATUS_OF[action];
      await pledgeRepo.updatePledge(tx, pledge.id, {
        status,
        is_featured: status === 'approved' ? pledge.is_featured : 0,
        moderated_by: actor.id,
        moderated_at: clock.now().toISOString(),
      });
    }
    await recordAudit(tx, clock, { actorId: actor.id, action: `pledge.${action}`, subject: `pledge:${pledge.id}` });
    return ok((await pledgeRepo.findPledge(tx, campaignId, pledgeId))!);
  });
}

/** Pledges per page of the staff lists (the queue and the board are paged separately). */
export const MODERATION_PAGE_SIZE = 50;

async function pledgePage(db: Db, campaignId: number, status: PledgeStatus, page: number): Promise<Page<PublicPledge>> {
  const request = { page, perPage: MODERATION_PAGE_SIZE };
  const [items, total] = await Promise.all([
    pledgeRepo.listByStatus(db, campaignId, status, pageWindow(request)),
    pledgeRepo.countByStatus(db, campaignId, status),
  ]);
  return toPage(items, total, request);
}

/** A campaign's moderation queue and its board, for staff: one page of each (a page past the end is empty). */
export async function moderationLists(
  db: Db,
  campaignId: number,
  pages: { pending?: number; approved?: number } = {},
): Promise<{ pending: Page<PublicPledge>; approved: Page<PublicPledge> }> {
  const [pending, approved] = await Promise.all([
    pledgePage(db, campaignId, 'pending', pages.pending ?? 1),
    pledgePage(db, campaignId, 'approved', pages.approved ?? 1),
  ]);
  return { pending, approved };
}

/** Pending pledges per campaign id. */
export const pendingCounts = (db: Db) => pledgeRepo.pendingCounts(db);

/** Pledges waiting for a moderator on every board (for /metrics). */
export async function pendingPledgeCount(db: Db): Promise<number> {
  let total = 0;
  for (const n of (await pledgeRepo.pendingCounts(db)).values()) total += n;
  return total;
}

/**
 * Retention, the same rule and period as comments (core/antispam/retention.ts): rejected and spam
 * pledges older than the configured period (default 30 days) are deleted.
 */
export async function purgeRejectedPledges(db: Db, clock: Clock, days?: number): Promise<number> {
  const period = days ?? (await readSetting(db, PURGE_DAYS));
  return pledgeRepo.purgeTurnedDownBefore(db, purgeCutoff(clock, period));
}

// ── per-app state ───────────────────────────────────────────────────────────

/** Pledges a client may send per window, like comments: counted in the shared guard store by client key, on the app clock. */
export const SUBMISSIONS_PER_WINDOW = 10;
const SUBMISSION_WINDOW_MS = 10 * 60_000;

export interface PledgeService {
  /** Counts one pledge sent by a client; false once it is over its limit (the verdict then refuses with 429). */
  allowSubmission(clientKey: string): Promise<boolean>;
  /** "Me too" clicks, once per device and pledge a day, written at once; pages refreshed at most once a second. */
  meToo: MeTooCounter;
}

/** The state of the pledge board for one app: the submission limit and the "me too" counter. */
export function createPledgeService(deps: {
  db: Db;
  clock: Clock;
  pageCache: PageCache;
  guards: GuardStore;
  onError: (err: Error) => void;
}): PledgeService {
  const limiter = createRateLimiter({
    store: deps.guards,
    name: 'pledge',
    max: SUBMISSIONS_PER_WINDOW,
    windowMs: SUBMISSION_WINDOW_MS,
  });
  return { allowSubmission: (clientKey) => limiter.hit(clientKey), meToo: createMeTooCounter(deps) };
}

/** What a campaign's staff page draws: approved pledges per campaign day and per kind, and how many wait. */
export async function pledgeFigures(db: Db, campaign: { id: number; starts_on: string; ends_on: string }) {
  const [counts, waiting] = await Promise.all([
    pledgeRepo.boardCounts(db, campaign.id),
    pledgeRepo.countByStatus(db, campaign.id, 'pending'),
  ]);
  const length = Math.max(campaignLength(campaign.starts_on, campaign.ends_on), 1);
  const perDay = Array.from({ length }, (_, i) => counts.byDay.get(i + 1) ?? 0);
  return { perDay, byKind: counts.byKind, total: counts.total, waiting };
}
export type PledgeFigures = Awaited<ReturnType<typeof pledgeFigures>>;

/** When pledges arrived since a moment, on every board: the staff dashboard draws them per day. */
export const pledgeArrivalsSince = (db: Db, sinceIso: string) => pledgeRepo.arrivalsSince(db, sinceIso);
