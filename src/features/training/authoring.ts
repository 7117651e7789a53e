import { recordAudit } from '../../core/audit/index.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import { iso } from '../../core/clock.ts';
import type { Executor } from '../../core/db/schema.ts';
import {
  conflict,
  denied,
  invalid,
  invalidFields,
  notFound,
  ok,
  type FieldErrors,
  type Result,
} from '../../core/result.ts';
import { REVEAL_AFTER_DEFAULT, type CourseContent, type QuestionKind, type QuizOption } from './content.ts';
import { msg } from './messages.ts';
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
const TITLE_MAX = 200;
const SUMMARY_MAX = 2000;
const AUDIENCE_MAX = 300;
const LESSON_MAX = 100_000;
const PROMPT_MAX = 2000;
const REASON_MAX = 500;

/** What authoring needs: the database and the clock (no learner state). */
export type AuthoringDeps = Pick<TrainingDeps, 'db' | 'clock'>;

/** Refused input: the check's summary message, with one message per field. */
function refused(message: Parameters<typeof msg>[0], fields: FieldErrors) {
  return { ...invalidFields(fields), message: msg(message) };
}

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
  const fields: FieldErrors = {};
  const slug = input.slug.trim().toLowerCase();
  const title = input.title.trim();
  if (!title) fields.title = msg('titleRequired');
  else if (title.length > TITLE_MAX) fields.title = msg('titleTooLong', { max: TITLE_MAX });
  if (!SLUG.test(slug) || slug.length > 80) fields.slug = msg('courseSlugFormat');
  else if (RESERVED.has(slug)) fields.slug = msg('slugReserved');
  if (input.summary.length > SUMMARY_MAX) fields.summary = msg('summaryTooLong', { max: SUMMARY_MAX });
  if (input.audience.length > AUDIENCE_MAX) fields.audience = msg('audienceTooLong', { max: AUDIENCE_MAX });
  const language = input.language.trim() || 'en';
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(language)) fields.language = msg('languageTag');
  const minutes = Number(input.minutes.trim() || '0');
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 100_000) fields.minutes = msg('minutesWhole');
  if (Object.keys(fields).length) return refused('checkCourse', fields);
  return ok({ slug, title, summary: input.summary.trim(), audience: input.audience.trim(), language, minutes });
}

export async function createCourse(deps: AuthoringDeps, actor: Actor, input: CourseInput): Promise<Result<number>> {
  if (!can(actor, 'training.author')) return denied();
  const checked = checkCourse(input);
  if (!checked.ok) return checked;
  if (await repo.findCourseBySlug(deps.db, checked.value.slug))
    return refused('checkCourse', { slug: msg('courseSlugTaken') });
  const id = await repo.insertCourse(deps.db, {
    ...checked.value,
    created_by: actor.id,
    created_at: iso(deps.clock.now()),
  });
  return ok(id);
}

/** Runs a change inside one transaction after claiming the next revision of the course. */
async function withRevision<T>(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  change: (tx: Executor) => Promise<Result<T>>,
): Promise<Result<T>> {
  if (!can(actor, 'training.author')) return denied();
  const course = await repo.findCourse(deps.db, courseId);
  if (!course) return notFound(msg('courseNotFound'));
  return repo
    .inTransaction(deps.db, async (tx) => {
      const claimed = await repo.bumpRevision(tx, courseId, revision, iso(deps.clock.now()));
      if (!claimed) return conflict(msg('staleRevision'));
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
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  input: CourseInput,
): Promise<Result<true>> {
  const checked = checkCourse(input);
  if (!checked.ok) return checked;
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const other = await repo.findCourseBySlug(tx, checked.value.slug);
    if (other && other.id !== courseId) return refused('checkCourse', { slug: msg('courseSlugTaken') });
    await repo.updateCourseMeta(tx, courseId, checked.value);
    return ok(true);
  });
}

