import type { AppDeps } from '../../core/app.ts';
import { recordAudit } from '../../core/audit/index.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import type { Clock } from '../../core/clock.ts';
import type { CommentStatus, Db, Executor } from '../../core/db/schema.ts';
import {
  applyUnverifiedCeiling,
  cleanText,
  createPrivateToken,
  createRateLimiter,
  EDIT_WINDOW_MS,
  editableUntil,
  findBlockedWord,
  findLinks,
  fingerprintHash,
  hashPrivateToken,
  isWellFormedToken,
  judgeSubmission,
  loadBlockedWords,
  parseBlockedWords,
  saveBlockedWords,
  type RateLimiter,
  type SubmissionSignals,
  type UnverifiedCeiling,
  type Verdict,
  UNVERIFIED_PER_HOUR,
} from '../../core/antispam/index.ts';
import { msg as antispamMsg } from '../../core/antispam/messages.ts';
import { PURGE_DAYS, purgeCutoff } from '../../core/antispam/retention.ts';
import { pageCount, pageWindow } from '../../core/pagination.ts';
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
import { intSetting, readSetting, writeSetting } from '../../core/settings/index.ts';
import { checkUrl } from '../../core/text/urls.ts';
import { submitSuggestion } from '../directory/service.ts';
import { findPublishedPostBySlug, setCommentsClosed as setPostCommentsClosed } from '../posts/service.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';

/*
 * The rules for comments, in words a moderator would recognise. No HTTP, no HTML; time comes
 * from the app clock. Nothing about a writer is stored beyond what they typed. Posts are read and
 * their comments flag is written through the posts service.
 */
export const LIMITS = { name: 60, body: 5000 } as const;
/** The private-link edit window is shared with campaign pledges (core/antispam/private-link.ts). */
export { EDIT_WINDOW_MS };
const DUPLICATE_WINDOW_MS = 7 * 24 * 60 * 60_000;
/** The purge period (PURGE_DAYS) is shared with campaign pledges (core/antispam/retention.ts). */
export const MAX_LINKS = intSetting('comments.max_links', { defaultValue: 3, min: 0, max: 50 });
/** Comments one client may send per 10 minutes; 0 turns the limit off (benchmarks measure without it). */
export const RATE_LIMIT = intSetting('comments.rate_limit_per_10_minutes', { defaultValue: 10, min: 0, max: 100_000 });
const RATE_WINDOW_MS = 10 * 60_000;
/** Anti-spam rules are re-read from settings at most this often (settings saved here drop them at once). */
const RULES_TTL_MS = 10_000;
/** The largest id a comment can have (PostgreSQL `integer`): larger ones are not looked up. */
const MAX_ID = 2_147_483_647;

export type QueueName = repo.QueueName;
export const QUEUE_NAMES = ['pending', 'unverified', 'approved', 'rejected', 'spam'] as const satisfies QueueName[];
export const QUEUE_PAGE_SIZE = 50;

export const MODERATION_ACTIONS = ['approve', 'reject', 'spam'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];
const ACTION_STATUS: Record<ModerationAction, CommentStatus> = {
  approve: 'approved',
  reject: 'rejected',
  spam: 'spam',
};
export const isModerationAction = (v: unknown): v is ModerationAction =>
  (MODERATION_ACTIONS as readonly unknown[]).includes(v);

// ── posts, as comments need them ───────────────────────────────────────────

export interface PostForComments {
  id: number;
  slug: string;
  title: string;
  language: string;
  comments_closed: number;
}

/** A post readers can see now, with what comments need of it; undefined for drafts, future and missing posts. */
export async function findPostForComments(db: Db, clock: Clock, slug: string): Promise<PostForComments | undefined> {
  const post = await findPublishedPostBySlug(db, clock, slug);
  return (
    post && {
      id: post.id,
      slug: post.slug,
      title: post.title,
      language: post.language,
      comments_closed: post.comments_closed,
    }
  );
}

