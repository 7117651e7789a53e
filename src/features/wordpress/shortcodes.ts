/*
 * WordPress shortcodes ([gallery], [caption], [audio]…) are expanded by WordPress when a page is
 * shown; the export holds them as text. Here they become the HTML they stood for, reduced to what
 * this site shows: a gallery is its images with their captions, a caption an image with its
 * caption, audio, video and embeds a plain link. Any other shortcode is removed and reported, so
 * no "[contact-form-7 id=…]" reaches a reader. Square brackets that are not a shortcode ("[sic]",
 * "[1]") stay text: a bare "[word]" counts only when the name is one WordPress defines.
 */

export interface Attachment {
  id: string;
  url: string;
  title: string;
  caption: string;
  alt: string;
  parentId: string;
}

export interface ShortcodeContext {
  attachments: Map<string, Attachment>;
  /** The post being converted (a [gallery] with no ids shows the post's own attachments). */
  postId: string;
}

export interface Expanded {
  html: string;
  /** Shortcodes removed because nothing here stands for them, e.g. "[contact-form-7]". */
  removed: string[];
}

const MEDIA = ['audio', 'video', 'embed', 'playlist', 'youtube', 'vimeo', 'soundcloud', 'dailymotion', 'ted'];
const CODE = ['code', 'sourcecode', 'source'];
const KNOWN = new Set([
  'gallery',
  'caption',
  'wp_caption',
  ...MEDIA,
  ...CODE,
  'wpvideo',
  'videopress',
  'archives',
  'contact-form',
  'polldaddy',
  'tiled-gallery',
  'slideshow',
  'googlemaps',
  'tweet',
  'instagram',
  'recipe',
]);
const MEDIA_SOURCES = ['src', 'url', 'mp3', 'm4a', 'ogg', 'wav', 'wma', 'mp4', 'm4v', 'webm', 'ogv', 'wmv', 'flv'];

const OPEN = /\[(\[?)([A-Za-z][\w-]*)(?![\w-])((?:[^\][]|\[[^\][]*\])*?)(\/?)\](\]?)/g;

/** shortcode_parse_atts: name="v", name='v', name=v, and positional values. */
export function parseAttributes(raw: string): { named: Map<string, string>; positional: string[] } {
  const named = new Map<string, string>();
  const positional: string[] = [];
  const re = /([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|'([^']*)'|(\S+)/g;
  const clean = raw.replace(/[\u00a0\u200b]/g, ' ').replace(/[“”″]/g, '"');
  for (const m of clean.matchAll(re)) {
    if (m[1]) named.set(m[1].toLowerCase(), m[2]!);
    else if (m[3]) named.set(m[3].toLowerCase(), m[4]!);
    else if (m[5]) named.set(m[5].toLowerCase(), m[6]!);
    else positional.push((m[7] ?? m[8] ?? m[9] ?? '').replace(/^=/, ''));
  }
  return { named, positional };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const attr = escapeHtml;
const firstUrl = (...candidates: (string | undefined)[]) =>
  candidates.map((c) => (c ?? '').replace(/<[^>]*>/g, '').trim()).find((c) => /^https?:\/\/\S+$/i.test(c));
const link = (url: string) => `<p><a href="${attr(url)}">${escapeHtml(url)}</a></p>`;

function figure(a: Attachment): string {
  const alt = a.alt || a.title;
  const caption = a.caption ? `<figcaption>${a.caption}</figcaption>` : '';
  return `<figure><img src="${attr(a.url)}" alt="${attr(alt)}">${caption}</figure>`;
}

function gallery(named: Map<string, string>, ctx: ShortcodeContext): string | undefined {
  const ids = (named.get('ids') ?? named.get('include') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const exclude = new Set((named.get('exclude') ?? '').split(',').map((s) => s.trim()));
  const images = ids.length
    ? ids.map((id) => ctx.attachments.get(id)).filter((a): a is Attachment => !!a)
    : [...ctx.attachments.values()].filter((a) => a.parentId === ctx.postId && !exclude.has(a.id));
  return images.length ? images.map(figure).join('\n') : undefined;
}

function caption(named: Map<string, string>, content: string): string {
  // [caption]<a><img></a> The caption[/caption], or (older) caption="The caption".
  const m = /^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*<\/a>)?)([\s\S]*)$/i.exec(content);
  const image = m ? m[1]! : '';
  const text = (m ? m[2]! : content).trim() || escapeHtml(named.get('caption') ?? '');
  return `<figure>${image}${text ? `<figcaption>${text}</figcaption>` : ''}</figure>`;
}

function expandOne(name: string, rawAttrs: string, content: string, ctx: ShortcodeContext): string | undefined {
  const { named, positional } = parseAttributes(rawAttrs);
  if (name === 'gallery' || name === 'tiled-gallery') return gallery(named, ctx);
  if (name === 'caption' || name === 'wp_caption') return caption(named, content);
  if (MEDIA.includes(name)) {
    const url = firstUrl(...MEDIA_SOURCES.map((k) => named.get(k)), ...positional, content);
    return url ? link(url) : undefined;
  }
  if (name === 'wpvideo' || name === 'videopress') {
    const id = positional[0] ?? '';
    return /^[A-Za-z0-9]+$/.test(id) ? link(`https://videopress.com/v/${id}`) : undefined;
  }
  if (CODE.includes(name)) return `<pre><code>${content}</code></pre>`;
  return undefined;
}

/** Expands the shortcodes of one post's HTML. */
export function expandShortcodes(html: string, ctx: ShortcodeContext): Expanded {
  const removed: string[] = [];
  const run = (input: string, depth: number): string => {
    let out = '';
    let at = 0;
    OPEN.lastIndex = 0;
    for (let m = OPEN.exec(input); m; m = OPEN.exec(input)) {
      const [whole, escOpen, rawName, rawAttrs, selfClose, escClose] = m;
      const name = rawName!.toLowerCase();
      const closeTag = `[/${rawName}]`;
      const closeAt = selfClose ? -1 : input.indexOf(closeTag, m.index + whole.length);
      const looksLikeShortcode = KNOWN.has(name) || closeAt >= 0 || !!selfClose || /^\s+[\w-]+\s*=/.test(rawAttrs!);
      if (!looksLikeShortcode) continue;
      out += input.slice(at, m.index);
      // [[gallery]] is WordPress's way of writing a shortcode as text.
      if (escOpen && escClose) {
        out += whole.slice(1, -1);
        at = m.index + whole.length;
        OPEN.lastIndex = at;
        continue;
      }
      const end = closeAt >= 0 ? closeAt + closeTag.length : m.index + whole.length;
      const content = closeAt >= 0 ? input.slice(m.index + whole.length, closeAt) : '';
      const inner = depth < 5 && !CODE.includes(name) ? run(content, depth + 1) : content;
      const expanded = expandOne(name, rawAttrs!, inner, ctx);
      if (expanded === undefined) removed.push(`[${name}]`);
      // An unknown enclosing shortcode (a plugin's box, a column) loses its tags, not its text.
      out += expanded ?? (KNOWN.has(name) ? '' : inner);
      at = end;
      OPEN.lastIndex = end;
    }
    return out + input.slice(at);
  };
  return { html: run(html, 0), removed };
}
