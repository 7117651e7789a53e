import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DIALECTS, PROBE_UA, dumpDatabase } from '../support/app.ts';
import { foreignRequests, launchBrowser, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { startLiveServer, type LiveServer } from '../support/server.ts';

/*
 * Directory search in Chromium: the whole path without JavaScript (search, choose which London,
 * filter, open a listing), then "use my location" with JavaScript, whose coordinates appear only
 * in the search address and are neither stored nor logged.
 */
for (const dialect of DIALECTS) describe(`directory search in Chromium (${dialect})`, () => {
  let browser: Browser;
  let server: LiveServer;
  before(async () => {
    browser = await launchBrowser();
    server = await startLiveServer(dialect, { seed: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('works fully without JavaScript: search, choose a place, filter, open a listing', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const requests = recordRequests(page);
    await page.goto(server.url + '/resources');
    assert.equal(await page.isVisible('[data-use-location]'), false, 'no location button without JavaScript');
    await page.fill('#field-q', 'drop-in');
    await page.fill('#field-place', 'London');
    await page.click('form[role=search] button[type=submit]');
    assert.match((await page.textContent('#place-choices')) ?? '', /Which London do you mean/);
    await page.click('a:has-text("London, England, United Kingdom")');
    assert.match(page.url(), /placeId=2643743/);
    assert.match((await page.textContent('.results')) ?? '', /Red Umbrella Drop-in \(demo\)/);
    await page.check('.filters input[name="approach"][value="anonymous"]');
    await page.click('.filters button[type=submit]');
    assert.match(page.url(), /approach=anonymous/);
    const results = (await page.textContent('.results')) ?? '';
    assert.match(results, /Red Umbrella Drop-in/);
    await page.click('.results a:has-text("Red Umbrella Drop-in")');
    assert.match((await page.textContent('h1')) ?? '', /Red Umbrella Drop-in \(demo\)/);
    assert.match((await page.textContent('main')) ?? '', /Report outdated information/);
    assert.deepEqual(foreignRequests(requests, server.origin), []);
    assert.deepEqual(await context.cookies(), [], 'no cookie for a visitor');
    await context.close();
  });

  it('"use my location" puts the position only in the search address; nothing stores or logs it', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ userAgent: PROBE_UA, geolocation: { latitude: 51.5234, longitude: -0.0712 }, permissions: ['geolocation'] });
    const page = await context.newPage();
    const requests = recordRequests(page);
    await page.goto(server.url + '/resources');
    await page.fill('#field-q', 'drop-in');
    await page.click('[data-use-location]');
    await page.waitForURL(/at=51\.52%2C-0\.07|at=51\.52,-0\.07/);
    const results = (await page.textContent('.results')) ?? '';
    assert.match(results, /Red Umbrella Drop-in \(demo\)/);
    assert.match(results, /km away/);
    // axe needs JavaScript, so the accessibility checks run here: results with filters, then a listing.
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.click('.results a:has-text("Red Umbrella Drop-in")');
    assert.deepEqual(await seriousAxeViolations(page), []);
    assert.deepEqual(foreignRequests(requests, server.origin), []);
    assert.doesNotMatch(server.logs(), /51\.52|-0\.07/, 'the coordinates are not logged');
    assert.doesNotMatch(await dumpDatabase(server.db, dialect), /51\.52,|51\.5234/, 'nor stored');
    await context.close();
  });
});
