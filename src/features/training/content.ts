/*
 * The shape of a course as learners see it. A published version stores exactly this as JSON, so
 * a learner part way through keeps the course they started even when trainers publish changes.
 * Keys ("m3", "l12", "q40") come from the working copy's ids and stay stable across versions.
 */
export type QuestionKind = 'single' | 'multiple' | 'reflection';

export interface QuizOption {
  text: string;
  isCorrect: boolean;
  explanation: string;
}

export interface Question {
  key: string;
  kind: QuestionKind;
  prompt: string;
  options: QuizOption[];
}

export interface Lesson {
  key: string;
  slug: string;
  title: string;
  bodyMd: string;
  isRequired: boolean;
  /** Percentage of quiz questions to get right. */
  passMark: number;
  /** Failed tries after which the quiz shows its right answers; versions published before it: 3. */
  revealAfter?: number;
  questions: Question[];
}

export const REVEAL_AFTER_DEFAULT = 3;

export interface Module {
  key: string;
  title: string;
  lessons: Lesson[];
}

export interface CourseContent {
  slug: string;
  title: string;
  summary: string;
  audience: string;
  language: string;
  minutes: number;
  modules: Module[];
}

export const isGraded = (q: Question): boolean => q.kind !== 'reflection';
export const hasQuiz = (lesson: Lesson): boolean => lesson.questions.some(isGraded);

export function allLessons(course: CourseContent): Lesson[] {
  return course.modules.flatMap((m) => m.lessons);
}

export function findLesson(
  course: CourseContent,
  slug: string,
): { lesson: Lesson; previous?: Lesson; next?: Lesson } | undefined {
  const lessons = allLessons(course);
  const i = lessons.findIndex((l) => l.slug === slug);
  if (i < 0) return undefined;
  return { lesson: lessons[i]!, previous: lessons[i - 1], next: lessons[i + 1] };
}
