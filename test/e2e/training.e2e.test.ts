import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { Download, Page, Request } from 'playwright-core';
import { DIALECTS } from '../support/app.ts';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import type { LiveServer } from '../support/server.ts';
import { allLessons, isGraded, type CourseContent, type Lesson } from '../../src/features/training/content.ts';

/*
 * The whole learner path in Chromium on the seeded demo course: start, save the code, answer
 * (with a reflection that must never leave the browser), resume on a "new device" with the code,
 * complete, issue the certificate, verify it, and see it revoked by a trainer.
 */
const COURSE = '/training/supporting-not-rescuing';
const NAME = 'Łucja Ōtsuka-Nguyễn';
const REFLECTION = 'Private reflection 5e1f: someone once booked a doctor for me without asking';

async function content(server: LiveServer): Promise<CourseContent> {
  const row = await server.db
    .selectFrom('training_courses as c')
    .innerJoin('training_course_versions as v', 'v.id', 'c.published_version_id')
    .select('v.content_json')
    .where('c.slug', '=', 'supporting-not-rescuing')
    .executeTakeFirstOrThrow();
  return JSON.parse(row.content_json) as CourseContent;
}

/**
 * A download's file, failing by name after 30 s: Playwright's `download.path()` has no timeout of
 * its own, so a download that never finishes would otherwise stall the test until the runner's limit.
 */
async function downloaded(download: Download, what: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish downloading within 30 s`)), 30_000);
  });
  try {
    const file = await Promise.race([download.path(), timeout]);
    assert.ok(file, `${what} was saved`);
    return file;
  } finally {
    clearTimeout(timer);
  }
}

async function answerRight(page: Page, lesson: Lesson) {
  for (const q of lesson.questions.filter(isGraded)) {
    for (const [i, o] of q.options.entries()) if (o.isCorrect) await page.check(`#${q.key}-${i}`);
  }
  await page.click('text=Check my answers');
  await page.waitForSelector('.quiz-result');
}

