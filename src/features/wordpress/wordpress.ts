import { XMLParser, XMLValidator } from 'fast-xml-parser';
import TurndownService from 'turndown';
import { translate, type Message } from '../../core/i18n/index.ts';
import { msg } from './messages.ts';

/*
 * Reads a WordPress export (WXR 1.x: RSS 2.0 with the wp:, content:, excerpt: and dc:
 * namespaces) into plain data. No database here: import.ts decides what to store.
 * https://codex.wordpress.org/Tools_Export_Screen
 */

export interface WxrAuthor {
  login: string;
  email: string;
  displayName: string;
}

export interface WxrComment {
  id: string;
  parentId: string;
  author: string;
  dateGmt: string;
  contentHtml: string;
  approved: boolean;
  type: string;
}

export interface WxrItem {
  id: string;
  guid: string;
  /** Plain text: WordPress titles are HTML (tags and entities). */
  title: string;
  slug: string;
  type: string;
  status: string;
  dateGmt: string;
  creator: string;
  contentHtml: string;
  excerptHtml: string;
  tags: { domain: 'category' | 'post_tag'; slug: string; name: string }[];
  comments: WxrComment[];
  /** wp:post_password: set on password-protected posts. */
  password: string;
  commentsClosed: boolean;
  /** wp:post_parent: the parent page, or the post an attachment belongs to ('' or '0' for none). */
  parentId: string;
  /** Attachments only: the file's address. */
  attachmentUrl: string;
  /** wp:postmeta, key → value (_thumbnail_id, _wp_attachment_image_alt…). */
  meta: Map<string, string>;
}

export interface Wxr {
  siteUrl: string;
  /** wp:base_blog_url: the blog itself (WordPress.com exports share one base_site_url). */
  blogUrl: string;
  language: string;
  authors: WxrAuthor[];
  items: WxrItem[];
}

/** A file that is not a readable WordPress export; `problem` says why, for the person who gave it. */
export class WxrError extends Error {
  override name = 'WxrError';
  constructor(readonly problem: Message) {
    super(translate('en', problem));
  }
}

type Node = Record<string, unknown>;
const text = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as Node)) return text((v as Node)['#text']);
  return '';
};
const list = (v: unknown): Node[] =>
  Array.isArray(v) ? (v as Node[]) : v === undefined || v === null || v === '' ? [] : [v as Node];

/** WordPress dates: "2019-03-01 10:00:00" in UTC (the _gmt fields); "0000-00-00 00:00:00" means unset. */
function wpDate(gmt: string, local: string): string {
  for (const raw of [gmt, local]) {
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(raw.trim());
    if (!m || m[1] === '0000') continue;
    const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return '';
}

export function parseWxr(xml: string): Wxr {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new WxrError(msg('notXml', { line: valid.err.line, col: valid.err.col, detail: printable(valid.err.msg) }));
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => ['item', 'wp:author', 'wp:comment', 'category', 'wp:postmeta'].includes(name),
  });
  const doc = parser.parse(xml) as Node;
  const channel = (doc.rss as Node | undefined)?.channel as Node | undefined;
  if (!channel || typeof channel !== 'object') throw new WxrError(msg('noChannel'));
  const version = text(channel['wp:wxr_version']);
  if (!version) throw new WxrError(msg('notWxr'));
  const siteUrl = text(channel['wp:base_site_url']) || text(channel.link) || 'wordpress';
  const authors = list(channel['wp:author']).map((a) => ({
    login: text(a['wp:author_login']),
    email: text(a['wp:author_email']),
    displayName: text(a['wp:author_display_name']) || text(a['wp:author_login']),
  }));
  const items = list(channel.item).map((it): WxrItem => ({
    id: text(it['wp:post_id']),
    guid: text(it.guid),
    title: htmlTitleToText(text(it.title)),
    slug: safeDecode(text(it['wp:post_name'])),
    type: text(it['wp:post_type']) || 'post',
    status: text(it['wp:status']) || 'draft',
    dateGmt: wpDate(text(it['wp:post_date_gmt']), text(it['wp:post_date'])),
    creator: text(it['dc:creator']),
    contentHtml: text(it['content:encoded']),
    excerptHtml: text(it['excerpt:encoded']),
    tags: list(it.category)
      .map((c) => ({
        domain: text(c['@domain']) as 'category' | 'post_tag',
        slug: safeDecode(text(c['@nicename'])),
        name: text(c),
      }))
      .filter((c) => (c.domain === 'category' || c.domain === 'post_tag') && c.name && c.name !== 'Uncategorized'),
    comments: list(it['wp:comment']).map((c) => ({
      id: text(c['wp:comment_id']),
      parentId: text(c['wp:comment_parent']),
      author: text(c['wp:comment_author']),
      dateGmt: wpDate(text(c['wp:comment_date_gmt']), text(c['wp:comment_date'])),
      contentHtml: text(c['wp:comment_content']),
      approved: text(c['wp:comment_approved']) === '1',
      type: text(c['wp:comment_type']),
    })),
    password: text(it['wp:post_password']),
    commentsClosed: text(it['wp:comment_status']) === 'closed',
    parentId: text(it['wp:post_parent']),
    attachmentUrl: text(it['wp:attachment_url']),
    meta: new Map(list(it['wp:postmeta']).map((m) => [text(m['wp:meta_key']), text(m['wp:meta_value'])])),
  }));
  const blogUrl = text(channel['wp:base_blog_url']);
  return { siteUrl, blogUrl, language: text(channel.language), authors, items };
}

/** The parser's words may quote the file: controls, overrides and unreadable bytes are not passed on to a terminal. */
function printable(detail: string): string {
  return detail.replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/gu, '?');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A WordPress title (HTML: <em>, &amp;…) as the plain text a reader saw. */
export function htmlTitleToText(html: string): string {
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, ' ').trim();
  return plain.turndown(html).replace(/\s+/g, ' ').trim();
}

const plain = new TurndownService();
plain.escape = (s: string) => s;
plain.addRule('text', { filter: () => true, replacement: (content) => content });
