import crypto from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { Db, PostStatus } from '../../core/db/schema.ts';
import { hashPassword } from '../../core/auth/passwords.ts';
import { slugify } from '../../core/auth/service.ts';
import { fingerprintHash } from '../../core/antispam/duplicates.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import * as repo from './repo.ts';
import { LIMITS, parseTags } from './service.ts';
import { htmlToMarkdown, htmlToText, parseWxr, WxrError, type Wxr, type WxrItem } from './wordpress.ts';

/*
 * `alongside import-wordpress FILE.xml`: posts (and pages, if asked), tags and categories as
 * tags, authors, dates and approved comments, in one transaction. Every imported post keeps its
 * source id, so a second run skips what is already here instead of duplicating it.
 */
export interface ImportOptions {
  /** WordPress pages: imported as posts, or skipped (the default). */
  pages: 'import' | 'skip';
}

export interface ImportReport {
  posts: number;
  pagesImported: number;
  pagesSkipped: number;
  alreadyImported: number;
  skippedOther: { title: string; reason: string }[];
  renamedSlugs: { from: string; to: string }[];
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

export async function importWordPress(
  db: Db,
  clock: Clock,
  xml: string,
  opts: ImportOptions = { pages: 'skip' },
): Promise<Result<ImportReport>> {
  let wxr: Wxr;
  try {
    wxr = parseWxr(xml);
  } catch (err) {
    if (err instanceof WxrError) return invalid(err.message);
    throw err;
  }
  const nowIso = clock.now().toISOString();
  const report: ImportReport = {
    posts: 0,
    pagesImported: 0,
    pagesSkipped: 0,
    alreadyImported: 0,
    skippedOther: [],
    renamedSlugs: [],
    authors: 0,
    tags: 0,
    comments: 0,
    commentsSkipped: 0,
  };
  const site = wxr.siteUrl.replace(/\/+$/, '');
  // Imported authors cannot log in until an admin enables them, so one unusable password hash serves all.
  const lockedHash = await hashPassword(crypto.randomBytes(24).toString('base64url'));

  await db.transaction().execute(async (tx) => {
    const authorIds = new Map<string, number>();
    const knownTags = new Set((await repo.listAllTags(tx)).map((t) => t.slug));
    async function authorFor(login: string): Promise<number> {
      const cached = authorIds.get(login);
      if (cached) return cached;
      const a = wxr.authors.find((x) => x.login === login) ?? {
        login: login || 'wordpress',
        email: '',
        displayName: login || 'WordPress author',
      };
      const email = (a.email || `${slugify(a.login)}@imported.invalid`).toLowerCase();
      let id = await repo.findUserIdByEmail(tx, email);
      if (!id) {
        id = await repo.insertImportedAuthor(tx, {
          email,
          display_name: a.displayName.slice(0, 80),
          slug: slugify(a.displayName),
          password_hash: lockedHash,
          created_at: nowIso,
        });
        report.authors++;
      }
      authorIds.set(login, id);
      return id;
    }

    for (const item of wxr.items) {
      if (item.type === 'page' && opts.pages === 'skip') {
        report.pagesSkipped++;
        continue;
      }
      if (item.type !== 'post' && item.type !== 'page') continue; // attachments, menus, blocks: not content
      const status = STATUS[item.status];
      if (!status) {
        report.skippedOther.push({ title: item.title, reason: `status "${item.status}"` });
        continue;
      }
      const legacyId = `wp:${site}:${item.id}`;
      const existing = await repo.findByLegacyId(tx, legacyId);
      let postId: number;
      if (existing) {
        report.alreadyImported++;
        postId = existing.id;
      } else {
        postId = await insertPost(item, status, legacyId);
        if (item.type === 'page') report.pagesImported++;
        else report.posts++;
      }
      await importComments(item, postId);
    }

    async function insertPost(item: WxrItem, status: PostStatus, legacyId: string): Promise<number> {
      const title = (item.title.trim() || '(untitled)').slice(0, LIMITS.title);
      const wanted =
        slugify(item.slug || item.title)
          .slice(0, LIMITS.slug)
          .replace(/-+$/, '') || 'post';
      let slug = wanted;
      for (let n = 2; await repo.slugTaken(tx, slug); n++) slug = `${wanted.slice(0, LIMITS.slug - 6)}-${n}`;
      if (slug !== wanted) report.renamedSlugs.push({ from: wanted, to: slug });
      const body = htmlToMarkdown(item.contentHtml).slice(0, LIMITS.body);
      const excerpt = htmlToText(item.excerptHtml).slice(0, LIMITS.excerpt);
      const date = item.dateGmt || nowIso;
      // A "future" post whose date has passed is simply published.
      const publishedAt = status === 'draft' ? null : date;
      const authorId = await authorFor(item.creator);
      const language = /^[a-z]{2,3}$/.test((wxr.language || 'en').split('-')[0]!.toLowerCase())
        ? (wxr.language || 'en').split('-')[0]!.toLowerCase()
        : 'en';
      const id = await repo.insertPost(tx, {
        slug,
        title,
        excerpt,
        body_md: body,
        content_note: '',
        language,
        translation_group: null,
        author_id: authorId,
        status,
        published_at: publishedAt,
        cover_image: null,
        cover_alt: '',
        cover_width: null,
        cover_height: null,
        created_at: date,
        updated_at: nowIso,
        updated_by: null,
        legacy_id: legacyId,
      });
      const tagNames = parseTags(item.tags.map((t) => t.name.replace(/,/g, ' ')).join(',')).names.slice(0, LIMITS.tags);
      const tagIds: number[] = [];
      for (const t of tagNames) {
        if (!knownTags.has(t.slug)) {
          knownTags.add(t.slug);
          report.tags++;
        }
        tagIds.push(await repo.ensureTag(tx, t.slug, t.name));
      }
      await repo.setPostTags(tx, id, tagIds);
      await repo.insertRevision(tx, {
        post_id: id,
        user_id: null,
        action: 'import',
        changed: 'created',
        title,
        slug,
        excerpt,
        body_md: body,
        content_note: '',
        language,
        tags: tagNames.map((t) => t.name).join(', '),
        created_at: nowIso,
      });
      return id;
    }

    async function importComments(item: WxrItem, postId: number): Promise<void> {
      const approved = item.comments.filter((c) => c.approved && (c.type === '' || c.type === 'comment'));
      report.commentsSkipped += item.comments.length - approved.length;
      const byId = new Map(approved.map((c) => [c.id, c]));
      const ids = new Map<string, number>();
      // Threads here are two levels deep: a reply to a reply hangs under the top-level comment.
      const root = (id: string): string => {
        let c = byId.get(id);
        for (let guard = 0; c && c.parentId && c.parentId !== '0' && byId.has(c.parentId) && guard < 100; guard++)
          c = byId.get(c.parentId);
        return c?.id ?? id;
      };
      const ordered = [...approved].sort(
        (a, b) => (root(a.id) === a.id ? 0 : 1) - (root(b.id) === b.id ? 0 : 1) || a.dateGmt.localeCompare(b.dateGmt),
      );
      for (const c of ordered) {
        const existing = await repo.findImportedComment(tx, postId, c.id);
        if (existing) {
          ids.set(c.id, existing);
          continue;
        }
        const body = htmlToMarkdown(c.contentHtml).slice(0, 10_000);
        if (!body) continue;
        const top = root(c.id);
        const parentId = top !== c.id ? (ids.get(top) ?? null) : null;
        const id = await repo.insertImportedComment(tx, {
          post_id: postId,
          parent_id: parentId,
          display_name: c.author.trim().slice(0, 80),
          body_md: body,
          fingerprint: fingerprintHash(body),
          legacy_id: c.id,
          created_at: c.dateGmt || nowIso,
        });
        ids.set(c.id, id);
        report.comments++;
      }
    }
  });
  return ok(report);
}
