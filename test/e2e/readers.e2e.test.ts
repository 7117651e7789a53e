import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DIALECTS, PROBE_UA } from '../support/app.ts';
import { foreignRequests, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { easyChallenges, makePost } from '../support/comments.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import { insertImportedComment } from '../../src/features/comments/repo.ts';
import type { LiveServer } from '../support/server.ts';
import { allLessons, isGraded, type CourseContent } from '../../src/features/training/content.ts';

/*
 * A reader on a phone (390×844), with and without JavaScript: help is on the home page's first
 * screen, and every submit lands on its answer — the directory's results, the place question, the
 * pledge and comment error summaries, the quiz score — inside the first viewport, with focus moved there when
 * JavaScript runs (public/landing.js). Dates read "3 days ago" in the reader's language with
 * JavaScript (public/relative-time.js) and stay absolute dates without it.
 */
const PHONE = { width: 390, height: 844 };

function phone(browser: Browser, javaScriptEnabled: boolean) {
  return browser.newContext({ userAgent: PROBE_UA, javaScriptEnabled, viewport: PHONE });
}

/** Whether the element's top and some of its first line are on screen now. */
async function inFirstViewport(page: Page, selector: string): Promise<string | true> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) return `${selector} is not displayed`;
  return box.y >= 0 && box.y + Math.min(box.height, 40) <= PHONE.height ? true : `${selector} is at y=${box.y}`;
}

/** `course/lesson` of the demo course's first lesson with a graded quiz. */
async function firstQuizLesson(server: LiveServer): Promise<string> {
  const row = await server.db
    .selectFrom('training_courses as c')
    .innerJoin('training_course_versions as v', 'v.id', 'c.published_version_id')
    .select(['c.slug', 'v.content_json'])
    .where('c.slug', '=', 'supporting-not-rescuing')
    .executeTakeFirstOrThrow();
  const lesson = allLessons(JSON.parse(row.content_json) as CourseContent).find((l) => l.questions.some(isGraded));
  assert.ok(lesson, 'the demo course has a quiz');
  return `${row.slug}/${lesson.slug}`;
}

