import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { seedDirectory } from './seed.ts';

/*
 * A directory search that shows what the reader typed (keywords, a place) is like /search: the
 * answer says `no-store` and the shared page cache neither keeps nor serves it, so the words never
 * outlive the request on the server, in the browser's cache or in a proxy's. Browsing by the
 * directory's own filters shows nothing of the reader's and stays cached.
 */
for (const dialect of DIALECTS) {
  describe(`directory searches and the caches (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
    });
    after(() => t.close());

    it('a keyword or place search is no-store and never enters the page cache', async () => {
      for (const query of [
        'q=drop-in',
        'q=drop-in&category=sex-work-support',
        'lang=fr&q=drop-in',
        'place=Leeds',
        'placeId=2644688',
        'q=nothing-matches-this-zz',
      ]) {
        const url = `/resources?${query}`;
        const first = await t.inject(url);
        assert.equal(first.headers['cache-control'], 'no-store', url);
        const second = await t.inject(url);
        assert.equal(second.headers['cache-control'], 'no-store', `${url}, again`);
        assert.equal(second.headers['x-cache'], undefined, `${url} was not served from the page cache`);
      }
    });

    it('browsing by the directory’s filters alone stays cached', async () => {
      for (const url of ['/resources', '/resources?category=sex-work-support', '/resources?q=']) {
        await t.inject(url);
        const again = await t.inject(url);
        assert.equal(again.headers['x-cache'], 'hit', url);
        assert.notEqual(again.headers['cache-control'], 'no-store', url);
      }
    });
  });
}
