import type { Clock } from '../../core/clock.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import type { CommentStatus, Db, Executor } from '../../core/db/schema.ts';
import { denied, invalid, notFound, ok, type Problem, type Result } from '../../core/result.ts';
import {
  cleanText,
  createPrivateToken,
  EDIT_WINDOW_MS,
  editableUntil,
  findBlockedWord,
  findLinks,
  fingerprintHash,
  hashPrivateToken,
  isWellFormedToken,
  type ChallengeOutcome,
} from '../../core/antispam/index.ts';
import { intSetting, isValidSetting, readSetting, writeSetting } from '../../core/settings/index.ts';
import { PURGE_DAYS, purgeCutoff } from '../../core/antispam/retention.ts';
import { submitSuggestion } from '../directory/service.ts';
import * as repo from './repo.ts';

/*
 * The rules for comments, in words a moderator would recognise. No HTTP, no HTML; the clock is
 * passed in. Nothing about a writer is stored beyond what they typed.
 */
export const LIMITS = { name: 60, body: 5000 } as const;
/** The private-link edit window is shared with campaign pledges (core/antispam/private-link.ts). */
export { EDIT_WINDOW_MS };
const DUPLICATE_WINDOW_MS = 7 * 24 * 60 * 60_000;
/** The purge period is shared with campaign pledges (core/antispam/retention.ts). */
export const MAX_LINKS = intSetting('comments.max_links', { defaultValue: 3, min: 0, max: 50 });

export type ModerationAction = 'approve' | 'reject' | 'spam';
const ACTION_STATUS: Record<ModerationAction, CommentStatus> = {
  approve: 'approved',
  reject: 'rejected',
  spam: 'spam',
};
export const isModerationAction = (v: unknown): v is ModerationAction =>
  v === 'approve' || v === 'reject' || v === 'spam';

type Failure = { ok: false } & Problem;
const fieldError = (field: string, message: string): Failure => ({
  ok: false,
  kind: 'invalid',
  message,
  field,
  fields: { [field]: message },
});

export interface CommentInput {
  displayName?: unknown;
  body?: unknown;
  parentId?: unknown;
}

export interface CleanComment {
  displayName: string;
  bodyMd: string;
}

export interface CommentSettings {
  purgeDays: number;
  maxLinks: number;
}

export async function loadCommentSettings(db: Executor): Promise<CommentSettings> {
  return { purgeDays: await readSetting(db, PURGE_DAYS), maxLinks: await readSetting(db, MAX_LINKS) };
}

export async function saveCommentSettings(
  db: Db,
  actor: Actor,
  settings: CommentSettings,
): Promise<Result<CommentSettings>> {
  if (!can(actor, 'comments.moderate')) return denied();
  if (!isValidSetting(PURGE_DAYS, settings.purgeDays))
    return fieldError('purgeDays', 'Enter a number of days from 1 to 3650.');
  if (!isValidSetting(MAX_LINKS, settings.maxLinks))
    return fieldError('maxLinks', 'Enter a number of links from 0 to 50.');
  await writeSetting(db, PURGE_DAYS, settings.purgeDays);
  await writeSetting(db, MAX_LINKS, settings.maxLinks);
  return ok(settings);
}

/** Validates name and text the same way for new comments, the writer's edits and moderators' edits. */
export function cleanCommentText(
  input: CommentInput,
  rules: { blockedWords: string[]; maxLinks: number | null },
): Result<CleanComment> {
  const errors: Record<string, string> = {};
  const name = cleanText(input.displayName, { field: 'name', label: 'Display name', maxLength: LIMITS.name });
  if (!name.ok) errors.name = name.message;
  const body = cleanText(input.body, {
    field: 'body',
    label: 'Comment',
    maxLength: LIMITS.body,
    minLength: 1,
    multiline: true,
  });
  if (!body.ok) errors.body = body.message;
  if (name.ok && body.ok) {
    const links = findLinks(body.value).length;
    if (rules.maxLinks !== null && links > rules.maxLinks) {
      errors.body =
        rules.maxLinks === 0
          ? 'Comments cannot contain links at the moment.'
          : `A comment can contain at most ${rules.maxLinks} links (this one has ${links}). Keep the most useful ones.`;
    } else if (findBlockedWord([name.value, body.value], rules.blockedWords)) {
      errors.body = 'Your comment contains a word or phrase this site does not accept. Reword it and try again.';
    }
  }
  const fields = Object.keys(errors);
  if (fields.length > 0)
    return { ok: false, kind: 'invalid', message: errors[fields[0]!]!, field: fields[0], fields: errors };
  return ok({ displayName: (name as { value: string }).value, bodyMd: (body as { value: string }).value });
}

export interface SubmitOptions {
  now: Date;
  /** A logged-in staff member: published at once and marked as staff. */
  staff?: Actor;
  challenge: ChallengeOutcome;
  blockedWords: string[];
  settings: CommentSettings;
}

