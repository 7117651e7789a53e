import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../../../test/support/app.ts';
import { startLiveServer, type LiveServer } from '../../../test/support/server.ts';
import { projectPath } from '../paths.ts';
import { negotiateEncoding } from './compression.ts';

/*
 * Light pages over real HTTP (the raw page-cache path included): compressed answers decode to the
 * very bytes of the plain answer, hashed static files are immutable for a year with the right type,
 * plain names keep a short lifetime.
 */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decode(answer: Answer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(answer.body);
  if (encoding === 'gzip') return zlib.gunzipSync(answer.body);
  assert.equal(encoding, undefined, 'an encoding this client did not ask for');
  return answer.body;
}

describe('Accept-Encoding negotiation', () => {
  it('prefers Brotli, honours q=0 and *, and answers plainly otherwise', () => {
    assert.equal(negotiateEncoding('gzip, deflate, br, zstd'), 'br');
    assert.equal(negotiateEncoding('gzip'), 'gzip');
    assert.equal(negotiateEncoding('br;q=0, gzip;q=0.5'), 'gzip');
    assert.equal(negotiateEncoding('*'), 'br');
    assert.equal(negotiateEncoding('*, br;q=0'), 'gzip');
    assert.equal(negotiateEncoding('identity'), null);
    assert.equal(negotiateEncoding('gzip;q=0, br;q=0'), null);
    assert.equal(negotiateEncoding(undefined), null);
  });
});

for (const dialect of DIALECTS) {
  describe(`compressed pages and static files over HTTP (${dialect})`, () => {
    let server: LiveServer;
    let home: string;
    before(async () => {
      server = await startLiveServer(dialect, { seed: true });
      home = (await get(`${server.url}/`)).body.toString('utf8');
    });
    after(() => server.close());

    it('sends HTML, feeds and JSON Brotli- or gzip-compressed, decoding to the same bytes as the plain answer', async () => {
      const post = /href="(\/posts\/[^"?#]+)"/.exec(home)?.[1];
      assert.ok(post, 'the home page links a post');
      const pages = ['/', '/safety', post, '/campaigns', '/resources', '/feed.xml', '/feed.json', '/api/hsds/services'];
      for (const page of pages) {
        // Twice plain: the second is a cache hit where the page is cached, and the bytes to match.
        await get(server.url + page);
        const plain = await get(server.url + page);
        assert.equal(plain.status, 200, page);
        assert.equal(plain.headers['content-encoding'], undefined, `${page}: plain for a client that asks nothing`);
        assert.match(String(plain.headers.vary), /accept-encoding/i, `${page}: Vary`);
        assert.ok(plain.body.length >= 1024, `${page} is large enough to compress`);
        for (const [accept, expected] of [
          ['gzip, deflate, br', 'br'],
          ['gzip', 'gzip'],
          ['br;q=0, gzip', 'gzip'],
        ] as const) {
          // The first answer makes the compressed body; the second is served from the cache with it.
          for (const round of [1, 2]) {
            const res = await get(server.url + page, { 'accept-encoding': accept });
            assert.equal(res.headers['content-encoding'], expected, `${page} (${accept}, ${round})`);
            assert.match(String(res.headers.vary), /accept-encoding/i);
            assert.equal(Number(res.headers['content-length'] ?? res.body.length), res.body.length);
            assert.ok(res.body.length < plain.body.length / 2, `${page}: ${res.body.length} of ${plain.body.length}`);
            assert.ok(decode(res).equals(plain.body), `${page} (${accept}, ${round}) decodes to the plain bytes`);
          }
        }
        const head = await get(server.url + page, { 'accept-encoding': 'br' }, 'HEAD');
        assert.equal(head.status, 200);
        assert.equal(head.body.length, 0);
      }
    });

    it('serves hashed static names for a year as immutable with their type, plain names briefly', async () => {
      const css = /<link rel="stylesheet" href="(\/static\/site\.[0-9a-f]{10}\.css)"/.exec(home)?.[1];
      const js = /<script src="(\/static\/quick-exit\.[0-9a-f]{10}\.js)" defer/.exec(home)?.[1];
      const icon = /<link rel="icon" href="(\/static\/favicon\.[0-9a-f]{10}\.svg)"/.exec(home)?.[1];
      assert.ok(css && js && icon, 'the layout names its files by hash');
      for (const [url, type, file] of [
        [css, /^text\/css/, 'site.css'],
        [js, /^text\/javascript/, 'quick-exit.js'],
        [icon, /^image\/svg\+xml/, 'favicon.svg'],
      ] as const) {
        const source = fs.readFileSync(projectPath('public', file));
        for (const accept of ['br', 'gzip', '']) {
          const res = await get(server.url + url, accept ? { 'accept-encoding': accept } : {});
          assert.equal(res.status, 200, url);
          assert.match(String(res.headers['content-type']), type, url);
          assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', url);
          assert.equal(res.headers['set-cookie'], undefined);
          assert.ok(decode(res).equals(source), `${url} (${accept || 'plain'}) is the file`);
          if (accept && source.length >= 1024) assert.equal(res.headers['content-encoding'], accept, url);
          const again = await get(server.url + url, {
            ...(accept ? { 'accept-encoding': accept } : {}),
            'if-none-match': String(res.headers.etag),
          });
          assert.equal(again.status, 304, `${url}: revalidation`);
        }
        const plainName = await get(`${server.url}/static/${file}`, { 'accept-encoding': 'br' });
        assert.equal(plainName.status, 200);
        assert.equal(plainName.headers['cache-control'], 'public, max-age=3600', `${file}: short caching`);
        assert.ok(decode(plainName).equals(source));
      }
      const widget = /data-altcha-js="([^"]+)"/.exec(
        (await get(server.url + /href="(\/posts\/[^"?#]+)"/.exec(home)![1]!)).body.toString(),
      );
      assert.ok(widget, 'a post page names the widget by hash');
      const res = await get(server.url + widget[1]!, { 'accept-encoding': 'br' });
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(res.headers['content-type']), /^text\/javascript/);
      assert.ok(res.body.length < 40 * 1024, `the widget travels compressed (${res.body.length} bytes)`);
      for (const missing of ['/static/site.0000000000.css', '/static/nothing.js', '/static/../package.json'])
        assert.equal((await get(server.url + missing)).status, 404, missing);
    });
  });
}
