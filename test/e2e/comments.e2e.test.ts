import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createStaff } from '../../src/core/auth/service.ts';
import { systemClock } from '../../src/core/clock.ts';
import { PAYLOADS, easyChallenges, makePost } from '../support/comments.ts';
import { writeSetting } from '../../src/core/settings/index.ts';
import { DIALECTS } from '../support/app.ts';
import { cacheTags } from '../../src/core/cache/tags.ts';
import { moderateComments, RATE_LIMIT } from '../../src/features/comments/service.ts';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';

/*
 * The whole reader and moderator path in Chromium: comment with the self-hosted proof of work
 * (under the site's CSP), without JavaScript, moderate with keyboard shortcuts, and hostile
 * text that must never execute.
 */
const PASSWORD = 'correct horse battery staple';

/** Collects every sign of script running that the payloads try to cause. */
async function watchForExecution(page: Page): Promise<() => Promise<string[]>> {
  const signs: string[] = [];
  page.on('dialog', (d) => {
    signs.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return async () => {
    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
    if (pwned !== undefined) signs.push(`window.__pwned = ${String(pwned)}`);
    return signs;
  };
}

for (const dialect of DIALECTS) {
  describe(`comments in Chromium (${dialect})`, () => {
    let post: { id: number; slug: string };
    const live = liveBrowserAndServer(dialect, {}, async (server) => {
      await easyChallenges(server.db);
      // Many submissions from one browser in a few seconds: lift the per-client limit for this run.
      await writeSetting(server.db, RATE_LIMIT, 1000);
      post = await makePost(server.db, { title: 'Share what helped you' });
      const created = await createStaff(server.db, systemClock, {
        email: 'mod@staff.test',
        role: 'moderator',
        password: PASSWORD,
        displayName: 'Moderator (demo)',
      });
      assert.ok(created.ok);
    });

    it('posts with the proof of work solved in the browser, shows the private link, and asks nothing of another origin', async () => {
      const context = await newContext(live.browser);
      const page = await context.newPage();
      const urls = recordRequests(page);
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      assert.deepEqual(await seriousAxeViolations(page), []);
      await page.fill('#field-name', 'Juniper');
      await page.fill('#field-body', 'The (demo) night bus at https://nightbus.example.org/ was kind.');
      await page.click('#comment-form button[type="submit"]');
      await page.waitForSelector('[data-private-link]', { timeout: 30_000 });
      assert.match((await page.textContent('h1')) ?? '', /waiting for moderation/);
      const row = await live.server.db
        .selectFrom('comments')
        .selectAll()
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(row.challenge_passed, 1, 'the widget solved the challenge under the CSP');
      assert.deepEqual(foreignRequests(urls, live.server.origin), []);
      assert.deepEqual(consoleErrors, [], 'no CSP violation or script error from the widget');
      assert.deepEqual(
        (await context.cookies()).map((c) => c.name),
        [],
        'no cookie for readers',
      );
      const link = await page.getAttribute('[data-private-link]', 'href');
      await page.goto(live.server.url + link!);
      assert.match((await page.textContent('[data-comment-status]')) ?? '', /waiting/);
      assert.deepEqual(await seriousAxeViolations(page), []);
      await context.close();
    });

    it('replies, edits within the window and deletes with the private link', async () => {
      const context = await newContext(live.browser);
      const page = await context.newPage();
      const approveLatest = async () => {
        const row = await live.server.db
          .selectFrom('comments')
          .select('id')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        const modId = (
          await live.server.db
            .selectFrom('users')
            .select('id')
            .where('email', '=', 'mod@staff.test')
            .executeTakeFirstOrThrow()
        ).id;
        const done = await moderateComments(
          live.server.db,
          systemClock,
          { id: modId, role: 'moderator' },
          [row.id],
          'approve',
        );
        assert.ok(done.ok);
        await live.server.app.deps.pageCache.invalidate(cacheTags.post(post.id), cacheTags.comments);
      };
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      await page.fill('#field-body', 'Top-level comment to answer.');
      await page.click('#comment-form button[type="submit"]');
      await page.waitForSelector('[data-private-link]', { timeout: 30_000 });
      await approveLatest();
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      await page.click('.comment__actions a');
      await page.fill('#field-name', 'Fern');
      await page.fill('#field-body', 'A reply with a typo.');
      await page.click('#comment-form button[type="submit"]');
      await page.waitForSelector('[data-private-link]', { timeout: 30_000 });
      const link = (await page.getAttribute('[data-private-link]', 'href'))!;
      await page.goto(live.server.url + link);
      await page.fill('#field-body', 'A reply, typo fixed.');
      await page.click('form[action$="/edit"] button[type="submit"]');
      await page.waitForSelector('.notice');
      await approveLatest();
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      assert.match((await page.textContent('.comment-replies')) ?? '', /Fern[\s\S]*A reply, typo fixed\./);
      await page.goto(live.server.url + link);
      await page.click('form[action$="/delete"] button[type="submit"]');
      await page.waitForSelector('h1:has-text("deleted")');
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      assert.equal(await page.locator('.comment-replies').count(), 0);
      await context.close();
    });

    it('still takes a comment without JavaScript, for the stricter queue', async () => {
      const context = await newContext(live.browser, { javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      await page.fill('#field-body', 'Sent from a phone with scripts off.');
      await page.click('#comment-form button[type="submit"]');
      await page.waitForSelector('[data-private-link]');
      const row = await live.server.db
        .selectFrom('comments')
        .selectAll()
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(row.challenge_passed, 0);
      await context.close();
    });

    it('a comment sent before the widget loaded waits for its proof; one whose proof cannot be made still posts', async () => {
      const context = await newContext(live.browser);
      const page = await context.newPage();
      const latest = () =>
        live.server.db.selectFrom('comments').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
      // Filled without focus (as autofill does), then sent at once: the widget is fetched only now,
      // and the submission is held until it has mounted and solved the challenge.
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      await page.evaluate(() => {
        (document.querySelector('#field-body') as HTMLTextAreaElement).value = 'Sent before any field had focus.';
        (document.querySelector('#comment-form') as HTMLFormElement).requestSubmit();
      });
      await page.waitForSelector('[data-private-link]', { timeout: 60_000 });
      assert.equal((await latest()).body_md, 'Sent before any field had focus.');
      assert.equal((await latest()).challenge_passed, 1);

      // The widget is drawn when a field gets focus (a tap on the send button gives it focus first): the
      // button must not move, or the tap that loaded the widget misses it.
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      const buttonTop = () =>
        page.evaluate(
          () => document.querySelector('#comment-form button[type="submit"]')!.getBoundingClientRect().top + scrollY,
        );
      const before = await buttonTop();
      await page.focus('#field-body');
      await page.waitForSelector('#comment-form altcha-widget .altcha');
      assert.equal(await buttonTop(), before, 'the send button stays where it was when the widget appears');

      // The challenge cannot be fetched: the words are not stuck in the page; they go to the stricter queue.
      await page.route('**/antispam/challenge', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
      await page.goto(`${live.server.url}/posts/${post.slug}`);
      await page.fill('#field-body', 'Sent while the proof of work could not be made.');
      await page.click('#comment-form button[type="submit"]');
      await page.waitForSelector('[data-private-link]', { timeout: 60_000 });
      assert.equal((await latest()).body_md, 'Sent while the proof of work could not be made.');
      assert.equal((await latest()).challenge_passed, 0);
      await context.close();
    });

    it('runs none of the hostile payloads, in any field, on the post page and in the queue', async () => {
      const context = await newContext(live.browser);
      const page = await context.newPage();
      const executed = await watchForExecution(page);
      for (const payload of PAYLOADS) {
        await page.goto(`${live.server.url}/posts/${post.slug}/comments/new`);
        await page.fill('#field-name', payload.slice(0, 60));
        await page.fill('#field-body', `Payload: ${payload}`);
        await page.click('#comment-form button[type="submit"]');
        await page.waitForLoadState('load');
        await page.waitForSelector('[data-private-link], .error-summary', { timeout: 30_000 });
      }
      // A moderator approves everything, with the keyboard.
      const staff = await newContext(live.browser);
      const mod = await staff.newPage();
      const modExecuted = await watchForExecution(mod);
      await mod.goto(`${live.server.url}/admin/login`);
      await mod.fill('#field-email', 'mod@staff.test');
      await mod.fill('#field-password', PASSWORD);
      await mod.click('main form button[type="submit"]');
      await mod.waitForURL(/\/admin$/);
      for (const queue of ['pending', 'unverified']) {
        await mod.goto(`${live.server.url}/admin/comments?queue=${queue}`);
        assert.deepEqual(await seriousAxeViolations(mod), []);
        while ((await mod.locator('[data-queue-item]').count()) > 0) {
          await mod.keyboard.press('j');
          await Promise.all([mod.waitForNavigation(), mod.keyboard.press('a')]);
          assert.match((await mod.textContent('.notice')) ?? '', /Approved: 1 comment/);
        }
      }
      const left = await live.server.db.selectFrom('comments').select('id').where('status', '!=', 'approved').execute();
      assert.deepEqual(left, [], 'every comment was approved from the keyboard');
      assert.deepEqual(await modExecuted(), []);
      await mod.goto(`${live.server.url}/posts/${post.slug}`);
      assert.deepEqual(await modExecuted(), []);
      await staff.close();

      await page.goto(`${live.server.url}/posts/${post.slug}`);
      const shown = await page.locator('.comment').count();
      assert.ok(shown >= PAYLOADS.length, `all comments approved and shown (${shown})`);
      await page.hover('.comment-list');
      for (const a of await page.locator('.comment__body a').all()) await a.hover();
      assert.deepEqual(await executed(), []);
      const hrefs = await page
        .locator('.comment__body a')
        .evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href));
      for (const href of hrefs) assert.match(href, /^https?:\/\//);
      await context.close();
    });
  });
}
