import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';
import { withId } from '../columns.ts';

/** Training: the trainers' working copy, published snapshots, progress codes and certificates. */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('training_courses'), dialect)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('audience', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('published_version_id', 'integer')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('training_modules'), dialect)
    .addColumn('course_id', 'integer', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('training_modules_course')
    .on('training_modules')
    .columns(['course_id', 'position'])
    .execute();

  await withId(db.schema.createTable('training_lessons'), dialect)
    .addColumn('module_id', 'integer', (c) => c.notNull().references('training_modules.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('is_required', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('pass_mark', 'integer', (c) => c.notNull().defaultTo(70))
    .execute();
  await db.schema
    .createIndex('training_lessons_module')
    .on('training_lessons')
    .columns(['module_id', 'position'])
    .execute();

  await withId(db.schema.createTable('training_questions'), dialect)
    .addColumn('lesson_id', 'integer', (c) => c.notNull().references('training_lessons.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('options_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .createIndex('training_questions_lesson')
    .on('training_questions')
    .columns(['lesson_id', 'position'])
    .execute();

  await withId(db.schema.createTable('training_course_versions'), dialect)
    .addColumn('course_id', 'integer', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content_json', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addUniqueConstraint('training_course_versions_unique', ['course_id', 'version'])
    .execute();

  await withId(db.schema.createTable('training_learners'), dialect)
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('passphrase_hash', 'text')
    .addColumn('expires_on', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('training_enrolments'), dialect)
    .addColumn('learner_id', 'integer', (c) => c.notNull().references('training_learners.id').onDelete('cascade'))
    .addColumn('course_id', 'integer', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) =>
      c.notNull().references('training_course_versions.id').onDelete('cascade'),
    )
    .addColumn('is_complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('training_enrolments_unique', ['learner_id', 'course_id'])
    .execute();
  await db.schema.createIndex('training_enrolments_course').on('training_enrolments').column('course_id').execute();

  await db.schema
    .createTable('training_lesson_progress')
    .addColumn('enrolment_id', 'integer', (c) => c.notNull().references('training_enrolments.id').onDelete('cascade'))
    .addColumn('lesson_key', 'text', (c) => c.notNull())
    .addColumn('is_complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('best_score', 'integer')
    .addColumn('is_passed', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('training_lesson_progress_pk', ['enrolment_id', 'lesson_key'])
    .execute();

  await db.schema
    .createTable('training_question_stats')
    .addColumn('course_id', 'integer', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('correct', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('training_question_stats_pk', ['course_id', 'question_key'])
    .execute();

  await withId(db.schema.createTable('training_certificates'), dialect)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('course_id', 'integer', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) =>
      c.notNull().references('training_course_versions.id').onDelete('cascade'),
    )
    .addColumn('course_title', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('training_certificates_course').on('training_certificates').column('course_id').execute();
}
