import { sql } from 'kysely';
import type { Dialect, Executor } from '../../core/db/schema.ts';
import { fts5Match, tsqueryText } from '../../core/search/words.ts';
import type { PostListItem } from './repo.ts';

/* Full-text search over live posts: SQLite FTS5 (posts_fts) or PostgreSQL's tsvector column `search`. */

export interface SearchHit extends Pick<
  PostListItem,
  'id' | 'slug' | 'title' | 'excerpt' | 'published_at' | 'language' | 'author_name'
> {
  /** Text around the matches, with \u0001 … \u0002 around each matched word (escaped and marked later). */
  snippet: string;
}

/**
 * Live posts matching every word (core/search/words.ts made them from the reader's text, so no
 * query syntax reaches either engine), best match first: FTS5 bm25 / PostgreSQL ts_rank.
 */
export async function searchLive(
  db: Executor,
  dialect: Dialect,
  words: string[],
  now: string,
  { limit, offset }: { limit: number; offset: number },
): Promise<{ hits: SearchHit[]; total: number }> {
  if (words.length === 0) return { hits: [], total: 0 };
  if (dialect === 'postgres') {
    const tsq = sql`plainto_tsquery('english', ${tsqueryText(words)})`;
    const base = sql`from posts p join users u on u.id = p.author_id
      where p.status in ('published', 'scheduled') and p.published_at <= ${now} and p.search @@ ${tsq}`;
    const hits =
      await sql<SearchHit>`select p.id, p.slug, p.title, p.excerpt, p.published_at, p.language, u.display_name as author_name,
        ts_headline('english', p.title || ' — ' || p.body_md, ${tsq}, 'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2') as snippet
      ${base} order by ts_rank(p.search, ${tsq}) desc, p.published_at desc limit ${limit} offset ${offset}`.execute(db);
    const total = await sql<{ n: string }>`select count(*) as n ${base}`.execute(db);
    return { hits: hits.rows, total: Number(total.rows[0]?.n ?? 0) };
  }
  const base = sql`from posts_fts f join posts p on p.id = f.rowid join users u on u.id = p.author_id
    where posts_fts match ${fts5Match(words)} and p.status in ('published', 'scheduled') and p.published_at <= ${now}`;
  const hits =
    await sql<SearchHit>`select p.id, p.slug, p.title, p.excerpt, p.published_at, p.language, u.display_name as author_name,
      snippet(posts_fts, 2, char(1), char(2), '…', 24) as snippet
    ${base} order by bm25(posts_fts, 10.0, 4.0, 1.0), p.published_at desc limit ${limit} offset ${offset}`.execute(db);
  const total = await sql<{ n: number }>`select count(*) as n ${base}`.execute(db);
  return { hits: hits.rows, total: Number(total.rows[0]?.n ?? 0) };
}
