import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * Campaign events that repeat (a weekly vigil, a daily stall): how often, and how many times in
 * all. Calendars export them as one recurring event (RRULE) in the campaign's time zone.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('campaign_events')
    .addColumn('repeat', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('campaign_events')
    .addColumn('repeat_count', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}