/** Moderators open or close comments on a post; the flag is the post's, so the posts service writes it. */
export const setCommentsClosed = setPostCommentsClosed;

// ── the state of the comment routes: one object per app ───────────────────

export interface SpamRuleSet {
  blockedWords: string[];
  maxLinks: number;
}

export interface CommentsRuntime {
  /** Counts one submission from a client (`deps.clientKey(ip)`); false once it is over the limit. */
  allowSubmission(clientKey: string): Promise<boolean>;
  /** Blocked words and the link limit, re-read from settings at most every 10 seconds (app clock). */
  spamRules(): Promise<SpamRuleSet>;
  /** Saves the anti-spam settings and drops the kept rules (and the ceiling's), so the next submission sees them. */
  saveSettings(actor: Actor, form: SettingsForm): Promise<Result<CommentSettings>>;
  /** Drops the cached pages that show these posts' comments (post pages, feeds, home). */
  postsChanged(postIds: number[]): Promise<void>;
}

/**
 * What the comment routes remember between requests, created once from the app's deps: the
 * submission limiter (in the shared guard store, keyed by the daily-rotating client key, counted on
 * the app clock; its limit is read from settings on first use), a short-lived copy of the anti-spam rules
 * so a burst of comments does not re-read settings each time, and page-cache invalidation. The
 * site-wide ceiling is the app's (shared with pledges); saving the settings here tells it.
 */
export function createCommentsRuntime({
  db,
  clock,
  pageCache,
  ceiling,
  guards,
}: Pick<AppDeps, 'db' | 'clock' | 'pageCache' | 'guards'> & { ceiling: UnverifiedCeiling }) {
  // The promise is kept, not the limiter: submissions arriving while the setting is read share the
  // one limiter being made, instead of each making (and passing) a fresh one.
  let limiter: Promise<RateLimiter> | undefined;
  let rules: { at: number; value: SpamRuleSet } | undefined;
  const runtime: CommentsRuntime = {
    async allowSubmission(clientKey) {
      limiter ??= readSetting(db, RATE_LIMIT).then(
        (max) => createRateLimiter({ store: guards, name: 'comment', max, windowMs: RATE_WINDOW_MS, enabled: max > 0 }),
        (error: unknown) => {
          limiter = undefined; // a failed read is tried again by the next submission
          throw error;
        },
      );
      return (await limiter).hit(clientKey);
    },
    async spamRules() {
      const now = clock.now().getTime();
      if (!rules || now - rules.at > RULES_TTL_MS || now < rules.at) {
        const [blockedWords, settings] = await Promise.all([loadBlockedWords(db), loadCommentSettings(db)]);
        rules = { at: now, value: { blockedWords, maxLinks: settings.maxLinks } };
      }
      return rules.value;
    },
    async saveSettings(actor, form) {
      const saved = await saveCommentSettings(db, actor, form);
      if (saved.ok) {
        rules = undefined;
        ceiling.settingChanged();
      }
      return saved;
    },
    async postsChanged(postIds) {
      await pageCache.invalidate(...postIds.map((id) => cacheTags.post(id)), cacheTags.comments, cacheTags.home);
    },
  };
  return runtime;
}

// ── text ───────────────────────────────────────────────────────────────────

export interface CommentInput {
  displayName?: string;
  body?: string;
  /** The comment this one answers, from the form's hidden field. */
  parentId?: number;
}

export interface CleanComment {
  displayName: string;
  bodyMd: string;
}

/** Validates name and text the same way for new comments, the writer's edits and moderators' edits. */
export function cleanCommentText(input: CommentInput, rules: { maxLinks: number | null }): Result<CleanComment> {
  const name = cleanText(input.displayName, { field: 'name', label: msg('nameField'), maxLength: LIMITS.name });
  const body = cleanText(input.body, {
    field: 'body',
    label: msg('bodyField'),
    maxLength: LIMITS.body,
    minLength: 1,
    multiline: true,
  });
  if (!name.ok || !body.ok) {
    const errors: FieldErrors = {};
    if (!name.ok) errors.name = name.message;
    if (!body.ok) errors.body = body.message;
    return invalidFields(errors);
  }
  const links = findLinks(body.value).length;
  if (rules.maxLinks !== null && links > rules.maxLinks) {
    const message = rules.maxLinks === 0 ? msg('noLinks') : msg('tooManyLinks', { max: rules.maxLinks, count: links });
    return invalid(message, 'body');
  }
  return ok({ displayName: name.value, bodyMd: body.value });
}

