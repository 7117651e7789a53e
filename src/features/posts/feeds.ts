import { buildFeed, escapeHtml, type BuiltFeed, type FeedEntry, type FeedMeta } from '../../core/feeds.ts';
import { renderMarkdown } from '../../core/markdown/render.ts';
import { t } from './messages.ts';
import type { FeedSource, PostSummary, sitemapEntries } from './service.ts';

/*
 * What publishing serves to programs rather than people: its feeds (one description given to the
 * core builder, core/feeds.ts, which writes RSS 2.0, Atom 1.0 and JSON Feed 1.1 and keeps plain text
 * plain), the sitemap and robots.txt. Every link is absolute under PUBLIC_URL.
 */
const SITE = 'Alongside';

/** Where a source's pages and feeds live: "" and "/" for the site, "/tags/<slug>" or "/authors/<slug>". */
function paths(source: FeedSource): { basePath: string; htmlPath: string } {
  if (source.kind === 'tag') return { basePath: `/tags/${source.tag.slug}`, htmlPath: `/tags/${source.tag.slug}` };
  if (source.kind === 'author')
    return { basePath: `/authors/${source.author.slug}`, htmlPath: `/authors/${source.author.slug}` };
  return { basePath: '', htmlPath: '/' };
}

function titles(source: FeedSource): { title: string; description: string } {
  if (source.kind === 'tag') {
    const tag = source.tag.name;
    return { title: t('en', 'feedTagTitle', { tag }), description: t('en', 'feedTagDescription', { tag }) };
  }
  if (source.kind === 'author') {
    const name = source.author.display_name;
    return { title: t('en', 'feedAuthorTitle', { name }), description: t('en', 'feedAuthorDescription', { name }) };
  }
  return { title: SITE, description: t('en', 'feedSiteDescription') };
}

export function feedMeta(publicUrl: string, source: FeedSource, lang: string | undefined): FeedMeta {
  const { basePath, htmlPath } = paths(source);
  return {
    publicUrl,
    siteName: SITE,
    ...titles(source),
    link: htmlPath,
    self: { rss: `${basePath}/feed.xml`, atom: `${basePath}/atom.xml`, json: `${basePath}/feed.json` },
    language: lang ?? 'en',
    favicon: '/static/favicon.svg',
    rights: `© ${SITE}`,
    fallbackAuthor: SITE,
  };
}

/** One post: titles, excerpts, names and tags as plain text; only our Markdown renderer's output as HTML. */
export function feedEntry(p: PostSummary): FeedEntry {
  const note = p.content_note
    ? `<p><strong>${escapeHtml(t('en', 'feedContentNote'))}</strong> ${escapeHtml(p.content_note)}</p>`
    : '';
  return {
    link: `/posts/${p.slug}`,
    title: p.title,
    summary: p.excerpt || undefined,
    trustedHtml: note + renderMarkdown(p.body_md),
    authors: [{ name: p.author_name, link: `/authors/${p.author_slug}` }],
    categories: p.tags.map((tag) => ({ name: tag.name, term: tag.slug, link: `/tags/${tag.slug}` })),
    // First publication: an edit does not move a post up; the later of the two is when it last changed.
    published: new Date(p.published_at),
    updated: new Date(p.updated_at > p.published_at ? p.updated_at : p.published_at),
    language: p.language,
    image: p.cover_image ? `/media/posts/${p.cover_image}` : undefined,
  };
}

export function postsFeed(
  publicUrl: string,
  source: FeedSource,
  posts: PostSummary[],
  lang: string | undefined,
): BuiltFeed {
  return buildFeed(feedMeta(publicUrl, source, lang), posts.map(feedEntry));
}

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

type SitemapEntries = Awaited<ReturnType<typeof sitemapEntries>>;

/** sitemaps.org XML: the home page, every live post with its language versions, tags, authors, and other features' pages. */
export function sitemapXml(
  base: string,
  all: SitemapEntries,
  others: readonly { path: string; lastmod?: string }[] = [],
): string {
  const loc = (path: string) => `<url><loc>${xmlEscape(`${base}${path}`)}</loc></url>`;
  const urls: string[] = [loc('/')];
  for (const p of all.posts) {
    const alternates = p.translations.length
      ? [...p.translations, { slug: p.slug, language: p.language }]
          .map(
            (tr) =>
              `<xhtml:link rel="alternate" hreflang="${xmlEscape(tr.language)}" href="${xmlEscape(`${base}/posts/${tr.slug}`)}"/>`,
          )
          .join('')
      : '';
    urls.push(
      `<url><loc>${xmlEscape(`${base}/posts/${p.slug}`)}</loc><lastmod>${xmlEscape(p.updated_at)}</lastmod>${alternates}</url>`,
    );
  }
  for (const tag of all.tags) urls.push(loc(`/tags/${tag.slug}`));
  for (const a of all.authors) urls.push(loc(`/authors/${a.slug}`));
  for (const o of others)
    urls.push(
      `<url><loc>${xmlEscape(`${base}${o.path}`)}</loc>${o.lastmod ? `<lastmod>${xmlEscape(o.lastmod)}</lastmod>` : ''}</url>`,
    );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join('\n')}\n</urlset>\n`;
}

export function robotsTxt(publicUrl: string): string {
  return ['User-agent: *', 'Disallow: /admin/', 'Disallow: /search', '', `Sitemap: ${publicUrl}/sitemap.xml`, ''].join(
    '\n',
  );
}
