import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { AppDeps } from '../../core/app.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, Executor } from '../../core/db/schema.ts';
import { createAttemptLimiter, type AttemptLimiter } from '../../core/limits.ts';
import { conflict, invalid, notFound, ok, type Failure, type Result } from '../../core/result.ts';
import {
  generateCertificateCode,
  generateProgressCode,
  hashProgressCode,
  normalizeCertificateCode,
  normalizeProgressCode,
} from './code.ts';
import {
  allLessons,
  findLesson,
  hasQuiz,
  isGraded,
  REVEAL_AFTER_DEFAULT,
  type CourseContent,
  type Lesson,
  type Question,
} from './content.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';

/* The learner's side of training: browse, start, answer, resume, finish, certify. */

export interface TrainingDeps {
  db: Db;
  clock: Clock;
  secret: string;
  versions: VersionCache;
  /** Wrong progress codes per client key (kept in memory only). */
  codeAttempts: AttemptLimiter;
}

/** Training's dependencies with its state, as the app builds them once (`createTraining`). */
export type Training = TrainingDeps;

/** Wrong progress codes a client may type before waiting: 5 per 15 minutes. */
export const CODE_ATTEMPTS = { max: 5, windowMs: 15 * 60_000 };

/**
 * Training's state, built once per app from its dependencies: the cache of published course
 * content and the wrong-code limiter. Route plugins receive it; they keep no state of their own.
 */
export function createTraining(deps: Pick<AppDeps, 'db' | 'clock' | 'secret' | 'guards'>): Training {
  return {
    db: deps.db,
    clock: deps.clock,
    secret: deps.secret,
    versions: new VersionCache(),
    codeAttempts: createAttemptLimiter({ store: deps.guards, name: 'progress-code', ...CODE_ATTEMPTS }),
  };
}

/** Published versions never change, so each is parsed once per process. */
export class VersionCache {
  private readonly map = new Map<number, CourseContent>();
  async load(db: Executor, versionId: number): Promise<CourseContent | undefined> {
    const hit = this.map.get(versionId);
    if (hit) return hit;
    const row = await repo.findVersion(db, versionId);
    if (!row) return undefined;
    const content = JSON.parse(row.content_json) as CourseContent;
    if (this.map.size > 500) this.map.clear();
    this.map.set(versionId, content);
    return content;
  }
}

/** A progress code unused for a year expires. */
const CODE_LIFETIME_DAYS = 365;
const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

export interface CourseView {
  courseId: number;
  versionId: number;
  content: CourseContent;
}

export interface Learner {
  id: number;
  code: string;
  hasPassphrase: boolean;
}

export interface Enrolment {
  id: number;
  versionId: number;
  isComplete: boolean;
  /** lesson key → progress */
  lessons: Map<string, { isComplete: boolean; bestScore: number | null; isPassed: boolean; attempts: number }>;
}

// ── catalogue and courses ──
export async function listCatalogue(deps: TrainingDeps): Promise<CourseView[]> {
  const rows = await repo.listPublished(deps.db);
  const out: CourseView[] = [];
  for (const r of rows) {
    const content = await deps.versions.load(deps.db, r.version_id);
    if (content) out.push({ courseId: r.course_id, versionId: r.version_id, content });
  }
  return out;
}

/** The course as this visitor sees it: the learner's own version once started, else the published one. */
export async function courseFor(
  deps: TrainingDeps,
  slug: string,
  learner?: Learner | null,
): Promise<Result<CourseView & { enrolment?: Enrolment }>> {
  const course = await repo.findCourseBySlug(deps.db, slug);
  if (!course) return notFound(msg('courseNotFound'));
  if (learner) {
    const e = await repo.findEnrolment(deps.db, learner.id, course.id);
    if (e) {
      const content = await deps.versions.load(deps.db, e.version_id);
      if (content)
        return ok({
          courseId: course.id,
          versionId: e.version_id,
          content,
          enrolment: await loadEnrolment(deps.db, e),
        });
    }
  }
  if (!course.published_version_id) return notFound(msg('courseNotFound'));
  const content = await deps.versions.load(deps.db, course.published_version_id);
  if (!content) return notFound(msg('courseNotFound'));
  return ok({ courseId: course.id, versionId: course.published_version_id, content });
}