export async function addModule(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  title: string,
): Promise<Result<number>> {
  const t = title.trim();
  if (!t || t.length > TITLE_MAX) return invalid(msg('moduleTitle', { max: TITLE_MAX }), 'title');
  return withRevision(deps, actor, courseId, revision, async (tx) => ok(await repo.insertModule(tx, courseId, t)));
}

export async function renameModule(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  moduleId: number,
  title: string,
): Promise<Result<true>> {
  const t = title.trim();
  if (!t || t.length > TITLE_MAX) return invalid(msg('moduleTitle', { max: TITLE_MAX }), 'title');
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const m = await repo.findModule(tx, moduleId);
    if (!m || m.course_id !== courseId) return notFound(msg('moduleNotFound'));
    await repo.updateModule(tx, moduleId, t);
    return ok(true);
  });
}

export async function removeModule(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  moduleId: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const m = await repo.findModule(tx, moduleId);
    if (!m || m.course_id !== courseId) return notFound(msg('moduleNotFound'));
    await repo.deleteModule(tx, moduleId);
    return ok(true);
  });
}

export type MoveKind = repo.ItemKind;
const ITEM = { module: 'itemModule', lesson: 'itemLesson', question: 'itemQuestion' } as const;
const ITEM_NOT_FOUND = { module: 'moduleNotFound', lesson: 'lessonNotFound', question: 'questionNotFound' } as const;

export async function moveItem(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  kind: MoveKind,
  id: number,
  direction: -1 | 1,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    if ((await repo.courseOfItem(tx, kind, id)) !== courseId) return notFound(msg(ITEM_NOT_FOUND[kind]));
    if (!(await repo.moveItem(tx, kind, id, direction))) return invalid(msg('cannotMove', { item: msg(ITEM[kind]) }));
    return ok(true);
  });
}

export interface LessonInput {
  slug: string;
  title: string;
  body: string;
  isRequired: boolean;
  passMark: string;
  /** Failed tries before the right answers are shown; empty means 3. */
  revealAfter?: string;
}

function checkLesson(input: LessonInput): Result<{
  slug: string;
  title: string;
  body_md: string;
  is_required: number;
  pass_mark: number;
  reveal_after: number;
}> {
  const fields: FieldErrors = {};
  const slug = input.slug.trim().toLowerCase();
  const title = input.title.trim();
  if (!title || title.length > TITLE_MAX) fields.title = msg('lessonTitle', { max: TITLE_MAX });
  if (!SLUG.test(slug) || slug.length > 80) fields.slug = msg('lessonSlugFormat');
  if (input.body.length > LESSON_MAX) fields.body = msg('lessonTooLong', { max: LESSON_MAX });
  const passMark = Number(input.passMark.trim() || '70');
  if (!Number.isInteger(passMark) || passMark < 0 || passMark > 100) fields.passMark = msg('passMarkRange');
  const revealAfter = Number((input.revealAfter ?? '').trim() || String(REVEAL_AFTER_DEFAULT));
  if (!Number.isInteger(revealAfter) || revealAfter < 1 || revealAfter > 20)
    fields.revealAfter = msg('revealAfterRange');
  if (Object.keys(fields).length) return refused('checkLesson', fields);
  return ok({
    slug,
    title,
    body_md: input.body,
    is_required: input.isRequired ? 1 : 0,
    pass_mark: passMark,
    reveal_after: revealAfter,
  });
}

async function slugTaken(tx: Executor, courseId: number, slug: string, exceptId?: number): Promise<boolean> {
  const lessons = await repo.listLessonsOfCourse(tx, courseId);
  return lessons.some((l) => l.slug === slug && l.id !== exceptId);
}

export async function addLesson(
  deps: AuthoringDeps,
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
    if (!m || m.course_id !== courseId) return notFound(msg('moduleNotFound'));
    if (await slugTaken(tx, courseId, checked.value.slug))
      return refused('checkLesson', { slug: msg('lessonSlugTaken') });
    return ok(await repo.insertLesson(tx, moduleId, checked.value));
  });
}

