import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { DIALECTS, createTestApp, createTestDatabase, type TestApp } from '../../../test/support/app.ts';
import type { Executor } from '../../core/db/schema.ts';
import { importWordPress, type ImportReport } from './import.ts';

/*
 * WordPress exports as WordPress writes them: the theme unit test data (a WordPress.com export),
 * the WordPress importer's own fixtures (WXR 1.0 and 1.1), and a small WordPress.com-style file
 * of our own for what those lack (Cyrillic and Thai slugs, unknown shortcodes, a table, images
 * to copy from --uploads, hostile image paths).
 */
const mediaCount = (db: Executor) => db.selectFrom('media_files').select('name').execute();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const THEME_FILE = 'test/fixtures/wordpress-theme-test-data/themeunittestdata.wordpress.xml';
const THEME = read(THEME_FILE);
const SMALL = read('test/fixtures/wordpress-importer/small-export.xml');
const WXR10 = read('test/fixtures/wordpress-importer/valid-wxr-1.0.xml');
const COM_FILE = 'src/features/wordpress/fixtures/wordpress-com.xml';
const COM = read(COM_FILE);

async function post(t: TestApp, slug: string) {
  return t.db.selectFrom('posts').where('slug', '=', slug).selectAll().executeTakeFirstOrThrow();
}
async function tagCount(t: TestApp, postId: number) {
  const rows = await t.db.selectFrom('post_tags').where('post_id', '=', postId).select('tag_id').execute();
  return rows.length;
}
const page = (t: TestApp, slug: string) => t.inject(`/posts/${encodeURIComponent(slug)}`);

/** An uploads folder as WordPress.com would give it: 2020/05/van.jpg (with GPS in EXIF), tea.png, a symlink out. */
async function uploadsFolder(): Promise<{ dir: string; outside: string }> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-uploads-'));
  const dir = path.join(base, 'uploads');
  fs.mkdirSync(path.join(dir, '2020/05'), { recursive: true });
  const pixel = { create: { width: 40, height: 30, channels: 3 as const, background: '#336699' } };
  await sharp(pixel)
    .jpeg()
    .withExif({ IFD0: { Artist: 'secret-photographer' } })
    .toFile(path.join(dir, '2020/05/van.jpg'));
  await sharp(pixel).png().toFile(path.join(dir, '2020/05/tea.png'));
  const outside = path.join(base, 'secret.jpg');
  await sharp(pixel).jpeg().toFile(outside);
  fs.symlinkSync(outside, path.join(dir, '2020/05/linked.jpg'));
  return { dir, outside };
}

