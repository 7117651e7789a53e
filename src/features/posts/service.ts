import type { Clock } from '../../core/clock.ts';
import type { Db, Dialect, PostStatus } from '../../core/db/schema.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import { recordAudit } from '../../core/audit/index.ts';
import { slugify } from '../../core/auth/service.ts';
import { markdownToText } from '../../core/markdown/render.ts';
import { denied, notFound, ok, type Result } from '../../core/result.ts';
import * as repo from './repo.ts';

/*
 * The rules of publishing. A post is live (readers see it) when its status is published or
 * scheduled and its publication time has come: scheduled posts go live on time with no job
 * running, because every query compares published_at with the clock.
 */

export const LIMITS = {
  title: 200,
  slug: 100,
  excerpt: 500,
  body: 100_000,
  contentNote: 200,
  tags: 20,
  tag: 50,
  coverAlt: 300,
} as const;
export const PAGE_SIZE = 10;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LANGUAGE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

// ── reading ─────────────────────────────────────────────────────────────────

/** Published posts with a tag, newest first (used by campaigns). */
export async function listPublishedPostsByTag(
  db: Db,
  tagSlug: string,
  now: Date,
  limit: number,
): Promise<{ id: number; slug: string; title: string; excerpt: string; published_at: string; language: string }[]> {
  const rows = await repo.listLive(db, { now: now.toISOString(), tagSlug, limit, offset: 0 });
  return rows.map(({ id, slug, title, excerpt, published_at, language }) => ({
    id,
    slug,
    title,
    excerpt,
    published_at,
    language,
  }));
}

/** A post readers can see now, or undefined (drafts and future posts are not found). */
export async function findPublishedPostBySlug(
  db: Db,
  slug: string,
  now: Date,
): Promise<repo.PostWithAuthor | undefined> {
  return repo.findLiveBySlug(db, slug, now.toISOString());
}

export interface PostSummary extends repo.PostListItem {
  tags: repo.TagRow[];
  readingMinutes: number;
}

export function readingMinutes(bodyMd: string): number {
  const words = markdownToText(bodyMd).split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / 200));
}

export interface Page<T> {
  items: T[];
  page: number;
  pageCount: number;
  total: number;
}

/** One page of live posts, optionally by tag, author or language. */
export async function listPublished(
  db: Db,
  now: Date,
  opts: { page?: number; perPage?: number; tagSlug?: string; authorSlug?: string; language?: string } = {},
): Promise<Page<PostSummary>> {
  const perPage = Math.min(Math.max(opts.perPage ?? PAGE_SIZE, 1), 100);
  const page = Math.max(1, Math.floor(opts.page ?? 1));
  const filter = {
    now: now.toISOString(),
    tagSlug: opts.tagSlug,
    authorSlug: opts.authorSlug,
    language: opts.language,
  };
  const [rows, total] = await Promise.all([
    repo.listLive(db, { ...filter, limit: perPage, offset: (page - 1) * perPage }),
    repo.countLive(db, filter),
  ]);
  const tags = await repo.tagsForPosts(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({ ...r, tags: tags.get(r.id) ?? [], readingMinutes: readingMinutes(r.body_md) })),
    page,
    pageCount: Math.max(1, Math.ceil(total / perPage)),
    total,
  };
}

export interface PostPageData {
  post: repo.PostWithAuthor & { published_at: string };
  tags: repo.TagRow[];
  translations: { id: number; slug: string; language: string; title: string }[];
  readingMinutes: number;
}

/** What the public post page shows; or where an old slug now lives. */
export async function postPage(
  db: Db,
  slug: string,
  now: Date,
): Promise<Result<PostPageData> | { ok: false; kind: 'moved'; slug: string }> {
  const nowIso = now.toISOString();
  const post = await repo.findLiveBySlug(db, slug, nowIso);
  if (!post) {
    const old = await repo.findOldSlug(db, slug);
    if (old) {
      const target = await repo.findById(db, old.post_id);
      if (target && target.status !== 'draft' && target.published_at && target.published_at <= nowIso)
        return { ok: false, kind: 'moved', slug: target.slug };
    }
    return notFound('post');
  }
  const [tags, translations] = await Promise.all([
    repo.tagsForPosts(db, [post.id]),
    post.translation_group ? repo.liveTranslations(db, post.translation_group, nowIso) : Promise.resolve([]),
  ]);
  return ok({
    post: post as PostPageData['post'],
    tags: tags.get(post.id) ?? [],
    translations: translations.filter((t) => t.id !== post.id),
    readingMinutes: readingMinutes(post.body_md),
  });
}

