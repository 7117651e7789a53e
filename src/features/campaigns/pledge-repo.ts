import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { CampaignPledgesTable, Executor, PledgeStatus } from '../../core/db/schema.ts';

/* Pledges on campaign boards: the public board, the private link, moderation and retention. */
export type Pledge = Selectable<CampaignPledgesTable>;
export type PublicPledge = Omit<Pledge, 'token_hash' | 'fingerprint' | 'moderated_by'>;

const PUBLIC_PLEDGE_COLUMNS = [
  'id',
  'campaign_id',
  'action',
  'days',
  'kind',
  'display_name',
  'place',
  'link',
  'status',
  'is_featured',
  'me_too_count',
  'created_at',
  'updated_at',
  'moderated_at',
] as const;

/** Deletes rejected and spam pledges turned down before the cut-off (moderation time, else last change); returns how many. */
export async function purgeTurnedDownBefore(db: Executor, cutoffIso: string): Promise<number> {
  const r = await db
    .deleteFrom('campaign_pledges')
    .where('status', 'in', ['rejected', 'spam'])
    .where((eb) => eb.fn.coalesce('moderated_at', 'updated_at'), '<', cutoffIso)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function insertPledge(db: Executor, row: Insertable<CampaignPledgesTable>): Promise<number> {
  const r = await db.insertInto('campaign_pledges').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export const findPledgeByTokenHash = (db: Executor, tokenHash: string) =>
  db.selectFrom('campaign_pledges').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();

export const findPledge = (db: Executor, campaignId: number, id: number) =>
  db
    .selectFrom('campaign_pledges')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .executeTakeFirst();

export const fingerprintExists = async (db: Executor, campaignId: number, fingerprint: string, exceptId?: number) =>
  !!(await db
    .selectFrom('campaign_pledges')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('fingerprint', '=', fingerprint)
    .where('status', 'in', ['pending', 'approved'])
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
    .executeTakeFirst());

export const updatePledge = (db: Executor, id: number, patch: Updateable<CampaignPledgesTable>) =>
  db.updateTable('campaign_pledges').set(patch).where('id', '=', id).executeTakeFirst();

export const deletePledge = (db: Executor, id: number) =>
  db.deleteFrom('campaign_pledges').where('id', '=', id).executeTakeFirst();

export interface BoardFilter {
  day?: number;
  kind?: string;
}

function boardQuery(db: Executor, campaignId: number, filter: BoardFilter) {
  return db
    .selectFrom('campaign_pledges')
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'approved')
    .$if(filter.day !== undefined, (q) => q.where('days', 'like', `%,${filter.day},%`))
    .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind!));
}

/** Approved pledges, featured first, newest next; one page. */
export const listBoard = (db: Executor, campaignId: number, filter: BoardFilter, limit: number, offset: number) =>
  boardQuery(db, campaignId, filter)
    .select([...PUBLIC_PLEDGE_COLUMNS])
    .orderBy('is_featured', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();

export async function countBoard(db: Executor, campaignId: number, filter: BoardFilter): Promise<number> {
  const r = await boardQuery(db, campaignId, filter)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Counts of approved pledges by kind and the days strings, for the board's counts per day. */
export async function boardCounts(
  db: Executor,
  campaignId: number,
): Promise<{ byKind: Map<string, number>; byDay: Map<number, number>; total: number; meToo: number }> {
  const kinds = await db
    .selectFrom('campaign_pledges')
    .select([
      'kind',
      (eb) => eb.fn.countAll<string | number>().as('n'),
      (eb) => eb.fn.sum<string | number>('me_too_count').as('m'),
    ])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'approved')
    .groupBy('kind')
    .execute();
  const days = await db
    .selectFrom('campaign_pledges')
    .select(['days', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'approved')
    .groupBy('days')
    .execute();
  const byKind = new Map(kinds.map((k) => [k.kind, Number(k.n)]));
  const byDay = new Map<number, number>();
  for (const d of days)
    for (const n of d.days.split(',').filter(Boolean).map(Number)) byDay.set(n, (byDay.get(n) ?? 0) + Number(d.n));
  const total = kinds.reduce((s, k) => s + Number(k.n), 0);
  const meToo = kinds.reduce((s, k) => s + Number(k.m ?? 0), 0);
  return { byKind, byDay, total, meToo };
}

/** One page of a campaign's pledges with a status, oldest first (`pageWindow` gives limit and offset). */
export const listByStatus = (
  db: Executor,
  campaignId: number,
  status: PledgeStatus,
  window: { limit: number; offset: number },
) =>
  db
    .selectFrom('campaign_pledges')
    .select([...PUBLIC_PLEDGE_COLUMNS])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', status)
    .orderBy('created_at')
    .orderBy('id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();

export async function countByStatus(db: Executor, campaignId: number, status: PledgeStatus): Promise<number> {
  const row = await db
    .selectFrom('campaign_pledges')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Approved pledges per campaign, for the campaigns index: campaign id → count. */
export async function approvedCounts(db: Executor): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('campaign_pledges')
    .select(['campaign_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('status', '=', 'approved')
    .groupBy('campaign_id')
    .execute();
  return new Map(rows.map((r) => [r.campaign_id, Number(r.n)]));
}

export async function pendingCounts(db: Executor): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('campaign_pledges')
    .select(['campaign_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('status', '=', 'pending')
    .groupBy('campaign_id')
    .execute();
  return new Map(rows.map((r) => [r.campaign_id, Number(r.n)]));
}

/** Adds each batch of clicks to its pledge in one transaction. */
/**
 * Adds one to an approved pledge's count in one relative statement, so concurrent writers on any
 * instance never lose a click; the new count, or undefined when the pledge is not approved.
 */
export async function incrementMeToo(db: Executor, pledgeId: number): Promise<number | undefined> {
  const row = await db
    .updateTable('campaign_pledges')
    .set({ me_too_count: sql`me_too_count + 1` })
    .where('id', '=', pledgeId)
    .where('status', '=', 'approved')
    .returning('me_too_count')
    .executeTakeFirst();
  return row ? Number(row.me_too_count) : undefined;
}

export const recentApproved = (db: Executor, campaignId: number, limit: number) =>
  db
    .selectFrom('campaign_pledges')
    .select([...PUBLIC_PLEDGE_COLUMNS])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'approved')
    .orderBy('moderated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

/** When each pledge sent since `sinceIso` arrived, on every board (the dashboard's trend); at most `limit`. */
export async function arrivalsSince(db: Executor, sinceIso: string, limit = 20_000): Promise<string[]> {
  const rows = await db
    .selectFrom('campaign_pledges')
    .select('created_at')
    .where('created_at', '>=', sinceIso)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.created_at);
}
