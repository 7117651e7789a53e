import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../../../test/support/app.ts';
import { startLiveServer, type LiveServer } from '../../../test/support/server.ts';

/*
 * One language rule for every public page (core/i18n/negotiate.ts): `?lang=` wins, otherwise
 * Accept-Language; no cookie. On a live server, so cached pages answered before Fastify runs
 * (PageCache.serveRaw) are held to the same rule as the full path.
 */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A GET with exactly these headers (fetch would add its own Accept-Language). */
function get(origin: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${origin}${path}`, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

const htmlLang = (body: string) => /<html lang="([^"]+)"/.exec(body)?.[1];
const varies = (a: Answer) =>
  String(a.headers.vary ?? '')
    .toLowerCase()
    .includes('accept-language');

for (const dialect of DIALECTS) {
  describe(`reader language (${dialect})`, () => {
    let s: LiveServer;
    before(async () => {
      s = await startLiveServer(dialect);
    });
    after(() => s.close());

    it('takes the default from Accept-Language, varies on it and caches each language apart', async () => {
      // Twice each, interleaved: the second answers come from the page cache.
      for (let round = 0; round < 2; round++) {
        const fr = await get(s.origin, '/', { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.8' });
        const en = await get(s.origin, '/', { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.8' });
        const none = await get(s.origin, '/');
        assert.equal(htmlLang(fr.body), 'fr', `round ${round}`);
        assert.match(fr.body, />Accueil</);
        assert.equal(htmlLang(en.body), 'en', `round ${round}`);
        assert.equal(htmlLang(none.body), 'en', `round ${round}`);
        for (const a of [fr, en, none]) {
          assert.equal(a.status, 200);
          assert.ok(varies(a), `Vary: ${a.headers.vary}`);
          assert.equal(a.headers['set-cookie'], undefined);
        }
        if (round === 1) for (const a of [fr, en, none]) assert.equal(a.headers['x-cache'], 'hit');
      }
    });

    it('lets ?lang= win over Accept-Language, with links that keep it', async () => {
      for (let round = 0; round < 2; round++) {
        const en = await get(s.origin, '/?lang=en', { 'accept-language': 'fr' });
        const fr = await get(s.origin, '/?lang=fr', { 'accept-language': 'en' });
        assert.equal(htmlLang(en.body), 'en');
        assert.equal(htmlLang(fr.body), 'fr');
        assert.ok(!varies(fr) && !varies(en), 'an explicit choice does not depend on the header');
        assert.match(en.body, /href="\/resources\?lang=en"/);
        assert.match(fr.body, /href="\/resources\?lang=fr"/);
      }
      // A French page reached by Accept-Language alone keeps French in its links too.
      const negotiated = await get(s.origin, '/', { 'accept-language': 'fr' });
      assert.match(negotiated.body, /href="\/resources\?lang=fr"/);
      assert.doesNotMatch((await get(s.origin, '/')).body, /lang=en/);
    });

    it('answers the 404, refused paths and parser refusals in the reader’s language', async () => {
      const notFound = await get(s.origin, '/no-such-page', { 'accept-language': 'fr' });
      assert.equal(notFound.status, 404);
      assert.match(notFound.body, /Page introuvable/);
      assert.ok(varies(notFound));
      assert.match((await get(s.origin, '/no-such-page?lang=fr')).body, /Page introuvable/);
      assert.match((await get(s.origin, '/no-such-page', { 'accept-language': 'en' })).body, /Page not found/);
      const refused = await get(s.origin, '/posts/%FF?lang=fr');
      assert.equal(refused.status, 400);
      assert.equal(htmlLang(refused.body), 'fr');
      // Node's parser refuses a malformed header line before Fastify runs.
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(new URL(s.origin).port), '127.0.0.1', () =>
          socket.write('GET /?lang=fr HTTP/1.1\r\nHost: x\r\nAccept-Language: fr\r\nBad Header\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (c) => (text += c.toString('utf8')));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      assert.match(raw, /^HTTP\/1\.1 400/);
      assert.match(raw, /<html lang="fr"/);
    });
  });
}
