import { can, type Actor } from '../../core/auth/policy.ts';
import type { Executor } from '../../core/db/schema.ts';
import { conflict, denied, invalid, notFound, ok, type Result } from '../../core/result.ts';
import { iso } from '../../core/clock.ts';
import type { CourseContent, QuestionKind, QuizOption } from './content.ts';
import * as repo from './repo.ts';
import type { TrainingDeps } from './service.ts';

/*
 * The trainers' side: a working copy edited in place, published as an immutable snapshot.
 * Every change names the revision the trainer's form was built from; if another trainer changed
 * the course since, the change is refused and nothing is written.
 */

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Paths under /training that a course slug must not take. */
const RESERVED = new Set(['resume', 'forget', 'my-code', 'passphrase', 'mine', 'code']);

export interface CourseInput {
  slug: string;
  title: string;
  summary: string;
  audience: string;
  language: string;
  minutes: string;
}

function checkCourse(
  input: CourseInput,
): Result<{ slug: string; title: string; summary: string; audience: string; language: string; minutes: number }> {
  const fields: Record<string, string> = {};
  const slug = input.slug.trim().toLowerCase();
  const title = input.title.trim();
  if (!title) fields.title = 'Enter a title.';
  else if (title.length > 200) fields.title = 'Use at most 200 characters for the title.';
  if (!SLUG.test(slug) || slug.length > 80)
    fields.slug = 'Use lower-case letters, digits and dashes for the address (e.g. supporting-not-rescuing).';
  else if (RESERVED.has(slug)) fields.slug = 'That address is used by the site; choose another.';
  if (input.summary.length > 2000) fields.summary = 'Keep the summary under 2000 characters.';
  if (input.audience.length > 300) fields.audience = 'Keep the audience under 300 characters.';
  const language = input.language.trim() || 'en';
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(language))
    fields.language = 'Use a language tag such as en, fr or pt-BR.';
  const minutes = Number(input.minutes || '0');
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 100_000)
    fields.minutes = 'Enter the length in whole minutes.';
  if (Object.keys(fields).length) return { ok: false, kind: 'invalid', message: 'Check the course details.', fields };
  return ok({ slug, title, summary: input.summary.trim(), audience: input.audience.trim(), language, minutes });
}

export async function createCourse(deps: TrainingDeps, actor: Actor, input: CourseInput): Promise<Result<number>> {
  if (!can(actor, 'training.author')) return denied();
  const checked = checkCourse(input);
  if (!checked.ok) return checked;
  if (await repo.findCourseBySlug(deps.db, checked.value.slug))
    return {
      ok: false,
      kind: 'invalid',
      message: 'Check the course details.',
      fields: { slug: 'Another course already uses that address.' },
    };
  const id = await repo.insertCourse(deps.db, { ...checked.value, created_by: actor.id, now: iso(deps.clock.now()) });
  return ok(id);
}

/** Runs a change inside one transaction after claiming the next revision of the course. */
async function withRevision<T>(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  change: (tx: Executor) => Promise<Result<T>>,
): Promise<Result<T>> {
  if (!can(actor, 'training.author')) return denied();
  const course = await repo.findCourse(deps.db, courseId);
  if (!course) return notFound('course');
  return deps.db
    .transaction()
    .execute(async (tx) => {
      const claimed = await repo.bumpRevision(tx, courseId, revision, iso(deps.clock.now()));
      if (!claimed)
        return conflict(
          'Another trainer changed this course while you were editing. Nothing was saved: reload the page to see their changes, then make yours again.',
        );
      const result = await change(tx);
      // A refused change must leave the revision as it was.
      if (!result.ok) throw new RollBack(result);
      return result;
    })
    .catch((err: unknown) => {
      if (err instanceof RollBack) return err.result as Result<T>;
      throw err;
    });
}

class RollBack extends Error {
  constructor(readonly result: Result<unknown>) {
    super('rolled back');
  }
}

export async function updateCourse(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  input: CourseInput,
): Promise<Result<true>> {
  const checked = checkCourse(input);
  if (!checked.ok) return checked;
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const other = await repo.findCourseBySlug(tx, checked.value.slug);
    if (other && other.id !== courseId)
      return {
        ok: false,
        kind: 'invalid',
        message: 'Check the course details.',
        fields: { slug: 'Another course already uses that address.' },
      };
    await repo.updateCourseMeta(tx, courseId, checked.value);
    return ok(true);
  });
}

