import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { BrowserContext } from 'playwright-core';
import { createStaff } from '../../src/core/auth/service.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { DEFAULT_IDENTITY, identitySetting } from '../../src/core/identity/settings.ts';
import { writeSetting } from '../../src/core/settings/index.ts';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import { TEST_PASSWORD } from '../support/staff.ts';

/*
 * The editor people know, in Chromium with and without JavaScript: an editor writes a post with an
 * image uploaded into the text (its description required), schedules it in the site's time zone
 * (Europe/Paris), and readers see it from that UTC instant on (a manual clock moves time).
 */
describe('the post editor in Chromium', () => {
  const clock = new ManualClock(new Date('2026-11-25T12:00:00Z'));
  const live = liveBrowserAndServer('sqlite', { clock }, async (server) => {
    const created = await createStaff(server.db, clock, {
      email: 'writer@alongside.invalid',
      role: 'editor',
      password: TEST_PASSWORD,
      displayName: 'Wren Writer',
    });
    assert.ok(created.ok);
    await writeSetting(server.db, identitySetting, { ...DEFAULT_IDENTITY, timeZone: 'Europe/Paris' });
    await server.app.deps.identity.load();
  });

  const picture = () =>
    sharp({ create: { width: 60, height: 40, channels: 3, background: '#c27c0e' } })
      .png()
      .toBuffer();

  async function writer(context: BrowserContext) {
    const page = await context.newPage();
    await page.goto(live.server.url + '/admin/login?next=/admin/posts/new');
    await page.fill('#field-email', 'writer@alongside.invalid');
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL(live.server.url + '/admin/posts/new');
    return page;
  }

  /** A reader (no JavaScript needed) before and at the UTC instant. */
  async function readerSeesItAt(slug: string, utc: string, alt: string) {
    const context = await newContext(live.browser);
    const reader = await context.newPage();
    const requests = recordRequests(reader);
    clock.set(new Date(new Date(utc).getTime() - 1000));
    assert.equal((await reader.goto(`${live.server.url}/posts/${slug}`))?.status(), 404, 'not a second early');
    clock.set(utc);
    assert.equal((await reader.goto(`${live.server.url}/posts/${slug}`))?.status(), 200, `live at ${utc}`);
    const img = reader.locator('.prose img');
    assert.equal(await img.getAttribute('alt'), alt);
    assert.equal(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), 60, 'the image loads');
    assert.deepEqual(foreignRequests(requests, live.server.origin), []);
    assert.equal((await context.cookies()).length, 0, 'the reader gets no cookie');
    await context.close();
  }

  it('with JavaScript: toolbar, image dropped in with its description, scheduled in Paris time', async () => {
    const context = await newContext(live.browser);
    const page = await writer(context);
    const requests = recordRequests(page);
    await page.fill('#field-title', 'Lanterns for the night walk');
    await page.fill('#field-body_md', 'We walk together.');
    // Formatting: the toolbar is there, and Ctrl+B wraps the selection.
    assert.equal(await page.locator('.md-toolbar button').count(), 7);
    assert.match((await page.getAttribute('.md-toolbar [data-md=bold]', 'title')) ?? '', /Ctrl\+B/);
    await page.focus('#field-body_md');
    await page.evaluate(() => {
      const t = document.querySelector<HTMLTextAreaElement>('#field-body_md')!;
      t.setSelectionRange(3, 7);
    });
    await page.keyboard.press('Control+b');
    assert.equal(await page.inputValue('#field-body_md'), 'We **walk** together.');
    await page.waitForFunction(() => document.querySelector('[data-preview] strong')?.textContent === 'walk');
    // The Image button (the shared toolbar's) opens the post editor's file chooser.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('.md-toolbar [data-md=image]')]);
    assert.equal(await chooser.element().getAttribute('id'), 'field-image');

    // An image without a description is not uploaded.
    await page.evaluate(() => {
      const t = document.querySelector<HTMLTextAreaElement>('#field-body_md')!;
      t.setSelectionRange(t.value.length, t.value.length);
    });
    // Dropped onto the text, as from a file manager.
    await page.evaluate(
      async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'lantern.png', { type: 'image/png' }));
        const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
        document.querySelector('#field-body_md')!.dispatchEvent(drop);
      },
      (await picture()).toString('base64'),
    );
    assert.equal(await page.evaluate(() => document.querySelector<HTMLInputElement>('#field-image')!.files?.length), 1);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-image_alt', 'asked for a description');
    const uploadsBefore = requests.filter((u) => u.endsWith('/admin/posts/images')).length;
    await page.click('[data-add-image-button]');
    assert.match((await page.textContent('[data-image-status]')) ?? '', /Describe the image/);
    assert.equal(requests.filter((u) => u.endsWith('/admin/posts/images')).length, uploadsBefore, 'nothing sent');
    await page.fill('#field-image_alt', 'A paper lantern on a table');
    await page.click('[data-add-image-button]');
    await page.waitForFunction(() =>
      /!\[A paper lantern on a table\]\(\/media\/posts\/[a-f0-9]{24}\.png\)/.test(
        document.querySelector<HTMLTextAreaElement>('#field-body_md')!.value,
      ),
    );
    await page.waitForSelector('[data-preview] img[alt="A paper lantern on a table"]');
    assert.deepEqual(await seriousAxeViolations(page), []);

    await page.fill('#field-publish_at', '2026-12-01T10:00');
    await page.click('button[value=schedule]');
    await page.waitForURL(/\/admin\/posts\/\d+\/edit\?done=schedule/);
    assert.match(
      (await page.textContent('[data-publish-utc]')) ?? '',
      /2026-12-01 10:00 \(Europe\/Paris\) = 2026-12-01 09:00 UTC/,
    );
    assert.deepEqual(await seriousAxeViolations(page), []);
    assert.deepEqual(foreignRequests(requests, live.server.origin), []);
    await context.close();

    await readerSeesItAt('lanterns-for-the-night-walk', '2026-12-01T09:00:00.000Z', 'A paper lantern on a table');
  });

  it('without JavaScript: the same post, the image added by the form, summer time', async () => {
    const context = await newContext(live.browser, { javaScriptEnabled: false });
    const page = await writer(context);
    await page.fill('#field-title', 'Summer outreach');
    await page.fill('#field-body_md', 'Water and sun cream.');
    assert.equal(await page.locator('.md-toolbar').count(), 0, 'no buttons that would do nothing');

    await page.setInputFiles('#field-image', { name: 'sun.png', mimeType: 'image/png', buffer: await picture() });
    await page.click('[data-add-image-button]');
    assert.match((await page.textContent('#field-image_alt-error')) ?? '', /Describe the image/);
    assert.equal(await page.inputValue('#field-body_md'), 'Water and sun cream.', 'the text is kept');

    await page.setInputFiles('#field-image', { name: 'sun.png', mimeType: 'image/png', buffer: await picture() });
    await page.fill('#field-image_alt', 'A bottle of water in the sun');
    await page.click('[data-add-image-button]');
    assert.match(
      await page.inputValue('#field-body_md'),
      /^Water and sun cream\.\n\n!\[A bottle of water in the sun\]\(\/media\/posts\/[a-f0-9]{24}\.png\)\n$/,
    );
    assert.match((await page.textContent('.add-image .notice')) ?? '', /added at the end of the text/);
    assert.equal(await page.getAttribute('[data-preview] img', 'alt'), 'A bottle of water in the sun');
    // (axe needs scripts in the page: it scans the editor in the JavaScript test and the staff-pages suites.)

    await page.fill('#field-publish_at', '2027-07-01T10:00');
    await page.click('button[value=schedule]');
    await page.waitForURL(/\/admin\/posts\/\d+\/edit\?done=schedule/);
    assert.match(
      (await page.textContent('[data-publish-utc]')) ?? '',
      /2027-07-01 10:00 \(Europe\/Paris\) = 2027-07-01 08:00 UTC/,
    );
    await context.close();

    await readerSeesItAt('summer-outreach', '2027-07-01T08:00:00.000Z', 'A bottle of water in the sun');
  });
});
