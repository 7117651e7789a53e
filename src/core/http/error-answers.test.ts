import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs } from '../../../test/support/staff.ts';
import { startLiveServer, type LiveServer } from '../../../test/support/server.ts';

/*
 * Every refusal outside /api/ is the site's own HTML error page — including what Node's HTTP parser
 * refuses before Fastify runs (headers too large, a malformed request) and multipart bodies the
 * parser gives up on — and none of them is a 500.
 */
const isErrorPage = (res: { headers: Record<string, unknown>; body: string }) =>
  String(res.headers['content-type']).startsWith('text/html') &&
  /^<!doctype html>/i.test(res.body) &&
  /<a class="quick-exit__button"/.test(res.body);

/** Broken multipart bodies, as a client cut off or careless would send them (`token` leads the body). */
function brokenMultiparts(token: string): { label: string; contentType: string; payload: string }[] {
  const b = '----broken';
  const type = `multipart/form-data; boundary=${b}`;
  const csrfPart = `--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`;
  return [
    { label: 'not multipart at all', contentType: type, payload: 'garbage' },
    { label: 'no boundary parameter', contentType: 'multipart/form-data', payload: 'x' },
    {
      label: 'cut off inside a field',
      contentType: type,
      payload: `${csrfPart}--${b}\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello`,
    },
    {
      label: 'cut off inside a file',
      contentType: type,
      payload: `${csrfPart}--${b}\r\nContent-Disposition: form-data; name="cover"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG`,
    },
    {
      label: 'no closing boundary',
      contentType: type,
      payload: `${csrfPart}--${b}\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--${b}`,
    },
    {
      label: 'a part header cut off',
      contentType: type,
      payload: `${csrfPart}--${b}\r\nContent-Disposition: form-da`,
    },
    { label: 'an empty boundary', contentType: 'multipart/form-data; boundary=', payload: '--\r\n' },
  ];
}

/** Every POST route's address, read from Fastify's route tree, parameters filled with 1. */
function postRoutes(app: TestApp['app']): string[] {
  const stack: string[] = [];
  const urls: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false, method: 'POST' }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(POST\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    urls.push(stack.join('').replace(/:[A-Za-z]+/g, '1'));
  }
  return urls;
}

