import { cacheTags, type CacheTag } from './tags.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestDatabase } from '../../../test/support/app.ts';
import zlib from 'node:zlib';
import { compress } from '../http/compression.ts';
import { PageCache } from './page-cache.ts';

const page = (body: string, tags: CacheTag[]) => ({ body, headers: {}, status: 200, tags });

describe('page cache', () => {
  it('drops entries by tag, and "*" drops everything', async () => {
    const cache = new PageCache();
    cache.set('/a', page('a', [cacheTags.posts, cacheTags.post(1)]), undefined, cache.currentGeneration);
    cache.set('/b', page('b', [cacheTags.campaigns]), undefined, cache.currentGeneration);
    await cache.invalidate(cacheTags.post(1));
    assert.equal(cache.get('/a'), undefined);
    assert.equal(cache.get('/b')?.body, 'b');
    await cache.invalidate(cacheTags.all);
    assert.equal(cache.size, 0);
  });

  it('does not store a page whose render began before an invalidation', async () => {
    const cache = new PageCache();
    const renderStarted = cache.currentGeneration;
    await cache.invalidate(cacheTags.posts); // a write lands while the page is being rendered
    cache.set('/a', page('stale', [cacheTags.posts]), undefined, renderStarted);
    assert.equal(cache.get('/a'), undefined);
  });

  it('keeps its bodies within a byte budget, dropping the oldest pages first', () => {
    const cache = new PageCache({ maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) cache.set(`/p${i}`, page('x'.repeat(2_000), []), undefined, cache.currentGeneration);
    assert.ok(cache.byteSize <= 10_000, `${cache.byteSize} bytes held`);
    assert.equal(cache.size, 5);
    assert.equal(cache.get('/p0'), undefined, 'the oldest went first');
    assert.ok(cache.get('/p9'));
    cache.set('/p9', page('y'.repeat(1_000), []), undefined, cache.currentGeneration);
    assert.equal(cache.byteSize, 4 * 2_000 + 1_000, 'replacing a page counts only the new body');
    cache.set('/huge', page('z'.repeat(3_000), []), undefined, cache.currentGeneration);
    assert.equal(cache.get('/huge'), undefined, 'a page over a quarter of the budget is not kept');
    void cache.invalidate(cacheTags.all);
    assert.equal(cache.byteSize, 0);
  });

  it('answers the first compressed request quickly, then keeps the smallest body for the next ones', async () => {
    const cache = new PageCache();
    // Varied text, so that Brotli 11 and the quick level differ in size.
    const words = Array.from({ length: 6000 }, (_, i) => `word${(i * 7919) % 1013} `).join('');
    const entry = cache.set('/big', { ...page(words, []), compressible: true }, undefined, cache.currentGeneration)!;
    assert.equal(cache.encodingFor(entry, 'br'), 'br');
    const first = await cache.encodedBody('/big', entry, 'br');
    const quick = await compress(Buffer.from(words), 'br', 'fast');
    assert.ok(first.equals(quick), 'the first request waits only for the quick compression');
    const best = await compress(Buffer.from(words), 'br', 'max');
    assert.ok(best.length < quick.length, `${best.length} < ${quick.length}`);
    let later = await cache.encodedBody('/big', entry, 'br');
    for (let i = 0; i < 100 && !later.equals(best); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      later = await cache.encodedBody('/big', entry, 'br');
    }
    assert.ok(later.equals(best), 'later requests get the smallest body');
    assert.equal(zlib.brotliDecompressSync(later).toString(), words);
  });

  it('expires entries on the clock it was given', () => {
    let now = 1_000;
    const cache = new PageCache({ now: () => now });
    cache.set('/a', page('a', []), 500, cache.currentGeneration);
    now += 499;
    assert.ok(cache.get('/a'));
    now += 1;
    assert.equal(cache.get('/a'), undefined);
  });

  it('applies another instance’s invalidations from the shared log before serving (PostgreSQL)', async () => {
    const database = await createTestDatabase('postgres');
    try {
      const a = new PageCache({ shared: database.db });
      const b = new PageCache({ shared: database.db });
      await Promise.all([a.start(), b.start()]);
      b.set('/posts/x', page('old', [cacheTags.post(7)]), undefined, b.currentGeneration);
      b.set('/tags/y', page('tag', [cacheTags.posts]), undefined, b.currentGeneration);
      await a.invalidate(cacheTags.post(7));
      assert.ok(b.get('/posts/x'), 'nothing is dropped before b reads the log');
      await b.sync();
      assert.equal(b.get('/posts/x'), undefined);
      assert.equal(b.get('/tags/y')?.body, 'tag');
      // Callers arriving while a read is under way share the next read, which sees later writes too.
      const first = b.sync();
      b.set('/posts/z', page('z', [cacheTags.post(8)]), undefined, b.currentGeneration);
      await a.invalidate(cacheTags.post(8));
      await Promise.all([first, b.sync()]);
      assert.equal(b.get('/posts/z'), undefined);
    } finally {
      await database.destroy();
    }
  });
});
