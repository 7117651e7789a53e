import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { PROBE_UA } from './app.ts';

/*
 * Debian's Chromium, driven by playwright-core. The resolver rule maps every host but loopback
 * to NOTFOUND, so nothing can leave the machine even by mistake; the tests still record every
 * request to prove a page asks nothing of another origin.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it with: apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
}

export interface PageOptions {
  javaScriptEnabled?: boolean;
}

/** A fresh context (no cookies, no storage) with the probe user-agent. */
export async function newContext(browser: Browser, opts: PageOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ userAgent: PROBE_UA, javaScriptEnabled: opts.javaScriptEnabled ?? true });
}

/** Every URL the page requested, to check they all stay on the site's origin. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => urls.push(req.url()));
  return urls;
}

export function foreignRequests(urls: string[], origin: string): string[] {
  return urls.filter((u) => !u.startsWith(origin + '/') && u !== origin && !u.startsWith('data:'));
}

/** Violations axe rates serious or critical. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
