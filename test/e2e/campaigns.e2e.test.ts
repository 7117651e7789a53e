import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DIALECTS } from '../support/app.ts';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';

/*
 * The pledge path in Chromium on the seeded demo campaign: pledge (with the proof of work the
 * widget solves), moderate, appear, "me too", edit and delete with the private link — with
 * script payloads in every field, proving none of them runs.
 */
const PAGE = '/campaigns/16-days-2026';
const PAYLOADS = {
  action: `Organising a teach-in <script>window.__pwned='action'</script><img src=x onerror="window.__pwned='img'">`,
  display_name: `"><svg onload="window.__pwned='name'">`,
  place: `<iframe src="javascript:window.__pwned='place'">`,
  link: `javascript:window.__pwned='link'`,
};

async function assertNothingRan(page: Page) {
  assert.equal(
    await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned),
    undefined,
    'no payload executed',
  );
  // The proof-of-work widget draws its own icons; nothing else on these pages is an image or frame.
  const injected = await page.evaluate(
    () =>
      [...document.querySelectorAll('main img, main svg, main iframe')].filter((el) => !el.closest('altcha-widget'))
        .length,
  );
  assert.equal(injected, 0, 'no element came from user text');
}

async function fillPledge(
  page: Page,
  fields: { action: string; display_name: string; place: string; link: string },
  days: string[],
) {
  await page.fill('#field-action', fields.action);
  for (const d of days) await page.check(`input[name="days"][value="${d}"]`);
  await page.selectOption('#field-kind', 'organise');
  await page.fill('#field-display_name', fields.display_name);
  await page.fill('#field-place', fields.place);
  await page.fill('#field-link', fields.link);
}

