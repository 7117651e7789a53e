import type { BrowserContext, Page } from 'playwright-core';
import type { LiveServer } from './server.ts';

/* Staff in Chromium: signing in as the seeded admin, and the list of staff pages to scan. */

/** Signs in as the demo's admin and returns the dashboard page. */
export async function logIn(context: BrowserContext, server: LiveServer): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/login`);
  await page.fill('#field-email', 'admin@alongside.invalid');
  await page.fill('#field-password', server.adminPassword!);
  await page.click('main button[type="submit"]');
  await page.waitForURL(/\/admin$/);
  return page;
}

/**
 * Every staff page reachable from the dashboard, one per route shape (ids and slugs stand for
 * their kind), so a new staff page is scanned without being listed here.
 */
export async function staffPages(page: Page, server: LiveServer): Promise<string[]> {
  const seen = new Map<string, string>();
  const queue = ['/admin'];
  const shape = (path: string) =>
    path
      .replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}/g, '/:uuid')
      .replace(/\/\d+/g, '/:id')
      .replace(/\?page=\d+.*$/, '');
  while (queue.length > 0 && seen.size < 60) {
    const path = queue.shift()!;
    if ([...seen.keys()].includes(shape(path))) continue;
    seen.set(shape(path), path);
    await page.goto(server.url + path);
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a[href^="/admin"]')].map((a) => a.getAttribute('href')!),
    );
    for (const href of links) {
      const clean = href.split('#')[0]!;
      if (!clean || /logout|reset|\.(csv|json|pdf)/.test(clean)) continue;
      if (![...seen.keys()].includes(shape(clean))) queue.push(clean);
    }
  }
  return [...seen.values()];
}