for (const dialect of DIALECTS) {
  describe(`training learner path in Chromium (${dialect})`, () => {
    const live = liveBrowserAndServer(dialect, { seed: true });

    it('start → save code → answer → resume elsewhere → complete → certificate → verify → revoke', async () => {
      const course = await content(live.server);
      const lessons = allLessons(course);
      const sent: string[] = [];
      const watch = (req: Request) => sent.push(`${req.method()} ${req.url()} ${req.postData() ?? ''}`);

      // Device one: browse anonymously, no cookie, nothing from another origin.
      const deviceOne = await newContext(live.browser, {});
      const one = await deviceOne.newPage();
      one.on('request', watch);
      const requests = recordRequests(one);
      await one.goto(live.server.url + '/training');
      assert.match((await one.textContent('h1')) ?? '', /Training/);
      assert.deepEqual(await seriousAxeViolations(one), []);
      assert.deepEqual(await deviceOne.cookies(), [], 'browsing sets no cookie');
      await one.click('text=Supporting, not rescuing');
      await one.waitForURL(live.server.url + COURSE);
      assert.deepEqual(await deviceOne.cookies(), []);

      // Start: the code is shown once, with a way to save it.
      await one.click('text=Start this course');
      await one.waitForURL(/\/training\/code/);
      const code = ((await one.textContent('#progress-code')) ?? '').trim();
      assert.match(code, /^[a-z]+(-[a-z]+){4}$/);
      assert.ok(await one.isVisible('button[data-copy]'), 'copy appears with scripts');
      assert.ok(await one.isVisible('button[data-print]'));
      const [download] = await Promise.all([one.waitForEvent('download'), one.click('text=Download as a text file')]);
      const saved = fs.readFileSync(await downloaded(download, 'the progress code file'), 'utf8');
      assert.ok(saved.includes(code), 'the downloaded file holds the code');
      assert.deepEqual(await seriousAxeViolations(one), []);
      const cookies = await deviceOne.cookies();
      assert.equal(cookies.length, 1);
      assert.equal(cookies[0]!.httpOnly, true);
      assert.equal(cookies[0]!.sameSite, 'Lax');

      // First lesson: a reflection that stays in the browser, then the quiz.
      await one.goto(live.server.url + COURSE);
      await one.click('a.button');
      await one.waitForURL(live.server.url + `${COURSE}/${lessons[0]!.slug}`);
      await one.fill('textarea[data-reflection]', REFLECTION);
      // A wrong try first: explanations for every option, then a retake.
      await one.click('text=Check my answers');
      await one.waitForSelector('.quiz-result');
      assert.match((await one.textContent('.quiz-result')) ?? '', /Not passed yet/);
      assert.deepEqual(await seriousAxeViolations(one), []);
      await one.click('text=Try the quiz again');
      // The click returns once the new page commits; training.js (deferred) restores the note by "load".
      await one.waitForURL(live.server.url + `${COURSE}/${lessons[0]!.slug}#quiz-title`);
      assert.equal(
        await one.inputValue('textarea[data-reflection]'),
        REFLECTION,
        'the reflection is kept in this browser',
      );
      await answerRight(one, lessons[0]!);
      assert.match((await one.textContent('.quiz-result')) ?? '', /Passed/);

      // Device two: resume with the typed code.
      const deviceTwo = await newContext(live.browser);
      const two = await deviceTwo.newPage();
      two.on('request', watch);
      const requestsTwo = recordRequests(two);
      await two.goto(live.server.url + '/training/resume');
      assert.deepEqual(await seriousAxeViolations(two), []);
      await two.fill('#field-code', code.toUpperCase().replace(/-/g, ' '));
      await two.click('main button[type="submit"]');
      await two.waitForURL(live.server.url + '/training');
      assert.match((await two.textContent('main')) ?? '', /1 of 6 lessons done/);
      // The reflection lives only on device one.
      await two.goto(live.server.url + `${COURSE}/${lessons[0]!.slug}`);
      assert.equal(await two.inputValue('textarea[data-reflection]'), '');

      // Complete the rest through the pages.
      for (const lesson of lessons.slice(1).filter((l) => l.isRequired)) {
        await two.goto(live.server.url + `${COURSE}/${lesson.slug}`);
        if (lesson.questions.some(isGraded)) await answerRight(two, lesson);
        else await two.click('text=Mark this lesson as done');
      }
      await two.goto(live.server.url + COURSE);
      await two.fill('#field-name', NAME);
      await two.click('text=Issue my certificate');
      // Congratulations first, then the download and the public check.
      await two.waitForURL(/\/certificates\/[0-9A-Z-]+\/issued$/);
      assert.match((await two.textContent('h1')) ?? '', /Congratulations/);
      assert.deepEqual(await seriousAxeViolations(two), []);
      await Promise.all([
        two.waitForURL(/\/certificates\/[0-9A-Z-]+$/),
        two.click('text=See its public verification page'),
      ]);
      const certUrl = two.url();
      assert.match((await two.textContent('main')) ?? '', /This certificate is genuine/);
      assert.ok(((await two.textContent('main')) ?? '').includes(NAME));
      assert.deepEqual(await seriousAxeViolations(two), []);
      const [pdf] = await Promise.all([two.waitForEvent('download'), two.click('text=Download the certificate (PDF)')]);
      assert.equal(
        fs
          .readFileSync(await downloaded(pdf, 'the certificate PDF'))
          .subarray(0, 5)
          .toString(),
        '%PDF-',
      );

      // Anyone can verify it; a trainer revokes it and the page says so.
      const staff = await newContext(live.browser);
      const admin = await staff.newPage();
      await admin.goto(live.server.url + '/admin/login?next=/admin/training');
      await admin.fill('#field-email', 'admin@alongside.invalid');
      await admin.fill('#field-password', live.server.adminPassword!);
      await admin.click('main button[type="submit"]');
      await admin.waitForURL(/\/admin\/training$/);
      await admin.click('text=Supporting, not rescuing');
      await admin.fill('input[name="reason"]', 'Issued in error (test)');
      // The revocation redirects back to the page the form was on: wait for that navigation, not for a URL
      // the page already has (which would not wait at all, and let the check below race the revocation).
      await Promise.all([admin.waitForNavigation(), admin.click('text=Revoke')]);
      assert.match(admin.url(), /\/admin\/training\/\d+$/);
      const stranger = await newContext(live.browser);
      const check = await stranger.newPage();
      await check.goto(certUrl);
      assert.match((await check.textContent('main')) ?? '', /This certificate has been revoked/);

      // Forget this device.
      await two.goto(live.server.url + '/training');
      await Promise.all([two.waitForNavigation(), two.click('text=Forget this device')]);
      assert.deepEqual(await deviceTwo.cookies(), []);

      // Forgetting device one also removes the notes kept in its browser.
      await one.goto(live.server.url + '/training');
      assert.equal(
        await one.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('alongside-reflection:')).length),
        1,
      );
      await Promise.all([one.waitForNavigation(), one.click('text=Forget this device')]);
      assert.equal(
        await one.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('alongside-reflection:')).length),
        0,
      );
      assert.deepEqual(await deviceOne.cookies(), []);

      assert.deepEqual(foreignRequests([...requests, ...requestsTwo], live.server.origin), []);
      assert.ok(
        !sent.some((s) => s.includes('5e1f') || s.includes(encodeURIComponent('5e1f'))),
        'the reflection was never sent',
      );
      for (const ctx of [deviceOne, deviceTwo, staff, stranger]) await ctx.close();
    });
  });
}
