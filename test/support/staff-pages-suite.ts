import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newContext, seriousAxeViolations } from './browser.ts';
import { liveBrowserAndServer } from './live.ts';
import { logIn, staffPages } from './staff-browser.ts';

/*
 * Every staff page reachable from the dashboard, at one screen size: axe finds nothing serious,
 * and at phone width nothing scrolls sideways. One file per size (staff-pages-phone and
 * staff-pages-desktop), so each stays within the runner's time per file. Layout and accessibility
 * do not depend on the database: SQLite only.
 */
export function staffPagesSuite(size: { width: number; height: number }) {
  describe(`every staff page at ${size.width}px in Chromium`, () => {
    const live = liveBrowserAndServer('sqlite', { seed: true });

    it(`axe finds nothing serious${size.width <= 400 ? ', and nothing scrolls sideways' : ''}`, async () => {
      const context = await newContext(live.browser);
      const page = await logIn(context, live.server);
      await page.setViewportSize(size);
      const pages = await staffPages(page, live.server);
      assert.ok(pages.length >= 15, `crawled ${pages.length} staff pages`);
      const problems: string[] = [];
      for (const path of pages) {
        await page.goto(live.server.url + path);
        for (const v of await seriousAxeViolations(page)) problems.push(`${size.width}px ${path}: ${v}`);
        if (size.width <= 400) {
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          if (overflow > 0) problems.push(`${size.width}px ${path}: the page scrolls ${overflow}px sideways`);
        }
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
