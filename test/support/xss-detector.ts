import type { BrowserContext, Page } from 'playwright-core';

/*
 * A stored-XSS detector for Chromium. A context is armed once; every page and frame in it then
 * reports to the test, across navigations:
 *  - execution: a payload's trap function `window.__xss_<id>()` called, a dialog (alert, confirm,
 *    prompt) opened, an uncaught error thrown, or a resource requested whose address names a trap;
 *  - an attempt the CSP stopped: `securitypolicyviolation` events and the console's CSP messages;
 *  - injected markup left in the document after it loaded (`SCAN_SCRIPT`): scripts that are not
 *    the site's own files, event-handler attributes, javascript:/data:/vbscript: addresses, frames,
 *    objects, <base>, meta refresh, <style>, and anything carrying a payload's `data-xss` marker.
 * Nothing here trusts the page: the scan runs in every frame and the traps are installed before
 * any of the page's own scripts.
 */

/** What a payload calls when it runs: `__xss_<id>()`; ids are letters only (a pledge's place refuses digits). */
export const TRAP_PREFIX = '__xss_';

export interface Finding {
  url: string;
  what: string;
}

export interface Detector {
  /** Every finding since the context was armed (or since the last `take`), with the page it came from. */
  take(): Finding[];
  /**
   * Loads `url` in `page`, lets late events (image errors, toggles, focus) fire and scans every
   * frame; returns the page's text with its form fields' values, to check the payloads are there.
   */
  visit(page: Page, url: string): Promise<string>;
  /** The same for the page as it is now (after a form was sent, say). */
  inspect(page: Page): Promise<string>;
}

/** Findings kept per document (and console messages per page): enough to say what ran, few enough to stay fast. */
const PER_PAGE = 20;

/**
 * Installed in every document of the context before its own scripts: the traps and the CSP
 * listener. Plain JavaScript in a string: functions compiled by tsx carry helper calls that do
 * not exist in the page.
 */
const INIT_SCRIPT = (ids: string[]) => `(() => {
  // A page full of blocked payloads raises thousands of violations: the first few make the point.
  let reports = 0;
  const report = (what) => {
    if (++reports > ${PER_PAGE}) return;
    try {
      if (typeof window.__xssReport === 'function') return void window.__xssReport(what);
    } catch (e) {}
    (window.__xssHits = window.__xssHits || []).push(what);
  };
  for (const id of ${JSON.stringify(ids)}) {
    try {
      Object.defineProperty(window, '${TRAP_PREFIX}' + id, { value: () => report('executed: ${TRAP_PREFIX}' + id + '()') });
    } catch (e) {}
  }
  document.addEventListener('securitypolicyviolation', (e) =>
    report('CSP stopped ' + e.effectiveDirective + ' (' + (e.blockedURI || 'inline') + '): ' + (e.sample || '')), true);
})();`;

