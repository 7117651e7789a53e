import MarkdownIt, { type Token } from 'markdown-it';
import { isAllowedUrl } from '../text/urls.ts';

/*
 * The one Markdown renderer for the whole site (posts, lessons, comments). Safe by
 * configuration, so views may pass its output to dangerouslySetInnerHTML:
 * - raw HTML is never rendered (html: false escapes it);
 * - links only for http, https and mailto (and same-site paths / #fragments);
 * - images only from this site (paths starting with a single "/");
 * - headings get ids so readers can link to a section.
 */

/** Absolute links: the one URL check (core/text/urls.ts), for web and e-mail addresses. */
const LINK_SCHEMES = ['http', 'https', 'mailto'] as const;
const isAbsoluteLink = (href: string) => isAllowedUrl(href, { schemes: LINK_SCHEMES });

/** A same-site path or fragment: "/x", "#x", "x/y" — never "//host" or anything with a scheme. */
function isSameSite(href: string): boolean {
  if (href.startsWith('//') || href.startsWith('\\')) return false;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return false;
  return !/[\u0000-\u001f]/.test(href);
}

export function isSafeLink(href: string): boolean {
  return isAbsoluteLink(href) || isSameSite(href);
}

export function isSafeImage(src: string): boolean {
  return src.startsWith('/') && !src.startsWith('//') && !src.startsWith('/\\') && !/[\u0000-\u001f]/.test(src);
}

export function slugifyHeading(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9\s-]/g, '')
      .trim()
      .replace(/[\s-]+/g, '-')
      .slice(0, 80) || 'section'
  );
}

function inlineText(token: Token | undefined): string {
  if (!token?.children) return token?.content ?? '';
  return token.children.map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : '')).join('');
}

function createArticleRenderer() {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: true });
  md.validateLink = (url: string) => isSafeLink(url.trim());

  // Heading ids: unique within one document.
  md.core.ruler.push('heading_ids', (state) => {
    const seen = new Map<string, number>();
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.type !== 'heading_open') continue;
      const base = slugifyHeading(inlineText(tokens[i + 1]));
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      tokens[i]!.attrSet('id', n === 0 ? base : base + '-' + String(n + 1));
    }
  });

  // Images from another origin would tell that origin who reads what: show the alt text instead.
  const defaultImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    if (!isSafeImage(src)) return md.utils.escapeHtml(token.content ? `[${token.content}]` : '');
    token.attrSet('loading', 'lazy');
    return defaultImage(tokens, idx, options, env, self);
  };

  // External links leave without a referrer.
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet('href') ?? '');
    if (/^(https?:)?\/\//i.test(href)) token.attrSet('rel', 'noopener noreferrer');
    return self.renderToken(tokens, idx, options);
  };
  return md;
}

function createCommentRenderer() {
  const md = new MarkdownIt('default', { html: false, linkify: true, typographer: false, breaks: true });
  md.disable(['image', 'heading', 'lheading', 'table', 'hr', 'reference']);
  // Comments: only absolute http(s) and mailto links; no same-site trickery needed.
  md.validateLink = (url: string) => isAbsoluteLink(url.trim());
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    tokens[idx]!.attrSet('rel', 'ugc nofollow noopener noreferrer');
    return self.renderToken(tokens, idx, options);
  };
  // Show the link's domain after its text, so a reader sees where it goes before following it.
  md.renderer.rules.link_close = (tokens, idx, options, _env, self) => {
    let open: Token | undefined;
    for (let i = idx - 1; i >= 0; i--) {
      if (tokens[i]!.type === 'link_open') {
        open = tokens[i];
        break;
      }
    }
    const href = String(open?.attrGet('href') ?? '');
    let domain: string;
    try {
      const u = new URL(href);
      domain = u.protocol === 'mailto:' ? 'email' : u.hostname;
    } catch {
      domain = '';
    }
    const suffix = domain ? ` <span class="link-domain">(${md.utils.escapeHtml(domain)})</span>` : '';
    return self.renderToken(tokens, idx, options) + suffix;
  };
  return md;
}

const article = createArticleRenderer();
const comment = createCommentRenderer();

/** Renders article Markdown (posts, lessons) to safe HTML. */
export function renderMarkdown(md: string): string {
  return article.render(md);
}

/** Renders a reader's comment: paragraphs, emphasis, lists, quotes, code and links only. */
export function renderCommentMarkdown(md: string): string {
  return comment.render(md);
}

/** Plain text of Markdown (for descriptions, feeds' summaries, reading time). */
export function markdownToText(md: string): string {
  const tokens = article.parse(md, {});
  const out: string[] = [];
  for (const t of tokens) {
    if (t.type === 'inline') out.push(inlineText(t));
    else if (t.type === 'code_block' || t.type === 'fence') out.push(t.content);
  }
  return out.join(' ').replace(/\s+/g, ' ').trim();
}
