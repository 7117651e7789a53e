import type { Insertable, Selectable } from 'kysely';
import type { CommentStatus, CommentsTable, Executor } from '../../core/db/schema.ts';

/*
 * SQL for comments. Plain typed rows out; the rules live in service.ts. Comments write only their
 * own tables. Lists that show comments with their post's title join `posts` to read it; finding a
 * post and opening or closing its comments go through the posts service.
 */

export type CommentRow = Selectable<CommentsTable>;

export async function insertComment(db: Executor, row: Insertable<CommentsTable>): Promise<number> {
  const inserted = await db.insertInto('comments').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function findById(db: Executor, id: number): Promise<CommentRow | undefined> {
  return db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findByIds(db: Executor, ids: number[]): Promise<CommentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('comments').selectAll().where('id', 'in', ids).execute();
}

export interface CommentWithPost extends CommentRow {
  post_slug: string;
  post_title: string;
}

/** The comment a private link opens, with the title of its post (shown as a link back to it). */
export async function findByTokenHash(db: Executor, hash: string): Promise<CommentWithPost | undefined> {
  return db
    .selectFrom('comments')
    .innerJoin('posts', 'posts.id', 'comments.post_id')
    .selectAll('comments')
    .select(['posts.slug as post_slug', 'posts.title as post_title'])
    .where('comments.token_hash', '=', hash)
    .executeTakeFirst();
}

/** Approved comments of a post, oldest first (replies are grouped under their parent by the caller). */
export async function listApprovedForPost(db: Executor, postId: number): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('post_id', '=', postId)
    .where('status', '=', 'approved')
    .orderBy('created_at')
    .orderBy('id')
    .limit(2000)
    .execute();
}

export interface QueueItem extends CommentRow {
  post_slug: string;
  post_title: string;
  post_comments_closed: number;
  parent_display_name: string | null;
  parent_body_md: string | null;
}

export type QueueName = 'pending' | 'unverified' | 'approved' | 'rejected' | 'spam';

function queueQuery(db: Executor, queue: QueueName) {
  let q = db
    .selectFrom('comments')
    .innerJoin('posts', 'posts.id', 'comments.post_id')
    .leftJoin('comments as parent', 'parent.id', 'comments.parent_id');
  if (queue === 'pending') q = q.where('comments.status', '=', 'pending').where('comments.challenge_passed', '=', 1);
  else if (queue === 'unverified')
    q = q.where('comments.status', '=', 'pending').where('comments.challenge_passed', '=', 0);
  else q = q.where('comments.status', '=', queue);
  return q;
}

export async function listQueue(db: Executor, queue: QueueName, limit: number, offset: number): Promise<QueueItem[]> {
  return queueQuery(db, queue)
    .selectAll('comments')
    .select([
      'posts.slug as post_slug',
      'posts.title as post_title',
      'posts.comments_closed as post_comments_closed',
      'parent.display_name as parent_display_name',
      'parent.body_md as parent_body_md',
    ])
    .orderBy('comments.created_at', queue === 'pending' || queue === 'unverified' ? 'asc' : 'desc')
    .orderBy('comments.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countQueue(db: Executor, queue: QueueName): Promise<number> {
  const row = await queueQuery(db, queue)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setStatus(
  db: Executor,
  ids: number[],
  status: CommentStatus,
  userId: number,
  now: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('comments')
    .set({ status, moderated_by: userId, status_changed_at: now, updated_at: now })
    .where('id', 'in', ids)
    .execute();
}

/** The unverified queue's size and its newest comment: what "reject all unverified" would reject. */
export async function unverifiedSummary(db: Executor): Promise<{ count: number; newestId: number | null }> {
  const row = await queueQuery(db, 'unverified')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('comments.id').as('newest')])
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), newestId: row.newest === null ? null : Number(row.newest) };
}

/**
 * Rejects every comment of the unverified queue up to an id (the newest one the moderator was
 * shown), in one statement; returns how many and the posts they were under.
 */
export async function rejectUnverifiedUpTo(
  db: Executor,
  upToId: number,
  userId: number,
  now: string,
): Promise<{ count: number; postIds: number[] }> {
  const posts = await db
    .selectFrom('comments')
    .select('post_id')
    .distinct()
    .where('status', '=', 'pending')
    .where('challenge_passed', '=', 0)
    .where('id', '<=', upToId)
    .execute();
  const result = await db
    .updateTable('comments')
    .set({ status: 'rejected', moderated_by: userId, status_changed_at: now, updated_at: now })
    .where('status', '=', 'pending')
    .where('challenge_passed', '=', 0)
    .where('id', '<=', upToId)
    .executeTakeFirst();
  return { count: Number(result.numUpdatedRows), postIds: posts.map((p) => p.post_id) };
}

