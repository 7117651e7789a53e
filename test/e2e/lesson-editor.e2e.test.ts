import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import { logIn } from '../support/staff-browser.ts';

/*
 * The lesson text gets the post editor's formatting buttons and shortcuts (the same component and
 * script, markdown-toolbar.js), without the image button the lesson editor has no upload for; without
 * JavaScript the plain field, no buttons that would do nothing. One dialect: the lesson form itself is
 * tested over HTTP on both (src/features/training).
 */
describe('the lesson editor in Chromium', () => {
  const live = liveBrowserAndServer('sqlite', { seed: true });

  const firstLesson = () =>
    live.server.db
      .selectFrom('training_lessons')
      .innerJoin('training_modules', 'training_modules.id', 'training_lessons.module_id')
      .select(['training_lessons.id', 'training_modules.course_id'])
      .orderBy('training_lessons.id')
      .executeTakeFirstOrThrow();
  const lessonUrl = async () => {
    const lesson = await firstLesson();
    return `${live.server.url}/admin/training/${lesson.course_id}/lessons/${lesson.id}`;
  };

  it('formats the lesson text with the toolbar and Ctrl+I, and saves it', { timeout: 120_000 }, async () => {
    const context = await newContext(live.browser);
    const page = await logIn(context, live.server);
    const requests = recordRequests(page);
    await page.goto(await lessonUrl());
    const buttons = await page.locator('.md-toolbar[data-md-for=field-body] button').allTextContents();
    assert.deepEqual(buttons, ['Heading', 'Bold', 'Italic', 'Link', 'List', 'Quote']);
    await page.fill('#field-body', 'Consent first\nAsk, then listen.');
    // The first line becomes a heading; "listen" in the second is made italic by the shortcut.
    await page.evaluate(() => document.querySelector<HTMLTextAreaElement>('#field-body')!.setSelectionRange(0, 0));
    await page.click('.md-toolbar [data-md=heading]');
    await page.evaluate(() => {
      const t = document.querySelector<HTMLTextAreaElement>('#field-body')!;
      const at = t.value.indexOf('listen');
      t.setSelectionRange(at, at + 'listen'.length);
    });
    await page.keyboard.press('Control+i');
    assert.equal(await page.inputValue('#field-body'), '## Consent first\nAsk, then _listen_.');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save lesson")')]);
    const saved = await live.server.db
      .selectFrom('training_lessons')
      .select('body_md')
      .where('id', '=', (await firstLesson()).id)
      .executeTakeFirstOrThrow();
    // Browsers send a textarea's line breaks as CRLF; the lesson keeps them as sent.
    assert.equal(saved.body_md.replace(/\r\n/g, '\n'), '## Consent first\nAsk, then _listen_.', 'saved as formatted');
    assert.deepEqual(foreignRequests(requests, live.server.origin), []);
    await context.close();

    const plain = await newContext(live.browser, { javaScriptEnabled: false });
    const noScript = await logIn(plain, live.server);
    await noScript.goto(await lessonUrl());
    assert.equal(await noScript.locator('.md-toolbar').count(), 0, 'no buttons that would do nothing');
    assert.equal(await noScript.locator('#field-body').count(), 1);
    await plain.close();
  });
});