for (const dialect of DIALECTS)
  describe(`campaign pledge board in Chromium (${dialect})`, () => {
    const live = liveBrowserAndServer(dialect, { seed: true });
    const dialogs: string[] = [];

    it('pledge → moderate → appear → me too → edit and delete with the private link, with hostile text in every field', async () => {
      const visitor = await newContext(live.browser);
      const page = await visitor.newPage();
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const requests = recordRequests(page);
      await page.goto(live.server.url + PAGE);
      assert.match((await page.textContent('h1')) ?? '', /16 Days of Activism 2026/);
      assert.deepEqual(await seriousAxeViolations(page), []);

      // 1. Payloads in every field: place and link are refused, everything is shown back as text.
      await fillPledge(page, PAYLOADS, ['1', '2']);
      await page.click('#pledge-form button[type="submit"]');
      await page.waitForSelector('.error-summary');
      assert.equal(await page.inputValue('#field-action'), PAYLOADS.action, 'the text is kept');
      assert.equal(await page.inputValue('#field-place'), PAYLOADS.place);
      await assertNothingRan(page);

      // 2. Valid place and link; hostile action and name are accepted as plain text.
      await page.fill('#field-place', 'Lyon');
      await page.fill('#field-link', 'https://example.org/teach-in');
      await page.click('#pledge-form button[type="submit"]');
      await page.waitForSelector('[data-private-link]', { timeout: 60_000 });
      const privateLink = (await page.textContent('[data-private-link]'))!.trim();
      assert.match(privateLink, /\/campaigns\/pledges\/[A-Za-z0-9_-]{43}$/);
      await page.goto(live.server.url + PAGE);
      assert.equal(await page.getByText('Organising a teach-in').count(), 0, 'not on the board before moderation');

      // 3. A moderator approves it.
      const staff = await newContext(live.browser);
      const admin = await staff.newPage();
      await admin.goto(live.server.url + '/admin/login?next=/admin/campaigns');
      await admin.fill('#field-email', 'admin@alongside.invalid');
      await admin.fill('#field-password', live.server.adminPassword!);
      await admin.click('main button[type="submit"]');
      await admin.waitForURL(/\/admin\/campaigns$/);
      await admin.click('text=1 to moderate');
      const item = admin.locator('li.pledge', { hasText: 'Organising a teach-in' });
      await item.locator('[data-moderate="approve"]').click();
      await admin.waitForURL(/done=1/);
      await assertNothingRan(admin);

      // 4. It appears as text; nothing runs.
      await page.goto(live.server.url + PAGE);
      const card = page.locator('li.pledge', { hasText: 'Organising a teach-in' });
      assert.equal(await card.count(), 1);
      assert.ok(
        ((await card.locator('.pledge__action').textContent()) ?? '').includes('<script>'),
        'the payload is shown as text',
      );
      assert.ok(
        ((await card.locator('.pledge__meta').textContent()) ?? '').includes('<svg onload'),
        'the name is shown as text',
      );
      await assertNothingRan(page);

      // 5. Me too (with the script: no reload): counted once for this browser.
      const count = () =>
        page.locator('li.pledge', { hasText: 'Organising a teach-in' }).locator('[data-me-too-count]');
      await card.getByRole('button', { name: 'Me too' }).click();
      await page.waitForFunction(
        () =>
          /^Clicked “me too” once/.test(
            document.querySelector('li.pledge:has(.pledge__action) [data-me-too-count]')?.textContent ?? '',
          ) ||
          [...document.querySelectorAll('[data-me-too-count]')].some((e) =>
            /^Clicked “me too” once/.test(e.textContent ?? ''),
          ),
      );
      assert.match((await count().textContent()) ?? '', /^Clicked “me too” once$/);
      await card.getByRole('button', { name: 'Me too' }).click();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-me-too-count]')].some((e) => /Already counted/.test(e.textContent ?? '')),
      );
      assert.match((await count().textContent()) ?? '', /^Clicked “me too” once · Already counted/);
      await page.waitForTimeout(1200); // the cached page is refreshed at most once a second after a click
      await page.reload();
      assert.match(
        (await count().textContent()) ?? '',
        /^Clicked “me too” once/,
        'a second click from the same client is not counted',
      );

      // 6. Edit with the private link: back to moderation, off the board.
      await page.goto(privateLink);
      assert.match((await page.textContent('[data-pledge-status]')) ?? '', /Shown on the board/);
      await page.fill('#field-action', 'Organising a teach-in on decriminalisation at my workplace');
      await page.click('main form button:has-text("Save changes")');
      await page.waitForSelector('[data-pledge-status="pending"]');
      await page.goto(live.server.url + PAGE);
      assert.equal(await page.getByText('Organising a teach-in').count(), 0);

      // 7. Delete with the private link.
      await page.goto(privateLink);
      await page.click('button:has-text("Delete my pledge")');
      await page.waitForSelector('h1:has-text("deleted")');
      const gone = await page.goto(privateLink);
      assert.equal(gone?.status(), 404);

      assert.deepEqual(dialogs, [], 'no alert or dialog opened');
      assert.deepEqual(foreignRequests(requests, live.server.origin), []);
      assert.equal((await visitor.cookies()).length, 0, 'the visitor got no cookie');
      await visitor.close();
      await staff.close();
    });

    for (const path of ['/campaigns', PAGE, `${PAGE}?day=1&kind=contact-representative`]) {
      it(`${path}: no serious accessibility violation, no CSP or script error, no request to another origin, no cookie`, async () => {
        const context = await newContext(live.browser);
        const page = await context.newPage();
        const requests = recordRequests(page);
        const consoleErrors: string[] = [];
        page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
        page.on('pageerror', (e) => consoleErrors.push(e.message));
        await page.goto(live.server.url + path, { waitUntil: 'networkidle' });
        assert.deepEqual(foreignRequests(requests, live.server.origin), []);
        assert.deepEqual(await seriousAxeViolations(page), []);
        assert.deepEqual(await context.cookies(), []);
        assert.deepEqual(consoleErrors, []);
        await context.close();
      });
    }

    for (const javaScriptEnabled of [true, false])
      it(`on a phone, "Add your pledge" is on the first screen and lands on the form (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const context = await newContext(live.browser, { javaScriptEnabled });
        const page = await context.newPage();
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(live.server.url + PAGE);
        const jump = page.locator('a[href="#pledge-form"]');
        assert.equal(await jump.textContent(), 'Add your pledge');
        const box = (await jump.boundingBox())!;
        assert.ok(box.y + box.height <= 844, `the link is on the first screen (y=${box.y})`);
        await jump.click();
        await page.waitForURL(/#pledge-form$/);
        const form = (await page.locator('#pledge-form').boundingBox())!;
        assert.ok(form.y >= -1 && form.y < 844, `the form is in view (y=${form.y})`);
        await context.close();
      });

    it('works without JavaScript: the pledge is still sent to moderation', async () => {
      const context = await newContext(live.browser, { javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(live.server.url + PAGE);
      await fillPledge(
        page,
        { action: 'Giving a monthly donation to a peer-led group (no-JS test)', display_name: '', place: '', link: '' },
        ['4'],
      );
      await page.click('#pledge-form button[type="submit"]');
      await page.waitForSelector('[data-private-link]');
      const row = await live.server.db
        .selectFrom('campaign_pledges')
        .selectAll()
        .where('action', 'like', '%no-JS test%')
        .executeTakeFirst();
      assert.equal(row?.status, 'pending');
      await context.close();
    });
  });
