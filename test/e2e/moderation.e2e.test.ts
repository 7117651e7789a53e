import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Db } from '../../src/core/db/schema.ts';
import { fingerprintHash } from '../../src/core/antispam/index.ts';
import { insertComment } from '../../src/features/comments/repo.ts';
import { insertReport, insertSuggestion } from '../../src/features/directory/repo.ts';
import { insertPledge } from '../../src/features/campaigns/pledge-repo.ts';
import { DIALECTS } from '../support/app.ts';
import { foreignRequests, newContext, recordRequests } from '../support/browser.ts';
import { logIn } from '../support/staff-browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import type { LiveServer } from '../support/server.ts';

/*
 * Moderation at a glance, in Chromium on the seeded demo: the dashboard counts what waits in each
 * queue; a moderator approves, rejects and marks spam in every queue through the one set of verdict
 * buttons (comments with JavaScript — keyboard shortcuts on — and without; pledges, suggestions and
 * reports as plain forms). Every staff page's accessibility and phone layout: staff-pages-*.e2e.test.ts.
 */
const CAMPAIGN_SLUG = '16-days-2026';
const NOW = () => new Date().toISOString();

async function seedQueues(server: LiveServer) {
  const db = server.db;
  const post = await db
    .selectFrom('posts')
    .select('id')
    .where('slug', '=', 'support-not-rescue')
    .executeTakeFirstOrThrow();
  for (const run of ['js', 'nojs'])
    for (const verdict of ['approve', 'reject', 'spam']) {
      const body = `Queue test ${run} ${verdict}: a comment for the moderator.`;
      await insertComment(db, {
        post_id: post.id,
        parent_id: null,
        display_name: `Reader ${run} ${verdict}`,
        body_md: body,
        status: 'pending',
        is_staff: 0,
        staff_user_id: null,
        challenge_passed: 1,
        token_hash: null,
        fingerprint: fingerprintHash(body),
        legacy_id: null,
        created_at: NOW(),
        updated_at: NOW(),
        editable_until: null,
        status_changed_at: NOW(),
        moderated_by: null,
        edit_count: 0,
      });
    }
  const campaign = await db
    .selectFrom('campaigns')
    .select('id')
    .where('slug', '=', CAMPAIGN_SLUG)
    .executeTakeFirstOrThrow();
  for (const verdict of ['approve', 'reject', 'spam'])
    await insertPledge(db, {
      campaign_id: campaign.id,
      action: `Pledge to ${verdict} in the queue test`,
      days: ',1,2,',
      kind: 'learn',
      display_name: `Pledger ${verdict}`,
      place: '',
      link: '',
      status: 'pending',
      is_featured: 0,
      me_too_count: 0,
      token_hash: `hash-${verdict}`,
      fingerprint: fingerprintHash(`pledge ${verdict}`),
      created_at: NOW(),
      updated_at: NOW(),
      moderated_by: null,
      moderated_at: null,
    });
  await insertSuggestion(db, {
    name: 'Queue test suggestion (demo)',
    url: 'https://queue-test.example.org/',
    domain: 'queue-test.example.org',
    context: 'A suggestion to turn down.',
    where_text: '',
    contact_text: '',
    source: 'form',
    source_comment_id: null,
    status: 'pending',
    service_id: null,
    created_at: NOW(),
    reviewed_at: null,
    reviewed_by: null,
  });
  const service = await db.selectFrom('service').select('id').orderBy('name').executeTakeFirstOrThrow();
  await insertReport(db, {
    service_id: service.id,
    message: 'Queue test: the phone number changed.',
    created_at: NOW(),
  });
}

/** The dashboard's count for one queue (its tile's number). */
async function dashboardCount(page: Page, server: LiveServer, queue: string): Promise<number> {
  await page.goto(`${server.url}/admin`);
  return Number(await page.textContent(`[data-queue="${queue}"] .queue-count__number`));
}

async function commentStatus(db: Db, run: string, verdict: string) {
  const row = await db
    .selectFrom('comments')
    .select('status')
    .where('display_name', '=', `Reader ${run} ${verdict}`)
    .executeTakeFirstOrThrow();
  return row.status;
}

const STATUS = { approve: 'approved', reject: 'rejected', spam: 'spam' } as const;