// ── replies ────────────────────────────────────────────────────────────────

/** The one rule for replies: a usable parent is an approved top-level comment of the same post. */
export async function findReplyParent(
  db: Executor,
  post: { id: number },
  parentId: number | undefined,
): Promise<Result<repo.CommentRow | null>> {
  if (parentId === undefined) return ok(null);
  const parent = parentId <= MAX_ID ? await repo.findById(db, parentId) : undefined;
  if (!parent || parent.post_id !== post.id || parent.status !== 'approved')
    return invalid(msg('parentUnavailable'), '_form');
  if (parent.parent_id !== null) return invalid(msg('replyTooDeep'), '_form');
  return ok(parent);
}

/** The parent a reply form shows, if the rule allows replying to it. */
export async function usableParent(
  db: Executor,
  post: { id: number },
  parentId: number | undefined,
): Promise<repo.CommentRow | undefined> {
  const found = await findReplyParent(db, post, parentId);
  return (found.ok && found.value) || undefined;
}

// ── submitting ─────────────────────────────────────────────────────────────

export interface SubmitOptions {
  /** A logged-in staff member: published at once, marked as staff, and not judged by the anti-spam verdict. */
  staff?: Actor;
  /** What the route gathered for the verdict: its limiter's answer, the form (honeypot), the proof of work. */
  signals: Pick<SubmissionSignals, 'withinRateLimit' | 'form' | 'challenge'>;
  rules: SpamRuleSet;
  /** The site-wide ceiling a reader's comment without a proof of work must pass (`app.unverifiedCeiling`). */
  ceiling: UnverifiedCeiling;
}

export interface Submitted {
  id: number;
  status: CommentStatus;
  /** The private-link token, shown once; staff comments have none. */
  token: string | null;
}

/** A refused submission: why, and the status to show the form again with (429 when over the rate limit). */
export interface Refused {
  ok: false;
  status: number;
  problem: Problem;
}

const refusedBy = (failure: Failure): Refused => ({ ok: false, status: statusOf(failure), problem: failure });

/** A reader (or staff member) comments on a post; reader comments wait for moderation. */
export async function submitComment(
  db: Db,
  clock: Clock,
  post: PostForComments,
  input: CommentInput,
  opts: SubmitOptions,
): Promise<{ ok: true; value: Submitted } | Refused> {
  if (post.comments_closed) return refusedBy(invalid(msg('closed'), '_form'));
  const staff = opts.staff && can(opts.staff, 'admin.enter') ? opts.staff : undefined;
  const text = cleanCommentText(input, { maxLinks: staff ? null : opts.rules.maxLinks });
  if (!text.ok) return refusedBy(text);
  const parent = await findReplyParent(db, post, input.parentId);
  if (!parent.ok) return refusedBy(parent);
  const fingerprint = fingerprintHash(text.value.bodyMd);
  const verdict = staff ? undefined : await judgeComment(db, clock, post, text.value, fingerprint, opts);
  if (verdict && !verdict.ok) return verdict;
  const now = clock.now();
  const nowIso = now.toISOString();
  const link = staff ? null : createPrivateToken();
  const status: CommentStatus = staff ? 'approved' : 'pending';
  const id = await repo.insertComment(db, {
    post_id: post.id,
    parent_id: parent.value?.id ?? null,
    display_name: text.value.displayName,
    body_md: text.value.bodyMd,
    status,
    is_staff: staff ? 1 : 0,
    staff_user_id: staff?.id ?? null,
    challenge_passed: staff || verdict?.queue === 'pending' ? 1 : 0,
    token_hash: link?.hash ?? null,
    fingerprint,
    legacy_id: null,
    created_at: nowIso,
    updated_at: nowIso,
    editable_until: staff ? null : editableUntil(now),
    status_changed_at: nowIso,
    moderated_by: staff?.id ?? null,
    edit_count: 0,
  });
  return { ok: true, value: { id, status, token: link?.token ?? null } };
}