async function loadEnrolment(
  db: Executor,
  e: { id: number; version_id: number; is_complete: number },
): Promise<Enrolment> {
  const rows = await repo.listProgress(db, e.id);
  return {
    id: e.id,
    versionId: e.version_id,
    isComplete: e.is_complete === 1,
    lessons: new Map(
      rows.map((r) => [
        r.lesson_key,
        { isComplete: r.is_complete === 1, bestScore: r.best_score, isPassed: r.is_passed === 1, attempts: r.attempts },
      ]),
    ),
  };
}

export function requiredRemaining(content: CourseContent, enrolment: Enrolment | undefined): Lesson[] {
  return allLessons(content).filter((l) => l.isRequired && !enrolment?.lessons.get(l.key)?.isComplete);
}

// ── progress codes ──
/** The learner a progress code belongs to, or undefined for an unknown or expired code. */
export async function learnerForCode(deps: TrainingDeps, rawCode: string | undefined): Promise<Learner | undefined> {
  if (!rawCode) return undefined;
  const code = normalizeProgressCode(rawCode);
  if (!code) return undefined;
  const row = await repo.findLearnerByHash(deps.db, hashProgressCode(deps.secret, code));
  const now = deps.clock.now();
  if (!row || row.expires_on < day(now)) return undefined;
  // A code in use keeps living; written at most about once a month, at day granularity.
  if (row.expires_on < day(addDays(now, CODE_LIFETIME_DAYS - 30)))
    await repo.setLearnerExpiry(deps.db, row.id, day(addDays(now, CODE_LIFETIME_DAYS)));
  return { id: row.id, code, hasPassphrase: row.passphrase_hash !== null };
}

/** Starts a course: under the learner's code when there is one, else under a new code. */
export async function startCourse(
  deps: TrainingDeps,
  slug: string,
  learner: Learner | undefined,
): Promise<Result<{ code: string; isNewCode: boolean }>> {
  const course = await repo.findCourseBySlug(deps.db, slug);
  if (!course || !course.published_version_id) return notFound(msg('courseNotFound'));
  const versionId = course.published_version_id;
  const now = deps.clock.now();
  return repo.inTransaction(deps.db, async (tx) => {
    let learnerId = learner?.id;
    let code = learner?.code;
    const isNewCode = !learner;
    if (!learnerId || !code) {
      code = generateProgressCode();
      learnerId = await repo.insertLearner(tx, {
        code_hash: hashProgressCode(deps.secret, code),
        expires_on: day(addDays(now, CODE_LIFETIME_DAYS)),
      });
    }
    const existing = await repo.findEnrolment(tx, learnerId, course.id);
    if (!existing)
      await repo.insertEnrolment(tx, { learner_id: learnerId, course_id: course.id, version_id: versionId });
    return ok({ code, isNewCode });
  });
}

/** Retention: progress behind a code nobody used for a year is deleted. */
export async function purgeExpiredLearners(deps: Pick<TrainingDeps, 'db' | 'clock'>): Promise<number> {
  return repo.deleteExpiredLearners(deps.db, day(deps.clock.now()));
}

/** A refused code; `blocked` when this client has typed too many wrong codes to be heard now. */
export type ResumeResult = Result<Learner> | (Failure & { blocked: true });

/**
 * Checks a typed code (and passphrase, when the learner set one) and extends the code's life.
 * Wrong codes count against the client key: after too many, nothing is checked for a while.
 */
export async function resumeWithCode(
  deps: TrainingDeps,
  clientKey: string,
  rawCode: string,
  passphrase: string,
): Promise<ResumeResult> {
  if (!(await deps.codeAttempts.attempt(clientKey))) return { ...invalid(msg('tooManyCodes'), 'code'), blocked: true };
  const result = await checkCode(deps, rawCode, passphrase);
  if (result.ok) await deps.codeAttempts.succeeded(clientKey);
  return result;
}

