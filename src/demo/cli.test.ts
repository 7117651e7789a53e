import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { DIALECTS, postgresAdminUrl } from '../../test/support/app.ts';
import { freePort } from '../../test/support/postgres.ts';
import { openDatabase } from '../core/db/connect.ts';
import type { Dialect } from '../core/db/schema.ts';

/*
 * The demo content through the command line, as an operator meets it: `serve` adds it to a
 * brand-new database only, importers say it is there and offer `demo remove`, which removes it.
 */
const BIN = path.resolve('bin/alongside.js');

const WXR = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Real organisation</title>
  <link>https://real.example.org</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://real.example.org</wp:base_site_url>
  <wp:base_blog_url>https://real.example.org</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[sam]]></wp:author_login><wp:author_display_name><![CDATA[Sam]]></wp:author_display_name></wp:author>
  <item>
    <title>Our real news</title>
    <link>https://real.example.org/news/</link>
    <guid isPermaLink="false">https://real.example.org/?p=7</guid>
    <dc:creator><![CDATA[sam]]></dc:creator>
    <content:encoded><![CDATA[Written by us.]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date_gmt><![CDATA[2024-03-01 10:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[our-real-news]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
</channel>
</rss>
`;

interface Target {
  env: Record<string, string>;
  dataDir: string;
  count(table: 'service' | 'posts' | 'demo_content'): Promise<number>;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

/** A database that does not exist yet (SQLite) or has no table (PostgreSQL): as on a new machine. */
async function emptyTarget(dialect: Dialect): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-demo-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  let env: Record<string, string> = { DATA_DIR: dataDir };
  if (dialect === 'postgres') {
    const admin = await postgresAdminUrl();
    const name = `demo_${crypto.randomBytes(6).toString('hex')}`;
    const run = async (q: string) => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(q).finally(() => c.end());
    };
    await run(`CREATE DATABASE ${name}`);
    cleanups.push(() => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(admin);
    url.pathname = `/${name}`;
    env = { ...env, DATABASE_URL: url.href };
  }
  return {
    env,
    dataDir,
    async count(table) {
      const handle = openDatabase(
        dialect === 'sqlite'
          ? { dialect, file: path.join(dataDir, 'alongside.sqlite') }
          : { dialect, url: env.DATABASE_URL! },
      );
      try {
        const r = await handle.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .executeTakeFirstOrThrow();
        return Number(r.n);
      } finally {
        await handle.close();
      }
    },
  };
}

function run(args: string[], env: Record<string, string>) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 120_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

/** Starts `serve`, waits for its banner, stops it; returns what it printed. */
async function serveOnce(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Staff log in|password: \S+/.test(out) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return out;
}

for (const dialect of DIALECTS) {
  describe(`demo content from the command line (${dialect})`, () => {
    it('serve adds none to a database an import created first (no staff account yet)', async () => {
      // A partner's package: exported from another site (whose demo listings are real data to this one).
      const partner = await emptyTarget('sqlite');
      assert.equal(run(['seed-demo'], partner.env).code, 0);
      const pkg = path.join(partner.dataDir, 'package');
      const exported = run(['export-hsds', pkg], partner.env);
      assert.equal(exported.code, 0, exported.err);

      const target = await emptyTarget(dialect);
      const imported = run(['import-hsds', pkg], target.env);
      assert.equal(imported.code, 0, imported.out + imported.err);
      assert.doesNotMatch(imported.out, /demo content/, 'nothing to warn about');
      const listings = await target.count('service');
      assert.ok(listings > 0);
      const banner = await serveOnce(target.env);
      assert.match(banner, /npx alongside create-user/);
      assert.doesNotMatch(banner, /password:|Demo content was added/);
      assert.equal(await target.count('service'), listings, 'no demo listing beside the imported ones');
      assert.equal(await target.count('demo_content'), 0);
      assert.equal(await target.count('posts'), 0);
    });

    it('serve adds it to a brand-new database; importers warn; demo remove deletes it and nothing else', async () => {
      const target = await emptyTarget(dialect);
      const banner = await serveOnce(target.env);
      assert.match(banner, /Demo content was added/);
      assert.match(banner, /npx alongside demo remove/);
      assert.ok((await target.count('service')) > 0);
      assert.ok((await target.count('demo_content')) > 0);
      assert.doesNotMatch(await serveOnce(target.env), /Demo content was added/, 'only at the first start');

      const file = path.join(target.dataDir, 'export.xml');
      fs.writeFileSync(file, WXR);
      const imported = run(['import-wordpress', file], target.env);
      assert.equal(imported.code, 0, imported.err);
      assert.match(imported.out, /still holds the demo content \(14 listings, \d+ posts,[^)]*\)/);
      assert.match(imported.out, /`npx alongside demo remove`/);
      const hsds = run(['import-hsds', target.dataDir], target.env);
      assert.match(hsds.out, /still holds the demo content[\s\S]*npx alongside demo remove/);
      const posts = await target.count('posts');

      const removed = run(['demo', 'remove'], target.env);
      assert.equal(removed.code, 0, removed.err);
      assert.match(
        removed.out,
        /^Removed the demo content: 14 listings, \d+ posts, \d+ comments, 1 course, 1 campaign/m,
      );
      assert.equal(await target.count('service'), 0);
      assert.equal(await target.count('demo_content'), 0);
      assert.equal(await target.count('posts'), 1, `the imported post stays (of ${posts})`);

      const again = run(['import-wordpress', file], target.env);
      assert.equal(again.code, 0, again.err);
      assert.doesNotMatch(again.out, /demo content/);
      const none = run(['demo', 'remove'], target.env);
      assert.equal(none.code, 0);
      assert.match(none.out, /holds no demo content: nothing was removed/);
      for (const args of [['demo'], ['demo', 'delete'], ['demo', 'remove', 'now']]) {
        const bad = run(args, target.env);
        assert.equal(bad.code, 2, args.join(' '));
        assert.match(bad.err, /demo takes one action: alongside demo remove/);
      }
    });
  });
}