export const findTag = (db: Db, slug: string) => repo.findTag(db, slug);
export const findAuthor = (db: Db, slug: string) => repo.findAuthor(db, slug);
export const listTags = (db: Db, now: Date) => repo.listLiveTags(db, now.toISOString());
export const listAuthors = (db: Db, now: Date) => repo.listLiveAuthors(db, now.toISOString());
export const listAllTags = (db: Db) => repo.listAllTags(db);

/** Milliseconds until the next scheduled post goes live (undefined if none): cached lists must not outlive it. */
export async function msUntilNextPublication(db: Db, now: Date): Promise<number | undefined> {
  const next = await repo.nextScheduledAfter(db, now.toISOString());
  return next ? Math.max(0, Date.parse(next) - now.getTime()) : undefined;
}

export interface SearchResult {
  hits: repo.SearchHit[];
  total: number;
  page: number;
  pageCount: number;
}

export async function searchPosts(db: Db, dialect: Dialect, query: string, now: Date, page = 1): Promise<SearchResult> {
  const q = query.trim().slice(0, 200);
  if (!q) return { hits: [], total: 0, page: 1, pageCount: 1 };
  const p = Math.max(1, page);
  const { hits, total } = await repo.searchLive(db, dialect, q, now.toISOString(), PAGE_SIZE, (p - 1) * PAGE_SIZE);
  return { hits, total, page: p, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

// ── editing ─────────────────────────────────────────────────────────────────

export type Intent = 'save' | 'publish' | 'schedule' | 'unpublish';

export interface PostInput {
  title: string;
  slug: string;
  excerpt: string;
  body_md: string;
  content_note: string;
  language: string;
  /** Comma-separated tag names; new ones are created. */
  tags: string;
  /** For scheduling: an ISO date-time, or "YYYY-MM-DDTHH:MM" read as UTC. */
  publish_at: string;
  /** Slug of the post this one translates (links them as one family). */
  translation_of: string;
  cover_alt: string;
  comments_closed?: boolean;
}

export interface CoverImage {
  file: string;
  width: number;
  height: number;
}

export type FieldProblems = { ok: false; kind: 'invalid'; message: string; fields: Record<string, string> };

function fieldProblems(fields: Record<string, string>): FieldProblems {
  return { ok: false, kind: 'invalid', message: Object.values(fields)[0] ?? 'Check the form.', fields };
}

/** "2026-12-01T09:30" (UTC) or a full ISO string → Date; undefined if not a real date. */
export function parsePublishAt(raw: string): Date | undefined {
  const s = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(s)) return undefined;
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : `${s}Z`;
  const d = new Date(withZone);
  if (Number.isNaN(d.getTime())) return undefined;
  // Reject dates JavaScript silently rolls over (2026-02-31 → March 3).
  const [datePart] = s.split('T');
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(s) && d.toISOString().slice(0, 10) !== datePart) return undefined;
  return d;
}