for (const dialect of DIALECTS) {
  describe(`WordPress exports as they really are (${dialect})`, () => {
    let t: TestApp;
    let theme: ImportReport;
    before(async () => {
      t = await createTestApp(dialect);
      const result = await importWordPress(t.db, t.clock, THEME, { pages: 'import' });
      assert.ok(result.ok);
      theme = result.value;
    });
    after(() => t.close());

    it('theme unit test data: a password-protected post comes in as a draft and is reported', async () => {
      const held = theme.heldBack.find((h) => h.title.startsWith('Template: Password Protected'));
      assert.ok(held, 'listed in the report');
      assert.equal(held.reason, 'password');
      assert.equal((await post(t, held.slug)).status, 'draft');
      assert.equal((await page(t, held.slug)).statusCode, 404);
      const search = await t.inject('/search?q=enter');
      assert.doesNotMatch(search.body, /Password Protected/);
    });

    it('closed comments stay closed, open ones stay open', async () => {
      const closed = await post(t, 'template-comments-disabled');
      assert.equal(closed.comments_closed, 1);
      assert.doesNotMatch((await page(t, 'template-comments-disabled')).body, /action="\/posts\/[^"]*\/comments[#"]/);
      assert.equal((await post(t, 'template-comments')).comments_closed, 0);
      assert.match(
        (await page(t, 'template-comments')).body,
        /action="\/posts\/template-comments\/comments(#error-summary)?"/,
      );
    });

    it('keeps every tag and category: 47 tags, 65 categories', async () => {
      assert.equal(await tagCount(t, (await post(t, 'edge-case-many-tags')).id), 47);
      assert.equal(await tagCount(t, (await post(t, 'edge-case-many-categories')).id), 65);
    });

    it('shows no shortcode as text and leaves no link without text', async () => {
      const rows = await t.db.selectFrom('posts').select(['slug', 'body_md']).execute();
      for (const r of rows) {
        assert.doesNotMatch(
          r.body_md,
          /\[\/?(gallery|caption|audio|video|embed|videopress)(\s[^\]]*)?\](?!\()/,
          r.slug,
        );
        assert.doesNotMatch(r.body_md, /\[\s*\]\(/, `${r.slug}: a link with no text`);
      }
      const gallery = await page(t, 'post-format-gallery');
      assert.match(gallery.body, /<a href="https:\/\/wpthemetestdata\.files\.wordpress\.com\/[^"]+"[^>]*>[^<]+<\/a>/);
      const caption = await post(t, 'post-format-image-caption');
      assert.match(caption.body_md, /\n\*[^*\n]+\*/, 'the caption stays, under its image');
      const audio = await post(t, 'post-format-audio');
      assert.match(audio.body_md, /\[https?:\/\/[^\]]+\.mp3\]\(https?:\/\/[^)]+\.mp3\)/);
    });

    it('keeps tables as tables', async () => {
      const html = await page(t, 'markup-html-tags-and-formatting');
      assert.equal(html.statusCode, 200);
      const withTable = (await t.db.selectFrom('posts').select(['slug', 'body_md']).execute()).find((r) =>
        /^\| .* \|\n\|( --- \|)+$/m.test(r.body_md),
      );
      assert.ok(withTable, 'a Markdown table');
      assert.match((await page(t, withTable.slug)).body, /<table>[\s\S]*<td>/);
    });

    it('titles are plain text; page hierarchy and Greek slugs are kept and served', async () => {
      const titles = (await t.db.selectFrom('posts').select('title').execute()).map((r) => r.title);
      assert.ok(titles.includes('Markup: Title With Markup'));
      assert.ok(
        titles.every((x) => !/<\/?[a-z]+>/i.test(x)),
        'no HTML tags in titles',
      );
      assert.equal((await post(t, 'level-1-level-2-level-3')).title, 'Level 3');
      const greek = await post(t, 'greek-επίπεδο-2-επίπεδο-3');
      assert.equal(greek.title, 'Επίπεδο 3');
      const served = await page(t, greek.slug);
      assert.equal(served.statusCode, 200);
      assert.ok(theme.childPages.some((p) => p.slug === greek.slug));
    });

    it('without --uploads, every image left behind is reported (featured images too)', () => {
      const urls = theme.imagesLeftBehind.map((i) => i.url);
      assert.ok(urls.length > 100);
      assert.ok(urls.every((u) => /^https?:\/\//.test(u)));
      assert.ok(
        theme.imagesLeftBehind.some((i) => i.title === 'Template: Featured Image (Vertical)'),
        'the featured image',
      );
      assert.equal(theme.imagesCopied, 0);
    });

    it('a second import adds nothing', async () => {
      const again = await importWordPress(t.db, t.clock, THEME, { pages: 'import' });
      assert.ok(again.ok);
      assert.equal(again.value.posts + again.value.pagesImported, 0);
      assert.equal(again.value.alreadyImported, theme.posts + theme.pagesImported);
    });

    it('WordPress importer fixtures: WXR 1.1 (private post, child page, 27 categories) and WXR 1.0', async () => {
      const small = await importWordPress(t.db, t.clock, SMALL, { pages: 'import' });
      assert.ok(small.ok);
      const priv = small.value.heldBack.find((h) => h.title === 'Private Post');
      assert.equal(priv?.reason, 'private');
      assert.equal((await post(t, priv.slug)).status, 'draft');
      const child = await post(t, 'parent-page-child-page');
      assert.equal(child.title, 'Child Page');
      assert.equal(await tagCount(t, (await post(t, 'many-categories')).id), 27);
      const v10 = await importWordPress(t.db, t.clock, WXR10, { pages: 'import' });
      assert.ok(v10.ok);
      // Hello world (?p=1) and About (?page_id=2) have the same guid and id on the same blog (http://localhost/)
      // as in small-export.xml: the same posts. The others differ and come in.
      assert.equal(v10.value.alreadyImported, 2);
      assert.equal(v10.value.posts, 2);
      assert.equal(v10.value.pagesImported, 2);
      assert.equal((await post(t, 'parent-page-child-post')).title, 'Child page');
    });

    it('WordPress.com: blogs sharing base_site_url and post ids are different posts; no ids, no skipping', async () => {
      const one = await importWordPress(t.db, t.clock, COM);
      assert.ok(one.ok);
      assert.equal(one.value.posts, 3);
      const other = COM.replaceAll('nightline-demo.wordpress.com', 'dayline-demo.wordpress.com');
      const two = await importWordPress(t.db, t.clock, other);
      assert.ok(two.ok);
      assert.equal(two.value.posts, 3, 'same base_site_url and ids, another blog');
      assert.equal(two.value.alreadyImported, 0);
      // An export without post ids: seven posts are seven posts, each with its own comment.
      const items = Array.from(
        { length: 7 },
        (_, i) => `<item><title>No id ${i}</title><guid isPermaLink="false">https://noid.example.org/?p=${i}</guid>
<content:encoded><![CDATA[Body ${i}]]></content:encoded><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_name>no-id-${i}</wp:post_name><wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>R${i}</wp:comment_author>
<wp:comment_content>On post ${i}</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment></item>`,
      ).join('\n');
      const noIds = COM.replace(/<item>[\s\S]*<\/item>/, items);
      const three = await importWordPress(t.db, t.clock, noIds);
      assert.ok(three.ok);
      assert.equal(three.value.posts, 7);
      assert.equal(three.value.comments, 7);
      for (let i = 0; i < 7; i++) {
        const p = await post(t, `no-id-${i}`);
        const c = await t.db.selectFrom('comments').where('post_id', '=', p.id).select('body_md').execute();
        assert.deepEqual(
          c.map((x) => x.body_md),
          [`On post ${i}`],
        );
      }
    });
  });

  describe(`WordPress import with --uploads (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('copies the images posts use, re-encoded, rewrites their addresses, featured image as cover', async () => {
      const { dir } = await uploadsFolder();
      const result = await importWordPress(t.db, t.clock, COM, { pages: 'skip', uploads: { dir } });
      assert.ok(result.ok);
      const r = result.value;
      const ru = await post(t, 'привет-мир');
      assert.equal(ru.title, 'Привет, мир <b>');
      assert.equal(ru.comments_closed, 1);
      assert.equal(await tagCount(t, ru.id), 2);
      assert.ok(await t.db.selectFrom('tags').where('slug', '=', 'กลางคืน').select('id').executeTakeFirst());
      // van-300x200.jpg (not in the folder) falls back to van.jpg; tea.png is the featured image.
      const local = [...ru.body_md.matchAll(/\/media\/posts\/([a-f0-9]{24}\.(?:jpg|png))/g)].map((m) => m[1]!);
      assert.ok(local.length >= 3, ru.body_md);
      assert.doesNotMatch(ru.body_md, /files\.wordpress\.com\/2020\/05\/(van|tea)/);
      assert.match(ru.body_md, /!\[A white van parked at night\]\(\/media\/posts\//);
      assert.ok(ru.cover_image && /\.png$/.test(ru.cover_image), 'featured image as the cover');
      assert.equal(ru.cover_alt, 'Hot drinks');
      for (const file of new Set([...local, ru.cover_image])) {
        const stored = await t.db
          .selectFrom('media_files')
          .select('bytes')
          .where('name', '=', `posts/${file}`)
          .executeTakeFirstOrThrow();
        assert.ok(!Buffer.from(stored.bytes).includes('secret-photographer'), 'metadata dropped by re-encoding');
      }
      assert.equal(r.imagesCopied, 4, 'van.jpg (as 300x200, full and in the gallery) and tea.png');
      const shown = await page(t, ru.slug);
      assert.equal(shown.statusCode, 200);
      assert.match(shown.body, /<img src="\/media\/posts\/[a-f0-9]{24}\.jpg" alt="A white van parked at night"/);
      assert.match(shown.body, /<table>[\s\S]*<td>Monday<\/td>/);
      assert.doesNotMatch(shown.body, /contact-form-7|su_box|\[caption|\[gallery ids/);
      assert.match(shown.body, /\[sic\] and \[1\] stay, and \[gallery\] is written as text/);
      // Outside the folder: "..%2f" and a symbolic link out are never read; they stay behind, reported.
      const left = r.imagesLeftBehind.map((i) => i.url);
      assert.ok(left.some((u) => u.includes('..%2f')));
      assert.ok(left.some((u) => u.endsWith('linked.jpg')));
      assert.ok(left.includes('https://cdn.example.net/flyer.png'));
      assert.match(ru.body_md, /\[flyer\.png\]\(https:\/\/example\.org\/flyer\)/, 'an image link keeps a text');
      assert.match(ru.body_md, /\[leaflet\.pdf\]\(https:\/\/example\.org\/leaflet\.pdf\)/, 'an empty link gets one');
      assert.deepEqual(
        r.shortcodesRemoved.map((s) => s.shortcode),
        ['[contact-form-7]', '[su_box]'],
      );
      assert.deepEqual(
        r.heldBack.map((h) => [h.title, h.reason]),
        [['Volunteer rota', 'password']],
      );
      assert.equal((await page(t, 'volunteer-rota')).statusCode, 404);
      assert.equal((await post(t, 'สวัสดีชาวโลก')).title, 'สวัสดีชาวโลก');
      assert.equal((await mediaCount(t.db)).length, 2, 'each file copied once');
    });

    it('refuses an uploads folder that does not exist, changing nothing', async () => {
      const before = await t.db.selectFrom('posts').select('id').execute();
      const result = await importWordPress(t.db, t.clock, COM.replaceAll('nightline', 'other'), {
        pages: 'skip',
        uploads: { dir: '/nonexistent/uploads' },
      });
      assert.equal(result.ok, false);
      assert.equal((await t.db.selectFrom('posts').select('id').execute()).length, before.length);
    });
  });
}

describe('alongside import-wordpress with real exports (command line)', () => {
  it('reports held-back posts, removed shortcodes and images left behind; --uploads copies them', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const env = { ...process.env, DATABASE_URL: db.url, DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' };
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(ROOT, 'bin/alongside.js'), 'import-wordpress', ...args], {
          cwd: ROOT,
          env,
          encoding: 'utf8',
        });
      const themeRun = run(path.join(ROOT, THEME_FILE), '--pages', 'import');
      assert.equal(themeRun.status, 0, themeRun.stderr);
      assert.match(
        themeRun.stdout,
        /"Template: Password Protected \(the password is "enter"\)" was password-protected/,
      );
      assert.match(themeRun.stdout, /Child page "Level 3" is at \/posts\/level-1-level-2-level-3/);
      assert.match(
        themeRun.stdout,
        /Image left on the old site, used by "Template: Featured Image \(Vertical\)": https:/,
      );
      assert.match(themeRun.stdout, /--uploads DIR/);
      const { dir } = await uploadsFolder();
      const comRun = run(path.join(ROOT, COM_FILE), '--uploads', dir);
      assert.equal(comRun.status, 0, comRun.stderr);
      assert.match(comRun.stdout, /Copied 4 image\(s\) from the uploads folder/);
      assert.match(comRun.stdout, /Removed the shortcode \[contact-form-7\]/);
      assert.equal((await mediaCount(db.db)).length, 2);
      const missing = run(path.join(ROOT, COM_FILE), '--uploads', path.join(dir, 'nope'));
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /uploads folder .* cannot be read.*Nothing was imported/);
    } finally {
      await db.destroy();
    }
  });
});