export async function addModule(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  title: string,
): Promise<Result<number>> {
  const t = title.trim();
  if (!t || t.length > 200) return invalid('Enter a module title of at most 200 characters.', 'title');
  return withRevision(deps, actor, courseId, revision, async (tx) => ok(await repo.insertModule(tx, courseId, t)));
}

export async function renameModule(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  moduleId: number,
  title: string,
): Promise<Result<true>> {
  const t = title.trim();
  if (!t || t.length > 200) return invalid('Enter a module title of at most 200 characters.', 'title');
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const m = await repo.findModule(tx, moduleId);
    if (!m || m.course_id !== courseId) return notFound('module');
    await repo.updateModule(tx, moduleId, t);
    return ok(true);
  });
}

export async function removeModule(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  moduleId: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const m = await repo.findModule(tx, moduleId);
    if (!m || m.course_id !== courseId) return notFound('module');
    await repo.deleteModule(tx, moduleId);
    return ok(true);
  });
}

export type MoveKind = 'module' | 'lesson' | 'question';

export async function moveItem(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  kind: MoveKind,
  id: number,
  direction: -1 | 1,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const owner =
      kind === 'module'
        ? (await repo.findModule(tx, id))?.course_id
        : kind === 'lesson'
          ? (await repo.findLessonRow(tx, id))?.course_id
          : (await repo.findQuestionRow(tx, id))?.course_id;
    if (owner !== courseId) return notFound(kind);
    const table =
      kind === 'module' ? 'training_modules' : kind === 'lesson' ? 'training_lessons' : 'training_questions';
    if (!(await repo.moveItem(tx, table, id, direction))) return invalid(`That ${kind} cannot move further.`);
    return ok(true);
  });
}

export interface LessonInput {
  slug: string;
  title: string;
  body: string;
  isRequired: boolean;
  passMark: string;
}

function checkLesson(
  input: LessonInput,
): Result<{ slug: string; title: string; body_md: string; is_required: number; pass_mark: number }> {
  const fields: Record<string, string> = {};
  const slug = input.slug.trim().toLowerCase();
  const title = input.title.trim();
  if (!title || title.length > 200) fields.title = 'Enter a lesson title of at most 200 characters.';
  if (!SLUG.test(slug) || slug.length > 80) fields.slug = 'Use lower-case letters, digits and dashes for the address.';
  if (input.body.length > 100_000) fields.body = 'Keep the lesson under 100,000 characters.';
  const passMark = Number(input.passMark || '70');
  if (!Number.isInteger(passMark) || passMark < 0 || passMark > 100)
    fields.passMark = 'Enter a pass mark from 0 to 100.';
  if (Object.keys(fields).length) return { ok: false, kind: 'invalid', message: 'Check the lesson.', fields };
  return ok({ slug, title, body_md: input.body, is_required: input.isRequired ? 1 : 0, pass_mark: passMark });
}

async function slugTaken(tx: Executor, courseId: number, slug: string, exceptId?: number): Promise<boolean> {
  const lessons = await repo.listLessonsOfCourse(tx, courseId);
  return lessons.some((l) => l.slug === slug && l.id !== exceptId);
}

export async function addLesson(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  moduleId: number,
  input: LessonInput,
): Promise<Result<number>> {
  const checked = checkLesson(input);
  if (!checked.ok) return checked;
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const m = await repo.findModule(tx, moduleId);
    if (!m || m.course_id !== courseId) return notFound('module');
    if (await slugTaken(tx, courseId, checked.value.slug))
      return {
        ok: false,
        kind: 'invalid',
        message: 'Check the lesson.',
        fields: { slug: 'Another lesson in this course uses that address.' },
      };
    return ok(await repo.insertLesson(tx, moduleId, checked.value));
  });
}