async function moderateComments(page: Page, server: LiveServer, run: 'js' | 'nojs') {
  for (const verdict of ['approve', 'reject', 'spam'] as const) {
    await page.goto(`${server.url}/admin/comments?queue=pending`);
    const item = page.locator('li.queue-item', { hasText: `Reader ${run} ${verdict}` });
    const button = item.locator(`[data-verdict="${verdict}"]`);
    assert.equal(await button.getAttribute('class').then((c) => c?.includes(`moderation-actions__${verdict}`)), true);
    if (run === 'js' && verdict === 'spam') {
      // The queue's script: "j" moves to the next comment, "s" presses its spam button.
      const index = await item.evaluate((el) => [...document.querySelectorAll('[data-queue-item]')].indexOf(el));
      for (let i = 0; i <= index; i++) await page.keyboard.press('j');
      assert.equal(await item.evaluate((el) => el.classList.contains('is-current')), true);
      await Promise.all([page.waitForURL(/done=/), page.keyboard.press('s')]);
    } else await Promise.all([page.waitForURL(/done=/), button.click()]);
    assert.equal(await commentStatus(server.db, run, verdict), STATUS[verdict], `${run} ${verdict}`);
  }
}

for (const dialect of DIALECTS)
  describe(`moderation at a glance in Chromium (${dialect})`, () => {
    const live = liveBrowserAndServer(dialect, { seed: true }, seedQueues);

    it('a moderator approves, rejects and marks spam in every queue, with and without JavaScript', async () => {
      const server = live.server;
      const withJs = await newContext(live.browser);
      const page = await logIn(withJs, server);
      const requests = recordRequests(page);
      const before = await dashboardCount(page, server, 'comments_pending');
      assert.ok(before >= 6, `the dashboard counts the waiting comments (${before})`);
      await moderateComments(page, server, 'js');
      assert.equal(await dashboardCount(page, server, 'comments_pending'), before - 3);

      const noJs = await newContext(live.browser, { javaScriptEnabled: false });
      const plain = await logIn(noJs, server);
      await moderateComments(plain, server, 'nojs');
      assert.equal(await dashboardCount(plain, server, 'comments_pending'), before - 6);

      // Pledges: one small form per pledge with the same three verdicts.
      const pledgesBefore = await dashboardCount(plain, server, 'pledges_pending');
      assert.ok(pledgesBefore >= 3);
      await plain.click('[data-queue="pledges_pending"] a');
      await plain.click('text=to moderate');
      for (const verdict of ['approve', 'reject', 'spam'] as const) {
        const item = plain.locator('li.pledge', { hasText: `Pledge to ${verdict} in the queue test` });
        await Promise.all([plain.waitForURL(/done=1/), item.locator(`[data-verdict="${verdict}"]`).click()]);
        const row = await server.db
          .selectFrom('campaign_pledges')
          .select('status')
          .where('display_name', '=', `Pledger ${verdict}`)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, STATUS[verdict]);
      }
      assert.equal(await dashboardCount(plain, server, 'pledges_pending'), pledgesBefore - 3);

      // Reports: "Mark as dealt with" is the approve verdict of that queue.
      const reportsBefore = await dashboardCount(plain, server, 'resource_reports');
      assert.ok(reportsBefore >= 1);
      await plain.click('[data-queue="resource_reports"] a');
      const report = plain.locator('li.card', { hasText: 'Queue test: the phone number changed.' });
      await Promise.all([plain.waitForURL(/done=resolved/), report.locator('[data-verdict="approve"]').click()]);
      assert.equal(await dashboardCount(plain, server, 'resource_reports'), reportsBefore - 1);

      // Suggestions: rejected from the review page (approving one is creating a listing, tested with the editor).
      const suggestionsBefore = await dashboardCount(plain, server, 'resource_suggestions');
      await plain.click('[data-queue="resource_suggestions"] a');
      await plain.click('text=Queue test suggestion (demo)');
      await Promise.all([plain.waitForURL(/done=rejected/), plain.click('[data-verdict="reject"]')]);
      assert.equal(await dashboardCount(plain, server, 'resource_suggestions'), suggestionsBefore - 1);

      // Signed-in staff get the way out in the header, and a footer that names their cookie.
      assert.equal(await plain.locator('header [data-logout]').count(), 1);
      assert.match((await plain.textContent('[data-staff-footer]')) ?? '', /alongside_staff.*12 hours/);
      assert.deepEqual(foreignRequests(requests, server.origin), []);
      await withJs.close();
      await noJs.close();
    });
  });
