import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';

/*
 * Anonymous pages are the same for every visitor, so they are rendered once and served from
 * memory until something they show changes. Entries carry tags ("posts", "post:12",
 * "campaign:3"); a write invalidates the tags it touched. With PostgreSQL, several app
 * instances share one database: each invalidation is also sent with NOTIFY inside the
 * database, and every instance LISTENs and drops the same tags, so a change made through one
 * instance shows on the others on their next request.
 */
export interface CachedPage {
  body: string | Buffer;
  headers: Record<string, string>;
  status: number;
  tags: string[];
  expiresAt: number;
  /** Every response header, for hits answered before Fastify runs (see serveRaw). */
  raw?: { headers: string[]; skipIfCookies: string[] };
}

const CHANNEL = 'alongside_cache';

export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  private listener?: pg.PoolClient;
  /** While a PostgreSQL listener is down, caching is off: a stale page is worse than a slow one. */
  private enabled = true;

  constructor(
    private readonly opts: { maxEntries?: number; defaultTtlMs?: number; now?: () => number; pool?: pg.Pool } = {},
  ) {}

  /** Starts listening for other instances' invalidations (PostgreSQL only). */
  async start(): Promise<void> {
    const pool = this.opts.pool;
    if (!pool) return;
    this.enabled = false;
    const client = await pool.connect();
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL) this.dropLocal(msg.payload ? msg.payload.split(',') : ['*']);
    });
    client.on('error', () => {
      this.enabled = false;
      this.entries.clear();
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
    this.enabled = true;
  }

  async stop(): Promise<void> {
    if (this.listener) {
      this.listener.release(true);
      this.listener = undefined;
    }
  }

  get(key: string): CachedPage | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, page: Omit<CachedPage, 'expiresAt'>, ttlMs?: number): void {
    if (!this.enabled) return;
    const max = this.opts.maxEntries ?? 2000;
    if (this.entries.size >= max) {
      // Maps keep insertion order: drop the oldest tenth.
      let n = Math.ceil(max / 10);
      for (const k of this.entries.keys()) {
        this.entries.delete(k);
        if (--n <= 0) break;
      }
    }
    this.entries.set(key, { ...page, expiresAt: this.now() + (ttlMs ?? this.opts.defaultTtlMs ?? 5 * 60_000) });
  }

  /**
   * Answers a hit straight from the Node server (headers as a flat [name, value, …] list, which
   * Node writes without building a header object), before routing and hooks: the cached response
   * already carries every header the full path produced (security headers included). Requests
   * with a cookie that makes the page personal (staff session, progress code) go the full way.
   */
  serveRaw(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const entry = req.url ? this.get(req.url) : undefined;
    if (!entry?.raw) return false;
    const cookie = req.headers.cookie;
    if (cookie && entry.raw.skipIfCookies.some((name) => cookie.includes(`${name}=`))) return false;
    res.writeHead(entry.status, entry.raw.headers);
    res.end(req.method === 'HEAD' ? undefined : entry.body);
    return true;
  }

  /** Drops every entry with one of the tags ("*" drops all), here and on every other instance. */
  async invalidate(...tags: string[]): Promise<void> {
    this.dropLocal(tags);
    if (this.opts.pool) await this.opts.pool.query('select pg_notify($1, $2)', [CHANNEL, tags.join(',')]);
  }

  get size(): number {
    return this.entries.size;
  }

  private dropLocal(tags: string[]): void {
    if (tags.includes('*')) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) if (entry.tags.some((t) => tags.includes(t))) this.entries.delete(key);
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }
}
