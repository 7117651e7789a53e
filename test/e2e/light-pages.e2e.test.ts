import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { easyChallenges } from '../support/comments.ts';
import { foreignRequests, newContext } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';

/*
 * Light pages in Chromium: the anti-spam widget is fetched only once a reader starts on the comment
 * form (and the form still works), and every public page arrives in under 50 KB on a first visit,
 * counted from the network responses (compressed bodies and headers), not timed.
 */
const BUDGET = 50 * 1024;

/** Bytes over the wire for a first visit (empty cache): every response's headers and encoded body. */
async function firstLoad(context: BrowserContext, url: string): Promise<{ bytes: number; urls: string[] }> {
  const page = await context.newPage();
  const done: Promise<number>[] = [];
  const urls: string[] = [];
  page.on('requestfinished', (req) => {
    urls.push(req.url());
    done.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  const bytes = (await Promise.all(done)).reduce((a, b) => a + b, 0);
  await page.close();
  return { bytes, urls };
}

async function linkOn(page: Page, url: string, pattern: RegExp): Promise<string> {
  await page.goto(url);
  const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
  const found = hrefs.find((h) => pattern.test(h));
  assert.ok(found, `${url} links ${pattern}: ${hrefs.join(' ')}`);
  return found;
}

describe('light pages in Chromium (sqlite)', () => {
  const live = liveBrowserAndServer('sqlite', { seed: true }, (server) => easyChallenges(server.db));

  it('fetches the widget only when the comment form is focused, still comments, and keeps every public page under 50 KB', async () => {
    const base = live.server.url;
    const finder = await (await newContext(live.browser)).newPage();
    const post = await linkOn(finder, `${base}/`, /^\/posts\/[^/?#]+$/);
    const listing = await linkOn(finder, `${base}/resources?q=support`, /^\/resources\/(?!suggest)[^?#]+$/);
    const course = await linkOn(finder, `${base}/training`, /^\/training\/(?!code|resume|my-code)[^/?#]+$/);
    const lesson = await linkOn(finder, base + course, new RegExp(`^${course}/[^/?#]+$`));
    const campaign = await linkOn(finder, `${base}/campaigns`, /^\/campaigns\/[^/?#]+$/);
    await finder.context().close();

    // The widget waits for the reader.
    const context = await newContext(live.browser);
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const errors: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    await page.goto(base + post, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const widget = (u: string) => /\/static\/altcha\//.test(u);
    assert.deepEqual(requested.filter(widget), [], 'no widget file before the form is used');
    await page.focus('#field-body');
    await page.waitForFunction(() => customElements.get('altcha-widget') !== undefined, undefined, { timeout: 20_000 });
    assert.ok(
      requested.some((u) => /\/static\/altcha\/altcha\.[0-9a-f]{10}\.js$/.test(u)),
      'loaded on focus',
    );
    await page.fill('#field-body', 'The (demo) drop-in was kind to me.');
    await page.click('#comment-form button[type="submit"]');
    await page.waitForSelector('[data-private-link]', { timeout: 30_000 });
    const row = await live.server.db
      .selectFrom('comments')
      .select(['challenge_passed', 'body_md'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(row.body_md, 'The (demo) drop-in was kind to me.');
    assert.equal(row.challenge_passed, 1, 'the widget loaded late still solved the challenge');
    assert.deepEqual(errors, [], 'no CSP violation or script error');
    assert.deepEqual(foreignRequests(requested, live.server.origin), []);
    await context.close();

    // Every public page on a first visit, from an empty cache.
    const pages = [
      '/',
      post,
      '/resources?q=support',
      listing,
      '/training',
      course,
      lesson,
      '/campaigns',
      campaign,
      '/safety',
    ];
    const sizes: string[] = [];
    for (const url of pages) {
      const fresh = await newContext(live.browser);
      const { bytes, urls } = await firstLoad(fresh, base + url);
      await fresh.close();
      sizes.push(`${url} ${(bytes / 1024).toFixed(1)} KB`);
      assert.ok(bytes < BUDGET, `${url}: ${bytes} bytes on first load (${urls.join(' ')})`);
      assert.ok(!urls.some(widget), `${url} fetched the widget before any form was used`);
    }
    console.log(`# first-load transfer: ${sizes.join('; ')}`);
  });
});
