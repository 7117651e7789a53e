import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
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

async function startInstance(
  db: TestDatabase,
  port: number,
  dataDir = db.dataDir,
): Promise<{ url: string; child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/alongside.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
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
  return { url: `http://127.0.0.1:${port}`, child, out: () => out };
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

/** A cover as the editor's form sends it (multipart), through instance `base`. */
async function publishWithCover(base: string, session: { cookie: string; csrf: string }, image: Buffer) {
  const form = new FormData();
  const fields = { _csrf: session.csrf, title: 'With a picture', slug: 'with-a-picture', body_md: 'Words.' };
  for (const [k, v] of Object.entries({ ...fields, excerpt: '', content_note: '', language: 'en', tags: '' }))
    form.append(k, v);
  for (const k of ['publish_at', 'translation_of']) form.append(k, '');
  form.append('cover_alt', 'A blue square');
  form.append('intent', 'publish');
  form.append('cover', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'square.png');
  const res = await fetch(`${base}/admin/posts`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: session.cookie },
    body: form,
  });
  assert.equal(res.status, 303, await res.text());
}

describe('two app instances sharing PostgreSQL', () => {
  let db: TestDatabase;
  let a: { url: string; child: ChildProcess };
  let b: { url: string; child: ChildProcess; out: () => string };
  // B has a data folder of its own, with an image an older version stored on its disk.
  const bDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-b-'));
  const legacyName = `${'ab'.repeat(12)}.png`;
  let legacy: Buffer;
  before(async () => {
    legacy = await sharp({ create: { width: 6, height: 6, channels: 3, background: '#c03' } })
      .png()
      .toBuffer();
    fs.mkdirSync(path.join(bDataDir, 'uploads', 'posts'), { recursive: true });
    fs.writeFileSync(path.join(bDataDir, 'uploads', 'posts', legacyName), legacy);
    fs.writeFileSync(path.join(bDataDir, 'uploads', 'notes.txt'), 'not an image');
    db = await createTestDatabase('postgres');
    const created = await createStaff(db.db, systemClock, {
      email: 'editor@two.test',
      role: 'editor',
      password: TEST_PASSWORD,
      displayName: 'Two Instances',
    });
    assert.ok(created.ok);
    [a, b] = await Promise.all([startInstance(db, await freePort()), startInstance(db, await freePort(), bDataDir)]);
  });
  after(async () => {
    await Promise.all([a && stop(a.child), b && stop(b.child)]);
    await db?.destroy();
    fs.rmSync(bDataDir, { recursive: true, force: true });
  });

  it('serves an image uploaded through one instance from the other (uploads live in the database)', async () => {
    const session = await login(a.url, 'editor@two.test');
    const image = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#1f4e9c' } })
      .png()
      .toBuffer();
    await publishWithCover(a.url, session, image);
    const page = await (await fetch(`${b.url}/posts/with-a-picture`)).text();
    const src = /<img class="cover" src="(\/media\/posts\/[a-f0-9]{24}\.png)"/.exec(page)?.[1];
    assert.ok(src, 'the cover is on the page B serves');
    const fromB = await fetch(`${b.url}${src}`);
    assert.equal(fromB.status, 200);
    assert.equal(fromB.headers.get('content-type'), 'image/png');
    const served = Buffer.from(await fromB.arrayBuffer());
    assert.deepEqual(
      await sharp(served)
        .metadata()
        .then((m) => [m.width, m.height]),
      [10, 10],
    );
    const etag = fromB.headers.get('etag')!;
    const fromA = await fetch(`${a.url}${src}`, { headers: { 'if-none-match': etag } });
    assert.equal(fromA.status, 304, 'both instances give the same ETag');
    await fromA.arrayBuffer();
    assert.ok(!fs.existsSync(path.join(db.dataDir, 'uploads')), 'nothing was written to A’s disk');
  });

  it('moved the image an older version left on B’s disk into the database at start, for both to serve', async () => {
    assert.match(b.out(), /Moved 1 uploaded file\(s\) from .* into the database\./);
    assert.match(b.out(), /Left notes\.txt in the uploads folder/);
    assert.ok(!fs.existsSync(path.join(bDataDir, 'uploads', 'posts', legacyName)), 'the disk copy is gone');
    assert.ok(fs.existsSync(path.join(bDataDir, 'uploads', 'notes.txt')), 'a file it cannot serve stays');
    const fromA = await fetch(`${a.url}/media/posts/${legacyName}`);
    assert.equal(fromA.status, 200);
    assert.ok(Buffer.from(await fromA.arrayBuffer()).equals(legacy), 'byte for byte');
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
