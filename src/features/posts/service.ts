import { recordAudit } from '../../core/audit/index.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import { slugify } from '../../core/auth/service.ts';
import { cacheTags, type CacheTag } from '../../core/cache/tags.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, Dialect, Executor, PostStatus } from '../../core/db/schema.ts';
import type { Message } from '../../core/i18n/index.ts';
import { markdownToText } from '../../core/markdown/render.ts';
import { pageWindow, toPage, type Page } from '../../core/pagination.ts';
import { denied, invalidFields, notFound, ok, type FieldErrors, type Result } from '../../core/result.ts';
import { queryWords } from '../../core/search/words.ts';
import { removeImagesLeftBy } from './inline-images.ts';
import { localToUtc, utcToLocalInput } from './local-time.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';
import { searchLive, type SearchHit } from './search-repo.ts';
import { CoverUpload, MAX_COVER_BYTES, removeCover, storeCover, type CoverImage } from './uploads.ts';

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
const MAX_PER_PAGE = 100;
const EDITOR_PAGE_SIZE = 50;
/** How long the page cache keeps an anonymous page (its default), unless a scheduled post goes live sooner. */
const CACHE_TTL_MS = 5 * 60_000;
// Lower-case letters of any script (imported Greek, Cyrillic or Thai slugs), marks and digits.
const SLUG = /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+(?:-[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+)*$/u;
const LANGUAGE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export type { CoverImage, Page, SearchHit };

// ── reading ─────────────────────────────────────────────────────────────────

/** Published posts with a tag, newest first (used by campaigns). */
export async function listPublishedPostsByTag(
  db: Db,
  clock: Clock,
  tagSlug: string,
  limit: number,
): Promise<{ id: number; slug: string; title: string; excerpt: string; published_at: string; language: string }[]> {
  const rows = await repo.listLive(db, { now: clock.now().toISOString(), tagSlug, limit, offset: 0 });
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
  clock: Clock,
  slug: string,
): Promise<repo.PostWithAuthor | undefined> {
  return repo.findLiveBySlug(db, slug, clock.now().toISOString());
}

export interface PostSummary extends repo.PostListItem {
  tags: repo.TagRow[];
  readingMinutes: number;
}

export function readingMinutes(bodyMd: string): number {
  const words = markdownToText(bodyMd).split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / 200));
}

export interface ListOptions {
  page?: number;
  perPage?: number;
  tagSlug?: string;
  authorSlug?: string;
  language?: string;
}

/** One page of live posts, optionally by tag, author or language. */
export async function listPublished(db: Db, clock: Clock, opts: ListOptions = {}): Promise<Page<PostSummary>> {
  const request = { page: opts.page ?? 1, perPage: Math.min(Math.max(opts.perPage ?? PAGE_SIZE, 1), MAX_PER_PAGE) };
  const filter = {
    now: clock.now().toISOString(),
    tagSlug: opts.tagSlug,
    authorSlug: opts.authorSlug,
    language: opts.language,
  };
  const [rows, total] = await Promise.all([
    repo.listLive(db, { ...filter, ...pageWindow(request) }),
    repo.countLive(db, filter),
  ]);
  const tags = await repo.tagsForPosts(
    db,
    rows.map((r) => r.id),
  );
  const items = rows.map((r) => ({ ...r, tags: tags.get(r.id) ?? [], readingMinutes: readingMinutes(r.body_md) }));
  return toPage(items, total, request);
}

/** A tag's page of live posts; a tag with nothing live has no page. */
export async function tagListing(
  db: Db,
  clock: Clock,
  slug: string,
  page: number,
): Promise<Result<{ tag: repo.TagRow; list: Page<PostSummary> }>> {
  const tag = await repo.findTag(db, slug);
  if (!tag) return notFound();
  const list = await listPublished(db, clock, { tagSlug: tag.slug, page });
  return list.total === 0 ? notFound() : ok({ tag, list });
}

