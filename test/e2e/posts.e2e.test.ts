import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStaff } from '../../src/core/auth/service.ts';
import { systemClock } from '../../src/core/clock.ts';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import { TEST_PASSWORD } from '../support/staff.ts';

/* An editor writes, previews, schedules and publishes a post in Chromium; a reader then sees it. */
describe('publishing in Chromium', () => {
  const live = liveBrowserAndServer('sqlite', {}, async (server) => {
    const created = await createStaff(server.db, systemClock, {
      email: 'writer@alongside.invalid',
      role: 'editor',
      password: TEST_PASSWORD,
      displayName: 'Wren Writer',
    });
    assert.ok(created.ok);
  });

  it('writes with a live preview, schedules, publishes, and a reader sees the post', async () => {
    const editorContext = await newContext(live.browser);
    const page = await editorContext.newPage();
    const editorRequests = recordRequests(page);
    await page.goto(live.server.url + '/admin/login?next=/admin/posts/new');
    await page.fill('#field-email', 'writer@alongside.invalid');
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL(live.server.url + '/admin/posts/new');

    await page.fill('#field-title', 'Outreach on the night bus');
    await page.fill('#field-excerpt', 'What we learned riding along.');
    await page.fill('#field-tags', 'Outreach, Night work');
    await page.fill('#field-content_note', 'mentions police');
    // Typing updates the preview through the same renderer as the public page.
    await page.fill('#field-body_md', '## What we carry\n\n- water\n- **condoms**\n\n<script>window.bad = 1</script>');
    await page.waitForFunction(() => document.querySelector('[data-preview] h2')?.textContent === 'What we carry');
    assert.equal(await page.textContent('[data-preview] strong'), 'condoms');
    assert.match((await page.innerHTML('[data-preview]')) ?? '', /&lt;script&gt;/);
    assert.equal(await page.evaluate(() => (window as unknown as { bad?: number }).bad), undefined);
    assert.deepEqual(await seriousAxeViolations(page), []);

    // Schedule for a date far ahead: the reader must not see it yet.
    await page.fill('#field-publish_at', '2099-06-01T09:30');
    await page.click('button[value=schedule]');
    await page.waitForURL(/\/admin\/posts\/\d+\/edit\?done=schedule/);
    assert.match((await page.textContent('.notice')) ?? '', /Scheduled\./);
    assert.equal(await page.textContent('[data-status]'), 'Scheduled');

    const readerContext = await newContext(live.browser);
    const reader = await readerContext.newPage();
    const readerRequests = recordRequests(reader);
    const early = await reader.goto(live.server.url + '/posts/outreach-on-the-night-bus');
    assert.equal(early?.status(), 404);

    await page.click('button[value=publish]');
    await page.waitForURL(/done=publish/);
    assert.equal(await page.textContent('[data-status]'), 'Published');

    await reader.goto(live.server.url + '/');
    await reader.click('text=Outreach on the night bus');
    await reader.waitForURL(live.server.url + '/posts/outreach-on-the-night-bus');
    assert.equal(await reader.textContent('h1'), 'Outreach on the night bus');
    assert.match((await reader.textContent('.content-note')) ?? '', /mentions police/);
    assert.equal(await reader.textContent('.prose h2'), 'What we carry');
    assert.deepEqual(await seriousAxeViolations(reader), []);
    assert.deepEqual((await readerContext.cookies()).length, 0, 'the reader gets no cookie');
    assert.deepEqual(foreignRequests(readerRequests, live.server.origin), []);
    assert.deepEqual(foreignRequests(editorRequests, live.server.origin), []);

    // An edit shows on the reader's next visit, though the page was cached.
    await page.fill('#field-title', 'Outreach on the night bus, revisited');
    await page.click('button[value=save]');
    await page.waitForURL(/done=save/);
    await reader.reload();
    assert.equal(await reader.textContent('h1'), 'Outreach on the night bus, revisited');
    await editorContext.close();
    await readerContext.close();
  });

  it('tag, author, search and listing pages pass axe and load nothing from elsewhere', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    const requests = recordRequests(page);
    for (const path of [
      '/',
      '/tags',
      '/tags/outreach',
      '/authors/wren-writer',
      '/search?q=outreach',
      '/posts/no-such-post',
    ]) {
      await page.goto(live.server.url + path);
      assert.deepEqual(await seriousAxeViolations(page), [], path);
    }
    assert.deepEqual(foreignRequests(requests, live.server.origin), []);
    assert.equal((await context.cookies()).length, 0);
    await context.close();
  });
});
