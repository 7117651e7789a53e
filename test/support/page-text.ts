/*
 * What a reader sees and hears of an HTML page, read without a browser: the text (scripts and
 * styles left out, entities decoded), the attributes that are read aloud or shown (title,
 * aria-label, alt, placeholder, button values, the meta description), and every link and form.
 * Regular expressions suffice here because the pages are preact's own output: well formed, every
 * attribute double-quoted and escaped.
 */
export interface PageLink {
  href: string;
  /** `a`, `form` (with its method), or `link`. */
  kind: 'a' | 'form';
  method?: string;
  hreflang?: string;
  /** For forms: the hidden fields (name → value). */
  hidden?: Record<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
      );
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
};

const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'code',
  'em',
  'i',
  'kbd',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'data',
  'label',
]);

/** The page's visible and spoken text, whitespace collapsed; inline tags join their words, block tags separate them. */
export function pageText(html: string): string {
  const parts: string[] = [];
  const body = html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  for (const m of body.matchAll(/<[^>]+>|[^<]+/g)) {
    const token = m[0];
    if (!token.startsWith('<')) {
      parts.push(decodeEntities(token));
      continue;
    }
    const name = /^<\/?([a-z0-9-]+)/i.exec(token)?.[1]?.toLowerCase() ?? '';
    parts.push(INLINE.has(name) ? '' : ' ');
    for (const a of ['title', 'aria-label', 'alt', 'placeholder', 'data-template']) {
      const value = attr(token, a);
      if (value) parts.push(` ${value} `);
    }
    if (name === 'meta' && /name="description"/.test(token)) parts.push(` ${attr(token, 'content') ?? ''} `);
    if (name === 'input' && /type="(submit|button)"/.test(token)) parts.push(` ${attr(token, 'value') ?? ''} `);
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** Every `<a href>` and `<form>` of the page, forms with their hidden fields. */
export function pageLinks(html: string): PageLink[] {
  const links: PageLink[] = [];
  for (const m of html.matchAll(/<a\s[^>]*>/gi)) {
    const href = attr(m[0], 'href');
    if (href !== undefined) links.push({ href, kind: 'a', hreflang: attr(m[0], 'hreflang') });
  }
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = `<form${m[1]}>`;
    const hidden: Record<string, string> = {};
    for (const input of m[2]!.matchAll(/<input\s[^>]*type="hidden"[^>]*>/gi)) {
      const name = attr(input[0], 'name');
      if (name) hidden[name] = attr(input[0], 'value') ?? '';
    }
    links.push({
      href: attr(open, 'action') ?? '',
      kind: 'form',
      method: (attr(open, 'method') ?? 'get').toLowerCase(),
      hidden,
    });
  }
  return links;
}