export async function updateLesson(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  lessonId: number,
  input: LessonInput,
): Promise<Result<true>> {
  const checked = checkLesson(input);
  if (!checked.ok) return checked;
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const l = await repo.findLessonRow(tx, lessonId);
    if (!l || l.course_id !== courseId) return notFound('lesson');
    if (await slugTaken(tx, courseId, checked.value.slug, lessonId))
      return {
        ok: false,
        kind: 'invalid',
        message: 'Check the lesson.',
        fields: { slug: 'Another lesson in this course uses that address.' },
      };
    await repo.updateLesson(tx, lessonId, checked.value);
    return ok(true);
  });
}

export async function removeLesson(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  lessonId: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const l = await repo.findLessonRow(tx, lessonId);
    if (!l || l.course_id !== courseId) return notFound('lesson');
    await repo.deleteLesson(tx, lessonId);
    return ok(true);
  });
}

export interface QuestionInput {
  kind: string;
  prompt: string;
  /** One option per line: "* right answer | why" or "- wrong answer | why". */
  options: string;
}

export function parseOptions(text: string): QuizOption[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const isCorrect = line.startsWith('*');
      const rest = line.replace(/^[*-]\s*/, '');
      const bar = rest.indexOf('|');
      return bar < 0
        ? { text: rest.trim(), isCorrect, explanation: '' }
        : { text: rest.slice(0, bar).trim(), isCorrect, explanation: rest.slice(bar + 1).trim() };
    });
}

export function formatOptions(options: QuizOption[]): string {
  return options
    .map((o) => `${o.isCorrect ? '*' : '-'} ${o.text}${o.explanation ? ` | ${o.explanation}` : ''}`)
    .join('\n');
}

function checkQuestion(input: QuestionInput): Result<{ kind: string; prompt: string; options_json: string }> {
  const fields: Record<string, string> = {};
  const kind = input.kind as QuestionKind;
  if (!['single', 'multiple', 'reflection'].includes(kind)) fields.kind = 'Choose a kind of question.';
  const prompt = input.prompt.trim();
  if (!prompt || prompt.length > 2000) fields.prompt = 'Enter the question (at most 2000 characters).';
  const options = kind === 'reflection' ? [] : parseOptions(input.options);
  if (kind !== 'reflection') {
    const correct = options.filter((o) => o.isCorrect).length;
    if (options.length < 2 || options.length > 10) fields.options = 'Give between 2 and 10 options, one per line.';
    else if (options.some((o) => !o.text || !o.explanation))
      fields.options = 'Give every option its text and, after a “|”, an explanation learners see after answering.';
    else if (kind === 'single' && correct !== 1)
      fields.options = 'Mark exactly one option as right with “*” for a single-choice question.';
    else if (kind === 'multiple' && correct < 1) fields.options = 'Mark at least one option as right with “*”.';
  }
  if (Object.keys(fields).length) return { ok: false, kind: 'invalid', message: 'Check the question.', fields };
  return ok({ kind, prompt, options_json: JSON.stringify(options) });
}

export async function addQuestion(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  lessonId: number,
  input: QuestionInput,
): Promise<Result<number>> {
  const checked = checkQuestion(input);
  if (!checked.ok) return checked;
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const l = await repo.findLessonRow(tx, lessonId);
    if (!l || l.course_id !== courseId) return notFound('lesson');
    return ok(await repo.insertQuestion(tx, lessonId, checked.value));
  });
}

export async function updateQuestion(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  questionId: number,
  input: QuestionInput,
): Promise<Result<true>> {
  const checked = checkQuestion(input);
  if (!checked.ok) return checked;
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const q = await repo.findQuestionRow(tx, questionId);
    if (!q || q.course_id !== courseId) return notFound('question');
    await repo.updateQuestion(tx, questionId, checked.value);
    return ok(true);
  });
}

export async function removeQuestion(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  questionId: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const q = await repo.findQuestionRow(tx, questionId);
    if (!q || q.course_id !== courseId) return notFound('question');
    await repo.deleteQuestion(tx, questionId);
    return ok(true);
  });
}

