import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { translate } from '../../core/i18n/index.ts';
import { DIALECTS, createTestApp, createTestDatabase, dumpDatabase, type TestApp } from '../../../test/support/app.ts';
import { importWordPress } from './import.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const WXR = fs.readFileSync(path.join(HERE, 'fixtures/wordpress-export.xml'), 'utf8');

async function counts(t: { db: TestApp['db'] }) {
  const n = async (table: 'posts' | 'tags' | 'users' | 'comments' | 'post_tags') =>
    Number(
      (
        await t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    posts: await n('posts'),
    tags: await n('tags'),
    users: await n('users'),
    comments: await n('comments'),
    postTags: await n('post_tags'),
  };
}

for (const dialect of DIALECTS) {
  describe(`WordPress import (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('refuses malformed XML with one clear message and changes nothing', async () => {
      const before = await counts(t);
      const broken = await importWordPress(t.db, t.clock, WXR.replace('</channel>', ''));
      assert.equal(broken.ok, false);
      assert.match(broken.ok ? '' : translate('en', broken.message), /^The file is not well-formed XML \(line \d+/);
      const notWp = await importWordPress(
        t.db,
        t.clock,
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
      );
      assert.equal(notWp.ok, false);
      assert.match(notWp.ok ? '' : translate('en', notWp.message), /not a WordPress export/);
      assert.deepEqual(await counts(t), before);
    });

    it('imports posts, authors, tags, dates and approved comments; skips pages, drafts stay drafts', async () => {
      const result = await importWordPress(t.db, t.clock, WXR);
      assert.ok(result.ok);
      const r = result.value;
      assert.equal(r.posts, 4);
      assert.equal(r.pagesSkipped, 1);
      assert.equal(r.authors, 2);
      assert.equal(r.comments, 3, 'three approved comments; spam, pending and pingback left out');
      assert.equal(r.commentsSkipped, 3);
      assert.deepEqual(
        r.skippedOther.map((s) => s.reason),
        ['status "trash"'],
      );
      assert.deepEqual(r.renamedSlugs, [{ from: 'welcome', to: 'welcome-2' }]);

      const welcome = await t.inject('/posts/welcome');
      assert.equal(welcome.statusCode, 200);
      assert.match(welcome.body, /<strong>Nothing about us without us.<\/strong>/);
      assert.match(welcome.body, /<h2 id="what-we-do">What we do<\/h2>/);
      assert.match(welcome.body, /<li>Peer support<\/li>/);
      assert.doesNotMatch(welcome.body, /alert\(/);
      assert.doesNotMatch(welcome.body, /href="javascript:/);
      assert.match(welcome.body, /datetime="2019-03-01T10:00:00.000Z"/);
      assert.match(welcome.body, /Sam Ortega/);
      assert.match(welcome.body, /href="\/tags\/outreach"/);
      assert.doesNotMatch(welcome.body, /uncategorized/i);

      const ete = await t.db
        .selectFrom('posts')
        .where('legacy_id', 'like', '%:102')
        .selectAll()
        .executeTakeFirstOrThrow();
      assert.equal(ete.slug, 'ete-des-droits');
      assert.equal(ete.title, 'L’été des droits — « ensemble » 🌈 & עברית 中文');
      assert.match(ete.body_md, /שלום, 你好/);
      const etePage = await t.inject('/posts/ete-des-droits');
      assert.match(etePage.body, /a literal \]\]&gt; inside CDATA/);
      assert.match(etePage.body, /<h1>L’été des droits — « ensemble » 🌈 &amp; עברית 中文<\/h1>/);
      assert.equal((await t.inject('/tags/ete')).statusCode, 200);

      const draft = await t.db
        .selectFrom('posts')
        .where('legacy_id', 'like', '%:104')
        .selectAll()
        .executeTakeFirstOrThrow();
      assert.equal(draft.status, 'draft');
      assert.equal((await t.inject(`/posts/${draft.slug}`)).statusCode, 404);
      assert.equal((await t.inject('/posts/about')).statusCode, 404, 'pages were skipped');

      const comments = await t.db.selectFrom('comments').selectAll().orderBy('legacy_id').execute();
      assert.deepEqual(
        comments.map((c) => [c.legacy_id, c.status, c.display_name]),
        [
          ['11', 'approved', 'River'],
          ['12', 'approved', 'Sam Ortega'],
          ['13', 'approved', 'Anonymous'],
        ],
      );
      const top = comments[0]!;
      assert.equal(top.parent_id, null);
      assert.equal(comments[1]!.parent_id, top.id);
      assert.equal(comments[2]!.parent_id, top.id, 'a reply to a reply hangs under the top-level comment');
      assert.match(top.body_md, /\[this guide\]\(https:\/\/example.org\/help\)/);
      assert.equal(top.token_hash, null);

      const dump = await dumpDatabase(t.db, t.dialect);
      assert.ok(!dump.includes('203.0.113.45'), 'commenters’ IP addresses are not imported');
      assert.ok(!dump.includes('river-private@mail.example.org'), 'commenters’ e-mail addresses are not imported');
      const authors = await t.db
        .selectFrom('users')
        .where('email', 'like', '%@outreach-collective.example.org')
        .selectAll()
        .execute();
      assert.equal(authors.length, 2);
      assert.ok(
        authors.every((a) => a.is_disabled === 1 && a.role === 'editor'),
        'imported authors cannot log in until enabled',
      );
    });

    it('adds nothing on a second run', async () => {
      const before = await counts(t);
      const again = await importWordPress(t.db, t.clock, WXR);
      assert.ok(again.ok);
      assert.equal(again.value.posts, 0);
      assert.equal(again.value.alreadyImported, 4);
      assert.equal(again.value.comments, 0);
      assert.deepEqual(await counts(t), before);
    });

    it('imports pages as posts when asked', async () => {
      const result = await importWordPress(t.db, t.clock, WXR, { pages: 'import' });
      assert.ok(result.ok);
      assert.equal(result.value.pagesImported, 1);
      assert.equal((await t.inject('/posts/about')).statusCode, 200);
    });
  });
}

describe('alongside import-wordpress (command line)', () => {
  it('imports a file, says what it skipped, and refuses a malformed one without changes', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const env = { ...process.env, DATABASE_URL: db.url, DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' };
      const run = (file: string, ...extra: string[]) =>
        spawnSync(process.execPath, [path.join(ROOT, 'bin/alongside.js'), 'import-wordpress', file, ...extra], {
          cwd: ROOT,
          env,
          encoding: 'utf8',
        });
      const broken = path.join(db.dataDir, 'broken.xml');
      fs.writeFileSync(broken, WXR.slice(0, 3000));
      const bad = run(broken);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /not well-formed XML.*Nothing was imported/);
      assert.equal(bad.stderr.trim().split('\n').length, 1, 'one clear error');
      const good = run(path.join(HERE, 'fixtures/wordpress-export.xml'));
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stdout, /Imported 4 post\(s\), 2 new author\(s\)/);
      assert.match(good.stdout, /Skipped 1 WordPress page\(s\)/);
      assert.match(good.stdout, /Slug "welcome" was taken; used "welcome-2"/);
      const again = run(path.join(HERE, 'fixtures/wordpress-export.xml'));
      assert.match(again.stdout, /Imported 0 post\(s\)/);
      assert.equal(run(path.join(db.dataDir, 'missing.xml')).status, 1);
    } finally {
      await db.destroy();
    }
  });
});
