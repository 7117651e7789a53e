import type { PageCache } from '../../core/cache/page-cache.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import { createRateLimiter } from '../../core/limits.ts';
import { notFound, ok, type Result } from '../../core/result.ts';
import { msg } from './messages.ts';
import * as pledgeRepo from './pledge-repo.ts';
import * as repo from './repo.ts';

/** "Me too" re-renders of a busy campaign page happen at most this often. */
export const ME_TOO_REFRESH_MS = 1000;
/** One click per device (client key) per pledge in this window, remembered in memory only. */
const ME_TOO_WINDOW_MS = 24 * 60 * 60_000;

/*
 * "Me too" clicks are added up in memory and written in one transaction at most once a second
 * (per app instance), followed by one invalidation of the campaign pages they touched. A busy
 * board therefore costs one write and one re-render a second instead of one per click. The
 * price: clicks of the last second are lost if the process dies before the flush (closing the
 * app flushes them). Increments are relative (count + n), so several instances sharing
 * PostgreSQL never overwrite each other. The flush timer is a one-shot timeout armed by a click
 * within the second after a flush — not a periodic job (core/jobs.ts): an idle board has no timer.
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
    await pledgeRepo.incrementMeToos(
      this.opts.db,
      batch.map(([pledgeId, { n }]) => [pledgeId, n]),
    );
    if (opts.invalidate === false) return;
    const campaigns = new Set(batch.map(([, v]) => v.campaignId));
    await this.opts.pageCache.invalidate(...[...campaigns].map((id) => cacheTags.campaign(id)));
  }
}

export interface MeTooClick {
  counted: boolean;
  /** The pledge's count, including clicks still waiting to be written. */
  count: number;
}

export interface MeTooCounter {
  /**
   * One click from a device (its client key) on an approved pledge. Who clicked is never stored:
   * the once-a-day check is in memory and the click is queued for the next batched write.
   */
  click(slug: string, pledgeId: number, clientKey: string): Promise<Result<MeTooClick>>;
  /** Writes the waiting clicks without refreshing pages (the app calls this when it closes). */
  flush(): Promise<void>;
}

export function createMeTooCounter(deps: {
  db: Db;
  clock: Clock;
  pageCache: PageCache;
  onError: (err: Error) => void;
}): MeTooCounter {
  const { db, clock } = deps;
  const once = createRateLimiter({ clock, max: 1, windowMs: ME_TOO_WINDOW_MS });
  const batcher = new MeTooBatcher({ ...deps, intervalMs: ME_TOO_REFRESH_MS });
  return {
    async click(slug, pledgeId, clientKey) {
      const campaign = await repo.findCampaignBySlug(db, slug);
      const pledge = campaign && (await pledgeRepo.findPledge(db, campaign.id, pledgeId));
      if (!campaign || !pledge || pledge.status !== 'approved') return notFound(msg('pledgeNotFound'));
      if (!once.hit(`${clientKey}:${pledge.id}`))
        return ok({ counted: false, count: pledge.me_too_count + batcher.pendingFor(pledge.id) });
      const queued = await batcher.add(campaign.id, pledge.id);
      // After a flush the row already holds this click; before one, it is still queued.
      const fresh = await pledgeRepo.findPledge(db, campaign.id, pledge.id);
      const count = (fresh?.me_too_count ?? pledge.me_too_count) + Math.min(queued, batcher.pendingFor(pledge.id));
      return ok({ counted: true, count });
    },
    flush: () => batcher.flush({ invalidate: false }),
  };
}
