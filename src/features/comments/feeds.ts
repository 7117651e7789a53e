import { buildFeed, FEED_CONTENT_TYPES } from '../../core/feeds.ts';
import { renderCommentMarkdown } from '../../core/markdown/render.ts';
import { t } from './messages.ts';
import type { CommentWithPost } from './repo.ts';

/*
 * The comment feeds (Atom), through the site's one feed builder: names and titles go in as plain
 * text (the builder escapes them), the body only as our comment renderer's HTML.
 */
export const ATOM_TYPE = FEED_CONTENT_TYPES.atom;

export interface CommentFeed {
  /** Plain text. */
  title: string;
  /** The page the feed follows, e.g. "/posts/slug". */
  pagePath: string;
  /** Where the feed is served; also its permanent id. */
  selfPath: string;
}

export function commentsAtom(publicUrl: string, feed: CommentFeed, items: CommentWithPost[]): string {
  const anonymous = t('en', 'anonymous');
  return buildFeed(
    {
      publicUrl,
      title: feed.title,
      link: feed.pagePath,
      id: feed.selfPath,
      self: { atom: feed.selfPath },
      siteName: 'Alongside',
      fallbackAuthor: anonymous,
    },
    items.map((c) => ({
      id: `/comments/id/${c.id}`,
      link: `/posts/${encodeURIComponent(c.post_slug)}#comment-${c.id}`,
      title: `${c.display_name || anonymous} — ${c.post_title}`,
      authors: c.display_name ? [{ name: c.display_name }] : [],
      trustedHtml: renderCommentMarkdown(c.body_md),
      published: new Date(c.created_at),
    })),
  ).atom();
}