/** An author's page of live posts; an author with nothing live has no page. */
export async function authorListing(
  db: Db,
  clock: Clock,
  slug: string,
  page: number,
): Promise<Result<{ author: repo.AuthorRow; list: Page<PostSummary> }>> {
  const author = await repo.findAuthor(db, slug);
  if (!author) return notFound();
  const list = await listPublished(db, clock, { authorSlug: author.slug, page });
  return list.total === 0 ? notFound() : ok({ author, list });
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
  clock: Clock,
  slug: string,
): Promise<Result<PostPageData> | { ok: false; kind: 'moved'; slug: string }> {
  const nowIso = clock.now().toISOString();
  const post = await repo.findLiveBySlug(db, slug, nowIso);
  if (!post) {
    const old = await repo.findOldSlug(db, slug);
    const target = old && (await repo.findById(db, old.post_id));
    if (target && target.status !== 'draft' && target.published_at && target.published_at <= nowIso)
      return { ok: false, kind: 'moved', slug: target.slug };
    return notFound();
  }
  const [tags, translations] = await Promise.all([
    repo.tagsForPosts(db, [post.id]),
    post.translation_group ? repo.liveTranslations(db, post.translation_group, nowIso) : Promise.resolve([]),
  ]);
  return ok({
    post: { ...post, published_at: post.published_at ?? nowIso },
    tags: tags.get(post.id) ?? [],
    translations: translations.filter((t) => t.id !== post.id),
    readingMinutes: readingMinutes(post.body_md),
  });
}

export const listTags = (db: Db, clock: Clock) => repo.listLiveTags(db, clock.now().toISOString());
export const listAuthors = (db: Db, clock: Clock) => repo.listLiveAuthors(db, clock.now().toISOString());
/** Every tag's name, for the editor's hint. */
export const knownTagNames = async (db: Db) => (await repo.listAllTags(db)).map((t) => t.name);

/**
 * How long a cached list or page may live, in milliseconds, when the next scheduled post goes live
 * sooner than the cache's usual lifetime; null for the usual lifetime.
 */
export async function cacheLifetime(db: Db, clock: Clock): Promise<number | null> {
  const now = clock.now();
  const next = await repo.nextScheduledAfter(db, now.toISOString());
  if (next === undefined) return null;
  const ms = Date.parse(next) - now.getTime();
  return ms < CACHE_TTL_MS ? Math.max(ms, 1) : null;
}

/** Live posts matching every word of the reader's query (at most 12 words; no query syntax), best first. */
export async function searchPosts(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  query: string,
  page = 1,
): Promise<Page<SearchHit>> {
  const request = { page, perPage: PAGE_SIZE };
  const words = queryWords(query);
  const { hits, total } = await searchLive(db, dialect, words, clock.now().toISOString(), pageWindow(request));
  return toPage(hits, total, request);
}

// ── feeds and sitemap ───────────────────────────────────────────────────────

export const FEED_SIZE = 20;

/** Which posts a feed follows: the whole site, a tag, or an author. */
export type FeedScope = { kind: 'site' } | { kind: 'tag'; slug: string } | { kind: 'author'; slug: string };
export type FeedSource =
  { kind: 'site' } | { kind: 'tag'; tag: repo.TagRow } | { kind: 'author'; author: repo.AuthorRow };

/** The newest live posts of a feed, optionally in one language; an unknown tag or author has no feed. */
export async function feedPosts(
  db: Db,
  clock: Clock,
  scope: FeedScope,
  language?: string,
): Promise<Result<{ source: FeedSource; posts: PostSummary[] }>> {
  const source = await feedSource(db, scope);
  if (!source) return notFound();
  const list = await listPublished(db, clock, {
    tagSlug: source.kind === 'tag' ? source.tag.slug : undefined,
    authorSlug: source.kind === 'author' ? source.author.slug : undefined,
    language,
    perPage: FEED_SIZE,
  });
  return ok({ source, posts: list.items });
}

