import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, PostRevisionsTable, PostsTable, PostStatus, TagsTable } from '../../core/db/schema.ts';

/* SQL for posts, tags, old slugs and revisions. Returns plain typed rows; no rules here. */

export type PostRow = Selectable<PostsTable>;
export type TagRow = Selectable<TagsTable>;

/** A post as lists and pages show it, with its author. */
export interface PostWithAuthor extends PostRow {
  author_name: string;
  author_slug: string;
}

export interface PostListItem {
  id: number;
  slug: string;
  title: string;
  excerpt: string;
  published_at: string;
  language: string;
  author_name: string;
  author_slug: string;
  content_note: string;
  body_md: string;
  cover_image: string | null;
  cover_alt: string;
  updated_at: string;
}

export interface ListFilter {
  now: string;
  tagSlug?: string;
  authorSlug?: string;
  language?: string;
  limit: number;
  offset: number;
}

/** Live posts: published or scheduled, with a publication time that has come. */
function livePosts(db: Executor, now: string) {
  return db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .where('posts.status', 'in', ['published', 'scheduled'])
    .where('posts.published_at', '<=', now);
}

function filtered(db: Executor, f: Omit<ListFilter, 'limit' | 'offset'>) {
  let q = livePosts(db, f.now);
  if (f.tagSlug) {
    const tagSlug = f.tagSlug;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('post_tags')
          .innerJoin('tags', 'tags.id', 'post_tags.tag_id')
          .whereRef('post_tags.post_id', '=', 'posts.id')
          .where('tags.slug', '=', tagSlug)
          .select(sql.lit(1).as('one')),
      ),
    );
  }
  if (f.authorSlug) q = q.where('users.slug', '=', f.authorSlug);
  if (f.language) q = q.where('posts.language', '=', f.language);
  return q;
}

