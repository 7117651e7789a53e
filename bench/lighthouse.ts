/*
 * Lighthouse (mobile, its default) on the eight public pages readers meet first: home, a post, the
 * directory with a search, a listing, a course, a lesson, a campaign and /safety, served by
 * `alongside serve` in its own process on the demo content. Prints the four category scores, the
 * Largest Contentful Paint and the bytes transferred per page. Lighthouse drives Debian's Chromium
 * (CHROMIUM_PATH, /usr/bin/chromium by default) headless; it never downloads a browser.
 * Timings depend on the machine: on a shared, loaded one LCP and the performance score drop.
 * Each page is measured three times (--runs N) and the run with the median performance score shown,
 * as Lighthouse advises for variable machines.
 * --page LABEL measures only that page; --why prints, for a page under 1.00, where its main thread went
 * (work by kind, script by URL, long tasks) to find what costs the score.
 * Run: node --import tsx bench/lighthouse.ts [--runs 3] [--page post] [--why]
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import type { Result } from 'lighthouse';
import { systemClock } from '../src/core/clock.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { openBenchDatabase } from './database.ts';
import { httpRequest, machine, startApp } from './harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Runs per page (--runs N, default 3); the run with the median performance score is shown. */
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Math.max(1, Number(process.argv[runsAt + 1]) || 1) : 3;
const pageAt = process.argv.indexOf('--page');
const ONLY = pageAt > 0 ? process.argv[pageAt + 1] : undefined;
const WHY = process.argv.includes('--why');

const database = await openBenchDatabase('sqlite', 'lighthouse');
// The demo content goes only into a database without staff: the bench's own account is not needed here.
await database.handle.db.deleteFrom('users').execute();
if (!(await seedDemo(database.handle.db, systemClock)).seeded) throw new Error('the demo content was not added');
const app = await startApp(database);

/** The first link in a page's main content matching the pattern. */
async function linkOn(path: string, pattern: RegExp): Promise<string> {
  const html = (await httpRequest(app.url + path)).text();
  const main = html.slice(html.indexOf('<main'));
  for (const [, href] of main.matchAll(/href="([^"]+)"/g)) {
    const target = href!.replace(/&amp;/g, '&');
    if (pattern.test(target)) return target;
  }
  throw new Error(`${path} links nothing like ${pattern}`);
}

const course = await linkOn('/training', /^\/training\/(?!code|resume|my-code)[^/?#]+$/);
const pages: [string, string][] = [
  ['home', '/'],
  ['post', await linkOn('/', /^\/posts\/[^/?#]+$/)],
  ['directory search', '/resources?q=support'],
  ['listing', await linkOn('/resources?q=support', /^\/resources\/(?!suggest)[^?#]+$/)],
  ['course', course],
  ['lesson', await linkOn(course, new RegExp(`^${course}/[^/?#]+$`))],
  ['campaign', await linkOn('/campaigns', /^\/campaigns\/[^/?#]+$/)],
  ['safety', '/safety'],
];

type Items = Record<string, unknown>[];
/** The table rows of an audit's details, when it has them. */
function itemsOf(lhr: Result, id: string): Items {
  const details = lhr.audits[id]?.details as { items?: Items } | undefined;
  return details?.items ?? [];
}

/** Where one run's main thread went: the metrics that make the score, work by kind, long tasks. */
function printWhy(lhr: Result): void {
  const ms = (id: string) => `${id} ${(lhr.audits[id]?.numericValue ?? NaN).toFixed(0)}`;
  const metrics = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'speed-index'];
  console.log(`  perf ${lhr.categories.performance?.score}: ${metrics.map(ms).join(' ms, ')} ms`);
  const work = itemsOf(lhr, 'mainthread-work-breakdown').map((i) => `${i.groupLabel} ${Number(i.duration).toFixed(0)}`);
  console.log(`  main thread (ms): ${work.join(', ')}`);
  for (const i of itemsOf(lhr, 'bootup-time'))
    console.log(
      `  script ${String(i.url)}: ${Number(i.total).toFixed(0)} ms (${Number(i.scripting).toFixed(0)} running)`,
    );
  for (const i of itemsOf(lhr, 'layout-shifts'))
    console.log(`  layout shift ${Number(i.score).toFixed(3)}: ${JSON.stringify(i.node ?? '').slice(0, 200)}`);
  for (const i of itemsOf(lhr, 'long-tasks'))
    console.log(
      `  long task at ${Number(i.startTime).toFixed(0)} ms: ${Number(i.duration).toFixed(0)} ms, ${String(i.url)}`,
    );
}

const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  // No sandbox: the benchmark runs as root on the development machines.
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
console.log(`Lighthouse ${'mobile'} on ${app.url}; ${machine()}`);
console.log('page               perf  a11y  bp    seo   LCP      CLS     transferred');
try {
  for (const [label, path] of pages.filter(([label]) => !ONLY || label === ONLY)) {
    // Lighthouse's own advice for noisy machines: several runs, the one with the median performance.
    const runs: Result[] = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(app.url + path, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: [...CATEGORIES],
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
      runs.push(result.lhr);
    }
    const perf = (lhr: Result) => (lhr.runtimeError ? -1 : (lhr.categories.performance?.score ?? 0));
    const sorted = [...runs].sort((a, b) => perf(a) - perf(b));
    const { categories, audits, runtimeError } = sorted[Math.floor((sorted.length - 1) / 2)]!;
    if (RUNS > 1)
      console.log(`${label.padEnd(19)}performance of each run: ${runs.map((r) => perf(r).toFixed(2)).join(' ')}`);
    if (runtimeError)
      console.log(`${label}: Lighthouse could not measure the page: ${runtimeError.code} ${runtimeError.message}`);
    const scores = CATEGORIES.map((c) => (categories[c]?.score ?? 0).toFixed(2).padEnd(6)).join('');
    const lcp = audits['largest-contentful-paint']?.numericValue ?? NaN;
    const bytes = audits['total-byte-weight']?.numericValue ?? NaN;
    const cls = audits['cumulative-layout-shift']?.numericValue ?? NaN;
    console.log(
      `${label.padEnd(19)}${scores}${(lcp / 1000).toFixed(2).padStart(5)} s  ${cls.toFixed(3).padStart(6)}  ${(bytes / 1024).toFixed(1).padStart(6)} KB   ${path}`,
    );
    const failed = Object.values(audits)
      .filter((a) => a.score !== null && a.score < 1 && ['binary', 'numeric'].includes(a.scoreDisplayMode ?? ''))
      .filter((a) => a.scoreDisplayMode === 'binary' || (a.score ?? 1) < 0.9)
      .map((a) => a.id);
    if (failed.length) console.log(`${''.padEnd(19)}failing audits: ${failed.join(', ')}`);
    if (WHY) for (const run of runs) printWhy(run);
  }
} finally {
  chrome.kill();
  await app.stop();
  await database.close();
}