/** Changes the text and keeps the previous version in comment_edits. */
export async function updateText(
  db: Executor,
  comment: CommentRow,
  change: {
    displayName: string;
    bodyMd: string;
    fingerprint: string;
    editorId: number | null;
    now: string;
    status?: CommentStatus;
  },
): Promise<void> {
  await db
    .insertInto('comment_edits')
    .values({
      comment_id: comment.id,
      user_id: change.editorId,
      previous_display_name: comment.display_name,
      previous_body_md: comment.body_md,
      created_at: change.now,
    })
    .execute();
  await db
    .updateTable('comments')
    .set({
      display_name: change.displayName,
      body_md: change.bodyMd,
      fingerprint: change.fingerprint,
      updated_at: change.now,
      edit_count: comment.edit_count + 1,
      ...(change.status && change.status !== comment.status
        ? { status: change.status, status_changed_at: change.now }
        : {}),
    })
    .where('id', '=', comment.id)
    .execute();
}

export async function listEdits(db: Executor, commentId: number) {
  return db
    .selectFrom('comment_edits')
    .leftJoin('users', 'users.id', 'comment_edits.user_id')
    .select([
      'comment_edits.id',
      'comment_edits.previous_display_name',
      'comment_edits.previous_body_md',
      'comment_edits.created_at',
      'users.display_name as editor_name',
    ])
    .where('comment_edits.comment_id', '=', commentId)
    .orderBy('comment_edits.created_at', 'desc')
    .execute();
}

export async function deleteComment(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('comments').where('id', '=', id).execute();
}

export async function hasDuplicate(
  db: Executor,
  postId: number,
  fingerprint: string,
  sinceIso: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('comments')
    .select('id')
    .where('post_id', '=', postId)
    .where('fingerprint', '=', fingerprint)
    .where('created_at', '>=', sinceIso)
    .executeTakeFirst();
  return !!row;
}

/** Deletes rejected and spam comments whose status changed before the cut-off; returns how many. */
export async function purgeBefore(db: Executor, cutoffIso: string): Promise<number> {
  const result = await db
    .deleteFrom('comments')
    .where('status', 'in', ['rejected', 'spam'])
    .where('status_changed_at', '<', cutoffIso)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Approved comments, newest first, with their post's title, for the feeds: only under posts
 * readers can see now. (The condition repeats the posts service's meaning of "live", which has no
 * query of its own to join with yet.)
 */
export async function listRecentApproved(
  db: Executor,
  opts: { postId?: number; limit: number; nowIso: string },
): Promise<CommentWithPost[]> {
  let q = db
    .selectFrom('comments')
    .innerJoin('posts', 'posts.id', 'comments.post_id')
    .selectAll('comments')
    .select(['posts.slug as post_slug', 'posts.title as post_title'])
    .where('comments.status', '=', 'approved')
    .where('posts.status', 'in', ['published', 'scheduled'])
    .where('posts.published_at', '<=', opts.nowIso);
  if (opts.postId !== undefined) q = q.where('comments.post_id', '=', opts.postId);
  return q.orderBy('comments.created_at', 'desc').orderBy('comments.id', 'desc').limit(opts.limit).execute();
}

/**
 * An approved comment from an import (the WordPress importer, through the service): stored once
 * per post and source id (`legacy_id`), so a second run finds the comment instead of adding it again.
 */
export async function insertImportedComment(
  db: Executor,
  values: Pick<
    Insertable<CommentsTable>,
    'post_id' | 'parent_id' | 'display_name' | 'body_md' | 'fingerprint' | 'created_at'
  > & { legacy_id: string },
): Promise<{ id: number; created: boolean }> {
  const existing = await db
    .selectFrom('comments')
    .where('post_id', '=', values.post_id)
    .where('legacy_id', '=', values.legacy_id)
    .select('id')
    .executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const row = await db
    .insertInto('comments')
    .values({
      ...values,
      status: 'approved',
      is_staff: 0,
      staff_user_id: null,
      challenge_passed: 1,
      token_hash: null,
      updated_at: values.created_at,
      editable_until: null,
      status_changed_at: values.created_at,
      moderated_by: null,
      edit_count: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

/** When each comment sent since `sinceIso` arrived (the dashboard's trend), newest last; at most `limit`. */
export async function arrivalsSince(db: Executor, sinceIso: string, limit = 20_000): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select('created_at')
    .where('created_at', '>=', sinceIso)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.created_at);
}
