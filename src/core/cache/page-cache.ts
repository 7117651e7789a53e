import type { CacheTag } from './tags.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../db/schema.ts';
import * as repo from './repo.ts';
import { localeCacheKey } from '../i18n/negotiate.ts';
import { compress, MIN_COMPRESS_BYTES, negotiateEncoding, type Encoding } from '../http/compression.ts';

/*
 * Anonymous pages are the same for every visitor, so they are rendered once and served from
 * memory until something they show changes. Entries carry tags ("posts", "post:12",
 * "campaign:3"); a write invalidates the tags it touched.
 *
 * With PostgreSQL, several app instances share one database. Every invalidation is also
 * appended to the `cache_invalidations` log, and before an instance serves a cached page it
 * reads the log entries it has not applied yet. That read is shared by all requests waiting at
 * the same moment, and always starts after the request arrived, so a change committed through
 * one instance shows on every other instance's next request. (LISTEN/NOTIFY was not enough:
 * delivery waits on a database backend being scheduled, and under load it arrived after the
 * next request.)
 */
export interface CachedPage {
  body: string | Buffer;
  headers: Record<string, string>;
  status: number;
  tags: CacheTag[];
  expiresAt: number;
  /** Every response header but the length, for hits answered before Fastify runs (see serveRaw). */
  raw?: { headers: string[]; skipIfCookies: string[] };
  /** The body may be sent Brotli- or gzip-compressed (a text type, large enough; see compression.ts). */
  compressible?: boolean;
  /** Compressed bodies, made once per encoding on first demand and kept with the page. */
  variants?: Partial<Record<Encoding, Buffer | Promise<Buffer>>>;
}

export interface PageCacheOptions {
  maxEntries?: number;
  /** Bodies kept in all, in bytes (16 MB by default): the cache never grows the process without bound. */
  maxBytes?: number;
  defaultTtlMs?: number;
  now?: () => number;
  /** The shared database, when other instances may invalidate too (PostgreSQL). */
  shared?: Db;
  /** Told the tags another instance invalidated (state it keeps beside the pages, such as the site's identity). */
  onSharedDrop?: (tags: string[]) => void;
}

