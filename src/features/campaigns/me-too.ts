import type { PageCache } from '../../core/cache/page-cache.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import type { GuardStore } from '../../core/guards/store.ts';
import { createRateLimiter } from '../../core/limits.ts';
import { notFound, ok, type Result } from '../../core/result.ts';
import { msg } from './messages.ts';
import * as pledgeRepo from './pledge-repo.ts';
import * as repo from './repo.ts';

/** "Me too" re-renders of a busy campaign page happen at most this often. */
export const ME_TOO_REFRESH_MS = 1000;
/** One click per device (client key) per pledge in this window, counted in the shared guard store. */
const ME_TOO_WINDOW_MS = 24 * 60 * 60_000;

/*
 * Every counted "me too" click is written at once, as a relative increment (count + 1), so the
 * count is exact whatever the number of workers and instances, and nothing is lost when a process
 * stops or dies. What is batched is the refresh: the campaign pages a click changed are invalidated
 * at most once a second (per process), so a busy board costs one re-render a second instead of one
 * per click. The refresh timer is a one-shot timeout armed by a click within the second after a
 * refresh — not a periodic job (core/jobs.ts): an idle board has no timer. Closing the app runs a
 * waiting refresh.
 */
export class RefreshBatcher {
  private readonly pending = new Set<number>();
  private lastRefresh = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: { clock: Clock; pageCache: PageCache; intervalMs: number; onError: (err: Error) => void },
  ) {}

  /** Marks a campaign's pages as changed: refreshed now, or within the interval. */
  async changed(campaignId: number): Promise<void> {
    this.pending.add(campaignId);
    const since = this.opts.clock.now().getTime() - this.lastRefresh;
    if (since >= this.opts.intervalMs) await this.refresh();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.refresh().catch(this.opts.onError), this.opts.intervalMs - since);
      this.timer.unref();
    }
  }

  /** Invalidates the pages of every campaign changed since the last refresh. */
  async refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRefresh = this.opts.clock.now().getTime();
    if (this.pending.size === 0) return;
    const campaigns = [...this.pending];
    this.pending.clear();
    await this.opts.pageCache.invalidate(...campaigns.map((id) => cacheTags.campaign(id)));
  }
}

export interface MeTooClick {
  counted: boolean;
  /** The pledge's count as written, this click included. */
  count: number;
}

export interface MeTooCounter {
  /**
   * One click from a device (its client key) on an approved pledge. Who clicked is never stored:
   * the once-a-day check holds only the daily-rotating client key, in the shared guard store.
   */
  click(slug: string, pledgeId: number, clientKey: string): Promise<Result<MeTooClick>>;
  /** Runs a waiting page refresh (the app calls this when it closes). */
  flush(): Promise<void>;
}

export function createMeTooCounter(deps: {
  db: Db;
  clock: Clock;
  pageCache: PageCache;
  guards: GuardStore;
  onError: (err: Error) => void;
}): MeTooCounter {
  const { db } = deps;
  const once = createRateLimiter({ store: deps.guards, name: 'me-too', max: 1, windowMs: ME_TOO_WINDOW_MS });
  const refresher = new RefreshBatcher({ ...deps, intervalMs: ME_TOO_REFRESH_MS });
  return {
    async click(slug, pledgeId, clientKey) {
      const campaign = await repo.findCampaignBySlug(db, slug);
      const pledge = campaign && (await pledgeRepo.findPledge(db, campaign.id, pledgeId));
      if (!campaign || !pledge || pledge.status !== 'approved') return notFound(msg('pledgeNotFound'));
      if (!(await once.hit(`${clientKey}:${pledge.id}`))) return ok({ counted: false, count: pledge.me_too_count });
      const count = await pledgeRepo.incrementMeToo(db, pledge.id);
      // Unapproved between the read and the write: nothing was counted.
      if (count === undefined) return notFound(msg('pledgeNotFound'));
      await refresher.changed(campaign.id);
      return ok({ counted: true, count });
    },
    flush: () => refresher.refresh(),
  };
}