export function parseTags(raw: string): { names: { slug: string; name: string }[]; error?: string } {
  const names = raw
    .split(',')
    .map((t) => t.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  if (names.length > LIMITS.tags) return { names: [], error: `Use at most ${LIMITS.tags} tags.` };
  const out = new Map<string, string>();
  for (const name of names) {
    if (name.length > LIMITS.tag) return { names: [], error: `Each tag must be at most ${LIMITS.tag} characters.` };
    out.set(slugify(name), name);
  }
  return { names: [...out].map(([slug, name]) => ({ slug, name })) };
}

interface Validated extends Pick<PostInput, 'title' | 'slug' | 'excerpt' | 'body_md' | 'content_note' | 'language'> {
  tags: { slug: string; name: string }[];
  publishAt?: Date;
  translationOf?: repo.PostRow;
  cover_alt: string;
}

async function validate(
  db: Db,
  input: PostInput,
  intent: Intent,
  now: Date,
  postId?: number,
): Promise<FieldProblems | { ok: true; value: Validated }> {
  const errors: Record<string, string> = {};
  const title = input.title.trim();
  if (!title) errors.title = 'Enter a title.';
  else if (title.length > LIMITS.title)
    errors.title = `The title must be at most ${LIMITS.title} characters (it has ${title.length}).`;
  const slug = (input.slug.trim() || slugify(title)).toLowerCase();
  if (slug.length > LIMITS.slug) errors.slug = `The slug must be at most ${LIMITS.slug} characters.`;
  else if (!SLUG.test(slug))
    errors.slug =
      'The slug may contain only lower-case letters, digits and single hyphens, such as "harm-reduction-basics".';
  else {
    const other = await repo.findBySlug(db, slug);
    if (other && other.id !== postId)
      errors.slug = `Another post already uses the slug "${slug}". Choose a different one.`;
  }
  if (input.excerpt.length > LIMITS.excerpt)
    errors.excerpt = `The excerpt must be at most ${LIMITS.excerpt} characters.`;
  if (input.body_md.length > LIMITS.body)
    errors.body_md = `The text must be at most ${LIMITS.body.toLocaleString('en')} characters (it has ${input.body_md.length.toLocaleString('en')}).`;
  if (input.content_note.length > LIMITS.contentNote)
    errors.content_note = `The content note must be at most ${LIMITS.contentNote} characters.`;
  if (input.cover_alt.length > LIMITS.coverAlt)
    errors.cover_alt = `The image description must be at most ${LIMITS.coverAlt} characters.`;
  const language = input.language.trim() || 'en';
  if (!LANGUAGE.test(language) || language.length > 35)
    errors.language = 'Enter a language code such as "en", "fr" or "pt-BR".';
  const tags = parseTags(input.tags);
  if (tags.error) errors.tags = tags.error;
  let publishAt: Date | undefined;
  if (intent === 'schedule') {
    if (!input.publish_at.trim()) errors.publish_at = 'Enter the date and time (UTC) to publish at.';
    else {
      publishAt = parsePublishAt(input.publish_at);
      if (!publishAt) errors.publish_at = 'Enter a real date and time, such as 2026-12-01T09:30 (UTC).';
      else if (publishAt.getTime() <= now.getTime())
        errors.publish_at = 'The publication time is in the past. Choose a time in the future, or publish now.';
    }
  }
  let translationOf: repo.PostRow | undefined;
  if (input.translation_of.trim()) {
    translationOf = await repo.findBySlug(db, input.translation_of.trim());
    if (!translationOf) errors.translation_of = `There is no post with the slug "${input.translation_of.trim()}".`;
    else if (translationOf.id === postId) errors.translation_of = 'A post cannot be a translation of itself.';
    else {
      const group = translationOf.translation_group ?? translationOf.id;
      const family = await repo.allTranslations(db, group);
      const members = family.length ? family : [{ id: translationOf.id, language: translationOf.language }];
      if (members.some((m) => m.id !== postId && m.language === language))
        errors.translation_of = `That family already has a post in "${language}".`;
    }
  }
  if (Object.keys(errors).length) return fieldProblems(errors);
  return {
    ok: true,
    value: {
      title,
      slug,
      excerpt: input.excerpt.trim(),
      body_md: input.body_md,
      content_note: input.content_note.trim(),
      language,
      tags: tags.names,
      publishAt,
      translationOf,
      cover_alt: input.cover_alt.trim(),
    },
  };
}

function nextState(
  intent: Intent,
  current: { status: PostStatus; published_at: string | null } | undefined,
  now: Date,
  publishAt?: Date,
): { status: PostStatus; published_at: string | null } {
  const nowIso = now.toISOString();
  switch (intent) {
    case 'publish': {
      const wasLive = current && current.status !== 'draft' && current.published_at && current.published_at <= nowIso;
      return { status: 'published', published_at: wasLive ? current.published_at : nowIso };
    }
    case 'schedule':
      return { status: 'scheduled', published_at: publishAt!.toISOString() };
    case 'unpublish':
      return { status: 'draft', published_at: null };
    case 'save':
      return current
        ? { status: current.status, published_at: current.published_at }
        : { status: 'draft', published_at: null };
  }
}

/** What a post's status means right now, for editors. */
export function displayStatus(
  post: { status: PostStatus; published_at: string | null },
  now: Date,
): 'draft' | 'scheduled' | 'published' {
  if (post.status === 'draft' || !post.published_at) return 'draft';
  return post.published_at <= now.toISOString() ? 'published' : 'scheduled';
}

export interface SaveOutcome {
  id: number;
  slug: string;
  status: 'draft' | 'scheduled' | 'published';
  /** Cache tags the change touched. */
  tags: string[];
}

/**
 * Creates (id undefined) or updates a post, in one transaction: fields, tags, slug redirect,
 * translation family, and a revision recording who changed what.
 */
export async function savePost(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number | undefined,
  input: PostInput,
  intent: Intent,
  cover?: CoverImage | null,
): Promise<Result<SaveOutcome> | FieldProblems> {
  if (!can(actor, 'posts.edit')) return denied();
  const now = clock.now();
  const nowIso = now.toISOString();
  const current = id === undefined ? undefined : await repo.findById(db, id);
  if (id !== undefined && !current) return notFound('post');
  const checked = await validate(db, input, intent, now, id);
  if (!checked.ok) return checked;
  const v = checked.value;
  const state = nextState(intent, current, now, v.publishAt);
  try {
    return await db.transaction().execute(async (tx) => {
      const tagIds: number[] = [];
      for (const t of v.tags) tagIds.push(await repo.ensureTag(tx, t.slug, t.name));
      const fields = {
        title: v.title,
        slug: v.slug,
        excerpt: v.excerpt,
        body_md: v.body_md,
        content_note: v.content_note,
        language: v.language,
        cover_alt: v.cover_alt,
        status: state.status,
        published_at: state.published_at,
        updated_at: nowIso,
        updated_by: actor.id,
        ...(input.comments_closed !== undefined ? { comments_closed: input.comments_closed ? 1 : 0 } : {}),
        ...(cover ? { cover_image: cover.file, cover_width: cover.width, cover_height: cover.height } : {}),
        ...(cover === null ? { cover_image: null, cover_width: null, cover_height: null } : {}),
      };
      let postId: number;
      const beforeTags = current ? ((await repo.tagsForPosts(tx, [current.id])).get(current.id) ?? []) : [];
      if (!current) {
        postId = await repo.insertPost(tx, {
          ...fields,
          translation_group: null,
          author_id: actor.id,
          created_at: nowIso,
          cover_image: cover?.file ?? null,
          cover_width: cover?.width ?? null,
          cover_height: cover?.height ?? null,
        });
      } else {
        postId = current.id;
        await repo.updatePost(tx, postId, fields);
        // A published address keeps working after a slug change.
        if (
          current.slug !== v.slug &&
          current.status !== 'draft' &&
          current.published_at &&
          current.published_at <= nowIso
        )
          await repo.addOldSlug(tx, current.slug, postId, nowIso);
      }
      await repo.removeOldSlug(tx, v.slug);
      await repo.setPostTags(tx, postId, tagIds);
      if (v.translationOf) {
        const group = v.translationOf.translation_group ?? v.translationOf.id;
        if (v.translationOf.translation_group === null)
          await repo.updatePost(tx, v.translationOf.id, { translation_group: group });
        await repo.updatePost(tx, postId, { translation_group: group });
      }
      const tagText = v.tags.map((t) => t.name).join(', ');
      const changed = current
        ? (['title', 'slug', 'excerpt', 'body_md', 'content_note', 'language'] as const)
            .filter((k) => current[k] !== v[k])
            .map(String)
        : ['created'];
      if (current && beforeTags.map((t) => t.name).join(', ') !== tagText) changed.push('tags');
      if (current && (current.status !== state.status || current.published_at !== state.published_at))
        changed.push('status');
      if (cover !== undefined) changed.push('cover');
      await repo.insertRevision(tx, {
        post_id: postId,
        user_id: actor.id,
        action: current ? intent : 'create',
        changed: changed.join(','),
        title: v.title,
        slug: v.slug,
        excerpt: v.excerpt,
        body_md: v.body_md,
        content_note: v.content_note,
        language: v.language,
        tags: tagText,
        created_at: nowIso,
      });
      const cacheTags = ['posts', `post:${postId}`, 'home'];
      if (v.translationOf) cacheTags.push(`post:${v.translationOf.id}`);
      return ok({ id: postId, slug: v.slug, status: displayStatus(state, now), tags: cacheTags });
    });
  } catch (err) {
    // Two editors racing for one slug: the unique index decides, and nothing is half-saved.
    if (/unique|UNIQUE/.test(String((err as Error).message)))
      return fieldProblems({ slug: `Another post already uses the slug "${v.slug}". Choose a different one.` });
    throw err;
  }
}

/** Changes only the status (the publish / unpublish buttons of the list). */
export async function changeStatus(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number,
  intent: 'publish' | 'unpublish',
): Promise<Result<SaveOutcome> | FieldProblems> {
  const post = await repo.findById(db, id);
  if (!post) return notFound('post');
  const tags = (await repo.tagsForPosts(db, [id])).get(id) ?? [];
  return savePost(db, clock, actor, id, inputFromPost(post, tags.map((t) => t.name).join(', ')), intent);
}

export function inputFromPost(post: repo.PostRow, tags: string, translationOf = ''): PostInput {
  return {
    title: post.title,
    slug: post.slug,
    excerpt: post.excerpt,
    body_md: post.body_md,
    content_note: post.content_note,
    language: post.language,
    tags,
    publish_at: post.status === 'scheduled' && post.published_at ? post.published_at.slice(0, 16) : '',
    translation_of: translationOf,
    cover_alt: post.cover_alt,
    comments_closed: post.comments_closed === 1,
  };
}

export async function deletePost(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number,
): Promise<Result<{ tags: string[]; cover: string | null }>> {
  if (!can(actor, 'posts.edit')) return denied();
  const post = await repo.findById(db, id);
  if (!post) return notFound('post');
  await db.transaction().execute(async (tx) => {
    await repo.deletePost(tx, id);
    await repo.recordAudit(
      tx,
      actor.id,
      'post.delete',
      `post:${id}`,
      `${post.title} (/posts/${post.slug})`,
      clock.now().toISOString(),
    );
  });
  return ok({ tags: ['posts', `post:${id}`, 'home'], cover: post.cover_image });
}

export async function editorData(db: Db, id: number) {
  const post = await repo.findById(db, id);
  if (!post) return undefined;
  const [tags, revisions, family] = await Promise.all([
    repo.tagsForPosts(db, [id]),
    repo.listRevisions(db, id, 20),
    post.translation_group ? repo.allTranslations(db, post.translation_group) : Promise.resolve([]),
  ]);
  return { post, tags: tags.get(id) ?? [], revisions, translations: family.filter((f) => f.id !== id) };
}

export async function listForEditors(db: Db, page: number) {
  const p = Math.max(1, page);
  const [items, total] = await Promise.all([repo.listForEditors(db, 50, (p - 1) * 50), repo.countAll(db)]);
  return { items, page: p, pageCount: Math.max(1, Math.ceil(total / 50)) };
}

export const findRevision = (db: Db, postId: number, revisionId: number) => repo.findRevision(db, postId, revisionId);

/** Puts a revision's text back (as a new save, so the restore is itself a revision). */
export async function restoreRevision(
  db: Db,
  clock: Clock,
  actor: Actor,
  postId: number,
  revisionId: number,
): Promise<Result<SaveOutcome> | FieldProblems> {
  if (!can(actor, 'posts.edit')) return denied();
  const post = await repo.findById(db, postId);
  const rev = await repo.findRevision(db, postId, revisionId);
  if (!post || !rev) return notFound('revision');
  const input: PostInput = {
    ...inputFromPost(post, rev.tags),
    title: rev.title,
    slug: rev.slug,
    excerpt: rev.excerpt,
    body_md: rev.body_md,
    content_note: rev.content_note,
    language: rev.language,
  };
  const result = await savePost(db, clock, actor, postId, input, 'save');
  if (result.ok) await repo.relabelLatestRevision(db, postId, `restore #${revisionId}`);
  return result;
}

/** Everything the sitemap lists, with each post's live language versions. */
export async function sitemapEntries(db: Db, now: Date) {
  const nowIso = now.toISOString();
  const [rows, tags, authors] = await Promise.all([
    repo.listLiveForSitemap(db, nowIso),
    repo.listLiveTags(db, nowIso),
    repo.listLiveAuthors(db, nowIso),
  ]);
  const families = new Map<number, { slug: string; language: string; id: number }[]>();
  for (const r of rows)
    if (r.translation_group !== null)
      families.set(r.translation_group, [...(families.get(r.translation_group) ?? []), r]);
  return {
    posts: rows.map((r) => ({
      slug: r.slug,
      language: r.language,
      updated_at: r.updated_at,
      translations:
        r.translation_group === null
          ? []
          : (families.get(r.translation_group) ?? [])
              .filter((f) => f.id !== r.id)
              .map(({ slug, language }) => ({ slug, language })),
    })),
    tags,
    authors,
  };
}

// ── comments on a post ──────────────────────────────────────────────────────

/**
 * Opens or closes comments on a post. Moderators do this from the comments queue; the flag is
 * the post's, so it is written here, with the audit entry in the same transaction.
 */
export async function setCommentsClosed(
  db: Db,
  clock: Clock,
  actor: Actor,
  postId: number,
  closed: boolean,
): Promise<Result<{ id: number; slug: string }>> {
  if (!can(actor, 'comments.moderate')) return denied();
  return db.transaction().execute(async (tx) => {
    const post = await repo.setCommentsClosed(tx, postId, closed);
    if (!post) return notFound();
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: closed ? 'comments.close' : 'comments.open',
      subject: `post:${postId}`,
    });
    return ok(post);
  });
}