export async function updateLesson(
  deps: AuthoringDeps,
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
    if (!l || l.course_id !== courseId) return notFound(msg('lessonNotFound'));
    if (await slugTaken(tx, courseId, checked.value.slug, lessonId))
      return refused('checkLesson', { slug: msg('lessonSlugTaken') });
    await repo.updateLesson(tx, lessonId, checked.value);
    return ok(true);
  });
}

export async function removeLesson(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  lessonId: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const l = await repo.findLessonRow(tx, lessonId);
    if (!l || l.course_id !== courseId) return notFound(msg('lessonNotFound'));
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
  const fields: FieldErrors = {};
  const kind = input.kind as QuestionKind;
  if (!['single', 'multiple', 'reflection'].includes(kind)) fields.kind = msg('questionKind');
  const prompt = input.prompt.trim();
  if (!prompt || prompt.length > PROMPT_MAX) fields.prompt = msg('questionPrompt', { max: PROMPT_MAX });
  const options = kind === 'reflection' ? [] : parseOptions(input.options);
  if (kind !== 'reflection') {
    const correct = options.filter((o) => o.isCorrect).length;
    if (options.length < 2 || options.length > 10) fields.options = msg('optionsCount');
    else if (options.some((o) => !o.text || !o.explanation)) fields.options = msg('optionsExplained');
    else if (kind === 'single' && correct !== 1) fields.options = msg('optionsOneRight');
    else if (kind === 'multiple' && correct < 1) fields.options = msg('optionsSomeRight');
  }
  if (Object.keys(fields).length) return refused('checkQuestion', fields);
  return ok({ kind, prompt, options_json: JSON.stringify(options) });
}

export async function addQuestion(
  deps: AuthoringDeps,
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
    if (!l || l.course_id !== courseId) return notFound(msg('lessonNotFound'));
    return ok(await repo.insertQuestion(tx, lessonId, checked.value));
  });
}

export async function updateQuestion(
  deps: AuthoringDeps,
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
    if (!q || q.course_id !== courseId) return notFound(msg('questionNotFound'));
    await repo.updateQuestion(tx, questionId, checked.value);
    return ok(true);
  });
}

export async function removeQuestion(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
  questionId: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const q = await repo.findQuestionRow(tx, questionId);
    if (!q || q.course_id !== courseId) return notFound(msg('questionNotFound'));
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
          revealAfter: l.reveal_after,
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
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
): Promise<Result<{ version: number; slug: string }>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    const content = await loadDraft(tx, courseId);
    if (!content) return notFound(msg('courseNotFound'));
    const lessons = content.modules.flatMap((m) => m.lessons);
    if (lessons.length === 0) return invalid(msg('publishNeedsLesson'));
    const v = await repo.insertVersion(tx, {
      course_id: courseId,
      content_json: JSON.stringify(content),
      published_at: iso(deps.clock.now()),
      published_by: actor.id,
    });
    await repo.setPublishedVersion(tx, courseId, v.id);
    await recordAudit(tx, deps.clock, {
      actorId: actor.id,
      action: 'training.publish',
      subject: `course:${courseId}`,
      detail: `version ${v.version}`,
    });
    return ok({ version: v.version, slug: content.slug });
  });
}

/** Takes a course out of the catalogue; enrolled learners keep their version and can finish. */
export async function unpublishCourse(
  deps: AuthoringDeps,
  actor: Actor,
  courseId: number,
  revision: number,
): Promise<Result<true>> {
  return withRevision(deps, actor, courseId, revision, async (tx) => {
    await repo.setPublishedVersion(tx, courseId, null);
    await recordAudit(tx, deps.clock, {
      actorId: actor.id,
      action: 'training.withdraw',
      subject: `course:${courseId}`,
    });
    return ok(true);
  });
}

