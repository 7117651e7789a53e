import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import type { LiveServer } from '../support/server.ts';

/*
 * The privacy statement against a real browser. /safety's "what each page stores" table is read from
 * the page (its rows carry the flow and every cookie and localStorage prefix they claim, with its
 * lifetime); then each flow runs in a fresh Chromium context and what the context holds afterwards —
 * cookies with their expiry, localStorage keys — must be exactly what its row says, no more, no less.
 * The footer's sentence is held to the same table. Browser behaviour, not database behaviour: one
 * dialect (the HTTP tests of the cookie and the page run on both).
 */
interface Claim {
  cookies: string[];
  local: string[];
}

type Flow = (page: Page, server: LiveServer) => Promise<void>;

const COURSE = '/training/supporting-not-rescuing';
const CAMPAIGN = '/campaigns/16-days-2026';

async function startCourse(page: Page, server: LiveServer, remember: boolean) {
  await page.goto(server.url + COURSE);
  // The choice is off unless ticked, and the page with it stays accessible.
  assert.equal(await page.isChecked('#field-remember'), false);
  assert.deepEqual(await seriousAxeViolations(page), []);
  if (remember) await page.check('#field-remember');
  await page.click('text=Start this course');
  await page.waitForURL(/\/training\/code/);
  // The code page links back; the lesson pages read the cookie, proving it is sent where it should be.
  await page.goto(server.url + COURSE);
  assert.ok(await page.isVisible('text=Forget this device'), 'the course knows this browser');
}

const FLOWS: Record<string, Flow> = {
  async reading(page, server) {
    for (const path of ['/', '/posts/support-not-rescue', '/resources', '/campaigns', CAMPAIGN, '/safety', COURSE]) {
      await page.goto(server.url + path);
    }
    await page.goto(server.url + '/resources?q=drop-in');
    await page.click('main a[href^="/resources/"]:not([href*="suggest"])');
    await page.waitForURL(/\/resources\/[a-z0-9-]+$/);
  },
  async searching(page, server) {
    await page.goto(server.url + '/search?q=outreach');
    await page.goto(server.url + '/resources');
    await page.fill('#field-q', 'legal');
    await Promise.all([page.waitForURL(/q=legal/), page.press('#field-q', 'Enter')]);
  },
  async pledging(page, server) {
    await page.goto(server.url + CAMPAIGN);
    await page.fill('#field-action', 'Writing to my representative (privacy statement test)');
    await page.check('input[name="days"][value="1"]');
    await page.selectOption('#field-kind', 'organise');
    await page.click('#pledge-form button[type="submit"]');
    await page.waitForSelector('[data-private-link]', { timeout: 60_000 });
    await page.goto(server.url + CAMPAIGN);
    const meToo = page.locator('li.pledge form[action$="/me-too"]').first();
    const before = await meToo.locator('[data-me-too-count]').textContent();
    await meToo.locator('button').click();
    await page.waitForFunction(
      (text) => document.querySelector('li.pledge form[action$="/me-too"] [data-me-too-count]')?.textContent !== text,
      before,
    );
  },
  course: (page, server) => startCourse(page, server, false),
  'course-remembered': (page, server) => startCourse(page, server, true),
  async reflection(page, server) {
    await page.goto(server.url + COURSE);
    await page.click('.lesson-list a');
    await page.fill('textarea[data-reflection]', 'A note that stays in this browser');
    await page.waitForTimeout(100);
  },
  async staff(page, server) {
    await page.goto(server.url + '/admin/login');
    await page.fill('#field-email', 'admin@alongside.invalid');
    await page.fill('#field-password', server.adminPassword!);
    await Promise.all([page.waitForURL(/\/admin$/), page.click('main button[type="submit"]')]);
  },
};

/** What /safety claims, per flow, read from the rendered page. */
async function statement(page: Page): Promise<Record<string, Claim>> {
  return page.evaluate(() => {
    const out: Record<string, { cookies: string[]; local: string[] }> = {};
    for (const row of document.querySelectorAll<HTMLElement>('table.stored tr[data-flow]')) {
      const cookies = [...row.querySelectorAll<HTMLElement>('[data-store="cookie"]')].map(
        (el) => `${el.dataset.name}:${el.dataset.lifetime}`,
      );
      const local = [...row.querySelectorAll<HTMLElement>('[data-store="localStorage"]')].map(
        (el) => el.dataset.prefix!,
      );
      out[row.dataset.flow!] = { cookies, local };
    }
    return out;
  });
}

/** What the browser holds: each cookie as name:lifetime (session, days:N or hours:N), each localStorage key. */
async function held(context: BrowserContext, page: Page): Promise<{ cookies: string[]; keys: string[] }> {
  const now = Date.now() / 1000;
  const cookies = (await context.cookies()).map((c) => {
    if (c.expires === -1) return `${c.name}:session`;
    const left = c.expires - now;
    const days = Math.round(left / 86_400);
    if (days >= 1 && Math.abs(left - days * 86_400) < 120) return `${c.name}:days:${days}`;
    return `${c.name}:hours:${Math.round(left / 3600)}`;
  });
  const keys = await page.evaluate(() => Object.keys(localStorage));
  return { cookies: cookies.sort(), keys };
}

describe('the privacy statement matches what Chromium holds after each flow', () => {
  const live = liveBrowserAndServer('sqlite', { seed: true });

  it('/safety and its French version state the same thing, for every flow this test runs', async () => {
    const context = await newContext(live.browser);
    const page = await context.newPage();
    await page.goto(live.server.url + '/safety');
    const en = await statement(page);
    assert.deepEqual(Object.keys(en).sort(), Object.keys(FLOWS).sort(), 'one row per flow, one flow per row');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.goto(live.server.url + '/safety?lang=fr');
    assert.deepEqual(await statement(page), en);
    assert.match((await page.textContent('#address-history')) ?? '', /barre d’adresse/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });

  for (const [id, flow] of Object.entries(FLOWS)) {
    it(`${id}: the browser holds exactly what /safety says`, async () => {
      const reader = await newContext(live.browser);
      const safety = await reader.newPage();
      await safety.goto(live.server.url + '/safety');
      const claim = (await statement(safety))[id];
      assert.ok(claim, `/safety has a row for ${id}`);
      const footer = (await safety.textContent('footer')) ?? '';
      await reader.close();

      const context = await newContext(live.browser);
      const page = await context.newPage();
      const requests = recordRequests(page);
      await flow(page, live.server);
      await page.goto(live.server.url + '/safety');
      const { cookies, keys } = await held(context, page);
      assert.deepEqual(cookies, [...claim.cookies].sort(), 'cookies and their lifetimes');
      for (const key of keys)
        assert.ok(
          claim.local.some((p) => key.startsWith(p)),
          `localStorage "${key}" is stated`,
        );
      for (const prefix of claim.local)
        assert.ok(
          keys.some((k) => k.startsWith(prefix)),
          `stated localStorage "${prefix}…" is there`,
        );
      // The footer's short version: a flow that leaves something is one the footer names.
      const named: Record<string, string> = {
        course: 'start a training course',
        'course-remembered': 'start a training course',
        reflection: 'write a reflection note',
        staff: 'log in as staff',
      };
      if (claim.cookies.length + claim.local.length > 0) assert.ok(footer.includes(named[id] ?? '\u0000'), id);
      else assert.equal(named[id], undefined);
      assert.match(footer, /nothing kept in your browser unless/);
      assert.deepEqual(foreignRequests(requests, live.server.origin), []);
      await context.close();
    });
  }
});