async function checkCode(deps: TrainingDeps, rawCode: string, passphrase: string): Promise<Result<Learner>> {
  const code = normalizeProgressCode(rawCode);
  if (!code) return invalid(msg('codeShape'), 'code');
  const row = await repo.findLearnerByHash(deps.db, hashProgressCode(deps.secret, code));
  const today = day(deps.clock.now());
  if (!row) return invalid(msg('codeUnknown'), 'code');
  if (row.expires_on < today) return invalid(msg('codeExpired'), 'code');
  if (row.passphrase_hash) {
    if (!passphrase || !(await argonVerify(row.passphrase_hash, passphrase))) {
      return invalid(msg('passphraseMismatch'), 'passphrase');
    }
  }
  await repo.setLearnerExpiry(deps.db, row.id, day(addDays(deps.clock.now(), CODE_LIFETIME_DAYS)));
  return ok({ id: row.id, code, hasPassphrase: row.passphrase_hash !== null });
}

export const PASSPHRASE_MIN = 8;
export const PASSPHRASE_MAX = 200;

export async function setPassphrase(deps: TrainingDeps, learner: Learner, passphrase: string): Promise<Result<true>> {
  if (passphrase.length < PASSPHRASE_MIN)
    return invalid(msg('passphraseTooShort', { min: PASSPHRASE_MIN }), 'passphrase');
  if (passphrase.length > PASSPHRASE_MAX)
    return invalid(msg('passphraseTooLong', { max: PASSPHRASE_MAX }), 'passphrase');
  const h = await argonHash(passphrase, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  await repo.setPassphraseHash(deps.db, learner.id, h);
  return ok(true);
}

// ── lessons and quizzes ──
export interface QuestionResult {
  question: Question;
  chosen: number[];
  isCorrect: boolean;
}

export interface QuizResult {
  score: number;
  passMark: number;
  isPassed: boolean;
  results: QuestionResult[];
  /** False when the visitor has not started the course: nothing was kept. */
  isSaved: boolean;
  /**
   * Whether the right answers may be shown: after a pass, or once a learner has tried `revealAfter`
   * times. Before that a failed try shows which answers were wrong and why the chosen options were,
   * never the answer key (else the pass mark and the certificate would mean little).
   */
  showAnswers: boolean;
  /** Tries left before the right answers are shown; undefined for visitors who did not start (nothing counted). */
  triesLeft?: number;
}

/** A quiz form's fields: `q_<question key>` → the chosen option numbers (other fields are ignored). */
export type QuizAnswers = Record<string, string | number | readonly (string | number)[] | undefined>;

/**
 * Reads `q_<key>` fields from a form into answers, refusing any field for a question that is not
 * in the lesson or an option that does not exist.
 */
export function parseAnswers(lesson: Lesson, body: QuizAnswers): Result<Map<string, number[]>> {
  const answers = new Map<string, number[]>();
  const graded = new Map(lesson.questions.filter(isGraded).map((q) => [q.key, q]));
  for (const [field, value] of Object.entries(body)) {
    if (!field.startsWith('q_')) continue;
    const key = field.slice(2);
    const q = graded.get(key);
    if (!q) return invalid(msg('answersNotInLesson'));
    const values = (Array.isArray(value) ? value : [value]).map(String);
    const picks = values.map((v) => (/^\d{1,3}$/.test(v) ? Number(v) : -1));
    if (picks.some((p) => p < 0 || p >= q.options.length)) return invalid(msg('answersNotOptions'));
    if (q.kind === 'single' && picks.length > 1) return invalid(msg('oneAnswerEach'));
    answers.set(
      key,
      [...new Set(picks)].sort((a, b) => a - b),
    );
  }
  return ok(answers);
}

export function gradeQuiz(
  lesson: Lesson,
  answers: Map<string, number[]>,
): Omit<QuizResult, 'isSaved' | 'showAnswers' | 'triesLeft'> {
  const graded = lesson.questions.filter(isGraded);
  const results = graded.map((question) => {
    const chosen = answers.get(question.key) ?? [];
    const correct = question.options.flatMap((o, i) => (o.isCorrect ? [i] : []));
    const isCorrect = chosen.length === correct.length && chosen.every((c, i) => c === correct[i]);
    return { question, chosen, isCorrect };
  });
  const score =
    graded.length === 0 ? 100 : Math.round((100 * results.filter((r) => r.isCorrect).length) / graded.length);
  return { score, passMark: lesson.passMark, isPassed: score >= lesson.passMark, results };
}

/** A course as this visitor sees it, opened at one lesson, with its neighbours for the pager. */
export type LessonView = CourseView & {
  enrolment?: Enrolment;
  lesson: Lesson;
  previous?: Lesson;
  next?: Lesson;
};

/** One lesson of the course as this visitor sees it (their own version once started). */
export async function lessonFor(
  deps: TrainingDeps,
  slug: string,
  lessonSlug: string,
  learner?: Learner | null,
): Promise<Result<LessonView>> {
  const found = await courseFor(deps, slug, learner);
  if (!found.ok) return found;
  const place = findLesson(found.value.content, lessonSlug);
  if (!place) return notFound(msg('lessonNotFound'));
  return ok({ ...found.value, ...place });
}

/** Grades a quiz; for a learner who started the course, keeps the best score and progress. */
export async function submitQuiz(
  deps: TrainingDeps,
  slug: string,
  lessonSlug: string,
  learner: Learner | undefined,
  answers: QuizAnswers,
): Promise<Result<{ view: LessonView; result: QuizResult }>> {
  const found = await lessonFor(deps, slug, lessonSlug, learner);
  if (!found.ok) return found;
  const view = found.value;
  const { lesson } = view;
  if (!hasQuiz(lesson)) return invalid(msg('noQuiz'));
  const parsed = parseAnswers(lesson, answers);
  if (!parsed.ok) return parsed;
  const graded = gradeQuiz(lesson, parsed.value);
  const enrolment = view.enrolment;
  const before = enrolment?.lessons.get(lesson.key);
  const attempts = (before?.attempts ?? 0) + 1;
  await repo.inTransaction(deps.db, async (tx) => {
    for (const r of graded.results) await repo.countAnswer(tx, view.courseId, r.question.key, r.isCorrect);
    if (!enrolment) return;
    const isPassed = graded.isPassed || !!before?.isPassed;
    await repo.upsertProgress(tx, {
      enrolment_id: enrolment.id,
      lesson_key: lesson.key,
      is_complete: isPassed ? 1 : 0,
      best_score: Math.max(before?.bestScore ?? 0, graded.score),
      is_passed: isPassed ? 1 : 0,
      attempts,
    });
    await refreshCompletion(tx, enrolment.id, view.content);
  });
  const reloaded = enrolment ? await reloadEnrolment(deps.db, enrolment.id) : undefined;
  // Anonymous tries are not counted (nothing is kept for them): only a pass shows them the answers.
  const revealAfter = lesson.revealAfter ?? REVEAL_AFTER_DEFAULT;
  const earned = graded.isPassed || !!before?.isPassed || (!!enrolment && attempts >= revealAfter);
  const triesLeft = enrolment && !earned ? revealAfter - attempts : undefined;
  const result = { ...graded, isSaved: !!enrolment, showAnswers: earned, triesLeft };
  return ok({ view: { ...view, enrolment: reloaded }, result });
}

/** Lessons without a quiz are done when the learner says so. */
export async function completeLesson(
  deps: TrainingDeps,
  slug: string,
  lessonSlug: string,
  learner: Learner | undefined,
): Promise<Result<{ next?: Lesson }>> {
  if (!learner) return invalid(msg('startFirst'));
  const found = await lessonFor(deps, slug, lessonSlug, learner);
  if (!found.ok) return found;
  const { enrolment, content, lesson, next } = found.value;
  if (!enrolment) return invalid(msg('startFirst'));
  if (hasQuiz(lesson)) return invalid(msg('passQuizFirst'));
  await repo.inTransaction(deps.db, async (tx) => {
    await repo.upsertProgress(tx, {
      enrolment_id: enrolment.id,
      lesson_key: lesson.key,
      is_complete: 1,
      best_score: null,
      is_passed: 0,
    });
    await refreshCompletion(tx, enrolment.id, content);
  });
  return ok({ next });
}

async function reloadEnrolment(db: Executor, id: number): Promise<Enrolment | undefined> {
  const row = await repo.findEnrolmentById(db, id);
  return row ? loadEnrolment(db, row) : undefined;
}

async function refreshCompletion(tx: Executor, enrolmentId: number, content: CourseContent): Promise<void> {
  const e = await reloadEnrolment(tx, enrolmentId);
  if (e && !e.isComplete && requiredRemaining(content, e).length === 0)
    await repo.markEnrolmentComplete(tx, enrolmentId);
}

export async function myCourses(deps: TrainingDeps, learner: Learner) {
  const rows = await repo.listEnrolmentsOfLearner(deps.db, learner.id);
  const out: { slug: string; title: string; isComplete: boolean; done: number; total: number }[] = [];
  for (const r of rows) {
    const content = await deps.versions.load(deps.db, r.version_id);
    if (!content) continue;
    const e = await loadEnrolment(deps.db, r);
    const lessons = allLessons(content);
    out.push({
      slug: r.slug,
      title: content.title,
      isComplete: e.isComplete,
      done: lessons.filter((l) => e.lessons.get(l.key)?.isComplete).length,
      total: lessons.length,
    });
  }
  return out;
}

// ── certificates ──
export const NAME_MAX = 120;

/** A name as it will print: trimmed, NFC, no control or direction-override characters. */
export function validateCertificateName(input: string): Result<string> {
  const name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!name) return invalid(msg('nameRequired'), 'name');
  if ([...name].length > NAME_MAX) return invalid(msg('nameTooLong', { max: NAME_MAX }), 'name');
  if (/[\p{Cc}\p{Co}\p{Cs}\u202A-\u202E\u2066-\u2069\u200E\u200F\uFFF0-\uFFFF]/u.test(input.trim())) {
    return invalid(msg('nameControl'), 'name');
  }
  if (!/\p{L}/u.test(name)) return invalid(msg('nameNoLetter'), 'name');
  return ok(name);
}