/** Runs in a frame after it loaded: everything that looks like markup a reader injected (plain JavaScript, as above). */
const SCAN_SCRIPT = String.raw`(() => {
  const found = [...(window.__xssHits || [])];
  const origin = location.origin;
  const own = (src) => {
    try {
      const u = new URL(src, location.href);
      // The site's files, and the identity's generated stylesheet and logo (core/identity), by their hashed names.
      return (
        u.origin === origin &&
        (u.pathname.startsWith('/static/') || /^\/identity\/(theme\.[0-9a-f]{10}\.css|logo\.[0-9a-f]{10}\.png)$/.test(u.pathname))
      );
    } catch (e) {
      return false;
    }
  };
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'poster', 'background', 'lowsrc', 'dynsrc',
    'ping', 'xlink:href', 'to', 'from', 'values', 'codebase', 'cite', 'longdesc', 'manifest', 'icon']);
  const FORBIDDEN = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'style',
    'template', 'foreignobject']);
  for (const el of Array.from(document.getElementsByTagName('*'))) {
    const tag = el.localName.toLowerCase();
    const where = '<' + tag + (el.id ? '#' + el.id : '') + '>';
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push('event handler ' + name + '="' + attr.value.slice(0, 80) + '" on ' + where);
      if (name === 'data-xss') found.push('payload element ' + where + ' (data-xss=' + attr.value + ')');
      if (name === 'srcdoc') found.push('srcdoc on ' + where);
      if (URL_ATTRS.has(name) || name.endsWith(':href')) {
        const value = attr.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
        const imageData = tag === 'img' && name === 'src' && /^data:image\/(png|gif|jpeg|webp);/.test(value);
        if (/^(javascript|vbscript|livescript):/.test(value) || (value.startsWith('data:') && !imageData))
          found.push(name + '="' + attr.value.slice(0, 80) + '" on ' + where);
      }
    }
    if (tag === 'script') {
      const src = el.getAttribute('src');
      if (!src || !own(src)) found.push('script ' + (src ? 'from ' + src : 'inline: ' + (el.textContent || '').slice(0, 80)));
    }
    if (FORBIDDEN.has(tag) && el.namespaceURI !== 'http://www.w3.org/2005/Atom') found.push('element ' + where);
    const html = el.namespaceURI === 'http://www.w3.org/1999/xhtml';
    if (html && tag === 'meta' && /refresh|set-cookie|content-security/i.test(el.getAttribute('http-equiv') || ''))
      found.push('meta http-equiv=' + el.getAttribute('http-equiv'));
    if (html && tag === 'link') {
      const rel = el.getAttribute('rel') || '';
      if (!/^(stylesheet|icon|alternate|canonical|manifest|self|related|license)$/i.test(rel)) found.push('link rel=' + rel);
      else if (/stylesheet/i.test(rel) && !own(el.getAttribute('href') || '')) found.push('stylesheet from ' + el.getAttribute('href'));
    }
  }
  return found.slice(0, 50);
})()`;

const SETTLE_SCRIPT = 'new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)))';

/** The page's text and what its form fields hold. */
const TEXT_SCRIPT = `(() => {
  const values = Array.from(document.querySelectorAll('input, textarea')).map((el) => el.value);
  return (document.documentElement ? document.documentElement.textContent : '') + '\\n' + values.join('\\n');
})()`;

/** A script in a page, or `fallback` after 10 s: a frame a payload broke may never answer. */
function within<T>(run: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), 10_000)));
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}

export async function armDetector(context: BrowserContext, trapIds: string[]): Promise<Detector> {
  let findings: Finding[] = [];
  const add = (url: string, what: string) => findings.push({ url, what });
  await context.exposeBinding('__xssReport', (source, what: string) => add(source.frame.url(), String(what)));
  await context.addInitScript({ content: INIT_SCRIPT(trapIds) });
  const watch = (page: Page) => {
    page.on('dialog', (d) => {
      add(page.url(), `dialog ${d.type()}: ${d.message().slice(0, 80)}`);
      void d.dismiss().catch(() => {});
    });
    page.on('pageerror', (err) => add(page.url(), `uncaught error: ${err.message.slice(0, 120)}`));
    let messages = 0;
    page.on('load', () => (messages = 0));
    page.on('console', (m) => {
      if (
        /Content Security Policy|Refused to (execute|load|apply|frame|connect)/i.test(m.text()) &&
        messages++ < PER_PAGE
      )
        add(page.url(), `console: ${m.text().slice(0, 160)}`);
    });
    page.on('request', (req) => {
      if (req.url().includes(TRAP_PREFIX)) add(page.url(), `requested ${req.url().slice(0, 120)}`);
    });
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);

  const settle = async (page: Page) => {
    // Image errors, <details> toggles and autofocus fire just after load: give them a frame and a tick.
    await within(page.evaluate(SETTLE_SCRIPT), undefined).catch(() => {});
  };
  const inspect = async (page: Page) => {
    await settle(page);
    for (const frame of page.frames()) {
      const found = await within(frame.evaluate<string[]>(SCAN_SCRIPT), ['the scan did not finish']).catch(
        (err: Error) => [`scan failed: ${err.message}`],
      );
      for (const what of found) add(frame.url(), what);
    }
    const text = await within(page.evaluate<string>(TEXT_SCRIPT), undefined);
    if (text === undefined) add(page.url(), 'the page did not answer');
    return text ?? '';
  };
  return {
    take() {
      const out = findings;
      findings = [];
      return out;
    },
    async visit(page, url) {
      // A page that never finishes loading fails here, by name, rather than as the file's time-out.
      const res = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
      if (!res || res.status() >= 400) add(url, `the page answered ${res?.status()}`);
      return inspect(page);
    },
    inspect,
  };
}
