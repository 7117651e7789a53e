import { sql } from 'kysely';
import type { Db, Executor } from '../../core/db/schema.ts';

/* SQL for training, and nothing else: rows in, rows out. Services never call Kysely themselves. */

/** Runs `work` in one transaction: everything it writes lands together or not at all. */
export function inTransaction<T>(db: Db, work: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

// ── courses (working copy) ──
export function listCourses(db: Executor) {
  return db.selectFrom('training_courses').selectAll().orderBy('title').execute();
}

export function findCourse(db: Executor, id: number) {
  return db.selectFrom('training_courses').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCourseBySlug(db: Executor, slug: string) {
  return db.selectFrom('training_courses').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function insertCourse(
  db: Executor,
  row: {
    slug: string;
    title: string;
    summary: string;
    audience: string;
    language: string;
    minutes: number;
    created_by: number | null;
    created_at: string;
  },
): Promise<number> {
  const r = await db
    .insertInto('training_courses')
    .values({ ...row, revision: 1, published_version_id: null, updated_at: row.created_at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function updateCourseMeta(
  db: Executor,
  id: number,
  fields: { slug: string; title: string; summary: string; audience: string; language: string; minutes: number },
) {
  return db.updateTable('training_courses').set(fields).where('id', '=', id).execute();
}

/** Moves the revision on only if nobody else did since the form was loaded: true when it did. */
export async function bumpRevision(db: Executor, id: number, expected: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('training_courses')
    .set({ revision: expected + 1, updated_at: at })
    .where('id', '=', id)
    .where('revision', '=', expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function setPublishedVersion(db: Executor, courseId: number, versionId: number | null) {
  return db
    .updateTable('training_courses')
    .set({ published_version_id: versionId })
    .where('id', '=', courseId)
    .execute();
}

// ── modules, lessons, questions ──
export function listModules(db: Executor, courseId: number) {
  return db
    .selectFrom('training_modules')
    .selectAll()
    .where('course_id', '=', courseId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

export function listLessonsOfCourse(db: Executor, courseId: number) {
  return db
    .selectFrom('training_lessons as l')
    .innerJoin('training_modules as m', 'm.id', 'l.module_id')
    .selectAll('l')
    .where('m.course_id', '=', courseId)
    .orderBy('l.position')
    .orderBy('l.id')
    .execute();
}

export function listQuestionsOfCourse(db: Executor, courseId: number) {
  return db
    .selectFrom('training_questions as q')
    .innerJoin('training_lessons as l', 'l.id', 'q.lesson_id')
    .innerJoin('training_modules as m', 'm.id', 'l.module_id')
    .selectAll('q')
    .where('m.course_id', '=', courseId)
    .orderBy('q.position')
    .orderBy('q.id')
    .execute();
}

export function findModule(db: Executor, id: number) {
  return db.selectFrom('training_modules').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLessonRow(db: Executor, id: number) {
  return db
    .selectFrom('training_lessons as l')
    .innerJoin('training_modules as m', 'm.id', 'l.module_id')
    .selectAll('l')
    .select('m.course_id')
    .where('l.id', '=', id)
    .executeTakeFirst();
}

export function findQuestionRow(db: Executor, id: number) {
  return db
    .selectFrom('training_questions as q')
    .innerJoin('training_lessons as l', 'l.id', 'q.lesson_id')
    .innerJoin('training_modules as m', 'm.id', 'l.module_id')
    .selectAll('q')
    .select('m.course_id')
    .where('q.id', '=', id)
    .executeTakeFirst();
}

async function nextPosition(
  db: Executor,
  table: 'training_modules' | 'training_lessons' | 'training_questions',
  column: 'course_id' | 'module_id' | 'lesson_id',
  parent: number,
): Promise<number> {
  const r = await db
    .selectFrom(table as 'training_modules')
    .select(sql<number>`coalesce(max(position), 0)`.as('max'))
    .where(column as 'course_id', '=', parent)
    .executeTakeFirst();
  return Number(r?.max ?? 0) + 1;
}

export async function insertModule(db: Executor, courseId: number, title: string): Promise<number> {
  const position = await nextPosition(db, 'training_modules', 'course_id', courseId);
  const r = await db
    .insertInto('training_modules')
    .values({ course_id: courseId, title, position })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function updateModule(db: Executor, id: number, title: string) {
  return db.updateTable('training_modules').set({ title }).where('id', '=', id).execute();
}

export function deleteModule(db: Executor, id: number) {
  return db.deleteFrom('training_modules').where('id', '=', id).execute();
}

export async function insertLesson(
  db: Executor,
  moduleId: number,
  row: { slug: string; title: string; body_md: string; is_required: number; pass_mark: number; reveal_after: number },
): Promise<number> {
  const position = await nextPosition(db, 'training_lessons', 'module_id', moduleId);
  const r = await db
    .insertInto('training_lessons')
    .values({ module_id: moduleId, position, ...row })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function updateLesson(
  db: Executor,
  id: number,
  row: { slug: string; title: string; body_md: string; is_required: number; pass_mark: number; reveal_after: number },
) {
  return db.updateTable('training_lessons').set(row).where('id', '=', id).execute();
}

export function deleteLesson(db: Executor, id: number) {
  return db.deleteFrom('training_lessons').where('id', '=', id).execute();
}

export async function insertQuestion(
  db: Executor,
  lessonId: number,
  row: { kind: string; prompt: string; options_json: string },
): Promise<number> {
  const position = await nextPosition(db, 'training_questions', 'lesson_id', lessonId);
  const r = await db
    .insertInto('training_questions')
    .values({ lesson_id: lessonId, position, ...row })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function updateQuestion(db: Executor, id: number, row: { kind: string; prompt: string; options_json: string }) {
  return db.updateTable('training_questions').set(row).where('id', '=', id).execute();
}

export function deleteQuestion(db: Executor, id: number) {
  return db.deleteFrom('training_questions').where('id', '=', id).execute();
}

/** What trainers can reorder: modules in a course, lessons in a module, questions in a lesson. */
export type ItemKind = 'module' | 'lesson' | 'question';
const SORTABLE = {
  module: { table: 'training_modules', parent: 'course_id' },
  lesson: { table: 'training_lessons', parent: 'module_id' },
  question: { table: 'training_questions', parent: 'lesson_id' },
} as const;

/** The course an item belongs to, or undefined when there is no such item. */
export async function courseOfItem(db: Executor, kind: ItemKind, id: number): Promise<number | undefined> {
  if (kind === 'module') return (await findModule(db, id))?.course_id;
  if (kind === 'lesson') return (await findLessonRow(db, id))?.course_id;
  return (await findQuestionRow(db, id))?.course_id;
}

/** Swaps an item with its neighbour above (-1) or below (+1); false at either end. */
export async function moveItem(db: Executor, kind: ItemKind, id: number, direction: -1 | 1): Promise<boolean> {
  const t = SORTABLE[kind].table as 'training_modules';
  const parentCol = SORTABLE[kind].parent as 'course_id';
  const item = await db.selectFrom(t).select(['id', 'position', parentCol]).where('id', '=', id).executeTakeFirst();
  if (!item) return false;
  const siblings = await db
    .selectFrom(t)
    .select(['id', 'position'])
    .where(parentCol, '=', item[parentCol])
    .orderBy('position')
    .orderBy('id')
    .execute();
  const i = siblings.findIndex((s) => s.id === id);
  const j = i + direction;
  if (j < 0 || j >= siblings.length) return false;
  // Renumber the whole list so equal positions can never make a swap ambiguous.
  const order = siblings.map((s) => s.id);
  [order[i], order[j]] = [order[j]!, order[i]!];
  for (let k = 0; k < order.length; k++)
    await db
      .updateTable(t)
      .set({ position: k + 1 })
      .where('id', '=', order[k]!)
      .execute();
  return true;
}

// ── published versions ──
export async function insertVersion(
  db: Executor,
  row: { course_id: number; content_json: string; published_at: string; published_by: number | null },
): Promise<{ id: number; version: number }> {
  const last = await db
    .selectFrom('training_course_versions')
    .select(sql<number>`coalesce(max(version), 0)`.as('max'))
    .where('course_id', '=', row.course_id)
    .executeTakeFirst();
  const version = Number(last?.max ?? 0) + 1;
  const r = await db
    .insertInto('training_course_versions')
    .values({ ...row, version })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, version };
}

export function findVersion(db: Executor, id: number) {
  return db.selectFrom('training_course_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listVersions(db: Executor, courseId: number) {
  return db
    .selectFrom('training_course_versions')
    .select(['id', 'version', 'published_at'])
    .where('course_id', '=', courseId)
    .orderBy('version', 'desc')
    .execute();
}

/** Published courses with their current version, for the catalogue. */
export function listPublished(db: Executor) {
  return db
    .selectFrom('training_courses as c')
    .innerJoin('training_course_versions as v', 'v.id', 'c.published_version_id')
    .select(['c.id as course_id', 'c.slug', 'v.id as version_id', 'v.content_json'])
    .orderBy('c.title')
    .execute();
}

// ── learners and progress ──
export async function insertLearner(db: Executor, row: { code_hash: string; expires_on: string }): Promise<number> {
  const r = await db
    .insertInto('training_learners')
    .values({ ...row, passphrase_hash: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function findLearnerByHash(db: Executor, codeHash: string) {
  return db.selectFrom('training_learners').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

export function setLearnerExpiry(db: Executor, id: number, expiresOn: string) {
  return db.updateTable('training_learners').set({ expires_on: expiresOn }).where('id', '=', id).execute();
}

export function setPassphraseHash(db: Executor, id: number, hash: string | null) {
  return db.updateTable('training_learners').set({ passphrase_hash: hash }).where('id', '=', id).execute();
}

export function findEnrolmentById(db: Executor, id: number) {
  return db.selectFrom('training_enrolments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEnrolment(db: Executor, learnerId: number, courseId: number) {
  return db
    .selectFrom('training_enrolments')
    .selectAll()
    .where('learner_id', '=', learnerId)
    .where('course_id', '=', courseId)
    .executeTakeFirst();
}

export async function insertEnrolment(
  db: Executor,
  row: { learner_id: number; course_id: number; version_id: number },
): Promise<number> {
  const r = await db
    .insertInto('training_enrolments')
    .values({ ...row, is_complete: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function listEnrolmentsOfLearner(db: Executor, learnerId: number) {
  return db
    .selectFrom('training_enrolments as e')
    .innerJoin('training_courses as c', 'c.id', 'e.course_id')
    .select(['e.id', 'e.course_id', 'e.version_id', 'e.is_complete', 'c.slug'])
    .where('e.learner_id', '=', learnerId)
    .execute();
}

export function markEnrolmentComplete(db: Executor, id: number) {
  return db.updateTable('training_enrolments').set({ is_complete: 1 }).where('id', '=', id).execute();
}

export function listProgress(db: Executor, enrolmentId: number) {
  return db.selectFrom('training_lesson_progress').selectAll().where('enrolment_id', '=', enrolmentId).execute();
}

export function upsertProgress(
  db: Executor,
  row: {
    enrolment_id: number;
    lesson_key: string;
    is_complete: number;
    best_score: number | null;
    is_passed: number;
    attempts?: number;
  },
) {
  return db
    .insertInto('training_lesson_progress')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['enrolment_id', 'lesson_key']).doUpdateSet({
        is_complete: row.is_complete,
        best_score: row.best_score,
        is_passed: row.is_passed,
        ...(row.attempts === undefined ? {} : { attempts: row.attempts }),
      }),
    )
    .execute();
}

// ── aggregates ──
export function countAnswer(db: Executor, courseId: number, questionKey: string, isCorrect: boolean) {
  const correct = isCorrect ? 1 : 0;
  return db
    .insertInto('training_question_stats')
    .values({ course_id: courseId, question_key: questionKey, attempts: 1, correct })
    .onConflict((oc) =>
      oc.columns(['course_id', 'question_key']).doUpdateSet({
        attempts: sql<number>`training_question_stats.attempts + 1`,
        correct: sql<number>`training_question_stats.correct + ${correct}`,
      }),
    )
    .execute();
}

export function questionStats(db: Executor, courseId: number) {
  return db
    .selectFrom('training_question_stats')
    .select(['question_key', 'attempts', 'correct'])
    .where('course_id', '=', courseId)
    .execute();
}

export function enrolmentCounts(db: Executor, courseId: number) {
  return db
    .selectFrom('training_enrolments')
    .select(['version_id', sql<number>`count(*)`.as('starts'), sql<number>`sum(is_complete)`.as('completions')])
    .where('course_id', '=', courseId)
    .groupBy('version_id')
    .execute();
}

export function lessonCompletionCounts(db: Executor, courseId: number) {
  return db
    .selectFrom('training_lesson_progress as p')
    .innerJoin('training_enrolments as e', 'e.id', 'p.enrolment_id')
    .select(['p.lesson_key', sql<number>`count(*)`.as('completed')])
    .where('e.course_id', '=', courseId)
    .where('p.is_complete', '=', 1)
    .groupBy('p.lesson_key')
    .execute();
}

// ── certificates ──
export async function insertCertificate(
  db: Executor,
  row: {
    code: string;
    course_id: number;
    version_id: number;
    course_title: string;
    holder_name: string;
    issued_on: string;
  },
): Promise<number> {
  const r = await db
    .insertInto('training_certificates')
    .values({ ...row, revoked_at: null, revoked_reason: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function findCertificate(db: Executor, code: string) {
  return db.selectFrom('training_certificates').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listCertificates(db: Executor, courseId: number) {
  return db
    .selectFrom('training_certificates')
    .selectAll()
    .where('course_id', '=', courseId)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

export function revokeCertificate(db: Executor, code: string, at: string, reason: string) {
  return db
    .updateTable('training_certificates')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('code', '=', code)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

// ── retention ──
/** Codes unused past their expiry go, with their progress (enrolments and lesson rows cascade). */
export async function deleteExpiredLearners(db: Executor, today: string): Promise<number> {
  const r = await db.deleteFrom('training_learners').where('expires_on', '<', today).executeTakeFirst();
  return Number(r.numDeletedRows);
}
