import type { PageCache } from './page-cache.ts';
import type { CacheTag } from './tags.ts';

/*
 * A value read from the database and kept in memory until the page cache drops its tag: the same
 * writes that make a cached page stale (pageCache.invalidate, here or — through the shared log — on
 * another instance or worker) make the value stale. Before each use the page cache's shared log is
 * applied (one small read, shared by every request waiting at that moment, and none at all for a
 * lone process on SQLite), so a change committed anywhere is seen by the next use, exactly as a
 * cached page is. A maximum age bounds what writes outside the app (a command-line import) leave
 * stale, as the page cache's TTL does.
 */
export class TaggedMemo<T> {
  private value: Promise<T> | undefined;
  private loadedAt = 0;

  constructor(
    private readonly opts: {
      pageCache: PageCache;
      tag: CacheTag;
      load: () => Promise<T>;
      maxAgeMs: number;
      now: () => number;
    },
  ) {
    opts.pageCache.onDrop((tags) => {
      if (tags.includes('*') || tags.includes(opts.tag)) this.value = undefined;
    });
  }

  async get(): Promise<T> {
    await this.opts.pageCache.sync();
    if (this.value && this.opts.now() - this.loadedAt < this.opts.maxAgeMs) return this.value;
    // A drop while this load runs clears `value`: the next use loads again rather than keeping
    // what may have been read before the change.
    const loading = this.opts.load();
    this.value = loading;
    this.loadedAt = this.opts.now();
    loading.catch(() => {
      if (this.value === loading) this.value = undefined;
    });
    return loading;
  }
}