for (const dialect of DIALECTS) {
  describe(`broken multipart bodies (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('to the post editor: a 400 page, anonymous, signed in, with or without a token; nothing saved', async () => {
      const admin = await loginAs(t, 'admin');
      const count = async () => (await t.db.selectFrom('posts').select('id').execute()).length;
      const before = await count();
      const senders = [
        { who: 'anonymous', headers: {}, token: 'forged' },
        { who: 'signed in, no token', headers: { cookie: admin.cookie }, token: '' },
        {
          who: 'signed in with a token',
          headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
          token: admin.csrf,
        },
      ];
      for (const url of ['/admin/posts', '/admin/posts/1']) {
        for (const sender of senders) {
          for (const body of brokenMultiparts(sender.token)) {
            const res = await t.inject({
              method: 'POST',
              url,
              payload: body.payload,
              headers: { 'content-type': body.contentType, accept: 'text/html', ...sender.headers },
            });
            const label = `${url} ${sender.who}: ${body.label}`;
            assert.equal(res.statusCode, 400, label);
            assert.ok(isErrorPage(res), label);
            assert.match(res.body, /The request could not be understood/, label);
          }
        }
      }
      assert.equal(await count(), before);
      assert.doesNotMatch(t.logs(), /"level":50/, 'no error logged: the client’s mistake, not the site’s');
    });

    it('to every POST route: refused with a 4xx page, never a 500', async () => {
      const admin = await loginAs(t, 'admin');
      const routes = postRoutes(t.app);
      assert.ok(routes.includes('/admin/posts/1') && routes.length > 40, `routes found: ${routes.length}`);
      const bodies = brokenMultiparts(admin.csrf).filter((b) => /cut off inside a file|no boundary/.test(b.label));
      for (const url of routes) {
        for (const headers of [{}, { cookie: admin.cookie, 'x-csrf-token': admin.csrf }]) {
          for (const body of bodies) {
            const res = await t.inject({
              method: 'POST',
              url,
              payload: body.payload,
              headers: { 'content-type': body.contentType, accept: 'text/html', ...headers },
            });
            const label = `${url} ${'cookie' in headers ? 'signed in' : 'anonymous'}: ${body.label} → ${res.statusCode}`;
            assert.ok(res.statusCode >= 400 && res.statusCode < 500, label);
            assert.ok(url.startsWith('/api/') || isErrorPage(res), label);
          }
        }
      }
      assert.doesNotMatch(t.logs(), /"level":50/, 'no error logged');
    });
  });

  describe(`errors a browser gets outside /api (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('are HTML pages; under /api they stay JSON', async () => {
      const html = { accept: 'text/html' };
      const form = { ...html, 'content-type': 'application/x-www-form-urlencoded' };
      const cases: [string, Parameters<TestApp['inject']>[0], number][] = [
        ['not found', { url: '/no-such-page', headers: html }, 404],
        ['a bad query', { url: '/resources?page=-1', headers: html }, 400],
        ['no form token', { method: 'POST', url: '/admin/login', headers: form, payload: 'email=a' }, 403],
        [
          'a JSON body',
          {
            method: 'POST',
            url: '/admin/login',
            headers: { ...html, 'content-type': 'application/json' },
            payload: '{',
          },
          400,
        ],
        [
          'a text body',
          {
            method: 'POST',
            url: '/resources/suggest',
            headers: { ...html, 'content-type': 'text/plain' },
            payload: 'x',
          },
          403,
        ],
        [
          'a body too large',
          { method: 'POST', url: '/resources/suggest', headers: form, payload: 'a='.padEnd(300_000, 'x') },
          413,
        ],
        ['a range past the end', { url: '/static/site.css', headers: { ...html, range: 'bytes=999999-' } }, 416],
        ['an unknown method', { method: 'PROPFIND', url: '/', headers: html }, 403],
      ];
      for (const [label, opts, status] of cases) {
        const res = await t.inject(opts);
        assert.equal(res.statusCode, status, label);
        assert.ok(isErrorPage(res), `${label}: ${String(res.headers['content-type'])} ${res.body.slice(0, 80)}`);
      }
      let limited;
      for (let i = 0; i < 11; i++)
        limited = await t.inject({ method: 'POST', url: '/admin/login', headers: form, payload: '' });
      assert.equal(limited!.statusCode, 429);
      assert.ok(isErrorPage(limited!), 'rate limited');
      const api = await t.inject({ url: '/api/posts?page=x', headers: html });
      assert.equal(api.statusCode, 400);
      assert.match(String(api.headers['content-type']), /^application\/json/);
    });
  });

  describe(`requests Node refuses before the app (${dialect})`, () => {
    let server: LiveServer;
    before(async () => {
      server = await startLiveServer(dialect);
    });
    after(() => server.close());

    /** Sends raw bytes; resolves with the head and body of the answer. */
    const raw = (data: string) =>
      new Promise<{ head: string; body: string }>((resolve, reject) => {
        const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(data));
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (d) => (received += d));
        socket.on('error', reject);
        socket.on('close', () => {
          const at = received.indexOf('\r\n\r\n');
          resolve({ head: received.slice(0, at), body: received.slice(at + 4) });
        });
      });

    it('get the site’s error page, not raw JSON (JSON under /api)', async () => {
      const cookies = `Cookie: ${'a=b; '.repeat(4000)}\r\n`;
      const cases: [string, string, RegExp][] = [
        ['too many cookies', `GET / HTTP/1.1\r\nHost: x\r\n${cookies}\r\n`, /^HTTP\/1\.1 431 /],
        ['a malformed header', `GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n`, /^HTTP\/1\.1 400 /],
        ['a malformed request line', `GET /%%% HTT\r\n\r\n`, /^HTTP\/1\.1 400 /],
        [
          'a broken chunked body',
          `POST /resources/suggest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n`,
          /^HTTP\/1\.1 400 /,
        ],
      ];
      for (const [label, request, status] of cases) {
        const res = await raw(request);
        assert.match(res.head, status, label);
        assert.match(res.head, /\r\nContent-Type: text\/html; charset=utf-8\r\n/i, label);
        assert.match(res.head, /\r\nContent-Security-Policy: default-src 'self'/i, label);
        assert.match(res.body, /^<!doctype html>/i, label);
        assert.match(res.body, /<a class="quick-exit__button"/, label);
        assert.equal(Buffer.byteLength(res.body), Number(/Content-Length: (\d+)/i.exec(res.head)?.[1]), label);
      }
      const tooMany = await raw(`GET / HTTP/1.1\r\nHost: x\r\n${cookies}\r\n`);
      assert.match(tooMany.body, /too many or too large cookies/);
      const api = await raw(`GET /api/posts HTTP/1.1\r\nHost: x\r\n${cookies}\r\n`);
      assert.match(api.head, /^HTTP\/1\.1 431 .*\r\nContent-Type: application\/json/s);
      assert.equal(JSON.parse(api.body).statusCode, 431);
    });
  });
}
