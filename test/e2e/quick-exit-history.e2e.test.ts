import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { newContext } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';

/*
 * Quick exit beyond one page: with JavaScript a whole visit is one history entry (links and search
 * forms replace it), and quick exit replaces that entry with the neutral site, so Back cannot reach
 * any page of the site. Without JavaScript every page is its own entry and Back returns to the last
 * one — exactly what /safety tells visitors. The browser runs against SQLite only: this is the
 * browser's history, not the database.
 */
describe('quick exit and the browser history in Chromium', () => {
  const live = liveBrowserAndServer('sqlite', { seed: true });

  const historyLength = (page: Page) => page.evaluate(() => history.length);
  const onSite = (page: Page) => page.url().startsWith(live.server.origin);

  /** A visit from the neutral page: home, then three links and a search form. */
  async function visit(page: Page, after: (step: string) => Promise<void>) {
    await page.goto(live.server.exitUrl);
    await page.goto(live.server.url + '/');
    await after('home');
    await page.click('footer a[href="/safety"]');
    await page.waitForURL((u) => u.pathname === '/safety');
    await after('a footer link');
    await page.click('header nav a[href="/resources"]');
    await page.waitForURL((u) => u.pathname === '/resources');
    await after('a menu link');
    await page.fill('#field-q', 'drop-in');
    await page.click('form[data-directory-search] button[type=submit]');
    await page.waitForURL((u) => u.searchParams.get('q') === 'drop-in');
    await after('a search form');
    await page.click('.results a:has-text("Red Umbrella Drop-in")');
    await page.waitForURL((u) => u.pathname.startsWith('/resources/') && u.search === '');
    assert.match((await page.textContent('h1')) ?? '', /Red Umbrella Drop-in/);
    await after('a result link');
  }

  it('with JavaScript a visit is one history entry, and Back after quick exit never shows the site', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    let entries = 0;
    await visit(page, async (step) => {
      entries ||= await historyLength(page);
      assert.equal(await historyLength(page), entries, `${step} added no history entry`);
    });
    await page.click('[data-quick-exit]');
    await page.waitForURL(live.server.exitUrl);
    assert.equal(await historyLength(page), entries, 'quick exit replaced the visit’s entry');
    await page.goBack();
    assert.equal(page.url(), live.server.exitUrl, 'Back lands on the page before the visit');
    assert.equal(onSite(page), false);
    // Forward is the neutral site again, never a page of the site.
    await page.goForward();
    assert.equal(page.url(), live.server.exitUrl);
    await context.close();
  });

  it('links that open elsewhere or in a new tab are left to the browser', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.goto(live.server.url + '/');
    const before = await historyLength(page);
    const opened = context.waitForEvent('page', { timeout: 5_000 });
    await page.click('footer a[href="/safety"]', { modifiers: ['ControlOrMeta'] });
    await (await opened).close();
    assert.equal(new URL(page.url()).pathname, '/', 'a Ctrl-click opens a tab; this one stays');
    assert.equal(await historyLength(page), before);
    await context.close();
  });

  it('without JavaScript each page is its own entry, and Back returns to the last one (as /safety says)', async () => {
    const context = await newContext(live.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const lengths: number[] = [];
    await visit(page, async () => void lengths.push(await historyLength(page)));
    assert.deepEqual(
      lengths.map((n) => n - lengths[0]!),
      [0, 1, 2, 3, 4],
    );
    await page.click('[data-quick-exit]');
    await page.waitForURL(live.server.exitUrl);
    await page.goBack();
    assert.ok(onSite(page), 'Back shows the last page of the site');
    await context.close();
  });
});