/** The shared anti-spam verdict on a reader's comment, with this post's duplicate check, then the site-wide ceiling. */
async function judgeComment(
  db: Executor,
  clock: Clock,
  post: PostForComments,
  text: CleanComment,
  fingerprint: string,
  opts: SubmitOptions,
): Promise<Verdict> {
  const since = new Date(clock.now().getTime() - DUPLICATE_WINDOW_MS).toISOString();
  const duplicate = await repo.hasDuplicate(db, post.id, fingerprint, since);
  const verdict = judgeSubmission(
    { ...opts.signals, texts: [text.displayName, text.bodyMd], duplicate },
    { blockedWords: opts.rules.blockedWords, fields: { blockedWord: 'body', duplicate: 'body' } },
  );
  return applyUnverifiedCeiling(verdict, opts.ceiling);
}

// ── the private link ───────────────────────────────────────────────────────

/** What the private link shows: the comment, its post, and whether it can still be edited. */
export interface OwnComment {
  comment: repo.CommentRow;
  post: { id: number; slug: string; title: string };
  canEdit: boolean;
}

export async function findOwnComment(db: Db, clock: Clock, token: string): Promise<Result<OwnComment>> {
  if (!isWellFormedToken(token)) return notFound();
  const found = await repo.findByTokenHash(db, hashPrivateToken(token));
  if (!found) return notFound();
  const { post_slug, post_title, ...comment } = found;
  return ok({
    comment,
    post: { id: comment.post_id, slug: post_slug, title: post_title },
    canEdit: isEditable(comment, clock.now()),
  });
}

function isEditable(comment: repo.CommentRow, now: Date): boolean {
  return (
    comment.editable_until !== null &&
    now.toISOString() < comment.editable_until &&
    comment.status !== 'spam' &&
    comment.status !== 'rejected'
  );
}

/** The writer edits within 15 minutes; an approved comment goes back to the queue so the change is seen. */
export async function editOwnComment(
  db: Db,
  clock: Clock,
  token: string,
  input: CommentInput,
  rules: SpamRuleSet,
): Promise<Result<{ postId: number; wasApproved: boolean }>> {
  const found = await findOwnComment(db, clock, token);
  if (!found.ok) return found;
  const { comment } = found.value;
  if (!found.value.canEdit) return invalid(msg('editWindowPassed'), '_form');
  const text = cleanCommentText(input, { maxLinks: rules.maxLinks });
  if (!text.ok) return text;
  if (findBlockedWord([text.value.displayName, text.value.bodyMd], rules.blockedWords) !== undefined)
    return invalid(antispamMsg('blockedWord'), 'body');
  await db.transaction().execute(async (tx) => {
    await repo.updateText(tx, comment, {
      displayName: text.value.displayName,
      bodyMd: text.value.bodyMd,
      fingerprint: fingerprintHash(text.value.bodyMd),
      editorId: null,
      now: clock.now().toISOString(),
      status: 'pending',
    });
  });
  return ok({ postId: comment.post_id, wasApproved: comment.status === 'approved' });
}

/** The writer deletes their comment at any time (its replies go with it). */
export async function deleteOwnComment(
  db: Db,
  clock: Clock,
  token: string,
): Promise<Result<{ postId: number; postSlug: string; wasApproved: boolean }>> {
  const found = await findOwnComment(db, clock, token);
  if (!found.ok) return found;
  await repo.deleteComment(db, found.value.comment.id);
  return ok({
    postId: found.value.post.id,
    postSlug: found.value.post.slug,
    wasApproved: found.value.comment.status === 'approved',
  });
}

