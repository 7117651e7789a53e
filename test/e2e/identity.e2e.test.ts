import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';

/*
 * The organisation's identity in Chromium: the demo shows a fictional one (marked as such); an admin
 * sets a name, an SVG logo, an accent and a quick-exit destination; readers then see them, and quick
 * exit — the button with and without JavaScript, and Shift three times — goes to that destination.
 */
const DESTINATION = 'https://weather.example.net/today';
const LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30"><rect width="90" height="30" fill="#1e6b34"/></svg>',
);

/** The destination is another site: the browser never reaches it; the test answers for it. */
async function stubDestination(context: BrowserContext) {
  await context.route('https://weather.example.net/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Weather</title><p>Sunny</p>' }),
  );
}

const brand = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim());

describe('site identity in Chromium', () => {
  const live = liveBrowserAndServer('sqlite', { seed: true });

  it('an admin sets the identity; readers see it and quick exit goes to its destination', async () => {
    const readerContext = await newContext(live.browser);
    await stubDestination(readerContext);
    const reader = await readerContext.newPage();
    const requests = recordRequests(reader);
    await reader.goto(live.server.url + '/');
    assert.match((await reader.textContent('.site-name')) ?? '', /\(demo\)/);
    assert.match((await reader.textContent('[data-site-identity]')) ?? '', /fictional/);
    assert.equal(await brand(reader), '#1d4e89', 'the demo accent');

    const admin = await (await newContext(live.browser)).newPage();
    await admin.goto(live.server.url + '/admin/login?next=/admin/identity');
    await admin.fill('#field-email', 'admin@alongside.invalid');
    await admin.fill('#field-password', live.server.adminPassword!);
    await admin.click('main button[type=submit]');
    await admin.waitForURL(live.server.url + '/admin/identity');
    await admin.fill('#field-name', 'Harbour Lights Collective');
    await admin.fill('#field-tagline', 'Support, not rescue');
    await admin.setInputFiles('#field-logo', { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: LOGO });
    await admin.fill('#field-accent', '#1e6b34');
    await admin.uncheck('input[name=accent_default]');
    await admin.fill('#field-quick_exit', DESTINATION);
    await admin.click('form[data-identity-form] button[type=submit]');
    await admin.waitForURL(/\/admin\/identity\?done=saved$/);
    assert.match((await admin.textContent('.notice')) ?? '', /saved/);
    assert.deepEqual(await seriousAxeViolations(admin), []);

    await reader.goto(live.server.url + '/');
    assert.equal((await reader.textContent('.site-name'))?.trim(), 'Harbour Lights Collective');
    assert.equal(await reader.textContent('.site-tagline'), 'Support, not rescue');
    assert.equal(await brand(reader), '#1e6b34');
    const logoWidth = await reader.$eval('img.site-logo', (img) => (img as HTMLImageElement).naturalWidth);
    assert.ok(logoWidth > 0, 'the logo loads');
    assert.deepEqual(await seriousAxeViolations(reader), []);
    assert.deepEqual(foreignRequests(requests, live.server.origin), [], 'nothing from another site before leaving');

    await reader.click('[data-quick-exit]');
    await reader.waitForURL(DESTINATION);
    // Shift three times, from another page of the site.
    await reader.goto(live.server.url + '/safety');
    for (let i = 0; i < 3; i++) await reader.keyboard.press('Shift');
    await reader.waitForURL(DESTINATION);
    await readerContext.close();

    const noScript = await newContext(live.browser, { javaScriptEnabled: false });
    await stubDestination(noScript);
    const plain = await noScript.newPage();
    await plain.goto(live.server.url + '/resources');
    await plain.click('[data-quick-exit]');
    await plain.waitForURL(DESTINATION);
    await noScript.close();
  });
});