/** The working copy, in the learner's shape: for preview and for publishing. */
export async function loadDraft(db: Executor, courseId: number): Promise<CourseContent | undefined> {
  const course = await repo.findCourse(db, courseId);
  if (!course) return undefined;
  const [modules, lessons, questions] = await Promise.all([
    repo.listModules(db, courseId),
    repo.listLessonsOfCourse(db, courseId),
    repo.listQuestionsOfCourse(db, courseId),
  ]);
  return {
    slug: course.slug,
    title: course.title,
    summary: course.summary,
    audience: course.audience,
    language: course.language,
    minutes: course.minutes,
    modules: modules.map((m) => ({
      key: `m${m.id}`,
      title: m.title,
      lessons: lessons
        .filter((l) => l.module_id === m.id)
        .map((l) => ({
          key: `l${l.id}`,
          slug: l.slug,
          title: l.title,
          bodyMd: l.body_md,
          isRequired: l.is_required === 1,
          passMark: l.pass_mark,
          questions: questions
            .filter((q) => q.lesson_id === l.id)
            .map((q) => ({
              key: `q${q.id}`,
              kind: q.kind as QuestionKind,
              prompt: q.prompt,
              options: JSON.parse(q.options_json) as QuizOption[],
            })),
        })),
    })),
  };
}

/** Publishes the working copy as a new version; learners part way keep the version they started. */
export async function publishCourse(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
): Promise<Result<{ version: number; slug: string }>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const content = await loadDraft(tx, courseId);
    if (!content) return notFound('course');
    const lessons = content.modules.flatMap((m) => m.lessons);
    if (lessons.length === 0) return invalid('Add at least one lesson before publishing.');
    const v = await repo.insertVersion(tx, {
      course_id: courseId,
      content_json: JSON.stringify(content),
      published_at: iso(deps.clock.now()),
      published_by: actor.id,
    });
    await repo.setPublishedVersion(tx, courseId, v.id);
    await repo.recordAudit(tx, {
      user_id: actor.id,
      action: 'training.publish',
      subject: `course:${courseId}`,
      detail: `version ${v.version}`,
      created_at: iso(deps.clock.now()),
    });
    return ok({ version: v.version, slug: content.slug });
  });
}

/** Takes a course out of the catalogue; enrolled learners keep their version and can finish. */
export async function unpublishCourse(
  deps: TrainingDeps,
  actor: Actor,
  courseId: number,
  revision: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    await repo.setPublishedVersion(tx, courseId, null);
    await repo.recordAudit(tx, {
      user_id: actor.id,
      action: 'training.withdraw',
      subject: `course:${courseId}`,
      detail: '',
      created_at: iso(deps.clock.now()),
    });
    return ok(true);
  });
}

export async function revokeCertificate(
  deps: TrainingDeps,
  actor: Actor,
  code: string,
  reason: string,
): Promise<Result<true>> {
  if (!can(actor, 'certificates.revoke')) return denied();
  const r = reason.trim();
  if (!r || r.length > 500)
    return invalid('Give a short reason (at most 500 characters); it is shown on the verification page.', 'reason');
  const row = await repo.findCertificate(deps.db, code);
  if (!row) return notFound('certificate');
  if (row.revoked_at) return conflict('That certificate was already revoked.');
  await deps.db.transaction().execute(async (tx) => {
    await repo.revokeCertificate(tx, code, iso(deps.clock.now()), r);
    await repo.recordAudit(tx, {
      user_id: actor.id,
      action: 'certificate.revoke',
      subject: `certificate:${code}`,
      detail: r,
      created_at: iso(deps.clock.now()),
    });
  });
  return ok(true);
}

/** Aggregates only: counts per version, per lesson and per question; nothing per learner. */
export async function courseStats(deps: TrainingDeps, courseId: number) {
  const [counts, lessons, questions] = await Promise.all([
    repo.enrolmentCounts(deps.db, courseId),
    repo.lessonCompletionCounts(deps.db, courseId),
    repo.questionStats(deps.db, courseId),
  ]);
  return {
    starts: counts.reduce((n, c) => n + Number(c.starts), 0),
    completions: counts.reduce((n, c) => n + Number(c.completions ?? 0), 0),
    lessonCompletions: new Map(lessons.map((l) => [l.lesson_key, Number(l.completed)])),
    questions: new Map(
      questions.map((q) => [q.question_key, { attempts: Number(q.attempts), correct: Number(q.correct) }]),
    ),
  };
}
