import { translate } from '../../src/core/i18n/index.ts';
import assert from 'node:assert/strict';
import type { Role } from '../../src/core/db/schema.ts';
import { createStaff } from '../../src/core/auth/service.ts';
import type { TestApp } from './app.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/** The CSRF token of the first form on a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'page has a CSRF field');
  return m[1]!;
}

export function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of all) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

export interface StaffSession {
  /** Cookie header value carrying the staff session. */
  cookie: string;
  /** A CSRF token valid for this session. */
  csrf: string;
  userId: number;
  email: string;
}

let counter = 0;
/** Creates a staff member of the role and logs them in through the real login form. */
export async function loginAs(t: TestApp, role: Role, email = `${role}${++counter}@staff.test`): Promise<StaffSession> {
  const created = await createStaff(t.db, t.clock, {
    email,
    role,
    password: TEST_PASSWORD,
    displayName: `Test ${role}`,
  });
  assert.ok(created.ok, created.ok ? '' : translate('en', created.message));
  const form = await t.inject('/admin/login');
  const res = await postForm(t, '/admin/login', { email, password: TEST_PASSWORD, _csrf: csrfFrom(form.body) });
  assert.equal(res.statusCode, 303, `login as ${role} succeeds`);
  const token = cookieFrom(res.headers['set-cookie'], 'alongside_staff');
  assert.ok(token);
  const cookie = `alongside_staff=${token}`;
  const home = await t.inject({ url: '/admin', headers: { cookie } });
  return { cookie, csrf: csrfFrom(home.body), userId: created.value.id, email };
}

/** A form post as a browser would send it. */
export function postForm(t: TestApp, url: string, fields: Record<string, string | string[]>, session?: StaffSession) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  if (session && !('_csrf' in fields)) body.append('_csrf', session.csrf);
  return t.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(session ? { cookie: session.cookie } : {}) },
  });
}

/** What a browser would submit from the POST form with this action: inputs, ticked boxes, textareas and chosen options. */
export function formValues(html: string, action: string): Record<string, string | string[]> {
  const start = html.indexOf(`<form method="post" action="${action}"`);
  assert.ok(start >= 0, `the page has a form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const unescape = (x: string) =>
    x
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const values: Record<string, string | string[]> = {};
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    const name = m[1]!;
    const value = unescape(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
    if (/type="checkbox"/.test(tag)) {
      if (/checked/.test(tag)) values[name] = [...((values[name] as string[]) ?? []), value];
    } else if (/type="radio"/.test(tag)) {
      if (/checked/.test(tag)) values[name] = value;
    } else values[name] = value;
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g))
    values[m[1]!] = unescape(m[2]!);
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = unescape(/<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '');
    // Several selects of one name (a list chosen one item per select) send every choice, as a browser does.
    const before = values[m[1]!];
    values[m[1]!] = before === undefined ? chosen : [...(Array.isArray(before) ? before : [before]), chosen];
  }
  return values;
}