export async function revokeCertificate(
  deps: AuthoringDeps,
  actor: Actor,
  code: string,
  reason: string,
): Promise<Result<true>> {
  if (!can(actor, 'certificates.revoke')) return denied();
  const r = reason.trim();
  if (!r || r.length > REASON_MAX) return invalid(msg('revokeReason', { max: REASON_MAX }), 'reason');
  const row = await repo.findCertificate(deps.db, code);
  if (!row) return notFound(msg('certificateNotFound'));
  if (row.revoked_at) return conflict(msg('alreadyRevoked'));
  await repo.inTransaction(deps.db, async (tx) => {
    await repo.revokeCertificate(tx, code, iso(deps.clock.now()), r);
    await recordAudit(tx, deps.clock, {
      actorId: actor.id,
      action: 'certificate.revoke',
      subject: `certificate:${code}`,
      detail: r,
    });
  });
  return ok(true);
}

// ── what the trainers' pages show ──
export function listCourses(deps: AuthoringDeps) {
  return repo.listCourses(deps.db);
}

/** Everything the course editing page shows, or undefined for an unknown course. */
export async function courseEditor(deps: AuthoringDeps, courseId: number) {
  const course = await repo.findCourse(deps.db, courseId);
  if (!course) return undefined;
  const [modules, lessons, questions, versions, certificates] = await Promise.all([
    repo.listModules(deps.db, courseId),
    repo.listLessonsOfCourse(deps.db, courseId),
    repo.listQuestionsOfCourse(deps.db, courseId),
    repo.listVersions(deps.db, courseId),
    repo.listCertificates(deps.db, courseId),
  ]);
  const questionCounts = new Map<number, number>();
  for (const q of questions) questionCounts.set(q.lesson_id, (questionCounts.get(q.lesson_id) ?? 0) + 1);
  return { course, modules, lessons, questionCounts, versions, certificates };
}

/** A lesson of the working copy with its questions, for its editing page; undefined unless it is in the course. */
export async function lessonEditor(deps: AuthoringDeps, courseId: number, lessonId: number) {
  const [course, lesson] = await Promise.all([
    repo.findCourse(deps.db, courseId),
    repo.findLessonRow(deps.db, lessonId),
  ]);
  if (!course || !lesson || lesson.course_id !== courseId) return undefined;
  const questions = (await repo.listQuestionsOfCourse(deps.db, courseId)).filter((q) => q.lesson_id === lessonId);
  return { course, lesson, questions };
}

/** The lesson a question belongs to, when the question is in the course. */
export async function lessonOfQuestion(deps: AuthoringDeps, courseId: number, questionId: number) {
  const q = await repo.findQuestionRow(deps.db, questionId);
  return q && q.course_id === courseId ? q.lesson_id : undefined;
}

/** Aggregates only: counts per version, per lesson and per question; nothing per learner. */
export async function courseStats(deps: Pick<TrainingDeps, 'db' | 'versions'>, courseId: number) {
  const course = await repo.findCourse(deps.db, courseId);
  if (!course) return undefined;
  const [content, counts, lessons, questions] = await Promise.all([
    course.published_version_id ? deps.versions.load(deps.db, course.published_version_id) : undefined,
    repo.enrolmentCounts(deps.db, courseId),
    repo.lessonCompletionCounts(deps.db, courseId),
    repo.questionStats(deps.db, courseId),
  ]);
  const stats = {
    starts: counts.reduce((n, c) => n + Number(c.starts), 0),
    completions: counts.reduce((n, c) => n + Number(c.completions ?? 0), 0),
    lessonCompletions: new Map(lessons.map((l) => [l.lesson_key, Number(l.completed)])),
    questions: new Map(
      questions.map((q) => [q.question_key, { attempts: Number(q.attempts), correct: Number(q.correct) }]),
    ),
  };
  return { course, content, stats };
}
