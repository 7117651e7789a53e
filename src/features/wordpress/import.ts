import crypto from 'node:crypto';
import { hashPassword } from '../../core/auth/passwords.ts';
import { slugify } from '../../core/auth/service.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, Executor, PostStatus } from '../../core/db/schema.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import { decodeUtf8Marked } from '../../core/text/gate.ts';
import { importApprovedComment } from '../comments/service.ts';
import { findImportedPost, imageUrl, importPost, LIMITS, type CoverImage, type TagName } from '../posts/service.ts';
import { htmlToMarkdown, htmlToText } from './markdown.ts';
import { UploadsFolder, uploadsPath } from './media.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';
import { refusedWxrText } from './text-check.ts';
import { expandShortcodes, type Attachment } from './shortcodes.ts';
import { unicodeSlug } from './slug.ts';
import { parseWxr, WxrError, type Wxr, type WxrComment, type WxrItem } from './wordpress.ts';

/*
 * `alongside import-wordpress FILE.xml`: posts (and pages, if asked), tags and categories as
 * tags, authors, dates and approved comments, in one transaction. Every imported post keeps its
 * source identity (guid, blog address and id), so a second run skips what is already here
 * instead of duplicating it. Posts are stored by the publishing service and comments by the
 * comments service; only the authors' accounts are written here.
 */
export interface ImportOptions {
  /** WordPress pages: imported as posts, or skipped (the default). */
  pages: 'import' | 'skip';
  /** A copy of the old site's wp-content/uploads; the images posts use are stored on the site. */
  uploads?: { dir: string };
}

export interface ImportReport {
  posts: number;
  pagesImported: number;
  pagesSkipped: number;
  alreadyImported: number;
  skippedOther: { title: string; reason: string }[];
  renamedSlugs: { from: string; to: string }[];
  /** Password-protected and private posts: imported as drafts, for an editor to decide. */
  heldBack: { title: string; slug: string; reason: 'password' | 'private' }[];
  /** Child pages, whose slug carries their parents' ("about-team"). */
  childPages: { title: string; slug: string }[];
  /** Shortcodes nothing here stands for, removed from the text. */
  shortcodesRemoved: { title: string; shortcode: string }[];
  /** Images still on the old site (not found in --uploads, or no --uploads given). */
  imagesLeftBehind: { title: string; url: string }[];
  imagesCopied: number;
  authors: number;
  tags: number;
  comments: number;
  commentsSkipped: number;
}

const STATUS: Record<string, PostStatus | undefined> = {
  publish: 'published',
  future: 'scheduled',
  draft: 'draft',
  pending: 'draft',
  private: 'draft',
};

/**
 * `file` as its bytes (what the command line reads: bytes that are not UTF-8 are then found and
 * named) or as text. Every piece of text passes the one text gate before anything is stored.
 */
export async function importWordPress(
  db: Db,
  clock: Clock,
  file: string | Uint8Array,
  opts: ImportOptions = { pages: 'skip' },
): Promise<Result<ImportReport>> {
  let wxr: Wxr;
  try {
    wxr = parseWxr(typeof file === 'string' ? file : decodeUtf8Marked(file));
  } catch (err) {
    if (err instanceof WxrError) return invalid(err.problem);
    throw err;
  }
  const refused = refusedWxrText(wxr);
  if (refused) return invalid(msg('refusedText', { problem: refused }));
  let folder: UploadsFolder | undefined;
  if (opts.uploads) {
    folder = await UploadsFolder.open(opts.uploads.dir);
    if (!folder) return invalid(msg('noUploads', { dir: opts.uploads.dir }));
  }
  // Imported authors cannot log in until an admin enables them, so one unusable password hash serves all.
  const lockedHash = await hashPassword(crypto.randomBytes(24).toString('base64url'));
  const report = await db.transaction().execute(async (tx) => {
    const run = new ImportRun(tx, clock, wxr, lockedHash, folder);
    for (const item of wxr.items) await run.item(item, opts);
    return run.report;
  });
  return ok(report);
}

/**
 * What makes a post the same post in a second import. The guid is WordPress's own identity; the
 * blog's address and the post id name it too when the export has both. base_site_url is not
 * used: every WordPress.com blog exports the same one. An item with neither is known by its
 * content, so two different posts are never taken for one.
 */
export function legacyIdOf(item: WxrItem, blogUrl: string): string {
  const blog = blogUrl.replace(/\/+$/, '');
  const parts = [item.guid, blog && item.id ? `${blog}:${item.id}` : ''].filter(Boolean);
  const key = parts.length
    ? parts.join(' ')
    : `sha256:${crypto
        .createHash('sha256')
        .update(JSON.stringify([item.type, item.slug, item.title, item.dateGmt, item.contentHtml]))
        .digest('hex')}`;
  return key.length <= 400 ? `wp:${key}` : `wp:sha256:${crypto.createHash('sha256').update(key).digest('hex')}`;
}

const hasParent = (id: string) => id !== '' && id !== '0';

