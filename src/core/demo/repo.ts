import { sql } from 'kysely';
import type { Executor } from '../db/schema.ts';

/*
 * The `demo_content` table: which rows the demo seeder wrote. Demo content is recognised by this
 * mark and nothing else (never by a "(demo)" in a name: a real organisation may be called anything).
 */

/** What can be marked, and the table each one lives in (every one has an `id` column). */
export const DEMO_TABLES = {
  user: 'users',
  post: 'posts',
  tag: 'tags',
  comment: 'comments',
  organization: 'organization',
  service: 'service',
  course: 'training_courses',
  campaign: 'campaigns',
} as const;

export type DemoEntity = keyof typeof DEMO_TABLES;
export const DEMO_ENTITIES = Object.keys(DEMO_TABLES) as DemoEntity[];

/** Every id in an entity's table, as text: the seeder compares these before and after it runs. */
export async function idsOf(db: Executor, entity: DemoEntity): Promise<Set<string>> {
  const rows = await sql<{ id: string | number }>`select id from ${sql.table(DEMO_TABLES[entity])}`.execute(db);
  return new Set(rows.rows.map((r) => String(r.id)));
}

export async function markDemo(db: Executor, entity: DemoEntity, ids: Iterable<string>, now: string): Promise<void> {
  const values = [...ids].map((entity_id) => ({ entity, entity_id, created_at: now }));
  for (let i = 0; i < values.length; i += 200)
    await db
      .insertInto('demo_content')
      .values(values.slice(i, i + 200))
      .execute();
}

export async function demoIds(db: Executor, entity: DemoEntity): Promise<string[]> {
  const rows = await db
    .selectFrom('demo_content')
    .select('entity_id')
    .where('entity', '=', entity)
    .orderBy('entity_id')
    .execute();
  return rows.map((r) => r.entity_id);
}

/** How many demo rows of each entity are marked (entities without any are left out). */
export async function demoCounts(db: Executor): Promise<Partial<Record<DemoEntity, number>>> {
  const rows = await db
    .selectFrom('demo_content')
    .select(['entity', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy('entity')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.entity, Number(r.n)]));
}

export async function hasDemoContent(db: Executor): Promise<boolean> {
  return !!(await db.selectFrom('demo_content').select('entity').limit(1).executeTakeFirst());
}

export async function forgetDemoMarks(db: Executor): Promise<void> {
  await db.deleteFrom('demo_content').execute();
}
