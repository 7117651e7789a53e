import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import multipart from '@fastify/multipart';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { IdParams, PageNumber, Type } from './schemas.ts';

const NumberQuery = Type.Object({ page: Type.Optional(PageNumber) });
import { csrfFrom, postForm } from '../../../test/support/staff.ts';

const PUBLIC_PAGES = ['/', '/safety', '/admin/login'];

for (const dialect of DIALECTS) {
  describe(`HTTP baseline (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, {
        extend(app) {
          app.get('/__test/boom', async () => {
            throw new Error('secret internal detail /etc/passwd');
          });
          app.post('/__test/echo', async (req) => ({ ok: true, body: req.body }));
        },
      });
    });
    after(() => t.close());

    for (const url of PUBLIC_PAGES) {
      it(`${url}: security headers, no cookie, quick exit link`, async () => {
        const res = await t.inject(url);
        assert.equal(res.statusCode, 200);
        const csp = String(res.headers['content-security-policy']);
        assert.match(csp, /default-src 'self'/);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.doesNotMatch(csp, /upgrade-insecure-requests/);
        assert.equal(res.headers['referrer-policy'], 'no-referrer');
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['set-cookie'], undefined, 'anonymous GET sets no cookie');
        assert.match(
          res.body,
          /<a class="quick-exit__button" href="https:\/\/neutral.example.org\/" rel="noreferrer nofollow"/,
        );
        assert.doesNotMatch(
          res.body,
          /(src|href)="(https?:)?\/\/(?!neutral\.example\.org|alongside\.test)/,
          'nothing loads from another origin',
        );
      });
    }

    it('serves the stylesheet, script and icon from the site itself', async () => {
      for (const path of ['/static/site.css', '/static/quick-exit.js', '/static/favicon.svg']) {
        const res = await t.inject(path);
        assert.equal(res.statusCode, 200, path);
        assert.equal(res.headers['set-cookie'], undefined);
      }
    });

    it('answers /healthz when the database answers', async () => {
      const res = await t.inject('/healthz');
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok', database: dialect });
    });

    it('shows a friendly 404 page', async () => {
      const res = await t.inject('/no/such/page');
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /Page not found/);
      assert.match(res.body, /Exit this page/);
    });

    it('shows a friendly 500 page without the stack or the message', async () => {
      const res = await t.inject('/__test/boom');
      assert.equal(res.statusCode, 500);
      assert.match(res.body, /Something went wrong/);
      assert.doesNotMatch(res.body, /passwd|at .*\.ts|Error:/);
    });

    it('refuses a state-changing request without a CSRF token (403), and accepts one with it', async () => {
      const refused = await postForm(t, '/__test/echo', { a: '1' });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /expired/);
      const page = await t.inject('/admin/login');
      const accepted = await postForm(t, '/__test/echo', { a: '1', _csrf: csrfFrom(page.body) });
      assert.equal(accepted.statusCode, 200);
    });

    it('accepts a same-origin browser post whose Origin is "null" (no-referrer policy), refuses a cross-site one', async () => {
      const page = await t.inject('/admin/login');
      const payload = `_csrf=${encodeURIComponent(csrfFrom(page.body))}`;
      const post = (headers: Record<string, string>) =>
        t.inject({
          method: 'POST',
          url: '/__test/echo',
          payload,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        });
      assert.equal((await post({ origin: 'null', 'sec-fetch-site': 'same-origin' })).statusCode, 200);
      assert.equal((await post({ origin: 'null', 'sec-fetch-site': 'cross-site' })).statusCode, 403);
      assert.equal((await post({ origin: 'null', 'sec-fetch-site': 'same-site' })).statusCode, 403);
      assert.equal((await post({ origin: 'https://evil.example' })).statusCode, 403);
    });

    it('rejects a forged or tampered CSRF token', async () => {
      const page = await t.inject('/admin/login');
      const token = csrfFrom(page.body);
      const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
      assert.equal((await postForm(t, '/__test/echo', { _csrf: tampered })).statusCode, 403);
      assert.equal((await postForm(t, '/__test/echo', { _csrf: 'x'.repeat(600) })).statusCode, 403);
    });

    it('answers 413 for an over-large form', async () => {
      const res = await postForm(t, '/__test/echo', { big: 'x'.repeat(300 * 1024) });
      assert.equal(res.statusCode, 413);
      assert.match(res.body, /too large/i);
    });

    it('answers 400 for a body it cannot parse', async () => {
      const res = await t.inject({
        method: 'POST',
        url: '/admin/login',
        payload: '{"broken',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.statusCode, 400);
      assert.doesNotMatch(res.body, /SyntaxError|Unexpected|\bat \S+:\d+/);
      assert.match(res.body, /could not be understood/);
    });

    it('logs the route pattern and status, never the URL, address or user-agent', async () => {
      await t.inject('/no/such/page?lat=51.5&lon=-0.12');
      const logs = t.logs();
      assert.match(logs, /"route":"\/healthz"/);
      assert.doesNotMatch(logs, /lat=51\.5/);
      assert.doesNotMatch(logs, /127\.0\.0\.77|AlongsidePrivacyProbe/);
    });
  });
}

describe('HTTPS sites', () => {
  it('send HSTS and Secure staff cookies when PUBLIC_URL is https, and no HSTS over plain http', async () => {
    const secure = await createTestApp('sqlite', { env: { PUBLIC_URL: 'https://alongside.test' } });
    const plain = await createTestApp('sqlite');
    try {
      assert.equal((await secure.inject('/')).headers['strict-transport-security'], 'max-age=31536000');
      assert.equal((await plain.inject('/')).headers['strict-transport-security'], undefined);
    } finally {
      await secure.close();
      await plain.close();
    }
  });
});

describe('the input gate', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', {
      extend(app) {
        app.post('/__test/echo', async (req) => ({ ok: true, body: req.body }));
        app.get('/__test/q', async (req) => ({ ok: true, query: req.query }));
        app.get('/__test/n/:id', { schema: { params: IdParams, querystring: NumberQuery } }, async (req) => ({
          ok: true,
          id: req.params,
          query: req.query,
        }));
      },
    });
  });
  after(() => t.close());

  it('refuses numbers a coercion made infinite ("1e309"), which would skip the range checks', async () => {
    for (const url of ['/__test/n/-1e309', '/__test/n/1e309', '/__test/n/Infinity', '/__test/n/5?page=1e999']) {
      const res = await t.inject(url);
      assert.equal(res.statusCode, 400, url);
    }
    assert.deepEqual(JSON.parse((await t.inject('/__test/n/5?page=2')).body), {
      ok: true,
      id: { id: 5 },
      query: { page: 2 },
    });
  });

  const form = (payload: Buffer | string) =>
    t.inject({
      method: 'POST',
      url: '/__test/echo',
      payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('refuses a form field that is not UTF-8, naming the field, before anything else runs', async () => {
    const res = await form(Buffer.concat([Buffer.from('_csrf=x&note='), Buffer.from([0x62, 0xff, 0x63])]));
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /“note” contains characters that could not be read/);
  });

  for (const [name, value] of [
    ['NUL', 'a%00b'],
    ['a bell', 'a%07b'],
    ['a C1 control', 'a%C2%85b'],
    ['a right-to-left override', 'a%E2%80%AEb'],
    ['a lone surrogate written as CESU bytes', 'a%ED%A0%80b'],
  ]) {
    it(`refuses ${name} in a form field`, async () => {
      const res = await form(`note=${value}`);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /“note” contains/);
    });
  }

  it('keeps tabs and line breaks in form text, and refuses them in a query', async () => {
    const res = await form('_csrf=x&note=a%09b%0D%0Ac');
    assert.equal(res.statusCode, 403, 'the text passed the gate and reached the CSRF check');
    assert.equal((await t.inject('/__test/q?q=a%0Ab')).statusCode, 400);
  });

  it('decodes queries strictly: invalid UTF-8 and controls are refused, other scripts pass', async () => {
    assert.equal((await t.inject('/__test/q?q=%FF')).statusCode, 400);
    assert.equal((await t.inject('/__test/q?q=a%00')).statusCode, 400);
    const ok = await t.inject('/__test/q?q=%C5%81%C3%B3d%C5%BA+%CE%BA&q=2');
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(JSON.parse(ok.body).query, { q: ['Łódź κ', '2'] });
  });
});

describe('addresses Fastify refuses before routing', () => {
  it('answer with the site’s 400 page (JSON under /api), not raw JSON or a 500', async () => {
    const t = await createTestApp('sqlite');
    try {
      for (const url of ['/posts/%FF%FE', `/posts/${'a'.repeat(200)}`, '/campaigns/%C0%AF']) {
        const res = await t.inject(url);
        assert.ok(res.statusCode === 400 || res.statusCode === 414, `${url}: ${res.statusCode}`);
        assert.match(String(res.headers['content-type']), /text\/html/, url);
        assert.match(res.body, /could not be understood/);
      }
      const api = await t.inject('/api/hsds/services/%FF');
      assert.equal(api.statusCode, 400);
      assert.match(String(api.headers['content-type']), /application\/json/);
    } finally {
      await t.close();
    }
  });
});

describe('multipart routes (file uploads)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', {
      extend(app) {
        void app.register(async (scope) => {
          await scope.register(multipart, { attachFieldsToBody: 'keyValues' });
          scope.post('/__test/upload', { config: { multipart: true } }, async (req) => ({ ok: true, body: req.body }));
        });
      },
    });
  });
  after(() => t.close());

  const upload = (fields: Record<string, string>) => {
    const boundary = '----gate' + Math.random().toString(16).slice(2);
    const parts = Object.entries(fields).map(
      ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    );
    return t.inject({
      method: 'POST',
      url: '/__test/upload',
      payload: `${parts.join('')}--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
  };

  it('checks the CSRF token and the input gate once the multipart fields are attached', async () => {
    const token = csrfFrom((await t.inject('/admin/login')).body);
    assert.equal((await upload({ note: 'hello' })).statusCode, 403, 'no token');
    assert.equal((await upload({ _csrf: 'forged', note: 'hello' })).statusCode, 403, 'forged token');
    const refused = await upload({ _csrf: token, note: 'a\u202Eb' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /“note” contains/);
    const ok = await upload({ _csrf: token, note: 'hello' });
    assert.equal(ok.statusCode, 200);
    assert.equal(JSON.parse(ok.body).body.note, 'hello');
  });
});
