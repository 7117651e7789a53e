import type { Db } from '../../core/db/schema.ts';
import * as repo from './repo.ts';

/** Published posts with a tag, newest first (used by campaigns). */
export async function listPublishedPostsByTag(
  db: Db,
  tagSlug: string,
  now: Date,
  limit: number,
): Promise<{ id: number; slug: string; title: string; excerpt: string; published_at: string; language: string }[]> {
  const rows = await repo.listLive(db, { now: now.toISOString(), tagSlug, limit, offset: 0 });
  return rows.map(({ id, slug, title, excerpt, published_at, language }) => ({ id, slug, title, excerpt, published_at, language }));
}

/** A post readers can see now, or undefined (drafts and future posts are not found). */
export async function findPublishedPostBySlug(db: Db, slug: string, now: Date): Promise<repo.PostWithAuthor | undefined> {
  return repo.findLiveBySlug(db, slug, now.toISOString());
}
