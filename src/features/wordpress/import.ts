import crypto from 'node:crypto';
import { hashPassword } from '../../core/auth/passwords.ts';
import { slugify } from '../../core/auth/service.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, Executor, PostStatus } from '../../core/db/schema.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import { decodeUtf8Marked } from '../../core/text/gate.ts';
import { importApprovedComment } from '../comments/service.ts';
import { findImportedPost, importPost, LIMITS, parseTags } from '../posts/service.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';
import { refusedWxrText } from './text-check.ts';
import {
  htmlToMarkdown,
  htmlToText,
  parseWxr,
  WxrError,
  type Wxr,
  type WxrComment,
  type WxrItem,
} from './wordpress.ts';

/*
 * `alongside import-wordpress FILE.xml`: posts (and pages, if asked), tags and categories as
 * tags, authors, dates and approved comments, in one transaction. Every imported post keeps its
 * source id, so a second run skips what is already here instead of duplicating it. Posts are
 * stored by the publishing service and comments by the comments service; only the authors'
 * accounts are written here.
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
  // Imported authors cannot log in until an admin enables them, so one unusable password hash serves all.
  const lockedHash = await hashPassword(crypto.randomBytes(24).toString('base64url'));
  const report = await db.transaction().execute(async (tx) => {
    const run = new ImportRun(tx, clock, wxr, lockedHash);
    for (const item of wxr.items) await run.item(item, opts);
    return run.report;
  });
  return ok(report);
}

/** One import, inside its transaction: what it has stored so far and what it will report. */
class ImportRun {
  readonly report: ImportReport = {
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
  private readonly authorIds = new Map<string, number>();
  private readonly nowIso: string;
  private readonly site: string;
  private readonly language: string;

  constructor(
    private readonly tx: Executor,
    private readonly clock: Clock,
    private readonly wxr: Wxr,
    private readonly lockedHash: string,
  ) {
    this.nowIso = clock.now().toISOString();
    this.site = wxr.siteUrl.replace(/\/+$/, '');
    const base = (wxr.language || 'en').split('-')[0]!.toLowerCase();
    this.language = /^[a-z]{2,3}$/.test(base) ? base : 'en';
  }

  async item(item: WxrItem, opts: ImportOptions): Promise<void> {
    if (item.type === 'page' && opts.pages === 'skip') {
      this.report.pagesSkipped++;
      return;
    }
    if (item.type !== 'post' && item.type !== 'page') return; // attachments, menus, blocks: not content
    const status = STATUS[item.status];
    if (!status) {
      this.report.skippedOther.push({ title: item.title, reason: `status "${item.status}"` });
      return;
    }
    const legacyId = `wp:${this.site}:${item.id}`;
    const existing = await findImportedPost(this.tx, legacyId);
    if (existing) this.report.alreadyImported++;
    const postId = existing ? existing.id : await this.post(item, status, legacyId);
    await this.comments(item, postId);
  }

  private async post(item: WxrItem, status: PostStatus, legacyId: string): Promise<number> {
    const wanted =
      slugify(item.slug || item.title)
        .slice(0, LIMITS.slug)
        .replace(/-+$/, '') || 'post';
    const date = item.dateGmt || this.nowIso;
    const tags = parseTags(item.tags.map((t) => t.name.replace(/,/g, ' ')).join(',')).names.slice(0, LIMITS.tags);
    const stored = await importPost(this.tx, this.clock, {
      legacyId,
      title: (item.title.trim() || '(untitled)').slice(0, LIMITS.title),
      slug: wanted,
      excerpt: htmlToText(item.excerptHtml).slice(0, LIMITS.excerpt),
      bodyMd: htmlToMarkdown(item.contentHtml).slice(0, LIMITS.body),
      language: this.language,
      status,
      // A "future" post whose date has passed is simply published.
      publishedAt: status === 'draft' ? null : date,
      createdAt: date,
      authorId: await this.author(item.creator),
      tags,
    });
    if (stored.slug !== wanted) this.report.renamedSlugs.push({ from: wanted, to: stored.slug });
    this.report.tags += stored.newTags;
    if (item.type === 'page') this.report.pagesImported++;
    else this.report.posts++;
    return stored.id;
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