// ── moderation ─────────────────────────────────────────────────────────────

export interface QueueView {
  queue: QueueName;
  items: (repo.QueueItem & { links: string[] })[];
  counts: Record<QueueName, number>;
  page: number;
  pageCount: number;
}

/** How many comments wait in a queue (for /metrics). */
export const queueLength = (db: Executor, queue: QueueName) => repo.countQueue(db, queue);

/** One page of a moderation queue (a page past the end shows the last), with every queue's size. */
export async function moderationQueue(db: Db, queue: QueueName, page: number): Promise<QueueView> {
  const counts: Record<QueueName, number> = { pending: 0, unverified: 0, approved: 0, rejected: 0, spam: 0 };
  await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      counts[name] = await repo.countQueue(db, name);
    }),
  );
  const pages = pageCount(counts[queue], QUEUE_PAGE_SIZE);
  const current = Math.min(page, pages);
  const { limit, offset } = pageWindow({ page: current, perPage: QUEUE_PAGE_SIZE });
  const rows = await repo.listQueue(db, queue, limit, offset);
  return {
    queue,
    counts,
    page: current,
    pageCount: pages,
    items: rows.map((c) => ({ ...c, links: linksIn(c.body_md) })),
  };
}

/** The queue a comment is listed in. */
export function queueOf(comment: repo.CommentRow): QueueName {
  if (comment.status !== 'pending') return comment.status;
  return comment.challenge_passed ? 'pending' : 'unverified';
}

/** Approve, reject or mark as spam one or many comments; returns the posts whose pages changed. */
export async function moderateComments(
  db: Db,
  clock: Clock,
  actor: Actor,
  ids: number[],
  action: ModerationAction | undefined,
): Promise<Result<{ count: number; postIds: number[] }>> {
  if (!can(actor, 'comments.moderate')) return denied();
  if (!isModerationAction(action)) return invalid(msg('chooseAction'), 'action');
  const unique = [...new Set(ids)].filter((n) => Number.isSafeInteger(n) && n > 0 && n <= MAX_ID).slice(0, 500);
  if (unique.length === 0) return invalid(msg('selectComments'), 'ids');
  const now = clock.now().toISOString();
  return db.transaction().execute(async (tx) => {
    const rows = await repo.findByIds(tx, unique);
    if (rows.length === 0) return notFound();
    const found = rows.map((r) => r.id);
    await repo.setStatus(tx, found, ACTION_STATUS[action], actor.id, now);
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: `comment.${action}`,
      subject: `comments:${found.join(',')}`,
    });
    return ok({ count: found.length, postIds: [...new Set(rows.map((r) => r.post_id))] });
  });
}

/** What "reject all unverified" would reject: how many, and the newest one (the confirmation carries its id). */
export const unverifiedSummary = (db: Executor) => repo.unverifiedSummary(db);

/**
 * Rejects every comment in the unverified queue up to the newest the moderator confirmed (a flood
 * still arriving is not rejected unseen), in one transaction with its audit entry; returns how many
 * and the posts whose pages may show them.
 */
export async function rejectAllUnverified(
  db: Db,
  clock: Clock,
  actor: Actor,
  upToId: number,
): Promise<Result<{ count: number; postIds: number[] }>> {
  if (!can(actor, 'comments.moderate')) return denied();
  const now = clock.now().toISOString();
  return db.transaction().execute(async (tx) => {
    const done = await repo.rejectUnverifiedUpTo(tx, Math.min(upToId, MAX_ID), actor.id, now);
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: 'comment.reject_all_unverified',
      subject: 'comments:unverified',
      detail: `${done.count} rejected, up to comment ${upToId}`,
    });
    return ok(done);
  });
}

/** What the moderator's edit page shows: the comment and its earlier versions. */
export async function findForModerator(db: Db, id: number) {
  const comment = id <= MAX_ID ? await repo.findById(db, id) : undefined;
  return comment && { comment, edits: await repo.listEdits(db, comment.id) };
}

