import assert from 'node:assert/strict';
import type { Db } from '../../src/core/db/schema.ts';
import { allLessons, isGraded, type CourseContent } from '../../src/features/training/content.ts';
import { PROGRESS_COOKIE } from '../../src/features/training/routes.tsx';
import { httpRequest, postForm } from '../../bench/harness.ts';
import { cookieFrom, csrfFrom } from './staff.ts';

/*
 * A learner over real HTTP on a live server: starts a published course (getting a progress code
 * in a cookie) and passes every required lesson with the right answers, read from the published
 * version — so a test can ask for certificates.
 */
export interface LearnerSession {
  /** Cookie header value carrying the progress code. */
  cookie: string;
  code: string;
}

async function publishedContent(db: Db, slug: string): Promise<CourseContent> {
  const row = await db
    .selectFrom('training_courses as c')
    .innerJoin('training_course_versions as v', 'v.id', 'c.published_version_id')
    .select('v.content_json')
    .where('c.slug', '=', slug)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.content_json) as CourseContent;
}

/** Starts the course from `from` (a loopback address) and completes every required lesson. */
export async function learnerWhoFinished(db: Db, origin: string, slug: string, from: string): Promise<LearnerSession> {
  const page = await httpRequest(`${origin}/training/${slug}`, { from });
  assert.equal(page.status, 200, `the course page answers: ${page.status}`);
  const csrf = csrfFrom(page.text());
  const started = await postForm(`${origin}/training/${slug}/start`, { _csrf: csrf }, { from });
  assert.equal(started.status, 303, `the course starts: ${started.status}`);
  const code = cookieFrom(started.headers['set-cookie'], PROGRESS_COOKIE);
  assert.ok(code, 'a progress code is set');
  const cookie = `${PROGRESS_COOKIE}=${code}`;
  for (const lesson of allLessons(await publishedContent(db, slug))) {
    if (!lesson.isRequired) continue;
    const answers: Record<string, string[]> = {};
    for (const q of lesson.questions.filter(isGraded))
      answers[`q_${q.key}`] = q.options.flatMap((o, i) => (o.isCorrect ? [String(i)] : []));
    const graded = Object.keys(answers).length > 0;
    const url = `${origin}/training/${slug}/${lesson.slug}/${graded ? 'quiz' : 'complete'}`;
    const res = await postForm(url, { _csrf: csrf, ...answers }, { cookie, from });
    assert.ok([200, 303].includes(res.status), `lesson ${lesson.slug}: ${res.status}`);
  }
  return { cookie, code: decodeURIComponent(code) };
}