/** Waits for the error summary; when it never comes, says what the page and its widget were doing. */
async function summaryOrWhy(page: Page, form: string, log: string[]) {
  await page.waitForSelector('.error-summary', { timeout: 60_000 }).catch(async (e: Error) => {
    const state = await page
      .evaluate((selector) => {
        const widget = document.querySelector(`${selector} altcha-widget`);
        return {
          url: location.href,
          defined: !!customElements.get('altcha-widget'),
          state: widget?.querySelector('[data-state]')?.getAttribute('data-state'),
          widget: widget?.outerHTML.slice(0, 800),
          active: document.activeElement?.outerHTML.slice(0, 200),
        };
      }, form)
      .catch((err: Error) => err.message);
    throw new Error(`${e.message}\n${JSON.stringify(state)}\n${log.join('\n')}`);
  });
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

for (const dialect of DIALECTS)
  describe(`readers land on their answers at 390×844 (${dialect})`, () => {
    let postSlug = '';
    let quizLesson = '';
    let frenchSlug = '';
    const live = liveBrowserAndServer(dialect, { seed: true }, async (server) => {
      await easyChallenges(server.db);
      postSlug = (await makePost(server.db, { title: 'Landing test post' })).slug;
      quizLesson = await firstQuizLesson(server);
      frenchSlug = (await makePost(server.db, { title: 'Note datée', language: 'fr' })).slug;
      const post = await server.db
        .selectFrom('posts')
        .select('id')
        .where('slug', '=', postSlug)
        .executeTakeFirstOrThrow();
      await insertImportedComment(server.db, {
        post_id: post.id,
        parent_id: null,
        display_name: 'Robin',
        body_md: 'Thank you.',
        fingerprint: 'f',
        created_at: '2026-11-03T23:15:00.000Z',
        legacy_id: 'readers-dates',
      });
    });

    // Posts are made on 1 November 2026 at 00:00 UTC (test/support/comments.ts); the reader's clock says 4 November.
    for (const js of [false, true])
      it(`dates read "3 days ago" in the reader's language with JavaScript, the date without (${js ? 'with' : 'without'} JavaScript)`, async () => {
        const context = await live.browser.newContext({
          userAgent: PROBE_UA,
          javaScriptEnabled: js,
          viewport: PHONE,
          timezoneId: 'UTC',
        });
        const page = await context.newPage();
        await page.clock.setFixedTime(new Date('2026-11-04T00:00:00Z'));
        // With JavaScript the words arrive from a worker a moment after the page: read once the server's
        // date has been replaced (or after 10 s, when the assertion shows what is there).
        const time = async (selector: string, serverWords: string) => {
          const el = page.locator(selector).first();
          for (let waited = 0; js && waited < 10_000 && (await el.textContent()) === serverWords; waited += 50)
            await page.waitForTimeout(50);
          return [await el.textContent(), await el.getAttribute('title')];
        };
        await page.goto(`${live.server.url}/posts/${postSlug}`);
        assert.deepEqual(
          await time('.post header time', '1 November 2026'),
          js
            ? ['3 days ago', 'Sunday, 1 November 2026 at 00:00:00 UTC']
            : ['1 November 2026', 'Sunday, 1 November 2026 at 00:00:00 UTC'],
        );
        assert.deepEqual(
          await time('.comment__meta time', '3 November 2026 at 23:15 UTC'),
          js
            ? ['45 minutes ago', 'Tuesday, 3 November 2026 at 23:15:00 UTC']
            : ['3 November 2026 at 23:15 UTC', 'Tuesday, 3 November 2026 at 23:15:00 UTC'],
        );
        // The reader's language (here chosen with ?lang=) sets the words of the dates, not the post's.
        await page.goto(`${live.server.url}/posts/${frenchSlug}?lang=fr`);
        assert.deepEqual(
          (await time('.post header time', '1 novembre 2026'))[0],
          js ? 'il y a 3 jours' : '1 novembre 2026',
        );
        await context.close();
      });

    // Quick exit needs the page's main thread free: a first date formatter loads locale data (a long
    // pause on a slow phone), so the words are made in a worker; without workers the page makes them.
    for (const workers of [true, false])
      it(`the relative dates are made ${workers ? 'in a worker, no formatter on the page' : 'on the page where workers cannot start'}`, async () => {
        const context = await live.browser.newContext({ userAgent: PROBE_UA, viewport: PHONE, timezoneId: 'UTC' });
        const page = await context.newPage();
        await page.clock.setFixedTime(new Date('2026-11-04T00:00:00Z'));
        // Plain JavaScript: a compiled function could carry helpers the page does not have.
        await page.addInitScript({
          content: `(() => {
            const counted = (window.counted = { formatters: 0 });
            for (const name of ['DateTimeFormat', 'RelativeTimeFormat']) {
              const Original = Intl[name];
              Intl[name] = function (...args) { counted.formatters++; return new Original(...args); };
              Intl[name].prototype = Original.prototype;
            }
            ${workers ? '' : 'window.Worker = undefined;'}
          })();`,
        });
        await page.goto(`${live.server.url}/posts/${postSlug}`);
        const header = page.locator('.post header time');
        for (let waited = 0; waited < 10_000 && (await header.textContent()) === '1 November 2026'; waited += 50)
          await page.waitForTimeout(50);
        assert.equal(await header.textContent(), '3 days ago');
        const formatters = await page.evaluate(
          () => (window as unknown as { counted: { formatters: number } }).counted.formatters,
        );
        if (workers) assert.equal(formatters, 0, 'no date formatter was made on the page');
        else assert.ok(formatters > 0, 'the page made the words itself');
        await context.close();
      });

    for (const js of [false, true]) {
      const mode = js ? 'with JavaScript' : 'without JavaScript';

      it(`home: the three ways to help are on the first screen (${mode})`, { timeout: 120_000 }, async () => {
        const context = await phone(live.browser, js);
        const page = await context.newPage();
        const requests = recordRequests(page);
        for (const home of ['/', '/?lang=fr']) {
          await page.goto(live.server.url + home);
          for (const selector of ['#home-directory-title', '#help-talk-title', '#help-safe-title', '.help-safe a']) {
            assert.equal(await inFirstViewport(page, selector), true, home);
          }
        }
        assert.match((await page.textContent('.help-talk')) ?? '', /Worldwide Peer Chat \(demo\)/);
        if (js) assert.deepEqual(await seriousAxeViolations(page), []);
        assert.deepEqual(await context.cookies(), [], 'the home page sets no cookie');
        assert.deepEqual(foreignRequests(requests, live.server.origin), []);
        await context.close();
      });

      it(`directory: results and the place question land in view (${mode})`, { timeout: 120_000 }, async () => {
        const context = await phone(live.browser, js);
        const page = await context.newPage();
        await page.goto(live.server.url + '/resources');
        await page.fill('#field-q', 'lawyer');
        await page.click('form[data-directory-search] button[type=submit]');
        await page.waitForURL(/q=lawyer/);
        assert.equal(new URL(page.url()).hash, '#answer');
        assert.equal(await inFirstViewport(page, '#results-title'), true);
        assert.match((await page.textContent('#results-title')) ?? '', /^\d+ results?/);
        if (js) {
          assert.equal(await focusedId(page), 'answer', 'focus moves to the results');
          assert.deepEqual(await seriousAxeViolations(page), []);
        }
        // The filters are folded below the results on a phone, with the count of chosen ones.
        assert.equal(await page.isVisible('.filters button[type=submit]'), false);
        await page.click('.filters-fold > summary');
        await page.check('.filters input[name="category"][value="legal"]');
        await page.click('.filters button[type=submit]');
        await page.waitForURL(/category=legal/);
        assert.equal(await inFirstViewport(page, '#results-title'), true);
        assert.match((await page.textContent('.filters-fold > summary')) ?? '', /chosen: 1/);

        await page.fill('#field-q', '');
        await page.fill('#field-place', 'Springfield');
        await page.click('form[data-directory-search] button[type=submit]');
        await page.waitForURL(/place=Springfield/);
        assert.equal(await inFirstViewport(page, '#place-choices'), true);
        if (js) assert.equal(await focusedId(page), 'answer');
        await context.close();
      });

      it(`the quiz score lands in view (${mode})`, { timeout: 120_000 }, async () => {
        const context = await phone(live.browser, js);
        const page = await context.newPage();
        await page.goto(`${live.server.url}/training/${quizLesson}`);
        // Answer the first question only; the rest stay unanswered (and count as wrong).
        await page.locator('.quiz fieldset.question input').first().check();
        await page.click('.quiz button[type="submit"]');
        await page.waitForSelector('.quiz-result');
        assert.equal(new URL(page.url()).hash, '#answer');
        assert.equal(await inFirstViewport(page, '.quiz-result strong'), true);
        assert.match((await page.textContent('.quiz-result strong')) ?? '', /You scored \d+%/);
        if (js) {
          assert.equal(await focusedId(page), 'answer', 'focus moves to the score');
          assert.deepEqual(await seriousAxeViolations(page), []);
        }
        await context.close();
      });

      it(`pledge and comment error summaries land in view (${mode})`, { timeout: 120_000 }, async () => {
        const context = await phone(live.browser, js);
        const page = await context.newPage();
        const log: string[] = [];
        const t0 = Date.now();
        const stamp = (s: string) => log.push(`${Date.now() - t0}ms ${s}`);
        page.on('console', (m) => stamp(`console ${m.type()} ${m.text()}`));
        page.on('pageerror', (e) => stamp(`pageerror ${e.message}`));
        page.on('request', (r) => stamp(`> ${r.method()} ${r.url()}`));
        page.on('response', (r) => stamp(`< ${r.status()} ${r.url()}`));
        page.on('requestfailed', (r) => stamp(`failed ${r.url()} ${r.failure()?.errorText}`));
        page.on('framenavigated', (f) => stamp(`navigated ${f.url()}`));
        await page.goto(live.server.url + '/campaigns/16-days-2026');
        await page.click('#pledge-form button[type="submit"]');
        await summaryOrWhy(page, '#pledge-form', log);
        assert.equal(await inFirstViewport(page, '.error-summary'), true);
        if (js) assert.equal(await focusedId(page), 'error-summary');

        await page.goto(`${live.server.url}/posts/${postSlug}`);
        await page.click('#comment-form button[type="submit"]');
        await summaryOrWhy(page, '#comment-form', log);
        assert.equal(await inFirstViewport(page, '.error-summary'), true);
        if (js) assert.equal(await focusedId(page), 'error-summary');
        await context.close();
      });
    }
  });
