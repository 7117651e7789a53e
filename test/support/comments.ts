import assert from 'node:assert/strict';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { createStaff } from '../../src/core/auth/service.ts';
import { POW_DIFFICULTY } from '../../src/core/antispam/challenge.ts';
import { writeSetting } from '../../src/core/settings/index.ts';
import type { Db } from '../../src/core/db/schema.ts';
import type { TestApp } from './app.ts';
import { csrfFrom, postForm } from './staff.ts';

/* Small factories for comment tests (not a test file itself). */

let n = 0;
/** A published post written straight into the table (publishing owns the real editor). */
export async function makePost(
  db: Db,
  opts: { slug?: string; closed?: boolean; title?: string; language?: string } = {},
): Promise<{ id: number; slug: string }> {
  n++;
  let author = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'comments-author@staff.test')
    .executeTakeFirst();
  if (!author) {
    const created = await createStaff(
      db,
      { now: () => new Date('2026-11-01T00:00:00Z') },
      {
        email: 'comments-author@staff.test',
        role: 'editor',
        password: 'correct horse battery staple',
        displayName: 'Author (demo)',
      },
    );
    assert.ok(created.ok);
    author = { id: created.value.id };
  }
  const slug = opts.slug ?? `post-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const row = await db
    .insertInto('posts')
    .values({
      slug,
      title: opts.title ?? `Resources post ${n}`,
      excerpt: '',
      body_md: 'If you know more resources, please share them below.',
      content_note: '',
      language: opts.language ?? 'en',
      translation_group: null,
      author_id: author.id,
      status: 'published',
      published_at: '2026-11-01T00:00:00.000Z',
      cover_image: null,
      cover_alt: '',
      cover_width: null,
      cover_height: null,
      comments_closed: opts.closed ? 1 : 0,
      created_at: '2026-11-01T00:00:00.000Z',
      updated_at: '2026-11-01T00:00:00.000Z',
      updated_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, slug };
}

export async function easyChallenges(db: Db): Promise<void> {
  await writeSetting(db, POW_DIFFICULTY, 300);
}

/** Fetches a challenge over HTTP and solves it as the widget would. */
export async function solvedAltcha(t: TestApp): Promise<string> {
  const res = await t.inject('/antispam/challenge');
  assert.equal(res.statusCode, 200);
  const challenge = res.json() as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  assert.ok(solution);
  return Buffer.from(
    JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution }),
  ).toString('base64');
}

let cachedCsrf: string | undefined;
export async function anonCsrf(t: TestApp, slug: string): Promise<string> {
  const page = await t.inject(`/posts/${slug}/comments/new`);
  assert.equal(page.statusCode, 200, page.body.slice(0, 300));
  // A closed post shows no form: any anonymous token will do.
  cachedCsrf = csrfFrom(page.body.includes('name="_csrf"') ? page.body : (await t.inject('/admin/login')).body);
  return cachedCsrf;
}

/** Posts a comment as an anonymous reader, solving the proof of work unless told not to. */
export async function postComment(
  t: TestApp,
  slug: string,
  fields: Record<string, string>,
  opts: { altcha?: string | false; advance?: boolean } = {},
) {
  // Each submission starts a fresh rate-limit window (the limit counts on the app clock), unless a test measures the limit.
  if (opts.advance !== false) t.clock.advance(10 * 60_000);
  const csrf = fields._csrf ?? (await anonCsrf(t, slug));
  const altcha = opts.altcha === false ? undefined : (opts.altcha ?? (await solvedAltcha(t)));
  return postForm(t, `/posts/${slug}/comments`, { _csrf: csrf, ...(altcha ? { altcha } : {}), ...fields });
}

export function privateLinkFrom(html: string): string {
  const m =
    /data-private-link[^>]*>\s*https?:\/\/[^/]+(\/comments\/[A-Za-z0-9_-]{43})\s*</.exec(html) ??
    /href="https?:\/\/[^/"]+(\/comments\/[A-Za-z0-9_-]{43})"/.exec(html);
  assert.ok(m, 'the page shows a private link');
  return m[1]!;
}

import { renderToString } from '../../src/core/views/render.ts';

/** The comment section as it appears under the post (the registered post footer, rendered for an anonymous reader). */
export async function footerHtml(t: TestApp, post: { id: number; slug: string }): Promise<string> {
  const ctx = {
    siteName: 'Alongside',
    publicUrl: t.config.publicUrl,
    quickExitUrl: t.config.quickExitUrl,
    locale: 'en' as const,
    csrfToken: 'x',
  };
  const parts: string[] = [];
  for (const footer of [...t.app.deps.registry.postFooters].sort((a, b) => a.order - b.order)) {
    const node = await footer.render({ id: post.id, slug: post.slug, language: 'en' }, ctx);
    if (node) parts.push(renderToString(node));
  }
  return parts.join('');
}

/* Hostile text in every field: script, event-handler, javascript: and data: payloads (plus the Big List of Naughty Strings in hostile.test.ts). */
export const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '"><script>window.__pwned=2</script>',
  '<img src=x onerror="window.__pwned=3">',
  '<svg onload=window.__pwned=4>',
  '[click](javascript:window.__pwned=5)',
  '[click](JaVaScRiPt:window.__pwned=6)',
  '[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD03PC9zY3JpcHQ+)',
  '![img](javascript:window.__pwned=8)',
  '<a href="javascript:window.__pwned=9">x</a>',
  '[x](vbscript:msgbox(1))',
  '<iframe src="data:text/html,<script>window.__pwned=10</script>"></iframe>',
  '" onmouseover="window.__pwned=11',
  "' onfocus='window.__pwned=12' autofocus='",
  '<details open ontoggle=window.__pwned=13>',
  '[a](https://ok.example.org/" onclick="window.__pwned=14)',
  '<https://x.example.org/"onmouseover="window.__pwned=15>',
  'javascript:window.__pwned=16',
  '<style>body{display:none}</style>',
];

/** The comment section of a post page. */
export function commentSection(html: string): string {
  const start = html.indexOf('<section class="comments"');
  assert.ok(start >= 0, 'the post page has a comment section');
  return html.slice(start, html.indexOf('</section>', start));
}

export function assertInert(raw: string): void {
  // Attribute values are always double-quoted and escaped by preact; blank them so text inside them is not mistaken for markup.
  const html = raw
    .replace('<details class="shortcuts">', '')
    .replace(/="[^"]*"/g, (m) => (/^="\s*(javascript|data|vbscript):/i.test(m) ? m : '=""'));
  const hrefs = raw.match(/<a\b[^>]*?href="[^"]*"[^>]*?>/gi) ?? [];
  const scripts = raw.match(/<script\b[^>]*>/gi) ?? [];
  for (const s of scripts)
    assert.match(
      s,
      /^<script type="module" src="\/static\/altcha-init\.[0-9a-f]{10}\.js">$/,
      `unexpected script tag ${s}`,
    );
  assert.doesNotMatch(html, /<(img|svg|iframe|style|details|object|embed)\b/i);
  const handler = /<[a-z][^>]*\son[a-z]+\s*=[^>]*>/i.exec(html);
  assert.equal(handler, null, `no event-handler attribute: ${handler?.[0]}`);
  assert.doesNotMatch(html, /(href|src)\s*=\s*"\s*(javascript|data|vbscript):/i, 'no javascript:/data: link');
  for (const a of hrefs) {
    const href = /href="([^"]*)"/.exec(a)?.[1] ?? '';
    assert.ok(href.startsWith('/') || href.startsWith('#') || /^https?:\/\//.test(href), `unexpected link ${a}`);
    if (/^https?:/.test(href)) assert.match(a, /rel="ugc nofollow noopener noreferrer"/);
  }
}