/** A moderator edits a comment (spelling, removing a phone number); the previous text is kept. */
export async function editCommentAsModerator(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number,
  input: CommentInput,
): Promise<Result<repo.CommentRow>> {
  if (!can(actor, 'comments.moderate')) return denied();
  const comment = await repo.findById(db, id);
  if (!comment) return notFound();
  const text = cleanCommentText(input, { maxLinks: null });
  if (!text.ok) return text;
  await db.transaction().execute(async (tx) => {
    await repo.updateText(tx, comment, {
      displayName: text.value.displayName,
      bodyMd: text.value.bodyMd,
      fingerprint: fingerprintHash(text.value.bodyMd),
      editorId: actor.id,
      now: clock.now().toISOString(),
    });
    await recordAudit(tx, clock, { actorId: actor.id, action: 'comment.edit', subject: `comment:${id}` });
  });
  return ok((await repo.findById(db, id))!);
}

/** The http(s) links a comment contains, as they will be offered to moderators. */
export function linksIn(bodyMd: string): string[] {
  const out: string[] = [];
  for (const raw of findLinks(bodyMd)) {
    const checked = checkUrl(/^https?:\/\//i.test(raw) ? raw : `https://${raw}`, { publicHost: true });
    if (checked.ok && !out.includes(checked.url)) out.push(checked.url);
  }
  return out;
}

/** Turns a link in a comment into a suggestion in the directory's queue, with the comment as context. */
export async function suggestResourceFromComment(
  db: Db,
  clock: Clock,
  actor: Actor,
  commentId: number,
  url: string,
): Promise<Result<{ id: number }>> {
  if (!can(actor, 'comments.moderate')) return denied();
  const comment = await repo.findById(db, commentId);
  if (!comment) return notFound();
  if (!linksIn(comment.body_md).includes(url)) return invalid(msg('linkNotInComment'), 'url');
  const result = await submitSuggestion(db, clock, {
    url,
    context: comment.body_md.slice(0, 2000),
    source: 'comment',
    sourceCommentId: comment.id,
  });
  if (result.ok)
    await recordAudit(db, clock, {
      actorId: actor.id,
      action: 'comment.suggest_resource',
      subject: `comment:${commentId}`,
      detail: `suggestion:${result.value.id}`,
    });
  return result;
}

// ── settings and retention ─────────────────────────────────────────────────

export interface CommentSettings {
  purgeDays: number;
  maxLinks: number;
  /** The site-wide ceiling on comments and pledges without a proof of work (core/antispam/ceiling.ts). */
  unverifiedPerHour: number;
}

export async function loadCommentSettings(db: Executor): Promise<CommentSettings> {
  return {
    purgeDays: await readSetting(db, PURGE_DAYS),
    maxLinks: await readSetting(db, MAX_LINKS),
    unverifiedPerHour: await readSetting(db, UNVERIFIED_PER_HOUR),
  };
}

/** The settings form as moderators type it. */
export interface SettingsForm {
  blockedWords: string;
  purgeDays: string;
  maxLinks: string;
  /** Absent (a form from before this setting existed) keeps the value saved. */
  unverifiedPerHour?: string;
}

export async function settingsForm(db: Executor): Promise<SettingsForm> {
  const [words, settings] = await Promise.all([loadBlockedWords(db), loadCommentSettings(db)]);
  return {
    blockedWords: words.join('\n'),
    purgeDays: String(settings.purgeDays),
    maxLinks: String(settings.maxLinks),
    unverifiedPerHour: String(settings.unverifiedPerHour),
  };
}

/** Saves blocked words, the link limit, the purge period and the unverified ceiling (the last two shared with pledges) together. */
export async function saveCommentSettings(db: Db, actor: Actor, form: SettingsForm): Promise<Result<CommentSettings>> {
  if (!can(actor, 'comments.moderate')) return denied();
  const purgeDays = PURGE_DAYS.parse(form.purgeDays);
  const maxLinks = MAX_LINKS.parse(form.maxLinks);
  const unverifiedPerHour =
    form.unverifiedPerHour === undefined
      ? await readSetting(db, UNVERIFIED_PER_HOUR)
      : UNVERIFIED_PER_HOUR.parse(form.unverifiedPerHour);
  if (purgeDays === undefined) return invalid(msg('purgeDaysRange'), 'purgeDays');
  if (maxLinks === undefined) return invalid(msg('maxLinksRange'), 'maxLinks');
  if (unverifiedPerHour === undefined) return invalid(msg('unverifiedPerHourRange'), 'unverifiedPerHour');
  await db.transaction().execute(async (tx) => {
    await writeSetting(tx, PURGE_DAYS, purgeDays);
    await writeSetting(tx, MAX_LINKS, maxLinks);
    await writeSetting(tx, UNVERIFIED_PER_HOUR, unverifiedPerHour);
    await saveBlockedWords(tx, parseBlockedWords(form.blockedWords));
  });
  return ok({ purgeDays, maxLinks, unverifiedPerHour });
}

/** Deletes rejected and spam comments older than the configured period (default 30 days). */
export async function purgeRejectedComments(db: Db, clock: Clock, days?: number): Promise<number> {
  const period = days ?? (await loadCommentSettings(db)).purgeDays;
  return repo.purgeBefore(db, purgeCutoff(clock, period));
}

// ── reading ────────────────────────────────────────────────────────────────

export interface ThreadComment {
  comment: repo.CommentRow;
  replies: repo.CommentRow[];
}

/** Approved comments of a post as a two-level thread, oldest first. */
export async function approvedThread(db: Db, postId: number): Promise<ThreadComment[]> {
  const rows = await repo.listApprovedForPost(db, postId);
  const top = new Map<number, ThreadComment>();
  for (const r of rows) if (r.parent_id === null) top.set(r.id, { comment: r, replies: [] });
  // Imported threads (WordPress) can nest deeper: a reply to a reply joins its top-level ancestor's replies.
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of rows) {
    if (r.parent_id === null) continue;
    let root = byId.get(r.parent_id);
    for (let depth = 0; root && root.parent_id !== null && depth < 50; depth++) root = byId.get(root.parent_id);
    if (root) top.get(root.id)?.replies.push(r);
  }
  return [...top.values()];
}