export async function listLive(db: Executor, f: ListFilter): Promise<PostListItem[]> {
  return filtered(db, f)
    .select([
      'posts.id',
      'posts.slug',
      'posts.title',
      'posts.excerpt',
      'posts.language',
      'posts.content_note',
      'posts.body_md',
      'posts.cover_image',
      'posts.cover_alt',
      'posts.updated_at',
      'users.display_name as author_name',
      'users.slug as author_slug',
    ])
    .select((eb) => eb.fn.coalesce('posts.published_at', sql<string>`''`).as('published_at'))
    .orderBy('posts.published_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}

export async function countLive(db: Executor, f: Omit<ListFilter, 'limit' | 'offset'>): Promise<number> {
  const row = await filtered(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findLiveBySlug(db: Executor, slug: string, now: string): Promise<PostWithAuthor | undefined> {
  return livePosts(db, now)
    .where('posts.slug', '=', slug)
    .selectAll('posts')
    .select(['users.display_name as author_name', 'users.slug as author_slug'])
    .executeTakeFirst();
}

export async function findById(db: Executor, id: number): Promise<PostWithAuthor | undefined> {
  return db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .where('posts.id', '=', id)
    .selectAll('posts')
    .select(['users.display_name as author_name', 'users.slug as author_slug'])
    .executeTakeFirst();
}

export async function findBySlug(db: Executor, slug: string): Promise<PostRow | undefined> {
  return db.selectFrom('posts').where('slug', '=', slug).selectAll().executeTakeFirst();
}

export async function findOldSlug(db: Executor, slug: string): Promise<{ post_id: number } | undefined> {
  return db.selectFrom('post_slugs_old').where('slug', '=', slug).select('post_id').executeTakeFirst();
}

export async function addOldSlug(db: Executor, slug: string, postId: number, now: string): Promise<void> {
  await db.deleteFrom('post_slugs_old').where('slug', '=', slug).execute();
  await db.insertInto('post_slugs_old').values({ slug, post_id: postId, created_at: now }).execute();
}

export async function removeOldSlug(db: Executor, slug: string): Promise<void> {
  await db.deleteFrom('post_slugs_old').where('slug', '=', slug).execute();
}

/** The soonest publication still in the future: cached lists must not outlive it. */
export async function nextScheduledAfter(db: Executor, now: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('posts')
    .where('status', 'in', ['published', 'scheduled'])
    .where('published_at', '>', now)
    .select((eb) => eb.fn.min('published_at').as('next'))
    .executeTakeFirst();
  return (row?.next as string | null | undefined) ?? undefined;
}

export async function tagsForPosts(db: Executor, postIds: number[]): Promise<Map<number, TagRow[]>> {
  const out = new Map<number, TagRow[]>();
  if (postIds.length === 0) return out;
  const rows = await db
    .selectFrom('post_tags')
    .innerJoin('tags', 'tags.id', 'post_tags.tag_id')
    .where('post_tags.post_id', 'in', postIds)
    .select(['post_tags.post_id', 'tags.id', 'tags.slug', 'tags.name'])
    .orderBy('tags.name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.post_id) ?? [];
    list.push({ id: r.id, slug: r.slug, name: r.name });
    out.set(r.post_id, list);
  }
  return out;
}

export async function findTag(db: Executor, slug: string): Promise<TagRow | undefined> {
  return db.selectFrom('tags').where('slug', '=', slug).selectAll().executeTakeFirst();
}

/** Tags with at least one live post, and how many. */
export async function listLiveTags(db: Executor, now: string): Promise<(TagRow & { post_count: number })[]> {
  const rows = await db
    .selectFrom('tags')
    .innerJoin('post_tags', 'post_tags.tag_id', 'tags.id')
    .innerJoin('posts', 'posts.id', 'post_tags.post_id')
    .where('posts.status', 'in', ['published', 'scheduled'])
    .where('posts.published_at', '<=', now)
    .groupBy(['tags.id', 'tags.slug', 'tags.name'])
    .select(['tags.id', 'tags.slug', 'tags.name'])
    .select((eb) => eb.fn.countAll<number>().as('post_count'))
    .orderBy('tags.name')
    .execute();
  return rows.map((r) => ({ ...r, post_count: Number(r.post_count) }));
}

export async function listAllTags(db: Executor): Promise<TagRow[]> {
  return db.selectFrom('tags').selectAll().orderBy('name').execute();
}

/** The tag with this slug, created (with this name) when there is none. */
export async function ensureTag(db: Executor, slug: string, name: string): Promise<{ id: number; created: boolean }> {
  const existing = await findTag(db, slug);
  if (existing) return { id: existing.id, created: false };
  const row = await db.insertInto('tags').values({ slug, name }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

export async function setPostTags(db: Executor, postId: number, tagIds: number[]): Promise<void> {
  await db.deleteFrom('post_tags').where('post_id', '=', postId).execute();
  const unique = [...new Set(tagIds)];
  if (unique.length)
    await db
      .insertInto('post_tags')
      .values(unique.map((tag_id) => ({ post_id: postId, tag_id })))
      .execute();
}

export interface AuthorRow {
  id: number;
  slug: string;
  display_name: string;
  bio: string;
}

export async function findAuthor(db: Executor, slug: string): Promise<AuthorRow | undefined> {
  return db
    .selectFrom('users')
    .where('slug', '=', slug)
    .select(['id', 'slug', 'display_name', 'bio'])
    .executeTakeFirst();
}

/** Authors with at least one live post. */
export async function listLiveAuthors(db: Executor, now: string): Promise<(AuthorRow & { post_count: number })[]> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('posts', 'posts.author_id', 'users.id')
    .where('posts.status', 'in', ['published', 'scheduled'])
    .where('posts.published_at', '<=', now)
    .groupBy(['users.id', 'users.slug', 'users.display_name', 'users.bio'])
    .select(['users.id', 'users.slug', 'users.display_name', 'users.bio'])
    .select((eb) => eb.fn.countAll<number>().as('post_count'))
    .orderBy('users.display_name')
    .execute();
  return rows.map((r) => ({ ...r, post_count: Number(r.post_count) }));
}

/** Other language versions of a post that readers can see. */
export async function liveTranslations(
  db: Executor,
  group: number,
  now: string,
): Promise<{ id: number; slug: string; language: string; title: string }[]> {
  return db
    .selectFrom('posts')
    .where('translation_group', '=', group)
    .where('status', 'in', ['published', 'scheduled'])
    .where('published_at', '<=', now)
    .select(['id', 'slug', 'language', 'title'])
    .orderBy('language')
    .execute();
}

export async function allTranslations(
  db: Executor,
  group: number,
): Promise<{ id: number; slug: string; language: string; title: string; status: PostStatus }[]> {
  return db
    .selectFrom('posts')
    .where('translation_group', '=', group)
    .select(['id', 'slug', 'language', 'title', 'status'])
    .orderBy('language')
    .execute();
}

// ── editor side ──

export interface AdminListItem {
  id: number;
  slug: string;
  title: string;
  status: PostStatus;
  published_at: string | null;
  updated_at: string;
  language: string;
  author_name: string;
}

export async function listForEditors(db: Executor, limit: number, offset: number): Promise<AdminListItem[]> {
  return db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .select([
      'posts.id',
      'posts.slug',
      'posts.title',
      'posts.status',
      'posts.published_at',
      'posts.updated_at',
      'posts.language',
      'users.display_name as author_name',
    ])
    .orderBy('posts.updated_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countAll(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export type PostValues = Omit<PostsTable, 'id' | 'comments_closed' | 'legacy_id'> & {
  comments_closed?: number;
  legacy_id?: string | null;
};

export async function insertPost(db: Executor, values: PostValues): Promise<number> {
  const row = await db.insertInto('posts').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePost(db: Executor, id: number, values: Partial<PostValues>): Promise<void> {
  await db.updateTable('posts').set(values).where('id', '=', id).execute();
}

export async function deletePost(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('post_tags').where('post_id', '=', id).execute();
  await db.deleteFrom('post_slugs_old').where('post_id', '=', id).execute();
  await db.deleteFrom('post_revisions').where('post_id', '=', id).execute();
  await db
    .updateTable('posts')
    .set({ translation_group: null })
    .where('translation_group', '=', id)
    .where('id', '!=', id)
    .execute();
  await db.deleteFrom('posts').where('id', '=', id).execute();
}

/** Every text a post has held: its body now and in each revision. */
export async function textsOfPost(db: Executor, id: number): Promise<string[]> {
  const rows = await db
    .selectFrom('posts')
    .select('body_md')
    .where('id', '=', id)
    .unionAll(db.selectFrom('post_revisions').select('body_md').where('post_id', '=', id))
    .execute();
  return rows.map((r) => r.body_md);
}

/**
 * Whether a stored post image (its generated name: hex and extension, no LIKE wildcards) is still
 * shown anywhere Markdown is: a post's cover, text or revision, or a lesson (drafted or published)
 * that borrowed it.
 */
export async function postImageInUse(db: Executor, file: string): Promise<boolean> {
  const mention = `%/media/posts/${file}%`;
  const row = await db
    .selectFrom('posts')
    .select('id')
    .where((eb) => eb.or([eb('cover_image', '=', file), eb('body_md', 'like', mention)]))
    .unionAll(db.selectFrom('post_revisions').select('id').where('body_md', 'like', mention))
    .unionAll(db.selectFrom('training_lessons').select('id').where('body_md', 'like', mention))
    .unionAll(db.selectFrom('training_course_versions').select('id').where('content_json', 'like', mention))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A revision row as written: derived from the table type so the two cannot drift. */
export type RevisionValues = Insertable<PostRevisionsTable>;

export async function insertRevision(db: Executor, values: RevisionValues): Promise<void> {
  await db.insertInto('post_revisions').values(values).execute();
}

export async function listRevisions(db: Executor, postId: number, limit: number) {
  return db
    .selectFrom('post_revisions')
    .leftJoin('users', 'users.id', 'post_revisions.user_id')
    .where('post_revisions.post_id', '=', postId)
    .selectAll('post_revisions')
    .select('users.display_name as user_name')
    .orderBy('post_revisions.id', 'desc')
    .limit(limit)
    .execute();
}

export async function findRevision(db: Executor, postId: number, revisionId: number) {
  return db
    .selectFrom('post_revisions')
    .where('post_id', '=', postId)
    .where('id', '=', revisionId)
    .selectAll()
    .executeTakeFirst();
}

export async function listLiveForSitemap(db: Executor, now: string) {
  return db
    .selectFrom('posts')
    .where('status', 'in', ['published', 'scheduled'])
    .where('published_at', '<=', now)
    .select(['id', 'slug', 'language', 'updated_at', 'translation_group'])
    .orderBy('published_at', 'desc')
    .limit(50_000)
    .execute();
}

// ── import ──

export async function findByLegacyId(db: Executor, legacyId: string): Promise<PostRow | undefined> {
  return db.selectFrom('posts').where('legacy_id', '=', legacyId).selectAll().executeTakeFirst();
}

export async function slugTaken(db: Executor, slug: string): Promise<boolean> {
  return (
    !!(await db.selectFrom('posts').where('slug', '=', slug).select('id').executeTakeFirst()) ||
    !!(await findOldSlug(db, slug))
  );
}

/** Sets a post's comments_closed flag; the post's id and slug, or undefined when there is no such post. */
export async function setCommentsClosed(
  db: Executor,
  postId: number,
  closed: boolean,
): Promise<{ id: number; slug: string } | undefined> {
  return db
    .updateTable('posts')
    .set({ comments_closed: closed ? 1 : 0 })
    .where('id', '=', postId)
    .returning(['id', 'slug'])
    .executeTakeFirst();
}
