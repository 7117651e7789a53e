import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import type { PageCache } from '../../core/cache/page-cache.ts';
import * as repo from './repo.ts';

/*
 * "Me too" clicks are added up in memory and written in one transaction at most once a second
 * (per app instance), followed by one invalidation of the campaign pages they touched. A busy
 * board therefore costs one write and one re-render a second instead of one per click. The
 * price: clicks of the last second are lost if the process dies before the flush (closing the
 * app flushes them). Increments are relative (count + n), so several instances sharing
 * PostgreSQL never overwrite each other.
 */
export class MeTooBatcher {
  private readonly pending = new Map<number, { campaignId: number; n: number }>();
  private lastFlush = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: {
      db: Db;
      clock: Clock;
      pageCache: PageCache;
      intervalMs: number;
      onError: (err: Error) => void;
    },
  ) {}

  /** Records one click; returns how many clicks for this pledge wait to be written. */
  async add(campaignId: number, pledgeId: number): Promise<number> {
    const entry = this.pending.get(pledgeId) ?? { campaignId, n: 0 };
    entry.n++;
    this.pending.set(pledgeId, entry);
    const waiting = entry.n;
    const now = this.opts.clock.now().getTime();
    const since = now - this.lastFlush;
    if (since >= this.opts.intervalMs) await this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(this.opts.onError), this.opts.intervalMs - since);
      this.timer.unref();
    }
    return waiting;
  }

  pendingFor(pledgeId: number): number {
    return this.pending.get(pledgeId)?.n ?? 0;
  }

  /** Writes every waiting click and refreshes the pages that show them. */
  async flush(opts: { invalidate?: boolean } = {}): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = this.opts.clock.now().getTime();
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    await this.opts.db.transaction().execute(async (tx) => {
      for (const [pledgeId, { n }] of batch) await repo.incrementMeToo(tx, pledgeId, n);
    });
    if (opts.invalidate === false) return;
    const campaigns = new Set(batch.map(([, v]) => v.campaignId));
    await this.opts.pageCache.invalidate(...[...campaigns].map((id) => `campaign:${id}`));
  }
}
