import type { Insertable, Selectable, Updateable } from 'kysely';
import type { CampaignEventsTable, CampaignsTable, Executor } from '../../core/db/schema.ts';

/* Campaigns, their day themes and their events (pledges: pledge-repo.ts). */
export type Campaign = Selectable<CampaignsTable>;
export type CampaignEvent = Selectable<CampaignEventsTable>;

// ── campaigns ──
export const listCampaigns = (db: Executor) =>
  db.selectFrom('campaigns').selectAll().orderBy('starts_on', 'desc').execute();

export const findCampaignBySlug = (db: Executor, slug: string) =>
  db.selectFrom('campaigns').selectAll().where('slug', '=', slug).executeTakeFirst();

export const findCampaignById = (db: Executor, id: number) =>
  db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();

export const slugTaken = async (db: Executor, slug: string, exceptId?: number) =>
  !!(await db
    .selectFrom('campaigns')
    .select('id')
    .where('slug', '=', slug)
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
    .executeTakeFirst());

/** Campaigns whose dates overlap `from`…`to` (YYYY-MM-DD, both included), earliest first. */
export const campaignsOverlapping = (db: Executor, from: string, to: string) =>
  db
    .selectFrom('campaigns')
    .selectAll()
    .where('starts_on', '<=', to)
    .where('ends_on', '>=', from)
    .orderBy('starts_on')
    .execute();

export async function insertCampaign(db: Executor, row: Insertable<CampaignsTable>): Promise<number> {
  const r = await db.insertInto('campaigns').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export const updateCampaign = (db: Executor, id: number, patch: Updateable<CampaignsTable>) =>
  db.updateTable('campaigns').set(patch).where('id', '=', id).execute();

export const listDays = (db: Executor, campaignId: number) =>
  db
    .selectFrom('campaign_days')
    .select(['day_number', 'theme'])
    .where('campaign_id', '=', campaignId)
    .orderBy('day_number')
    .execute();

/** Replaces every day theme of a campaign. */
export async function replaceDays(db: Executor, campaignId: number, themes: string[]): Promise<void> {
  await db.deleteFrom('campaign_days').where('campaign_id', '=', campaignId).execute();
  if (themes.length === 0) return;
  await db
    .insertInto('campaign_days')
    .values(themes.map((theme, i) => ({ campaign_id: campaignId, day_number: i + 1, theme })))
    .execute();
}

// ── events ──
export const listEvents = (db: Executor, campaignId: number) =>
  db
    .selectFrom('campaign_events')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();

export async function insertEvent(db: Executor, row: Insertable<CampaignEventsTable>): Promise<number> {
  const r = await db.insertInto('campaign_events').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export const findEvent = (db: Executor, campaignId: number, id: number) =>
  db
    .selectFrom('campaign_events')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .executeTakeFirst();

export const updateEvent = (db: Executor, campaignId: number, id: number, row: Updateable<CampaignEventsTable>) =>
  db
    .updateTable('campaign_events')
    .set(row)
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .executeTakeFirst();

export const deleteEvent = (db: Executor, campaignId: number, id: number) =>
  db.deleteFrom('campaign_events').where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
