import TurndownService from 'turndown';
import { isSafeLink } from '../../core/markdown/render.ts';

/*
 * WordPress HTML → Markdown for the site's one renderer (which shows no raw HTML and loads no
 * image from another site). Tables become GFM tables (no maintained turndown table plugin is
 * installed, so the rule is here); an image is kept only when it was copied onto this site, and
 * otherwise becomes a link with text, so a reader still finds it and no link is left empty.
 */

export interface ConvertOptions {
  /** The address on this site of an image copied from the old one, if it was. */
  localImage?: (src: string) => string | undefined;
  /** Called for every image that stays on the old site. */
  leftBehind?: (src: string) => void;
}

type El = HTMLElement;
let current: ConvertOptions = {};

const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
  emDelimiter: '*',
});
// Scripts, styles and forms carry nothing a reader should get back as text.
turndown.remove(['script', 'style', 'object', 'embed', 'form']);

/** A file name a reader can recognise: "photo-of-the-march.jpg". */
export function fileLabel(src: string): string {
  const last = src.split(/[?#]/)[0]!.split('/').filter(Boolean).pop() ?? src;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

const inLink = (node: El) => {
  for (let p = node.parentNode as El | null; p; p = p.parentNode as El | null) if (p.nodeName === 'A') return true;
  return false;
};
const mdText = (s: string) =>
  s
    .replace(/([\\[\]*_`])/g, '\\$1')
    .replace(/\s+/g, ' ')
    .trim();
const mdUrl = (s: string) => s.replace(/[()\s]/g, (c) => encodeURIComponent(c));

turndown.addRule('image', {
  filter: 'img',
  replacement: (_content, node) => {
    const el = node as El;
    const src = (el.getAttribute('src') ?? '').trim();
    const alt = (el.getAttribute('alt') ?? '').trim();
    if (!src) return mdText(alt);
    const local = current.localImage?.(src);
    if (local) return `![${mdText(alt)}](${mdUrl(local)})`;
    current.leftBehind?.(src);
    const label = mdText(alt || el.getAttribute('title') || fileLabel(src));
    if (inLink(el) || !isSafeLink(src)) return label;
    return `[${label}](${mdUrl(src)})`;
  },
});

turndown.addRule('link', {
  filter: (node) => node.nodeName === 'A' && node.getAttribute('href') !== null,
  replacement: (content, node) => {
    const el = node as El;
    const raw = (el.getAttribute('href') ?? '').trim();
    // Links with a scheme the site does not allow (javascript:, data:) keep only their text.
    if (!isSafeLink(raw)) return content;
    const href = current.localImage?.(raw) ?? raw;
    const text = content.trim() || mdText(el.getAttribute('title') || fileLabel(href));
    return `[${text}](${mdUrl(href)})`;
  },
});

// Embedded players (YouTube, maps): a plain link to what they showed.
turndown.addRule('iframe', {
  filter: 'iframe',
  replacement: (_content, node) => {
    const src = ((node as El).getAttribute('src') ?? '').trim();
    if (!/^https?:\/\//i.test(src)) return '';
    const title = (node as El).getAttribute('title');
    return `\n\n[${mdText(title || src)}](${mdUrl(src)})\n\n`;
  },
});

turndown.addRule('figcaption', {
  filter: 'figcaption',
  replacement: (content) => (content.trim() ? `\n\n*${content.trim()}*\n\n` : ''),
});

// ── GFM tables ──────────────────────────────────────────────────────────────

const cell = (content: string) => content.replace(/\n+/g, ' ').replace(/\|/g, '\\|').trim();

function rowsOf(table: El): El[] {
  const rows: El[] = [];
  const walk = (el: El) => {
    for (const child of Array.from(el.childNodes) as El[]) {
      if (child.nodeName === 'TR') rows.push(child);
      else if (['THEAD', 'TBODY', 'TFOOT'].includes(child.nodeName)) walk(child);
    }
  };
  walk(table);
  return rows;
}

turndown.addRule('tableCell', {
  filter: ['th', 'td'],
  replacement: (content, node) => {
    const span = Math.min(Math.max(Number((node as El).getAttribute('colspan')) || 1, 1), 50);
    return ` ${cell(content)} |` + ' |'.repeat(span - 1);
  },
});
turndown.addRule('tableRow', {
  filter: 'tr',
  replacement: (content) => `|${content}\n`,
});
turndown.addRule('tableSection', {
  filter: ['thead', 'tbody', 'tfoot'],
  replacement: (content) => content,
});
turndown.addRule('tableCaption', {
  filter: 'caption',
  replacement: (content) => (content.trim() ? `\n\n*${cell(content)}*\n\n` : ''),
});
turndown.addRule('table', {
  filter: 'table',
  replacement: (content, node) => {
    const rows = rowsOf(node as El);
    const width = Math.max(
      0,
      ...rows.map((r) =>
        (Array.from(r.childNodes) as El[])
          .filter((c) => c.nodeName === 'TD' || c.nodeName === 'TH')
          .reduce((n, c) => n + Math.min(Math.max(Number(c.getAttribute('colspan')) || 1, 1), 50), 0),
      ),
    );
    if (!width) return '';
    const captionEnd = content.indexOf('|');
    const caption = captionEnd > 0 ? content.slice(0, captionEnd) : '';
    const lines = content
      .slice(Math.max(captionEnd, 0))
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) => l + ' |'.repeat(Math.max(0, width - (l.match(/(?<!\\)\|/g)!.length - 1))));
    // GFM needs a header row: the first row is it (WordPress tables rarely mark one).
    const divider = `|${' --- |'.repeat(width)}`;
    return `\n\n${caption.trim() ? caption.trim() + '\n\n' : ''}${lines[0]}\n${divider}\n${lines.slice(1).join('\n')}\n\n`;
  },
});

const BLOCK = /^<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|!--|thead|tbody|tr|td|th)/i;

/** WordPress stores posts with blank lines for paragraphs (wpautop): restore them before converting. */
function autop(html: string): string {
  return html
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .map((chunk) => (BLOCK.test(chunk) ? chunk : `<p>${chunk.replace(/\n/g, '<br>')}</p>`))
    .join('\n');
}

export function htmlToMarkdown(html: string, opts: ConvertOptions = {}): string {
  if (!html.trim()) return '';
  // Block editor comments (<!-- wp:paragraph -->) are markup, not text.
  const cleaned = html.replace(/<!--[\s\S]*?-->/g, '');
  current = opts;
  try {
    return turndown
      .turndown(autop(cleaned))
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  } finally {
    current = {};
  }
}

export function htmlToText(html: string): string {
  return htmlToMarkdown(html)
    .replace(/[*_`#>[\]]/g, '')
    .replace(/\(https?:[^)]*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
