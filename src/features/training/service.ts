import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Clock } from '../../core/clock.ts';
import type { Db, Executor } from '../../core/db/schema.ts';
import { conflict, invalid, notFound, ok, type Result } from '../../core/result.ts';
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
  type CourseContent,
  type Lesson,
  type Question,
} from './content.ts';
import * as repo from './repo.ts';

/* The learner's side of training: browse, start, answer, resume, finish, certify. */

export interface TrainingDeps {
  db: Db;
  clock: Clock;
  secret: string;
  versions: VersionCache;
}

/** Published versions never change, so each is parsed once per process. */
export class VersionCache {
  private readonly map = new Map<number, CourseContent>();
  async get(db: Executor, versionId: number): Promise<CourseContent | undefined> {
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
  lessons: Map<string, { isComplete: boolean; bestScore: number | null; isPassed: boolean }>;
}

// ── catalogue and courses ──
export async function listCatalogue(deps: TrainingDeps): Promise<CourseView[]> {
  const rows = await repo.listPublished(deps.db);
  const out: CourseView[] = [];
  for (const r of rows) {
    const content = await deps.versions.get(deps.db, r.version_id);
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
  if (!course) return notFound('course');
  if (learner) {
    const e = await repo.findEnrolment(deps.db, learner.id, course.id);
    if (e) {
      const content = await deps.versions.get(deps.db, e.version_id);
      if (content)
        return ok({
          courseId: course.id,
          versionId: e.version_id,
          content,
          enrolment: await loadEnrolment(deps.db, e),
        });
    }
  }
  if (!course.published_version_id) return notFound('course');
  const content = await deps.versions.get(deps.db, course.published_version_id);
  if (!content) return notFound('course');
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
        { isComplete: r.is_complete === 1, bestScore: r.best_score, isPassed: r.is_passed === 1 },
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
  if (!course || !course.published_version_id) return notFound('course');
  const versionId = course.published_version_id;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
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

export type ResumeFailure = 'unknown' | 'passphrase';

/** Checks a typed code (and passphrase, when the learner set one); extends the code's life. */
export async function resumeWithCode(
  deps: TrainingDeps,
  rawCode: string,
  passphrase: string,
): Promise<Result<Learner> & { failure?: ResumeFailure }> {
  const code = normalizeProgressCode(rawCode);
  const fail = (failure: ResumeFailure, message: string, field: string) => ({ ...invalid(message, field), failure });
  if (!code)
    return fail(
      'unknown',
      'A progress code is five words from our list, like “maple-river-lamp-otter-seed”. Check the code and try again.',
      'code',
    );
  const row = await repo.findLearnerByHash(deps.db, hashProgressCode(deps.secret, code));
  const today = day(deps.clock.now());
  if (!row) return fail('unknown', 'We do not know that progress code. Check each word and try again.', 'code');
  if (row.expires_on < today)
    return fail(
      'unknown',
      'That progress code has expired: it was not used for a year. Start the course again to get a new code.',
      'code',
    );
  if (row.passphrase_hash) {
    if (!passphrase || !(await argonVerify(row.passphrase_hash, passphrase))) {
      return fail(
        'passphrase',
        'This code is protected by a passphrase, and the passphrase does not match.',
        'passphrase',
      );
    }
  }
  await repo.setLearnerExpiry(deps.db, row.id, day(addDays(deps.clock.now(), CODE_LIFETIME_DAYS)));
  return ok({ id: row.id, code, hasPassphrase: row.passphrase_hash !== null });
}

export async function setPassphrase(deps: TrainingDeps, learner: Learner, passphrase: string): Promise<Result<true>> {
  if (passphrase.length < 8) return invalid('Choose a passphrase of at least 8 characters.', 'passphrase');
  if (passphrase.length > 200) return invalid('Choose a passphrase of at most 200 characters.', 'passphrase');
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
}

/**
 * Reads `q_<key>` fields from a form into answers, refusing any field for a question that is not
 * in the lesson or an option that does not exist.
 */
export function parseAnswers(lesson: Lesson, body: Record<string, unknown>): Result<Map<string, number[]>> {
  const answers = new Map<string, number[]>();
  const graded = new Map(lesson.questions.filter(isGraded).map((q) => [q.key, q]));
  for (const [field, value] of Object.entries(body)) {
    if (!field.startsWith('q_')) continue;
    const key = field.slice(2);
    const q = graded.get(key);
    if (!q)
      return invalid('Some answers were for questions that are not in this lesson. Reload the lesson and try again.');
    const values = (Array.isArray(value) ? value : [value]).map(String);
    const picks = values.map((v) => (/^\d{1,3}$/.test(v) ? Number(v) : -1));
    if (picks.some((p) => p < 0 || p >= q.options.length))
      return invalid('Some answers were not among the options. Reload the lesson and try again.');
    if (q.kind === 'single' && picks.length > 1) return invalid('Choose one answer for each single-choice question.');
    answers.set(
      key,
      [...new Set(picks)].sort((a, b) => a - b),
    );
  }
  return ok(answers);
}

export function gradeQuiz(lesson: Lesson, answers: Map<string, number[]>): Omit<QuizResult, 'isSaved'> {
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

export async function submitQuiz(
  deps: TrainingDeps,
  slug: string,
  lessonSlug: string,
  learner: Learner | undefined,
  body: Record<string, unknown>,
): Promise<Result<{ view: CourseView & { enrolment?: Enrolment }; lesson: Lesson; result: QuizResult }>> {
  const found = await courseFor(deps, slug, learner);
  if (!found.ok) return found;
  const view = found.value;
  const place = findLesson(view.content, lessonSlug);
  if (!place) return notFound('lesson');
  const { lesson } = place;
  if (!hasQuiz(lesson)) return invalid('This lesson has no quiz.');
  const parsed = parseAnswers(lesson, body);
  if (!parsed.ok) return parsed;
  const graded = gradeQuiz(lesson, parsed.value);
  await deps.db.transaction().execute(async (tx) => {
    for (const r of graded.results) await repo.countAnswer(tx, view.courseId, r.question.key, r.isCorrect);
    if (!view.enrolment) return;
    const before = view.enrolment.lessons.get(lesson.key);
    const best = Math.max(before?.bestScore ?? 0, graded.score);
    const isPassed = graded.isPassed || !!before?.isPassed;
    await repo.upsertProgress(tx, {
      enrolment_id: view.enrolment.id,
      lesson_key: lesson.key,
      is_complete: isPassed ? 1 : 0,
      best_score: best,
      is_passed: isPassed ? 1 : 0,
    });
    await refreshCompletion(tx, view.enrolment.id, view.content);
  });
  const enrolment = view.enrolment ? await reloadEnrolment(deps.db, view.enrolment.id) : undefined;
  return ok({ view: { ...view, enrolment }, lesson, result: { ...graded, isSaved: !!view.enrolment } });
}

/** Lessons without a quiz are done when the learner says so. */
export async function completeLesson(
  deps: TrainingDeps,
  slug: string,
  lessonSlug: string,
  learner: Learner | undefined,
): Promise<Result<{ next?: Lesson }>> {
  if (!learner) return invalid('Start the course first, so your progress can be kept.');
  const found = await courseFor(deps, slug, learner);
  if (!found.ok) return found;
  const { enrolment, content } = found.value;
  if (!enrolment) return invalid('Start the course first, so your progress can be kept.');
  const place = findLesson(content, lessonSlug);
  if (!place) return notFound('lesson');
  if (hasQuiz(place.lesson)) return invalid('Pass the quiz to finish this lesson.');
  await deps.db.transaction().execute(async (tx) => {
    await repo.upsertProgress(tx, {
      enrolment_id: enrolment.id,
      lesson_key: place.lesson.key,
      is_complete: 1,
      best_score: null,
      is_passed: 0,
    });
    await refreshCompletion(tx, enrolment.id, content);
  });
  return ok({ next: place.next });
}

async function reloadEnrolment(db: Executor, id: number): Promise<Enrolment | undefined> {
  const row = await db.selectFrom('training_enrolments').selectAll().where('id', '=', id).executeTakeFirst();
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
    const content = await deps.versions.get(deps.db, r.version_id);
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
  if (!name) return invalid('Enter the name to print on the certificate.', 'name');
  if ([...name].length > NAME_MAX) return invalid(`Use at most ${NAME_MAX} characters for the name.`, 'name');
  if (/[\p{Cc}\p{Co}\p{Cs}\u202A-\u202E\u2066-\u2069\u200E\u200F\uFFF0-\uFFFF]/u.test(input.trim())) {
    return invalid('The name contains control characters that cannot be printed. Type it again without them.', 'name');
  }
  if (!/\p{L}/u.test(name)) return invalid('Enter a name with at least one letter.', 'name');
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
  if (!learner) return invalid('Start the course and finish it before asking for a certificate.');
  const found = await courseFor(deps, slug, learner);
  if (!found.ok) return found;
  const { enrolment, content, courseId, versionId } = found.value;
  if (!enrolment) return invalid('Start the course and finish it before asking for a certificate.');
  const remaining = requiredRemaining(content, enrolment);
  if (remaining.length > 0) {
    return conflict(
      `Finish every required lesson and quiz first: ${remaining.length} still to do (${remaining.map((l) => l.title).join(', ')}).`,
    );
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

export async function findCertificate(deps: Pick<TrainingDeps, 'db'>, rawCode: string): Promise<Result<Certificate>> {
  const code = normalizeCertificateCode(rawCode);
  if (!code) return notFound('certificate');
  const row = await repo.findCertificate(deps.db, code);
  if (!row) return notFound('certificate');
  return ok({
    code: row.code,
    courseTitle: row.course_title,
    holderName: row.holder_name,
    issuedOn: row.issued_on,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  });
}
