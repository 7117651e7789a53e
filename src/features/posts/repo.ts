import { sql, type Insertable, type Selectable } from 'kysely';
import type { Dialect, Executor, PostRevisionsTable, PostsTable, PostStatus, TagsTable } from '../../core/db/schema.ts';

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

export async function ensureTag(db: Executor, slug: string, name: string): Promise<number> {
  const existing = await findTag(db, slug);
  if (existing) return existing.id;
  const row = await db.insertInto('tags').values({ slug, name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
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

// ── search ──

export interface SearchHit extends Pick<
  PostListItem,
  'id' | 'slug' | 'title' | 'excerpt' | 'published_at' | 'language' | 'author_name'
> {
  /** Text around the matches, with \u0001 … \u0002 around each matched word (escaped and marked later). */
  snippet: string;
}

/** Full-text search over live posts, best match first (FTS5 bm25 / PostgreSQL ts_rank). */
export async function searchLive(
  db: Executor,
  dialect: Dialect,
  query: string,
  now: string,
  limit: number,
  offset: number,
): Promise<{ hits: SearchHit[]; total: number }> {
  if (dialect === 'postgres') {
    const tsq = sql`websearch_to_tsquery('english', ${query})`;
    const base = sql`from posts p join users u on u.id = p.author_id
      where p.status in ('published', 'scheduled') and p.published_at <= ${now} and p.search @@ ${tsq}`;
    const hits =
      await sql<SearchHit>`select p.id, p.slug, p.title, p.excerpt, p.published_at, p.language, u.display_name as author_name,
        ts_headline('english', p.title || ' — ' || p.body_md, ${tsq}, 'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2') as snippet
      ${base} order by ts_rank(p.search, ${tsq}) desc, p.published_at desc limit ${limit} offset ${offset}`.execute(db);
    const total = await sql<{ n: string }>`select count(*) as n ${base}`.execute(db);
    return { hits: hits.rows, total: Number(total.rows[0]?.n ?? 0) };
  }
  const match = ftsQuery(query);
  if (!match) return { hits: [], total: 0 };
  const base = sql`from posts_fts f join posts p on p.id = f.rowid join users u on u.id = p.author_id
    where posts_fts match ${match} and p.status in ('published', 'scheduled') and p.published_at <= ${now}`;
  const hits =
    await sql<SearchHit>`select p.id, p.slug, p.title, p.excerpt, p.published_at, p.language, u.display_name as author_name,
      snippet(posts_fts, 2, char(1), char(2), '…', 24) as snippet
    ${base} order by bm25(posts_fts, 10.0, 4.0, 1.0), p.published_at desc limit ${limit} offset ${offset}`.execute(db);
  const total = await sql<{ n: number }>`select count(*) as n ${base}`.execute(db);
  return { hits: hits.rows, total: Number(total.rows[0]?.n ?? 0) };
}

/** Turns reader text into a safe FTS5 query: each word quoted (no operators), all words required. */
export function ftsQuery(q: string): string {
  const words = q.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .slice(0, 12)
    .map((w) => `"${w}"`)
    .join(' ');
}

export async function relabelLatestRevision(db: Executor, postId: number, action: string): Promise<void> {
  const latest = await db
    .selectFrom('post_revisions')
    .where('post_id', '=', postId)
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  if (latest?.id != null)
    await db.updateTable('post_revisions').set({ action }).where('id', '=', Number(latest.id)).execute();
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

export async function setLegacyId(db: Executor, postId: number, legacyId: string): Promise<void> {
  await db.updateTable('posts').set({ legacy_id: legacyId }).where('id', '=', postId).execute();
}

export async function findUserIdByEmail(db: Executor, email: string): Promise<number | undefined> {
  return (await db.selectFrom('users').where('email', '=', email).select('id').executeTakeFirst())?.id;
}

/** An imported author: a disabled editor account (an admin enables it to let the person log in). */
export async function insertImportedAuthor(
  db: Executor,
  values: { email: string; display_name: string; slug: string; password_hash: string; created_at: string },
): Promise<number> {
  let slug = values.slug;
  for (let n = 2; await db.selectFrom('users').where('slug', '=', slug).select('id').executeTakeFirst(); n++)
    slug = `${values.slug}-${n}`;
  const row = await db
    .insertInto('users')
    .values({ ...values, slug, role: 'editor', bio: '', is_disabled: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function slugTaken(db: Executor, slug: string): Promise<boolean> {
  return (
    !!(await db.selectFrom('posts').where('slug', '=', slug).select('id').executeTakeFirst()) ||
    !!(await findOldSlug(db, slug))
  );
}

/*
 * Approved comments from an import go straight into the comments feature's table, in the shape
 * it defines for them (src/core/db/schema.ts, section comments): status approved, no private
 * link (token_hash null), legacy_id = the source comment id, unique per post.
 */
export async function findImportedComment(db: Executor, postId: number, legacyId: string): Promise<number | undefined> {
  return (
    await db
      .selectFrom('comments')
      .where('post_id', '=', postId)
      .where('legacy_id', '=', legacyId)
      .select('id')
      .executeTakeFirst()
  )?.id;
}

export async function insertImportedComment(
  db: Executor,
  values: {
    post_id: number;
    parent_id: number | null;
    display_name: string;
    body_md: string;
    fingerprint: string;
    legacy_id: string;
    created_at: string;
  },
): Promise<number> {
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
  return row.id;
}

/** Deletions leave no revision behind, so they are written to the shared audit log. */
export async function recordAudit(
  db: Executor,
  userId: number,
  action: string,
  subject: string,
  detail: string,
  now: string,
): Promise<void> {
  await db.insertInto('audit_log').values({ user_id: userId, action, subject, detail, created_at: now }).execute();
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