export interface Submitted {
  id: number;
  status: CommentStatus;
  /** The private-link token, shown once; staff comments have none. */
  token: string | null;
}

const CHALLENGE_MESSAGES: Partial<Record<ChallengeOutcome, string>> = {
  invalid: 'The anti-spam check did not pass. Try sending your comment again.',
  expired: 'The anti-spam check expired. Send your comment again.',
  replayed: 'This form was already sent once. Send your comment again to post a new one.',
};

/** A reader (or staff member) comments on a post; reader comments wait for moderation. */
export async function submitComment(
  db: Db,
  post: repo.PostForComments,
  input: CommentInput,
  opts: SubmitOptions,
): Promise<Result<Submitted>> {
  if (post.comments_closed) return fieldError('_form', 'Comments on this post are closed.');
  const isStaff = !!opts.staff && can(opts.staff, 'admin.enter');
  if (!isStaff) {
    const message = CHALLENGE_MESSAGES[opts.challenge];
    if (message) return fieldError('_form', message);
  }
  const text = cleanCommentText(input, {
    blockedWords: isStaff ? [] : opts.blockedWords,
    maxLinks: isStaff ? null : opts.settings.maxLinks,
  });
  if (!text.ok) return text;

  let parentId: number | null = null;
  const rawParent = typeof input.parentId === 'string' ? input.parentId.trim() : input.parentId;
  if (rawParent !== undefined && rawParent !== null && rawParent !== '') {
    const n =
      typeof rawParent === 'number' ? rawParent : /^\d{1,12}$/.test(String(rawParent)) ? Number(rawParent) : NaN;
    const parent = Number.isSafeInteger(n) ? await repo.findById(db, n) : undefined;
    if (!parent || parent.post_id !== post.id || parent.status !== 'approved') {
      return fieldError(
        '_form',
        'The comment you are replying to is not available. Your text is kept below: you can post it as a new comment.',
      );
    }
    if (parent.parent_id !== null)
      return fieldError('_form', 'Replies can only be made to a top-level comment, not to another reply.');
    parentId = parent.id;
  }

  const nowIso = opts.now.toISOString();
  const fingerprint = fingerprintHash(text.value.bodyMd);
  if (
    !isStaff &&
    (await repo.hasDuplicate(
      db,
      post.id,
      fingerprint,
      new Date(opts.now.getTime() - DUPLICATE_WINDOW_MS).toISOString(),
    ))
  ) {
    return fieldError('body', 'This comment has already been sent on this post. There is no need to send it again.');
  }
  const link = isStaff ? null : createPrivateToken();
  const status: CommentStatus = isStaff ? 'approved' : 'pending';
  const id = await repo.insertComment(db, {
    post_id: post.id,
    parent_id: parentId,
    display_name: text.value.displayName,
    body_md: text.value.bodyMd,
    status,
    is_staff: isStaff ? 1 : 0,
    staff_user_id: isStaff ? opts.staff!.id : null,
    challenge_passed: isStaff || opts.challenge === 'verified' ? 1 : 0,
    token_hash: link?.hash ?? null,
    fingerprint,
    legacy_id: null,
    created_at: nowIso,
    updated_at: nowIso,
    editable_until: isStaff ? null : editableUntil(opts.now),
    status_changed_at: nowIso,
    moderated_by: isStaff ? opts.staff!.id : null,
    edit_count: 0,
  });
  return ok({ id, status, token: link?.token ?? null });
}

/** What the private link shows: the comment, its post, and whether it can still be edited. */
export interface OwnComment {
  comment: repo.CommentRow;
  post: repo.PostForComments;
  canEdit: boolean;
}

export async function findOwnComment(db: Db, token: unknown, now: Date): Promise<Result<OwnComment>> {
  if (!isWellFormedToken(token)) return notFound('comment');
  const comment = await repo.findByTokenHash(db, hashPrivateToken(token));
  if (!comment) return notFound('comment');
  const post = await repo.findPost(db, comment.post_id);
  if (!post) return notFound('comment');
  return ok({ comment, post, canEdit: isEditable(comment, now) });
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
  token: unknown,
  input: CommentInput,
  opts: { now: Date; blockedWords: string[]; settings: CommentSettings },
): Promise<Result<OwnComment & { wasApproved: boolean }>> {
  const found = await findOwnComment(db, token, opts.now);
  if (!found.ok) return found;
  const { comment } = found.value;
  if (!found.value.canEdit)
    return fieldError('_form', 'The 15 minutes for editing this comment have passed. You can still delete it.');
  const text = cleanCommentText(input, { blockedWords: opts.blockedWords, maxLinks: opts.settings.maxLinks });
  if (!text.ok) return text;
  const nowIso = opts.now.toISOString();
  await db.transaction().execute(async (tx) => {
    await repo.updateText(tx, comment, {
      displayName: text.value.displayName,
      bodyMd: text.value.bodyMd,
      fingerprint: fingerprintHash(text.value.bodyMd),
      editorId: null,
      now: nowIso,
      status: 'pending',
    });
  });
  const updated = await findOwnComment(db, token, opts.now);
  if (!updated.ok) return updated;
  return ok({ ...updated.value, wasApproved: comment.status === 'approved' });
}

