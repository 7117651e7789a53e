import type { Kysely } from 'kysely';

/**
 * Quizzes show the right answers only after a pass or after a number of tries set per lesson
 * (`reveal_after`, default 3), so a failed attempt no longer hands out the answer key. The count of
 * tries is kept beside the learner's progress, under their code like everything else: no dates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds one column per ALTER TABLE.
  await db.schema
    .alterTable('training_lessons')
    .addColumn('reveal_after', 'integer', (c) => c.notNull().defaultTo(3))
    .execute();
  await db.schema
    .alterTable('training_lesson_progress')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
