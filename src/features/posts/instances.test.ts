import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createStaff } from '../../core/auth/service.ts';
import { systemClock } from '../../core/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/app.ts';
import { freePort } from '../../../test/support/postgres.ts';
import { TEST_PASSWORD, cookieFrom, csrfFrom } from '../../../test/support/staff.ts';

/*
 * Two real server processes share one PostgreSQL database: a change made through one instance
 * shows on the other on its next request, although both cache pages in memory (shared invalidation log).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function startInstance(db: TestDatabase, port: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/alongside.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: 'http://alongside.test',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance on ${port} did not start: ${out}`)), 60_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('Alongside is serving')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}: ${out}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function login(base: string, email: string): Promise<{ cookie: string; csrf: string }> {
  const form = await fetch(`${base}/admin/login`);
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: TEST_PASSWORD, _csrf: csrfFrom(await form.text()) }).toString(),
  });
  assert.equal(res.status, 303);
  const cookie = `alongside_staff=${cookieFrom(res.headers.getSetCookie(), 'alongside_staff')}`;
  const home = await fetch(`${base}/admin/posts/new`, { headers: { cookie } });
  return { cookie, csrf: csrfFrom(await home.text()) };
}

async function savePost(
  base: string,
  session: { cookie: string; csrf: string },
  url: string,
  fields: Record<string, string>,
): Promise<string> {
  const res = await fetch(`${base}${url}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    body: new URLSearchParams({
      _csrf: session.csrf,
      excerpt: '',
      content_note: '',
      language: 'en',
      tags: 'Shared',
      publish_at: '',
      translation_of: '',
      cover_alt: '',
      ...fields,
    }).toString(),
  });
  assert.equal(res.status, 303, await res.text());
  return res.headers.get('location')!;
}

describe('two app instances sharing PostgreSQL', () => {
  let db: TestDatabase;
  let a: { url: string; child: ChildProcess };
  let b: { url: string; child: ChildProcess };
  before(async () => {
    db = await createTestDatabase('postgres');
    const created = await createStaff(db.db, systemClock, {
      email: 'editor@two.test',
      role: 'editor',
      password: TEST_PASSWORD,
      displayName: 'Two Instances',
    });
    assert.ok(created.ok);
    [a, b] = await Promise.all([startInstance(db, await freePort()), startInstance(db, await freePort())]);
  });
  after(async () => {
    await Promise.all([a && stop(a.child), b && stop(b.child)]);
    await db?.destroy();
  });

  it('shows a publication and an edit made through one instance on the other’s next request', async () => {
    const session = await login(a.url, 'editor@two.test');
    const location = await savePost(a.url, session, '/admin/posts', {
      title: 'Shared news',
      slug: 'shared-news',
      body_md: 'First words.',
      intent: 'publish',
    });
    const id = /\/admin\/posts\/(\d+)/.exec(location)![1];

    // Instance B renders and caches the page and the home page.
    assert.match(await (await fetch(`${b.url}/posts/shared-news`)).text(), /First words\./);
    const cached = await fetch(`${b.url}/posts/shared-news`);
    assert.equal(cached.headers.get('x-cache'), 'hit');
    // Hits answered before Fastify runs still carry the security headers of the full path.
    assert.match(cached.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(cached.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(cached.headers.get('set-cookie'), null);
    await cached.text();
    await (await fetch(`${b.url}/`)).text();
    assert.equal((await fetch(`${b.url}/`)).headers.get('x-cache'), 'hit');

    await savePost(a.url, session, `/admin/posts/${id}`, {
      title: 'Shared news, corrected',
      slug: 'shared-news',
      body_md: 'Corrected words.',
      intent: 'save',
    });
    // A appends the invalidation to the shared log before it answers; B reads the log before serving a cached page.
    const body = await (await fetch(`${b.url}/posts/shared-news`)).text();
    assert.match(body, /Corrected words\./);
    assert.match(await (await fetch(`${b.url}/`)).text(), /Shared news, corrected/);
    assert.match(await (await fetch(`${b.url}/feed.xml`)).text(), /Shared news, corrected/);
  });
});
