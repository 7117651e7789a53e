import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createStaff } from '../../src/core/auth/service.ts';
import { systemClock } from '../../src/core/clock.ts';
import { DIALECTS, PROBE_UA, dumpDatabase } from '../support/app.ts';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import { TEST_PASSWORD } from '../support/staff.ts';

/*
 * Directory search in Chromium: the whole path without JavaScript (search near London, see the other
 * Londons offered, filter, open a listing), then "use my location" with JavaScript, whose coordinates appear only
 * in the search address and are neither stored nor logged.
 */
for (const dialect of DIALECTS)
  describe(`directory search in Chromium (${dialect})`, () => {
    const live = liveBrowserAndServer(dialect, { seed: true });

    it(
      'works fully without JavaScript: search near a place, filter, open a listing',
      { timeout: 120_000 },
      async () => {
        const context = await newContext(live.browser, { javaScriptEnabled: false });
        const page = await context.newPage();
        const requests = recordRequests(page);
        await page.goto(live.server.url + '/resources');
        assert.equal(await page.isVisible('[data-use-location]'), false, 'no location button without JavaScript');
        await page.fill('#field-q', 'drop-in');
        await page.fill('#field-place', 'London');
        await page.click('form[data-directory-search] button[type=submit]');
        // London, England is far more populous than any other London: searched at once, the others offered.
        assert.match((await page.textContent('#results-title')) ?? '', /London, England, United Kingdom/);
        await page.click('.other-places > summary');
        await page.click('a:has-text("London, Ontario, Canada")');
        assert.match(page.url(), /placeId=6058560/);
        await page.goBack();
        assert.match((await page.textContent('.results')) ?? '', /Red Umbrella Drop-in \(demo\)/);
        await page.click('.filters-fold > summary');
        await page.check('.filters input[name="approach"][value="anonymous"]');
        await page.click('.filters button[type=submit]');
        assert.match(page.url(), /approach=anonymous/);
        const results = (await page.textContent('.results')) ?? '';
        assert.match(results, /Red Umbrella Drop-in/);
        await page.click('.results a:has-text("Red Umbrella Drop-in")');
        assert.match((await page.textContent('h1')) ?? '', /Red Umbrella Drop-in \(demo\)/);
        assert.match((await page.textContent('main')) ?? '', /Report outdated information/);
        assert.deepEqual(foreignRequests(requests, live.server.origin), []);
        assert.deepEqual(await context.cookies(), [], 'no cookie for a visitor');
        await context.close();
      },
    );

    it(
      '"use my location" puts the position only in the search address; nothing stores or logs it',
      { timeout: 120_000 },
      async () => {
        const context = await live.browser.newContext({
          userAgent: PROBE_UA,
          geolocation: { latitude: 51.5234, longitude: -0.0712 },
          permissions: ['geolocation'],
        });
        const page = await context.newPage();
        const requests = recordRequests(page);
        await page.goto(live.server.url + '/resources');
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
        assert.deepEqual(foreignRequests(requests, live.server.origin), []);
        assert.doesNotMatch(live.server.logs(), /51\.52|-0\.07/, 'the coordinates are not logged');
        assert.doesNotMatch(await dumpDatabase(live.server.db, dialect), /51\.52,|51\.5234/, 'nor stored');
        await context.close();
      },
    );

    it(
      'lets a curator add and remove a location without JavaScript, in an accessible form',
      { timeout: 120_000 },
      async () => {
        const created = await createStaff(live.server.db, systemClock, {
          email: 'curator@alongside.invalid',
          role: 'moderator',
          password: TEST_PASSWORD,
          displayName: 'Cass Curator',
        });
        assert.ok(created.ok);
        const red = await live.server.db
          .selectFrom('service')
          .select('id')
          .where('slug', '=', 'red-umbrella-drop-in')
          .executeTakeFirstOrThrow();
        const editUrl = `${live.server.url}/admin/resources/${red.id}/edit`;
        const login = async (page: Page) => {
          await page.goto(`${live.server.url}/admin/login?next=/admin/resources/${red.id}/edit`);
          await page.fill('#field-email', 'curator@alongside.invalid');
          await page.fill('#field-password', TEST_PASSWORD);
          await page.click('main button[type=submit]');
          await page.waitForURL(editUrl);
        };
        const legends = (page: Page) => page.locator('fieldset.location > legend').allTextContents();

        const context = await newContext(live.browser, { javaScriptEnabled: false });
        const page = await context.newPage();
        const requests = recordRequests(page);
        await login(page);
        assert.deepEqual(await legends(page), ['Location 1: Red Umbrella Drop-in (demo)']);
        await page.click('button[name=addLocation]');
        assert.match(page.url(), /\/edit#loc-1$/, 'the new place is in view');
        assert.deepEqual(await legends(page), ['Location 1: Red Umbrella Drop-in (demo)', 'Location 2 (new)']);
        await page.fill('#field-loc1_name', 'Red Umbrella east (demo)');
        await page.fill('#field-loc1_address1', '9 Example Row');
        await page.fill('#field-loc1_city', 'London');
        await page.selectOption('#field-loc1_country', 'GB');
        await page.fill('#field-loc1_latitude', '51.5390');
        await page.fill('#field-loc1_longitude', '-0.0420');
        await page.click('button:has-text("Save listing")');
        await page.waitForURL(editUrl);
        assert.deepEqual(await legends(page), [
          'Location 1: Red Umbrella Drop-in (demo)',
          'Location 2: Red Umbrella east (demo)',
        ]);
        assert.match(
          (await page.textContent('#history + ol')) ?? '',
          /location “Red Umbrella east \(demo\)”: “” → “added: 9 Example Row, London, GB”/,
        );
        await page.check('input[name=loc1_remove]');
        await page.click('button:has-text("Save listing")');
        await page.waitForURL(editUrl);
        assert.deepEqual(await legends(page), ['Location 1: Red Umbrella Drop-in (demo)']);
        assert.deepEqual(foreignRequests(requests, live.server.origin), []);
        await context.close();

        // axe needs JavaScript: the editor with an error on a second location.
        const jsContext = await newContext(live.browser);
        const jsPage = await jsContext.newPage();
        await login(jsPage);
        await jsPage.click('button[name=addLocation]');
        await jsPage.fill('#field-loc1_city', 'London');
        await jsPage.click('button:has-text("Save listing")');
        assert.match((await jsPage.textContent('.error-summary')) ?? '', /Location 2: give the country/);
        assert.deepEqual(await seriousAxeViolations(jsPage), []);
        await jsContext.close();
      },
    );
  });