async function feedSource(db: Db, scope: FeedScope): Promise<FeedSource | undefined> {
  if (scope.kind === 'site') return scope;
  if (scope.kind === 'tag') {
    const tag = await repo.findTag(db, scope.slug);
    return tag && { kind: 'tag', tag };
  }
  const author = await repo.findAuthor(db, scope.slug);
  return author && { kind: 'author', author };
}

/** Everything the sitemap lists, with each post's live language versions. */
export async function sitemapEntries(db: Db, clock: Clock) {
  const nowIso = clock.now().toISOString();
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

// ── editing ─────────────────────────────────────────────────────────────────

export const INTENTS = ['save', 'publish', 'schedule', 'unpublish'] as const;
export type Intent = (typeof INTENTS)[number];
export type DisplayStatus = 'draft' | 'scheduled' | 'published';

export interface PostInput {
  title: string;
  slug: string;
  excerpt: string;
  body_md: string;
  content_note: string;
  language: string;
  /** Comma-separated tag names; new ones are created. */
  tags: string;
  /** For scheduling: an ISO date-time with its offset, or "YYYY-MM-DDTHH:MM" read in time_zone. */
  publish_at: string;
  /** The site's time zone (IANA) a publish_at without offset is read in; UTC when absent. */
  time_zone?: string;
  /** Slug of the post this one translates (links them as one family). */
  translation_of: string;
  cover_alt: string;
  comments_closed?: boolean;
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

export interface TagName {
  slug: string;
  name: string;
}

export function parseTags(raw: string): { names: TagName[]; error?: Message } {
  const names = raw
    .split(',')
    .map((t) => t.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  if (names.length > LIMITS.tags) return { names: [], error: msg('tooManyTags', { max: LIMITS.tags }) };
  const out = new Map<string, string>();
  for (const name of names) {
    if (name.length > LIMITS.tag) return { names: [], error: msg('tagTooLong', { max: LIMITS.tag }) };
    out.set(slugify(name), name);
  }
  return { names: [...out].map(([slug, name]) => ({ slug, name })) };
}

interface Validated extends Pick<PostInput, 'title' | 'slug' | 'excerpt' | 'body_md' | 'content_note' | 'language'> {
  tags: TagName[];
  publishAt?: Date;
  translationOf?: repo.PostRow;
  cover_alt: string;
}

const thousands = (n: number) => n.toLocaleString('en');

async function checkSlug(db: Db, slug: string, postId: number | undefined): Promise<Message | undefined> {
  if (slug.length > LIMITS.slug) return msg('slugTooLong', { max: LIMITS.slug });
  if (!SLUG.test(slug)) return msg('slugFormat');
  const other = await repo.findBySlug(db, slug);
  if (other && other.id !== postId) return msg('slugTaken', { slug });
}

function checkLengths(input: PostInput, title: string, errors: FieldErrors): void {
  if (!title) errors.title = msg('titleRequired');
  else if (title.length > LIMITS.title) errors.title = msg('titleTooLong', { max: LIMITS.title, length: title.length });
  if (input.excerpt.length > LIMITS.excerpt) errors.excerpt = msg('excerptTooLong', { max: LIMITS.excerpt });
  if (input.body_md.length > LIMITS.body)
    errors.body_md = msg('bodyTooLong', { max: thousands(LIMITS.body), length: thousands(input.body_md.length) });
  if (input.content_note.length > LIMITS.contentNote)
    errors.content_note = msg('contentNoteTooLong', { max: LIMITS.contentNote });
  if (input.cover_alt.length > LIMITS.coverAlt) errors.cover_alt = msg('coverAltTooLong', { max: LIMITS.coverAlt });
}

function checkPublishAt(raw: string, now: Date, zone: string): { at?: Date; error?: Message } {
  if (!raw.trim()) return { error: msg('publishAtRequired', { zone }) };
  const withOffset = /(Z|[+-]\d{2}:\d{2})$/.test(raw.trim());
  const local = withOffset ? undefined : localToUtc(raw, zone);
  if (local && 'problem' in local && local.problem === 'gap') return { error: msg('publishAtGap', { zone }) };
  const at = local ? ('at' in local ? local.at : undefined) : parsePublishAt(raw);
  if (!at) return { error: msg('publishAtInvalid', { zone }) };
  if (at.getTime() <= now.getTime()) return { error: msg('publishAtPast') };
  return { at };
}

async function checkTranslation(
  db: Db,
  slug: string,
  language: string,
  postId: number | undefined,
): Promise<{ of?: repo.PostRow; error?: Message }> {
  const of = await repo.findBySlug(db, slug);
  if (!of) return { error: msg('translationMissing', { slug }) };
  if (of.id === postId) return { error: msg('translationOfItself') };
  const family = await repo.allTranslations(db, of.translation_group ?? of.id);
  const members = family.length ? family : [{ id: of.id, language: of.language }];
  if (members.some((m) => m.id !== postId && m.language === language))
    return { error: msg('translationLanguageTaken', { language }) };
  return { of };
}

async function validate(
  db: Db,
  input: PostInput,
  intent: Intent,
  now: Date,
  postId?: number,
): Promise<Result<Validated>> {
  const errors: FieldErrors = {};
  const title = input.title.trim();
  checkLengths(input, title, errors);
  const slug = (input.slug.trim() || slugify(title)).toLowerCase();
  const slugError = await checkSlug(db, slug, postId);
  if (slugError) errors.slug = slugError;
  const language = input.language.trim() || 'en';
  if (!LANGUAGE.test(language) || language.length > 35) errors.language = msg('languageInvalid');
  const tags = parseTags(input.tags);
  if (tags.error) errors.tags = tags.error;
  const zone = input.time_zone ?? 'UTC';
  const publishAt = intent === 'schedule' ? checkPublishAt(input.publish_at, now, zone) : {};
  if (publishAt.error) errors.publish_at = publishAt.error;
  const translation = input.translation_of.trim()
    ? await checkTranslation(db, input.translation_of.trim(), language, postId)
    : {};
  if (translation.error) errors.translation_of = translation.error;
  if (Object.keys(errors).length) return invalidFields(errors);
  return ok({
    title,
    slug,
    excerpt: input.excerpt.trim(),
    body_md: input.body_md,
    content_note: input.content_note.trim(),
    language,
    tags: tags.names,
    publishAt: publishAt.at,
    translationOf: translation.of,
    cover_alt: input.cover_alt.trim(),
  });
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
      const wasLive = current && displayStatus(current, now) === 'published';
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

/** What a post's status means at a given moment, for editors (pure; services pass the clock's time). */
export function displayStatus(post: { status: PostStatus; published_at: string | null }, now: Date): DisplayStatus {
  if (post.status === 'draft' || !post.published_at) return 'draft';
  return post.published_at <= now.toISOString() ? 'published' : 'scheduled';
}

export interface SaveOutcome {
  id: number;
  slug: string;
  status: DisplayStatus;
  /** Cache tags the change touched. */
  tags: CacheTag[];
}

interface WriteOptions {
  intent: Intent;
  cover?: CoverImage | null;
  commentsClosed?: boolean;
  /** The revision's action; by default the intent (or "create"). */
  revisionAction?: string;
}

/**
 * Creates (id undefined) or updates a post, in one transaction: fields, tags, slug redirect,
 * translation family, a revision recording who changed what, and the audit log for changes of
 * publication (publish, schedule, unpublish).
 */
export async function savePost(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number | undefined,
  input: PostInput,
  intent: Intent,
  cover?: CoverImage | null,
): Promise<Result<SaveOutcome>> {
  if (!can(actor, 'posts.edit')) return denied();
  const current = id === undefined ? undefined : await repo.findById(db, id);
  if (id !== undefined && !current) return notFound(msg('postNotFound'));
  const checked = await validate(db, input, intent, clock.now(), id);
  if (!checked.ok) return checked;
  const options = { intent, cover, commentsClosed: input.comments_closed };
  return writeOnce(db, checked.value.slug, (tx) => writePost(tx, clock, actor, current, checked.value, options));
}

/** Two editors racing for one slug: the unique index decides, and nothing is half-saved. */
async function writeOnce(
  db: Db,
  slug: string,
  write: (tx: Executor) => Promise<SaveOutcome>,
): Promise<Result<SaveOutcome>> {
  try {
    return ok(await db.transaction().execute(write));
  } catch (err) {
    if (/unique|UNIQUE/.test(String((err as Error).message)))
      return invalidFields({ slug: msg('slugTaken', { slug }) });
    throw err;
  }
}

async function writePost(
  tx: Executor,
  clock: Clock,
  actor: Actor,
  current: repo.PostRow | undefined,
  v: Validated,
  { intent, cover, commentsClosed, revisionAction }: WriteOptions,
): Promise<SaveOutcome> {
  const now = clock.now();
  const nowIso = now.toISOString();
  const state = nextState(intent, current, now, v.publishAt);
  const tagIds: number[] = [];
  for (const t of v.tags) tagIds.push((await repo.ensureTag(tx, t.slug, t.name)).id);
  const beforeTags = current ? ((await repo.tagsForPosts(tx, [current.id])).get(current.id) ?? []) : [];
  const fields: PostFields = {
    ...revisedText(v),
    cover_alt: v.cover_alt,
    ...state,
    updated_at: nowIso,
    updated_by: actor.id,
    ...(commentsClosed !== undefined ? { comments_closed: commentsClosed ? 1 : 0 } : {}),
    ...coverFields(cover),
  };
  const postId = current ? current.id : await insertNew(tx, actor, fields, nowIso);
  if (current) await updateExisting(tx, current, fields, now);
  await repo.removeOldSlug(tx, v.slug);
  await repo.setPostTags(tx, postId, tagIds);
  if (v.translationOf) await joinFamily(tx, postId, v.translationOf);
  const changed = current ? changedFields(current, beforeTags, v, state, cover) : ['created'];
  await repo.insertRevision(tx, {
    ...revisedText(v),
    tags: tagText(v),
    post_id: postId,
    user_id: actor.id,
    action: revisionAction ?? (current ? intent : 'create'),
    changed: changed.join(','),
    created_at: nowIso,
  });
  await auditPublication(tx, clock, actor, postId, v, current, intent, now);
  const tags = [cacheTags.posts, cacheTags.post(postId), cacheTags.home];
  if (v.translationOf) tags.push(cacheTags.post(v.translationOf.id));
  return { id: postId, slug: v.slug, status: displayStatus(state, now), tags };
}

type PostFields = Pick<
  repo.PostValues,
  (typeof REVISED)[number] | 'cover_alt' | 'status' | 'published_at' | 'updated_at' | 'updated_by'
> &
  Partial<Pick<repo.PostValues, 'comments_closed' | 'cover_image' | 'cover_width' | 'cover_height'>>;

function coverFields(cover: CoverImage | null | undefined): Partial<repo.PostValues> {
  if (cover === undefined) return {};
  return { cover_image: cover?.file ?? null, cover_width: cover?.width ?? null, cover_height: cover?.height ?? null };
}

async function insertNew(tx: Executor, actor: Actor, fields: PostFields, nowIso: string): Promise<number> {
  return repo.insertPost(tx, {
    cover_image: null,
    cover_width: null,
    cover_height: null,
    ...fields,
    translation_group: null,
    author_id: actor.id,
    created_at: nowIso,
  });
}

async function updateExisting(tx: Executor, current: repo.PostRow, fields: PostFields, now: Date): Promise<void> {
  await repo.updatePost(tx, current.id, fields);
  // A published address keeps working after a slug change.
  if (current.slug !== fields.slug && displayStatus(current, now) === 'published')
    await repo.addOldSlug(tx, current.slug, current.id, now.toISOString());
}

/** Posts that translate each other share a family number: the first post's id. */
async function joinFamily(tx: Executor, postId: number, of: repo.PostRow): Promise<void> {
  const group = of.translation_group ?? of.id;
  if (of.translation_group === null) await repo.updatePost(tx, of.id, { translation_group: group });
  await repo.updatePost(tx, postId, { translation_group: group });
}

/** The text a revision keeps, and which an edit may change. */
const REVISED = ['title', 'slug', 'excerpt', 'body_md', 'content_note', 'language'] as const;

function revisedText(v: Pick<Validated, (typeof REVISED)[number]>) {
  const { title, slug, excerpt, body_md, content_note, language } = v;
  return { title, slug, excerpt, body_md, content_note, language };
}

const tagText = (v: Validated) => v.tags.map((t) => t.name).join(', ');

function changedFields(
  current: repo.PostRow,
  beforeTags: repo.TagRow[],
  v: Validated,
  state: { status: PostStatus; published_at: string | null },
  cover: CoverImage | null | undefined,
): string[] {
  const changed: string[] = REVISED.filter((k) => current[k] !== v[k]);
  if (beforeTags.map((t) => t.name).join(', ') !== tagText(v)) changed.push('tags');
  if (current.status !== state.status || current.published_at !== state.published_at) changed.push('status');
  if (cover !== undefined) changed.push('cover');
  return changed;
}

/** Publishing, scheduling and unpublishing are staff decisions the audit log keeps (a plain save is a revision only). */
async function auditPublication(
  tx: Executor,
  clock: Clock,
  actor: Actor,
  postId: number,
  v: Validated,
  current: repo.PostRow | undefined,
  intent: Intent,
  now: Date,
): Promise<void> {
  const before = current ? displayStatus(current, now) : undefined;
  const changes =
    (intent === 'publish' && before !== 'published') ||
    intent === 'schedule' ||
    (intent === 'unpublish' && before !== undefined && before !== 'draft');
  if (!changes) return;
  await recordAudit(tx, clock, {
    actorId: actor.id,
    action: `post.${intent}`,
    subject: `post:${postId}`,
    detail: `${v.title} (/posts/${v.slug})`,
  });
}

/**
 * The editor's save with its cover field: a new image is checked and stored first, and removed
 * again if the post is then refused; the image it replaces (or the one removed) goes once the post is saved.
 */
export async function saveFromEditor(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number | undefined,
  input: PostInput,
  intent: Intent,
  cover: { upload?: CoverUpload; remove: boolean },
): Promise<Result<SaveOutcome>> {
  if (!can(actor, 'posts.edit')) return denied();
  const previous = id === undefined ? undefined : (await repo.findById(db, id))?.cover_image;
  let next: CoverImage | null | undefined;
  if (cover.upload && !cover.upload.isEmpty) {
    const stored = await storeCover(db, clock, cover.upload);
    if (!stored.ok) return stored;
    next = stored.value;
  } else if (cover.remove) next = null;
  const saved = await savePost(db, clock, actor, id, input, intent, next);
  if (!saved.ok && next) await removeCover(db, next.file);
  if (saved.ok && next !== undefined) await removeCover(db, previous);
  return saved;
}

/** The editor's fields for a stored post; a scheduled time is shown in `zone` (the site's). */
export function inputFromPost(post: repo.PostRow, tags: string, translationOf = '', zone = 'UTC'): PostInput {
  return {
    title: post.title,
    slug: post.slug,
    excerpt: post.excerpt,
    body_md: post.body_md,
    content_note: post.content_note,
    language: post.language,
    tags,
    publish_at: post.status === 'scheduled' && post.published_at ? utcToLocalInput(post.published_at, zone) : '',
    time_zone: zone,
    translation_of: translationOf,
    cover_alt: post.cover_alt,
    comments_closed: post.comments_closed === 1,
  };
}

/** An empty editor form; a translation starts from the slug of the post it translates. */
export function blankInput(translationOf = ''): PostInput {
  return {
    title: '',
    slug: '',
    excerpt: '',
    body_md: '',
    content_note: '',
    language: 'en',
    tags: '',
    publish_at: '',
    translation_of: translationOf,
    cover_alt: '',
  };
}

/**
 * Deletes a post with its revisions, tag links, old slugs, cover image and the images in its text
 * that nothing else shows; the deletion is audited
 * (no revision is left).
 */
export async function deletePost(
  db: Db,
  clock: Clock,
  actor: Actor,
  id: number,
): Promise<Result<{ tags: CacheTag[] }>> {
  if (!can(actor, 'posts.edit')) return denied();
  const post = await repo.findById(db, id);
  if (!post) return notFound(msg('postNotFound'));
  await db.transaction().execute(async (tx) => {
    const texts = await repo.textsOfPost(tx, id);
    await repo.deletePost(tx, id);
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: 'post.delete',
      subject: `post:${id}`,
      detail: `${post.title} (/posts/${post.slug})`,
    });
    await removeCover(tx, post.cover_image);
    await removeImagesLeftBy(tx, texts);
  });
  return ok({ tags: [cacheTags.posts, cacheTags.post(id), cacheTags.home] });
}

/** The editor's page for a post: its fields, tags, status now, latest revisions and language versions. */
export async function editorData(db: Db, clock: Clock, id: number, zone = 'UTC') {
  const post = await repo.findById(db, id);
  if (!post) return undefined;
  const [tags, revisions, family] = await Promise.all([
    repo.tagsForPosts(db, [id]),
    repo.listRevisions(db, id, 20),
    post.translation_group ? repo.allTranslations(db, post.translation_group) : Promise.resolve([]),
  ]);
  const tagList = tags.get(id) ?? [];
  return {
    post,
    input: inputFromPost(post, tagList.map((t) => t.name).join(', '), '', zone),
    status: displayStatus(post, clock.now()),
    revisions,
    translations: family.filter((f) => f.id !== id),
  };
}

export type EditorData = NonNullable<Awaited<ReturnType<typeof editorData>>>;
export type EditorListItem = repo.AdminListItem & { status: DisplayStatus };

/** Every post, most recently changed first, with what its status means now. */
export async function listForEditors(db: Db, clock: Clock, page: number): Promise<Page<EditorListItem>> {
  const request = { page, perPage: EDITOR_PAGE_SIZE };
  const window = pageWindow(request);
  const [rows, total] = await Promise.all([repo.listForEditors(db, window.limit, window.offset), repo.countAll(db)]);
  const now = clock.now();
  return toPage(
    rows.map((r) => ({ ...r, status: displayStatus(r, now) })),
    total,
    request,
  );
}

export const findRevision = (db: Db, postId: number, revisionId: number) => repo.findRevision(db, postId, revisionId);

/** Puts a revision's text back as a new save (so the restore is itself a revision), audited. */
export async function restoreRevision(
  db: Db,
  clock: Clock,
  actor: Actor,
  postId: number,
  revisionId: number,
): Promise<Result<SaveOutcome>> {
  if (!can(actor, 'posts.edit')) return denied();
  const post = await repo.findById(db, postId);
  const rev = await repo.findRevision(db, postId, revisionId);
  if (!post || !rev) return notFound(msg('revisionNotFound'));
  const { title, slug, excerpt, body_md, content_note, language } = rev;
  const input = { ...inputFromPost(post, rev.tags), title, slug, excerpt, body_md, content_note, language };
  const checked = await validate(db, input, 'save', clock.now(), postId);
  if (!checked.ok) return checked;
  const options = { intent: 'save' as const, revisionAction: `restore #${revisionId}` };
  return writeOnce(db, checked.value.slug, async (tx) => {
    const outcome = await writePost(tx, clock, actor, post, checked.value, options);
    await recordAudit(tx, clock, {
      actorId: actor.id,
      action: 'post.restore',
      subject: `post:${postId}`,
      detail: `revision #${revisionId}: ${checked.value.title}`,
    });
    return outcome;
  });
}

// ── import (the WordPress importer: src/features/wordpress) ─────────────────

/** A post as another system had it: stored as it was there, with no editor rules beyond a free slug. */
export interface ImportedPost {
  /** Where it came from, e.g. "wp:<site>:<id>": a second import finds the post instead of adding it again. */
  legacyId: string;
  title: string;
  /** The slug it had; "-2", "-3"… is added when a post or an old address already uses it. */
  slug: string;
  excerpt: string;
  bodyMd: string;
  language: string;
  status: PostStatus;
  publishedAt: string | null;
  createdAt: string;
  authorId: number;
  tags: TagName[];
  /** Comments were closed there: they stay closed here. */
  commentsClosed?: boolean;
  /** The featured image, already stored with storeImportedImage. */
  cover?: CoverImage & { alt: string };
}

export const findImportedPost = (db: Executor, legacyId: string) => repo.findByLegacyId(db, legacyId);

/**
 * Stores an imported post with its tags and an "import" revision (by no one). Call it inside the
 * importer's transaction. Returns the slug it got and how many of its tags were new.
 */
export async function importPost(
  db: Executor,
  clock: Clock,
  post: ImportedPost,
): Promise<{ id: number; slug: string; newTags: number }> {
  const nowIso = clock.now().toISOString();
  let slug = post.slug;
  for (let n = 2; await repo.slugTaken(db, slug); n++) slug = `${post.slug.slice(0, LIMITS.slug - 6)}-${n}`;
  const text = { title: post.title, slug, excerpt: post.excerpt, body_md: post.bodyMd, content_note: '' };
  const id = await repo.insertPost(db, {
    ...text,
    language: post.language,
    translation_group: null,
    author_id: post.authorId,
    status: post.status,
    published_at: post.publishedAt,
    cover_image: post.cover?.file ?? null,
    cover_alt: post.cover?.alt.slice(0, LIMITS.coverAlt) ?? '',
    cover_width: post.cover?.width ?? null,
    cover_height: post.cover?.height ?? null,
    comments_closed: post.commentsClosed ? 1 : 0,
    created_at: post.createdAt,
    updated_at: nowIso,
    updated_by: null,
    legacy_id: post.legacyId,
  });
  const tags: { id: number; created: boolean }[] = [];
  for (const t of post.tags) tags.push(await repo.ensureTag(db, t.slug, t.name));
  await repo.setPostTags(
    db,
    id,
    tags.map((t) => t.id),
  );
  const tagText = post.tags.map((t) => t.name).join(', ');
  await repo.insertRevision(db, {
    ...text,
    language: post.language,
    tags: tagText,
    post_id: id,
    user_id: null,
    action: 'import',
    changed: 'created',
    created_at: nowIso,
  });
  return { id, slug, newTags: tags.filter((t) => t.created).length };
}

/**
 * An image from another system (the importer's copy of wp-content/uploads), stored and re-encoded
 * as covers are — inside the importer's transaction, so a failed import leaves no file behind.
 */
export const storeImportedImage = (tx: Executor, clock: Clock, bytes: Buffer) =>
  storeCover(tx, clock, new CoverUpload(bytes, false));
export const MAX_IMAGE_BYTES = MAX_COVER_BYTES;
/** Where a stored image is served (the posts routes' /media/posts/:file). */
export const imageUrl = (file: string) => `/media/posts/${file}`;

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