/** The writer deletes their comment at any time (its replies go with it). */
export async function deleteOwnComment(
  db: Db,
  token: unknown,
  now: Date,
): Promise<Result<{ postId: number; postSlug: string; wasApproved: boolean }>> {
  const found = await findOwnComment(db, token, now);
  if (!found.ok) return found;
  await repo.deleteComment(db, found.value.comment.id);
  return ok({
    postId: found.value.post.id,
    postSlug: found.value.post.slug,
    wasApproved: found.value.comment.status === 'approved',
  });
}

/** Approve, reject or mark as spam one or many comments; returns the posts whose pages changed. */
export async function moderateComments(
  db: Db,
  clock: Clock,
  actor: Actor,
  ids: number[],
  action: ModerationAction,
): Promise<Result<{ count: number; postIds: number[] }>> {
  if (!can(actor, 'comments.moderate')) return denied();
  if (!isModerationAction(action)) return invalid('Choose approve, reject or spam.', 'action');
  const unique = [...new Set(ids)].filter((n) => Number.isSafeInteger(n) && n > 0).slice(0, 500);
  if (unique.length === 0) return invalid('Select at least one comment.', 'ids');
  const now = clock.now().toISOString();
  return db.transaction().execute(async (tx) => {
    const rows = await repo.findByIds(tx, unique);
    if (rows.length === 0) return notFound('comment');
    const ids = rows.map((r) => r.id);
    await repo.setStatus(tx, ids, ACTION_STATUS[action], actor.id, now);
    await repo.recordAudit(tx, actor.id, `comment.${action}`, `comments:${ids.join(',')}`, '', now);
    return ok({ count: ids.length, postIds: [...new Set(rows.map((r) => r.post_id))] });
  });
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
  if (!comment) return notFound('comment');
  const text = cleanCommentText(input, { blockedWords: [], maxLinks: null });
  if (!text.ok) return text;
  const now = clock.now().toISOString();
  await db.transaction().execute(async (tx) => {
    await repo.updateText(tx, comment, {
      displayName: text.value.displayName,
      bodyMd: text.value.bodyMd,
      fingerprint: fingerprintHash(text.value.bodyMd),
      editorId: actor.id,
      now,
    });
    await repo.recordAudit(tx, actor.id, 'comment.edit', `comment:${id}`, '', now);
  });
  return ok((await repo.findById(db, id))!);
}

export async function setCommentsClosed(
  db: Db,
  clock: Clock,
  actor: Actor,
  postId: number,
  closed: boolean,
): Promise<Result<repo.PostForComments>> {
  if (!can(actor, 'comments.moderate')) return denied();
  const post = await repo.findPost(db, postId);
  if (!post) return notFound('post');
  await repo.setCommentsClosed(db, postId, closed);
  await repo.recordAudit(
    db,
    actor.id,
    closed ? 'comments.close' : 'comments.open',
    `post:${postId}`,
    '',
    clock.now().toISOString(),
  );
  return ok({ ...post, comments_closed: closed ? 1 : 0 });
}

/** Deletes rejected and spam comments older than the configured period (default 30 days). */
export async function purgeRejectedComments(db: Db, clock: Clock, days?: number): Promise<number> {
  const period = days ?? (await loadCommentSettings(db)).purgeDays;
  return repo.purgeBefore(db, purgeCutoff(clock, period));
}

/** The http(s) links a comment contains, as they will be offered to moderators. */
export function linksIn(bodyMd: string): string[] {
  const out: string[] = [];
  for (const raw of findLinks(bodyMd)) {
    const candidate = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
    try {
      const u = new URL(candidate);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && !out.includes(u.href)) out.push(u.href);
    } catch {
      /* not a link */
    }
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
  if (!comment) return notFound('comment');
  if (!linksIn(comment.body_md).includes(url)) return invalid('That link is not in this comment.', 'url');
  const result = await submitSuggestion(db, clock, {
    url,
    context: comment.body_md.slice(0, 2000),
    source: 'comment',
    sourceCommentId: comment.id,
  });
  if (result.ok)
    await repo.recordAudit(
      db,
      actor.id,
      'comment.suggest_resource',
      `comment:${commentId}`,
      `suggestion:${result.value.id}`,
      clock.now().toISOString(),
    );
  return result;
}

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
