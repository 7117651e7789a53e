import { Feed } from 'feed';
import { renderMarkdown } from '../../core/markdown/render.ts';
import type { PostSummary } from './service.ts';

/*
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1 from one list of posts, with the `feed` package.
 * Every link is absolute under PUBLIC_URL; post bodies are the same safe HTML as the page.
 */
export interface FeedMeta {
  publicUrl: string;
  siteName: string;
  title: string;
  description: string;
  /** Path of this feed family, e.g. "" for the site or "/tags/harm-reduction". */
  basePath: string;
  htmlPath: string;
  language?: string;
}

/** Same-site paths in rendered HTML become absolute, as feed readers show them elsewhere. */
export function absolutise(html: string, publicUrl: string): string {
  return html.replace(/(href|src)="\/(?!\/)/g, `$1="${publicUrl}/`);
}

export function buildFeed(meta: FeedMeta, posts: PostSummary[]): Feed {
  const base = meta.publicUrl;
  const updated = posts.reduce<Date | undefined>((max, p) => {
    const d = new Date(p.updated_at > p.published_at ? p.updated_at : p.published_at);
    return !max || d > max ? d : max;
  }, undefined);
  const feed = new Feed({
    id: `${base}${meta.htmlPath}`,
    title: meta.title,
    description: meta.description,
    link: `${base}${meta.htmlPath}`,
    language: meta.language ?? 'en',
    updated: updated ?? new Date(0),
    generator: meta.siteName,
    copyright: `© ${meta.siteName}`,
    favicon: `${base}/static/favicon.svg`,
    feedLinks: {
      rss: `${base}${meta.basePath}/feed.xml`,
      atom: `${base}${meta.basePath}/atom.xml`,
      json: `${base}${meta.basePath}/feed.json`,
    },
  });
  for (const p of posts) {
    const link = `${base}/posts/${p.slug}`;
    const note = p.content_note ? `<p><strong>Content note:</strong> ${escapeHtml(p.content_note)}</p>` : '';
    feed.addItem({
      title: p.title,
      id: link,
      guid: link,
      link,
      // RSS takes pubDate from `date`: the publication time, so an edit does not move a post up.
      date: new Date(p.published_at),
      published: new Date(p.published_at),
      description: p.excerpt || undefined,
      content: note + absolutise(renderMarkdown(p.body_md), base),
      author: [{ name: p.author_name, link: `${base}/authors/${p.author_slug}` }],
      category: p.tags.map((t) => ({ name: t.name, domain: `${base}/tags/${t.slug}` })),
      image: p.cover_image ? `${base}/media/posts/${p.cover_image}` : undefined,
    });
  }
  return feed;
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): the package writes 1.0; lift it to 1.1 fields. */
export function jsonFeed11(feed: Feed, posts: PostSummary[], language: string | undefined): string {
  const doc = JSON.parse(feed.json1()) as Record<string, unknown> & {
    items: Record<string, unknown>[];
    author?: unknown;
  };
  doc.version = 'https://jsonfeed.org/version/1.1';
  if (language) doc.language = language;
  delete doc.author;
  doc.items = doc.items.map((item, i) => {
    const post = posts[i]!;
    const { author, ...rest } = item as Record<string, unknown> & { author?: unknown };
    return {
      ...rest,
      authors: author ? [author] : undefined,
      language: post.language,
      tags: post.tags.map((t) => t.name),
    };
  });
  return JSON.stringify(doc);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