/** The thread under a live post (the post page's footer), or undefined when the post is not live. */
export async function threadUnderPost(db: Db, clock: Clock, slug: string) {
  const post = await findPostForComments(db, clock, slug);
  return post && { post, thread: await approvedThread(db, post.id) };
}

/** Approved comments for a feed, newest first: the whole site's 50, or a post's 100. */
export async function feedComments(db: Db, clock: Clock, postId?: number): Promise<repo.CommentWithPost[]> {
  return repo.listRecentApproved(db, {
    postId,
    limit: postId === undefined ? 50 : 100,
    nowIso: clock.now().toISOString(),
  });
}

/**
 * An already-approved comment brought in by an import (WordPress): stored approved, with no
 * private link, once per post and source id — a second run returns the comment it stored before
 * (`created: false`). The importer decides which comments were approved at the source.
 */
export async function importApprovedComment(
  db: Executor,
  clock: Clock,
  postId: number,
  comment: { legacyId: string; parentId: number | null; displayName: string; bodyMd: string; createdAt?: string },
): Promise<{ id: number; created: boolean }> {
  return repo.insertImportedComment(db, {
    post_id: postId,
    parent_id: comment.parentId,
    display_name: comment.displayName,
    body_md: comment.bodyMd,
    fingerprint: fingerprintHash(comment.bodyMd),
    legacy_id: comment.legacyId,
    created_at: comment.createdAt || clock.now().toISOString(),
  });
}

/** When comments arrived since a moment: the staff dashboard draws them per day. */
export const commentArrivalsSince = (db: Db, sinceIso: string) => repo.arrivalsSince(db, sinceIso);