export interface Certificate {
  code: string;
  courseTitle: string;
  holderName: string;
  issuedOn: string;
  courseSlug?: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export async function issueCertificate(
  deps: TrainingDeps,
  slug: string,
  learner: Learner | undefined,
  rawName: string,
): Promise<Result<Certificate>> {
  if (!learner) return invalid(msg('certificateStartFirst'));
  const found = await courseFor(deps, slug, learner);
  if (!found.ok) return found;
  const { enrolment, content, courseId, versionId } = found.value;
  if (!enrolment) return invalid(msg('certificateStartFirst'));
  const remaining = requiredRemaining(content, enrolment);
  if (remaining.length > 0) {
    return conflict(msg('finishFirst', { count: remaining.length, lessons: remaining.map((l) => l.title).join(', ') }));
  }
  const name = validateCertificateName(rawName);
  if (!name.ok) return name;
  const code = generateCertificateCode();
  const issuedOn = day(deps.clock.now());
  await repo.insertCertificate(deps.db, {
    code,
    course_id: courseId,
    version_id: versionId,
    course_title: content.title,
    holder_name: name.value,
    issued_on: issuedOn,
  });
  return ok({
    code,
    courseTitle: content.title,
    holderName: name.value,
    issuedOn,
    courseSlug: content.slug,
    revokedAt: null,
    revokedReason: null,
  });
}

/** A certificate by its code, typed forgivingly (lower case, O for 0); for anyone to verify. */
export async function findCertificate(deps: Pick<TrainingDeps, 'db'>, rawCode: string): Promise<Result<Certificate>> {
  const code = normalizeCertificateCode(rawCode);
  const row = code ? await repo.findCertificate(deps.db, code) : undefined;
  if (!row) return notFound(msg('certificateNotFound'));
  return ok({
    code: row.code,
    courseTitle: row.course_title,
    holderName: row.holder_name,
    issuedOn: row.issued_on,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  });
}

/** A certificate to print: only while it stands (a revoked one is shown on its page, never printed). */
export async function printableCertificate(
  deps: Pick<TrainingDeps, 'db'>,
  rawCode: string,
): Promise<Result<Certificate>> {
  const found = await findCertificate(deps, rawCode);
  if (found.ok && found.value.revokedAt) return conflict(msg('certificateRevoked'));
  return found;
}
