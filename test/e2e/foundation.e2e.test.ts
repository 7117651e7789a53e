import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, PROBE_UA } from '../support/app.ts';
import {
  foreignRequests,
  launchBrowser,
  newContext,
  recordRequests,
  seriousAxeViolations,
} from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import { startLiveServer } from '../support/server.ts';

/** Every public page a visitor can reach without logging in; features add theirs here. */
const PUBLIC_PAGES = [
  '/',
  '/safety',
  '/safety?lang=fr',
  '/admin/login',
  '/no-such-page',
  '/posts/support-not-rescue',
  '/posts/soutenir-pas-sauver',
  '/tags/harm-reduction',
  '/authors/rosa-amari',
  '/search?q=outreach',
];

/** A few French pages, one of each kind, checked at phone and desktop size: French text is longer and wraps differently. */
const FRENCH_PAGES = [
  '/?lang=fr',
  '/resources?q=drop-in&place=London&lang=fr',
  '/resources/red-umbrella-drop-in?lang=fr',
  '/training/supporting-not-rescuing?lang=fr',
  '/safety?lang=fr',
  '/no-such-page?lang=fr',
];
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

describe('quick exit, login, accessibility and origin checks in Chromium', () => {
  const live = liveBrowserAndServer('sqlite', { seed: true });

  it('the button blanks the page and replaces it in history with the neutral site', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.goto(live.server.url + '/');
    await page.goto(live.server.url + '/safety');
    await page.click('[data-quick-exit]');
    await page.waitForURL(live.server.exitUrl);
    assert.equal(await page.title(), 'Weather');
    await page.goBack();
    // Back skips the replaced page: it lands on the page before it, never on /safety.
    assert.notEqual(new URL(page.url()).pathname, '/safety');
    await context.close();
  });

  it('blanks the page and sets a neutral title at once, in the same task as the click', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.goto(live.server.url + '/safety');
    // Read the page synchronously right after the click, before any navigation can happen.
    const state = await page.evaluate(() => {
      (document.querySelector('[data-quick-exit]') as HTMLAnchorElement).click();
      return {
        title: document.title,
        body: document.body.innerHTML,
        hidden: document.documentElement.style.visibility,
      };
    });
    assert.deepEqual(state, { title: 'New tab', body: '', hidden: 'hidden' });
    await page.waitForURL(live.server.exitUrl);
    await context.close();
  });

  it('Shift pressed three times within five seconds leaves, and is announced to screen readers', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.goto(live.server.url + '/safety');
    await page.keyboard.press('Shift');
    assert.match((await page.textContent('[data-quick-exit-status]')) ?? '', /1 of 3/);
    await page.keyboard.press('Shift');
    assert.match((await page.textContent('[data-quick-exit-status]')) ?? '', /2 of 3/);
    await page.keyboard.press('Shift');
    await page.waitForURL(live.server.exitUrl);
    await context.close();
  });

  it('Shift with another key does not count, and any other key resets the count', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.goto(live.server.url + '/safety');
    await page.keyboard.press('Shift+A');
    await page.keyboard.press('Shift+B');
    await page.keyboard.press('Shift+C');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await page.keyboard.press('x');
    await page.keyboard.press('Shift');
    await page.waitForTimeout(300);
    assert.equal(new URL(page.url()).pathname, '/safety');
    assert.match((await page.textContent('[data-quick-exit-status]')) ?? '', /1 of 3/);
    await context.close();
  });

  it('presses more than five seconds apart do not leave', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(live.server.url + '/safety');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await page.clock.fastForward(6000);
    await page.keyboard.press('Shift');
    await page.waitForTimeout(300);
    assert.equal(new URL(page.url()).pathname, '/safety');
    await context.close();
  });

  it('without JavaScript the button is a plain link to the neutral site, with no referrer', async () => {
    const context = await newContext(live.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    let referer: string | undefined;
    page.on('request', (req) => {
      if (req.url() === live.server.exitUrl) referer = req.headers()['referer'];
    });
    await page.goto(live.server.url + '/safety');
    assert.equal(await page.getAttribute('[data-quick-exit]', 'rel'), 'noreferrer nofollow');
    await page.click('[data-quick-exit]');
    await page.waitForURL(live.server.exitUrl);
    assert.equal(referer, undefined);
    await context.close();
  });

  it('a staff member logs in and out in the browser; visitors get no cookie', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.goto(live.server.url + '/');
    assert.deepEqual(await context.cookies(), []);
    await page.goto(live.server.url + '/admin');
    await page.fill('#field-email', 'admin@alongside.invalid');
    await page.fill('#field-password', 'wrong password here');
    await page.click('main button[type=submit]');
    assert.match((await page.textContent('.error-summary')) ?? '', /do not match/);
    await page.fill('#field-password', live.server.adminPassword!);
    await page.click('main button[type=submit]');
    await page.waitForURL(live.server.url + '/admin');
    assert.match((await page.textContent('h1')) ?? '', /Staff area/);
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]!.httpOnly, true);
    assert.equal(cookies[0]!.sameSite, 'Lax');
    await page.click('header [data-logout]');
    await page.waitForURL(live.server.url + '/');
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });

  for (const path of PUBLIC_PAGES) {
    it(`${path}: no serious accessibility violation, no request to another origin, no cookie`, async () => {
      const context = await newContext(live.browser);
      const page = await context.newPage();
      const requests = recordRequests(page);
      const consoleErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && !/404/.test(m.text()) && consoleErrors.push(m.text()));
      await page.goto(live.server.url + path, { waitUntil: 'networkidle' });
      assert.deepEqual(foreignRequests(requests, live.server.origin), []);
      assert.deepEqual(await seriousAxeViolations(page), []);
      assert.deepEqual(await context.cookies(), []);
      assert.deepEqual(consoleErrors, [], 'no CSP or script errors');
      await context.close();
    });
  }

  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`French pages at ${size} size (${viewport.width}×${viewport.height}): no serious accessibility violation`, async () => {
      const context = await live.browser.newContext({ userAgent: PROBE_UA, viewport });
      const page = await context.newPage();
      const requests = recordRequests(page);
      for (const path of FRENCH_PAGES) {
        const res = await page.goto(live.server.url + path, { waitUntil: 'networkidle' });
        assert.equal(res?.status(), path.startsWith('/no-such-page') ? 404 : 200, path);
        assert.equal(await page.getAttribute('html', 'lang'), 'fr', path);
        assert.deepEqual(await seriousAxeViolations(page), [], path);
      }
      assert.deepEqual(foreignRequests(requests, live.server.origin), []);
      assert.deepEqual(await context.cookies(), []);
      await context.close();
    });
  }
});

for (const dialect of DIALECTS) {
  describe(`a live server on ${dialect}`, () => {
    it('serves the home page and keeps the visitor out of the database and logs', async () => {
      const browser = await launchBrowser();
      const server = await startLiveServer(dialect, { seed: true });
      try {
        const context = await newContext(browser);
        const page = await context.newPage();
        const res = await page.goto(server.url + '/');
        assert.equal(res?.status(), 200);
        await context.close();
      } finally {
        await browser.close();
        await server.close(); // runs the privacy check for this dialect
      }
    });
  });
}