export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  private bytes = 0;
  /** Bumped by every local drop: a page rendered across a drop may be stale and is not stored. */
  private generation = 0;
  private lastSeq = 0;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly dropListeners: ((tags: string[]) => void)[] = [];

  constructor(private readonly opts: PageCacheOptions = {}) {}

  /** Reads where the shared log stands, and forgets entries older than a day. */
  async start(): Promise<void> {
    const db = this.opts.shared;
    if (!db) return;
    await repo.pruneInvalidations(db, new Date(this.now() - 24 * 3600_000).toISOString());
    this.lastSeq = await repo.latestInvalidationSeq(db);
  }

  async stop(): Promise<void> {
    await this.running;
  }

  /** The generation to hand back to set(): taken when a render starts. */
  get currentGeneration(): number {
    return this.generation;
  }

  /**
   * Resolves once every invalidation committed before this call has been applied here. A read
   * already under way may have started before the caller arrived, so callers then share the
   * next one.
   */
  sync(): Promise<void> {
    if (!this.opts.shared) return Promise.resolve();
    if (!this.running) {
      this.running = this.applySharedLog().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.sync();
    });
    return this.queued;
  }

  /** Requests answered from the cache, and cacheable requests that were not (for /metrics). */
  readonly stats = { hits: 0, misses: 0 };

  /** A cached page for a request, counted as a hit or a miss. */
  lookup(key: string): CachedPage | undefined {
    const entry = this.get(key);
    if (entry) this.stats.hits++;
    else this.stats.misses++;
    return entry;
  }

  get(key: string): CachedPage | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entrySize(entry);
  }

  /**
   * The encoding a request gets for a cached page (null: the body as it is), and that body. The
   * first request for an encoding gets a quick compression (a few milliseconds); the smallest one
   * (Brotli 11, gzip 9: a third of a second of CPU for a large page) is made after it, off the
   * request, and kept with the entry for every request after. Requests meanwhile share the quick one.
   */
  encodingFor(entry: CachedPage, acceptEncoding: string | string[] | undefined): Encoding | null {
    if (!entry.compressible || byteSize(entry.body) < MIN_COMPRESS_BYTES) return null;
    return negotiateEncoding(acceptEncoding);
  }

  encodedBody(key: string, entry: CachedPage, encoding: Encoding | null): Buffer | Promise<Buffer> {
    const plain = typeof entry.body === 'string' ? Buffer.from(entry.body) : entry.body;
    if (!encoding) return plain;
    const variants = (entry.variants ??= {});
    const known = variants[encoding];
    if (known) return known;
    const quick = compress(plain, encoding, 'fast');
    variants[encoding] = quick;
    quick
      .then(() => compress(plain, encoding, 'max'))
      .then((best) => {
        variants[encoding] = best;
        // Counted only while the entry is still the one cached under its key.
        if (this.entries.get(key) === entry) this.bytes += best.length;
      })
      .catch(() => delete variants[encoding]);
    return quick;
  }

  /**
   * Stores a page unless something was invalidated since its render began (`generation`), and
   * returns the stored entry (undefined when not stored).
   */
  set(
    key: string,
    page: Omit<CachedPage, 'expiresAt'>,
    ttlMs: number | undefined,
    generation: number,
  ): CachedPage | undefined {
    if (generation !== this.generation) return undefined;
    const maxEntries = this.opts.maxEntries ?? 2000;
    const maxBytes = this.opts.maxBytes ?? 16 * 1024 * 1024;
    const size = entrySize(page);
    if (size > maxBytes / 4) return undefined;
    this.delete(key);
    // Maps keep insertion order: the oldest entries go first.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < maxEntries && this.bytes + size <= maxBytes) break;
      this.delete(oldest);
    }
    const entry = { ...page, expiresAt: this.now() + (ttlMs ?? this.opts.defaultTtlMs ?? 5 * 60_000) };
    this.entries.set(key, entry);
    this.bytes += size;
    return entry;
  }

  /** Bytes of page bodies held now. */
  get byteSize(): number {
    return this.bytes;
  }

  /**
   * Answers a hit straight from the Node server (headers as a flat [name, value, …] list, which
   * Node writes without building a header object), before routing and hooks: the cached response
   * already carries every header the full path produced (security headers included). Requests
   * with a cookie that makes the page personal (staff session, progress code) go the full way.
   * Returns false when the request must go to Fastify.
   */
  serveRaw(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (!req.url) return false;
    // Keyed as the full path keys it (plugin.tsx): the URL and the language the reader gets.
    const key = localeCacheKey(req.url, req.headers['accept-language']);
    if (!this.entries.has(key)) return false;
    if (!this.opts.shared) return this.writeHit(req, res, key);
    return this.sync().then(
      () => this.writeHit(req, res, key),
      () => false,
    );
  }

  /** Drops every entry with one of the tags ("*" drops all), here and on every other instance. */
  async invalidate(...tags: CacheTag[]): Promise<void> {
    this.dropLocal(tags);
    if (this.opts.shared)
      await repo.appendInvalidation(this.opts.shared, tags.join(','), new Date(this.now()).toISOString());
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Tells `listener` the tags of every drop, local or from another instance's log, as it is applied:
   * state derived from the database and kept beside the pages (tagged-memo.ts) goes with them.
   */
  onDrop(listener: (tags: string[]) => void): void {
    this.dropListeners.push(listener);
  }

  private writeHit(req: IncomingMessage, res: ServerResponse, key: string): boolean | Promise<boolean> {
    const entry = this.get(key);
    if (!entry?.raw) return false;
    const raw = entry.raw;
    const cookie = req.headers.cookie;
    if (cookie && raw.skipIfCookies.some((name) => cookie.includes(`${name}=`))) return false;
    this.stats.hits++;
    const encoding = this.encodingFor(entry, req.headers['accept-encoding']);
    const write = (body: Buffer) => {
      const headers = [...raw.headers, 'content-length', String(body.length)];
      if (encoding) headers.push('content-encoding', encoding);
      res.writeHead(entry.status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    };
    const body = this.encodedBody(key, entry, encoding);
    return Buffer.isBuffer(body) ? write(body) : body.then(write, () => false);
  }

  private async applySharedLog(): Promise<void> {
    try {
      const rows = await repo.invalidationsAfter(this.opts.shared!, this.lastSeq);
      for (const row of rows) {
        this.dropLocal(row.tags.split(','));
        this.opts.onSharedDrop?.(row.tags.split(','));
        this.lastSeq = Math.max(this.lastSeq, Number(row.seq));
      }
    } catch (err) {
      // Without the log nothing cached can be trusted.
      this.dropLocal(['*']);
      this.opts.onSharedDrop?.(['*']);
      throw err;
    }
  }

  private dropLocal(tags: string[]): void {
    this.generation++;
    for (const listener of this.dropListeners) listener(tags);
    if (tags.includes('*')) {
      this.entries.clear();
      this.bytes = 0;
      return;
    }
    for (const [key, entry] of this.entries) if (entry.tags.some((t) => tags.includes(t))) this.delete(key);
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }
}

const byteSize = (body: string | Buffer) => (typeof body === 'string' ? Buffer.byteLength(body) : body.length);

/** The page and the compressed bodies made so far. */
function entrySize(entry: Pick<CachedPage, 'body' | 'variants'>): number {
  let size = byteSize(entry.body);
  for (const variant of Object.values(entry.variants ?? {})) if (Buffer.isBuffer(variant)) size += variant.length;
  return size;
}