/** One import, inside its transaction: what it has stored so far and what it will report. */
class ImportRun {
  readonly report: ImportReport = {
    posts: 0,
    pagesImported: 0,
    pagesSkipped: 0,
    alreadyImported: 0,
    skippedOther: [],
    renamedSlugs: [],
    heldBack: [],
    childPages: [],
    shortcodesRemoved: [],
    imagesLeftBehind: [],
    imagesCopied: 0,
    authors: 0,
    tags: 0,
    comments: 0,
    commentsSkipped: 0,
  };
  private readonly authorIds = new Map<string, number>();
  private readonly nowIso: string;
  private readonly site: string;
  private readonly language: string;
  private readonly attachments = new Map<string, Attachment>();
  private readonly byId = new Map<string, WxrItem>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly tx: Executor,
    private readonly clock: Clock,
    private readonly wxr: Wxr,
    private readonly lockedHash: string,
    private readonly folder: UploadsFolder | undefined,
  ) {
    this.nowIso = clock.now().toISOString();
    this.site = (wxr.blogUrl || wxr.siteUrl).replace(/\/+$/, '');
    const base = (wxr.language || 'en').split('-')[0]!.toLowerCase();
    this.language = /^[a-z]{2,3}$/.test(base) ? base : 'en';
    for (const it of wxr.items) {
      if (it.id) this.byId.set(it.id, it);
      if (it.type === 'attachment' && it.attachmentUrl)
        this.attachments.set(it.id, {
          id: it.id,
          url: it.attachmentUrl,
          title: it.title,
          caption: it.excerptHtml,
          alt: it.meta.get('_wp_attachment_image_alt') ?? '',
          parentId: it.parentId,
        });
    }
  }

  async item(item: WxrItem, opts: ImportOptions): Promise<void> {
    if (item.type === 'page' && opts.pages === 'skip') {
      this.report.pagesSkipped++;
      return;
    }
    if (item.type !== 'post' && item.type !== 'page') return; // attachments, menus, blocks: not content
    const published = STATUS[item.status];
    if (!published) {
      this.report.skippedOther.push({ title: item.title, reason: `status "${item.status}"` });
      return;
    }
    const legacyId = legacyIdOf(item, this.wxr.blogUrl);
    const existing = this.seen.has(legacyId) ? undefined : await findImportedPost(this.tx, legacyId);
    if (this.seen.has(legacyId)) {
      this.report.skippedOther.push({ title: item.title, reason: 'the same guid twice in the file' });
      return;
    }
    this.seen.add(legacyId);
    if (existing) this.report.alreadyImported++;
    // Readers never saw a password-protected or private post: it waits as a draft for an editor.
    const held = item.password ? 'password' : item.status === 'private' ? 'private' : undefined;
    const status = held ? 'draft' : published;
    const postId = existing ? existing.id : await this.post(item, status, legacyId, held);
    await this.comments(item, postId);
  }

  /** A page's slug carries its parents' slugs, as its address did on WordPress (/about/team/). */
  private slugOf(item: WxrItem): string {
    const own = (it: WxrItem) => unicodeSlug(it.slug || it.title) || (it.id ? `post-${it.id}` : 'post');
    const parts = [own(item)];
    const visited = new Set([item.id]);
    for (let p = this.byId.get(item.parentId); item.type === 'page' && p && p.type === 'page';) {
      if (visited.has(p.id)) break;
      visited.add(p.id);
      parts.unshift(own(p));
      p = hasParent(p.parentId) ? this.byId.get(p.parentId) : undefined;
    }
    return parts.join('-').slice(0, LIMITS.slug).replace(/-+$/, '');
  }

  private async post(
    item: WxrItem,
    status: PostStatus,
    legacyId: string,
    held: 'password' | 'private' | undefined,
  ): Promise<number> {
    const wanted = this.slugOf(item);
    const date = item.dateGmt || this.nowIso;
    const title = (item.title.trim() || '(untitled)').slice(0, LIMITS.title);
    const expanded = expandShortcodes(item.contentHtml, { attachments: this.attachments, postId: item.id });
    for (const shortcode of new Set(expanded.removed)) this.report.shortcodesRemoved.push({ title, shortcode });
    const copied = await this.copyImages(expanded.html);
    const leftBehind = new Set<string>();
    const bodyMd = htmlToMarkdown(expanded.html, {
      localImage: (src) => {
        const rel = uploadsPath(src, this.site);
        const image = rel ? copied.get(rel) : undefined;
        return image ? imageUrl(image.file) : undefined;
      },
      leftBehind: (src) => leftBehind.add(src),
    });
    const cover = await this.featuredImage(item, leftBehind);
    for (const url of leftBehind) this.report.imagesLeftBehind.push({ title, url });
    const stored = await importPost(this.tx, this.clock, {
      legacyId,
      title,
      slug: wanted,
      excerpt: htmlToText(item.excerptHtml).slice(0, LIMITS.excerpt),
      bodyMd: bodyMd.slice(0, LIMITS.body),
      language: this.language,
      status,
      // A "future" post whose date has passed is simply published.
      publishedAt: status === 'draft' ? null : date,
      createdAt: date,
      authorId: await this.author(item.creator),
      tags: tagsOf(item),
      commentsClosed: item.commentsClosed,
      cover,
    });
    if (stored.slug !== wanted) this.report.renamedSlugs.push({ from: wanted, to: stored.slug });
    if (held) this.report.heldBack.push({ title, slug: stored.slug, reason: held });
    if (item.type === 'page' && hasParent(item.parentId)) this.report.childPages.push({ title, slug: stored.slug });
    this.report.tags += stored.newTags;
    if (item.type === 'page') this.report.pagesImported++;
    else this.report.posts++;
    return stored.id;
  }

  /** Copies every upload the HTML refers to (images and links to them) from --uploads. */
  private async copyImages(html: string): Promise<Map<string, CoverImage>> {
    const copied = new Map<string, CoverImage>();
    if (!this.folder) return copied;
    for (const m of html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)) {
      const rel = uploadsPath(m[1]!.replace(/&amp;/g, '&'), this.site);
      if (!rel || copied.has(rel)) continue;
      const image = await this.folder.copy(this.tx, this.clock, rel);
      if (image) {
        copied.set(rel, image);
        this.report.imagesCopied++;
      }
    }
    return copied;
  }

  /** The featured image (_thumbnail_id): the post's cover when its file is in --uploads. */
  private async featuredImage(item: WxrItem, leftBehind: Set<string>) {
    const a = this.attachments.get(item.meta.get('_thumbnail_id') ?? '');
    if (!a) return undefined;
    const rel = uploadsPath(a.url, this.site);
    const image = rel && this.folder ? await this.folder.copy(this.tx, this.clock, rel) : undefined;
    if (!image) {
      leftBehind.add(a.url);
      return undefined;
    }
    this.report.imagesCopied++;
    return { ...image, alt: a.alt || a.title };
  }

  private async author(login: string): Promise<number> {
    const cached = this.authorIds.get(login);
    if (cached) return cached;
    const a = this.wxr.authors.find((x) => x.login === login) ?? {
      login: login || 'wordpress',
      email: '',
      displayName: login || 'WordPress author',
    };
    const email = (a.email || `${slugify(a.login)}@imported.invalid`).toLowerCase();
    let id = await repo.findUserIdByEmail(this.tx, email);
    if (!id) {
      id = await repo.insertImportedAuthor(this.tx, {
        email,
        display_name: a.displayName.slice(0, 80),
        slug: slugify(a.displayName),
        password_hash: this.lockedHash,
        created_at: this.nowIso,
      });
      this.report.authors++;
    }
    this.authorIds.set(login, id);
    return id;
  }

  /** Approved comments (no pingbacks or trackbacks), top-level ones first so replies find their parent. */
  private async comments(item: WxrItem, postId: number): Promise<void> {
    const approved = item.comments.filter((c) => c.approved && (c.type === '' || c.type === 'comment'));
    this.report.commentsSkipped += item.comments.length - approved.length;
    const root = rootOf(approved);
    const ordered = [...approved].sort(
      (a, b) => (root(a.id) === a.id ? 0 : 1) - (root(b.id) === b.id ? 0 : 1) || a.dateGmt.localeCompare(b.dateGmt),
    );
    const ids = new Map<string, number>();
    for (const c of ordered) {
      const body = htmlToMarkdown(c.contentHtml).slice(0, 10_000);
      const top = root(c.id);
      if (!body) continue;
      const stored = await importApprovedComment(this.tx, this.clock, postId, {
        legacyId: c.id,
        parentId: top !== c.id ? (ids.get(top) ?? null) : null,
        displayName: c.author.trim().slice(0, 80),
        bodyMd: body,
        createdAt: c.dateGmt || this.nowIso,
      });
      ids.set(c.id, stored.id);
      if (stored.created) this.report.comments++;
    }
  }
}

/**
 * Every category and tag of the post: WordPress has no limit, and neither has an import. The
 * slug is WordPress's own (its addresses were /tag/<slug>), in any script.
 */
function tagsOf(item: WxrItem): TagName[] {
  const out = new Map<string, string>();
  for (const t of item.tags) {
    const name = t.name.replace(/\s+/g, ' ').trim();
    const slug =
      unicodeSlug(t.slug) ||
      unicodeSlug(name) ||
      `term-${crypto.createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
    if (name && !out.has(slug)) out.set(slug, name);
  }
  return [...out].map(([slug, name]) => ({ slug, name }));
}

/** Threads here are two levels deep: a reply to a reply hangs under the top-level comment. */
function rootOf(comments: WxrComment[]): (id: string) => string {
  const byId = new Map(comments.map((c) => [c.id, c]));
  return (id) => {
    let c = byId.get(id);
    for (let guard = 0; c && c.parentId && c.parentId !== '0' && byId.has(c.parentId) && guard < 100; guard++)
      c = byId.get(c.parentId);
    return c?.id ?? id;
  };
}
