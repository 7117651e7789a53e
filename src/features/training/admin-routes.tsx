import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { statusOf, type Problem, type Result } from '../../core/result.ts';
import { uiLocale } from '../../core/i18n/index.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import * as authoring from './authoring.ts';
import { findLesson } from './content.ts';
import * as repo from './repo.ts';
import type { TrainingDeps } from './service.ts';
import { AdminCoursePage, AdminCoursesPage, AdminLessonPage, AdminStatsPage, type FormState } from './admin-views.tsx';
import { CoursePage, LessonPage } from './views.tsx';

/*
 * Trainers' pages under /admin/training. Every form carries the course revision it was built
 * from; a stale one is refused (409) with the page reloaded, so nothing is overwritten silently.
 */
type Body = Record<string, string | undefined>;
type IdParams = { id: string };

export async function adminTrainingRoutes(
  app: FastifyInstance,
  opts: { deps: TrainingDeps; invalidate: (...tags: string[]) => Promise<void> },
) {
  const { deps, invalidate } = opts;
  const author = { preHandler: requireStaff('training.author') };
  /** A positive id from a path or form field; -1 (matches nothing) for anything else. */
  const idOf = (s: string | undefined) => (s && /^\d{1,9}$/.test(s) ? Number(s) : -1);
  const bodyOf = (req: FastifyRequest): Body => {
    const out: Body = {};
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>))
      out[k] = Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
    return out;
  };
  const courseInput = (b: Body): authoring.CourseInput => ({
    slug: b.slug ?? '',
    title: b.title ?? '',
    summary: b.summary ?? '',
    audience: b.audience ?? '',
    language: b.language ?? '',
    minutes: b.minutes ?? '',
  });
  const notFoundPage = (req: FastifyRequest, reply: FastifyReply, message = 'That course does not exist.') =>
    reply.page(<ErrorPage ctx={req.pageContext()} status={404} message={message} />, 404);

  async function renderCourse(
    req: FastifyRequest,
    reply: FastifyReply,
    courseId: number,
    status = 200,
    state?: FormState,
    notice?: string,
  ) {
    const course = await repo.findCourse(deps.db, courseId);
    if (!course) return notFoundPage(req, reply);
    const [modules, lessons, questions, versions, certificates] = await Promise.all([
      repo.listModules(deps.db, courseId),
      repo.listLessonsOfCourse(deps.db, courseId),
      repo.listQuestionsOfCourse(deps.db, courseId),
      repo.listVersions(deps.db, courseId),
      repo.listCertificates(deps.db, courseId),
    ]);
    const questionCounts = new Map<number, number>();
    for (const q of questions) questionCounts.set(q.lesson_id, (questionCounts.get(q.lesson_id) ?? 0) + 1);
    return reply.page(
      <AdminCoursePage
        ctx={req.pageContext()}
        course={course}
        modules={modules}
        lessons={lessons}
        questionCounts={questionCounts}
        versions={versions}
        certificates={certificates}
        state={state}
        notice={notice}
      />,
      status,
    );
  }

  async function renderLesson(
    req: FastifyRequest,
    reply: FastifyReply,
    courseId: number,
    lessonId: number,
    status = 200,
    state?: FormState,
  ) {
    const course = await repo.findCourse(deps.db, courseId);
    const lesson = await repo.findLessonRow(deps.db, lessonId);
    if (!course || !lesson || lesson.course_id !== courseId)
      return notFoundPage(req, reply, 'That lesson does not exist.');
    const questions = (await repo.listQuestionsOfCourse(deps.db, courseId)).filter((q) => q.lesson_id === lessonId);
    return reply.page(
      <AdminLessonPage ctx={req.pageContext()} course={course} lesson={lesson} questions={questions} state={state} />,
      status,
    );
  }

  /** Turns a refused change into the page again, with the trainer's input and the reason. */
  function stateOf(problem: Problem, form: string, body: Body): FormState {
    const input = Object.fromEntries(
      Object.entries(body).filter(([k, v]) => k !== '_csrf' && v !== undefined),
    ) as Record<string, string>;
    if (problem.kind === 'conflict') return { form: '_page', errors: { _form: problem.message }, input: {} };
    const errors =
      problem.kind === 'invalid'
        ? (problem.fields ?? (problem.field ? { [problem.field]: problem.message } : { _form: problem.message }))
        : { _form: problem.message };
    return { form: problem.kind === 'invalid' && (problem.fields || problem.field) ? form : '_page', errors, input };
  }

  async function respond<T>(
    req: FastifyRequest,
    reply: FastifyReply,
    result: Result<T>,
    form: string,
    where: { courseId: number; lessonId?: number },
    onOk: (value: T) => string,
  ) {
    if (result.ok) return reply.redirect(onOk(result.value), 303);
    if (result.kind === 'denied')
      return reply.page(<ErrorPage ctx={req.pageContext()} status={403} message={result.message} />, 403);
    if (result.kind === 'not_found') return notFoundPage(req, reply, result.message);
    const state = stateOf(result, form, bodyOf(req));
    const status = statusOf(result);
    return where.lessonId
      ? renderLesson(req, reply, where.courseId, where.lessonId, status, state)
      : renderCourse(req, reply, where.courseId, status, state);
  }

  const revisionOf = (b: Body) => idOf(b.revision);

  /** "Save and publish": the saved change moved the revision on by one; publish from there. */
  async function saveThenMaybePublish(
    req: FastifyRequest,
    reply: FastifyReply,
    saved: Result<true>,
    form: string,
    where: { courseId: number; lessonId?: number },
    back: string,
  ) {
    const body = bodyOf(req);
    if (!saved.ok || body.publish !== '1') return respond(req, reply, saved, form, where, () => back);
    const published = await authoring.publishCourse(deps, req.staff!, where.courseId, revisionOf(body) + 1);
    if (published.ok) await invalidate('training', 'home');
    return respond(
      req,
      reply,
      published,
      '_page',
      where,
      (v) => `/admin/training/${where.courseId}?published=${v.version}`,
    );
  }

  app.get('/admin/training', author, async (req, reply) => {
    return reply.page(<AdminCoursesPage ctx={req.pageContext()} courses={await repo.listCourses(deps.db)} />);
  });

  app.post('/admin/training', author, async (req, reply) => {
    const body = bodyOf(req);
    const result = await authoring.createCourse(deps, req.staff!, courseInput(body));
    if (result.ok) return reply.redirect(`/admin/training/${result.value}`, 303);
    const state = stateOf(result, 'create', body);
    return reply.page(
      <AdminCoursesPage
        ctx={req.pageContext()}
        courses={await repo.listCourses(deps.db)}
        state={{ ...state, form: 'create' }}
      />,
      statusOf(result),
    );
  });

  app.get<{ Params: IdParams }>('/admin/training/:id', author, async (req, reply) => {
    const id = idOf(req.params.id);
    if (id < 0) return notFoundPage(req, reply);
    const published = (req.query as { published?: string }).published;
    return renderCourse(req, reply, id, 200, undefined, published ? `Published version ${published}.` : undefined);
  });

  app.post<{ Params: IdParams }>('/admin/training/:id', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const body = bodyOf(req);
    const result = await authoring.updateCourse(deps, req.staff!, id, revisionOf(body), courseInput(body));
    return saveThenMaybePublish(req, reply, result, 'course', { courseId: id }, `/admin/training/${id}`);
  });

  app.post<{ Params: IdParams }>('/admin/training/:id/publish', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const result = await authoring.publishCourse(deps, req.staff!, id, revisionOf(bodyOf(req)));
    if (result.ok) await invalidate('training', 'home');
    return respond(
      req,
      reply,
      result,
      '_page',
      { courseId: id },
      (v) => `/admin/training/${id}?published=${v.version}`,
    );
  });

  app.post<{ Params: IdParams }>('/admin/training/:id/unpublish', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const result = await authoring.unpublishCourse(deps, req.staff!, id, revisionOf(bodyOf(req)));
    if (result.ok) await invalidate('training', 'home');
    return respond(req, reply, result, '_page', { courseId: id }, () => `/admin/training/${id}`);
  });

  app.post<{ Params: IdParams }>('/admin/training/:id/modules', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const body = bodyOf(req);
    const result = await authoring.addModule(deps, req.staff!, id, revisionOf(body), body.title ?? '');
    return respond(req, reply, result, 'module', { courseId: id }, () => `/admin/training/${id}`);
  });

  app.post<{ Params: IdParams & { mid: string } }>('/admin/training/:id/modules/:mid', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const body = bodyOf(req);
    const result = await authoring.renameModule(
      deps,
      req.staff!,
      id,
      revisionOf(body),
      idOf(req.params.mid),
      body.title ?? '',
    );
    return respond(req, reply, result, '_page', { courseId: id }, () => `/admin/training/${id}`);
  });

  app.post<{ Params: IdParams & { mid: string } }>(
    '/admin/training/:id/modules/:mid/delete',
    author,
    async (req, reply) => {
      const id = idOf(req.params.id);
      const result = await authoring.removeModule(deps, req.staff!, id, revisionOf(bodyOf(req)), idOf(req.params.mid));
      return respond(req, reply, result, '_page', { courseId: id }, () => `/admin/training/${id}`);
    },
  );

  app.post<{ Params: IdParams }>('/admin/training/:id/move', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const body = bodyOf(req);
    const kind = body.kind as authoring.MoveKind;
    if (!['module', 'lesson', 'question'].includes(kind) || !['-1', '1'].includes(body.direction ?? ''))
      return notFoundPage(req, reply, 'That item does not exist.');
    const result = await authoring.moveItem(
      deps,
      req.staff!,
      id,
      revisionOf(body),
      kind,
      idOf(body.id),
      body.direction === '-1' ? -1 : 1,
    );
    const back =
      body.back && new RegExp(`^/admin/training/${id}(/lessons/\\d+)?$`).test(body.back)
        ? body.back
        : `/admin/training/${id}`;
    return respond(req, reply, result, '_page', { courseId: id }, () => back);
  });

  const lessonInput = (b: Body): authoring.LessonInput => ({
    slug: b.slug ?? '',
    title: b.title ?? '',
    body: b.body ?? '',
    isRequired: b.required === '1',
    passMark: b.passMark ?? '',
  });

  app.post<{ Params: IdParams & { mid: string } }>(
    '/admin/training/:id/modules/:mid/lessons',
    author,
    async (req, reply) => {
      const id = idOf(req.params.id);
      const body = bodyOf(req);
      const result = await authoring.addLesson(deps, req.staff!, id, revisionOf(body), idOf(req.params.mid), {
        ...lessonInput(body),
        isRequired: true,
        passMark: '70',
      });
      return respond(
        req,
        reply,
        result,
        `lesson-${req.params.mid}`,
        { courseId: id },
        (lessonId) => `/admin/training/${id}/lessons/${lessonId}`,
      );
    },
  );

  app.get<{ Params: IdParams & { lid: string } }>('/admin/training/:id/lessons/:lid', author, async (req, reply) => {
    return renderLesson(req, reply, idOf(req.params.id), idOf(req.params.lid));
  });

  app.post<{ Params: IdParams & { lid: string } }>('/admin/training/:id/lessons/:lid', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const lid = idOf(req.params.lid);
    const body = bodyOf(req);
    const result = await authoring.updateLesson(deps, req.staff!, id, revisionOf(body), lid, lessonInput(body));
    return saveThenMaybePublish(
      req,
      reply,
      result,
      'lesson',
      { courseId: id, lessonId: lid },
      `/admin/training/${id}/lessons/${lid}`,
    );
  });

  app.post<{ Params: IdParams & { lid: string } }>(
    '/admin/training/:id/lessons/:lid/delete',
    author,
    async (req, reply) => {
      const id = idOf(req.params.id);
      const result = await authoring.removeLesson(deps, req.staff!, id, revisionOf(bodyOf(req)), idOf(req.params.lid));
      return respond(req, reply, result, '_page', { courseId: id }, () => `/admin/training/${id}`);
    },
  );

  const questionInput = (b: Body): authoring.QuestionInput => ({
    kind: b.kind ?? '',
    prompt: b.prompt ?? '',
    options: b.options ?? '',
  });

  app.post<{ Params: IdParams & { lid: string } }>(
    '/admin/training/:id/lessons/:lid/questions',
    author,
    async (req, reply) => {
      const id = idOf(req.params.id);
      const lid = idOf(req.params.lid);
      const body = bodyOf(req);
      const result = await authoring.addQuestion(deps, req.staff!, id, revisionOf(body), lid, questionInput(body));
      return respond(
        req,
        reply,
        result,
        'new-question',
        { courseId: id, lessonId: lid },
        () => `/admin/training/${id}/lessons/${lid}`,
      );
    },
  );

  app.post<{ Params: IdParams & { qid: string } }>('/admin/training/:id/questions/:qid', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const qid = idOf(req.params.qid);
    const body = bodyOf(req);
    const q = await repo.findQuestionRow(deps.db, qid);
    const result = await authoring.updateQuestion(deps, req.staff!, id, revisionOf(body), qid, questionInput(body));
    return respond(
      req,
      reply,
      result,
      `q-${qid}`,
      { courseId: id, lessonId: q?.lesson_id },
      () => `/admin/training/${id}/lessons/${q?.lesson_id}`,
    );
  });

  app.post<{ Params: IdParams & { qid: string } }>(
    '/admin/training/:id/questions/:qid/delete',
    author,
    async (req, reply) => {
      const id = idOf(req.params.id);
      const qid = idOf(req.params.qid);
      const q = await repo.findQuestionRow(deps.db, qid);
      const result = await authoring.removeQuestion(deps, req.staff!, id, revisionOf(bodyOf(req)), qid);
      return respond(
        req,
        reply,
        result,
        '_page',
        { courseId: id, lessonId: q?.lesson_id },
        () => `/admin/training/${id}/lessons/${q?.lesson_id}`,
      );
    },
  );

  app.get<{ Params: IdParams }>('/admin/training/:id/preview', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const content = id < 0 ? undefined : await authoring.loadDraft(deps.db, id);
    if (!content) return notFoundPage(req, reply);
    return reply.page(
      <CoursePage
        ctx={req.pageContext(uiLocale(content.language))}
        course={content}
        hasLearner={false}
        remaining={0}
        previewBase={`/admin/training/${id}/preview`}
      />,
    );
  });

  app.get<{ Params: IdParams & { lesson: string } }>(
    '/admin/training/:id/preview/:lesson',
    author,
    async (req, reply) => {
      const id = idOf(req.params.id);
      const content = id < 0 ? undefined : await authoring.loadDraft(deps.db, id);
      const place = content && findLesson(content, req.params.lesson);
      if (!content || !place) return notFoundPage(req, reply, 'That lesson does not exist.');
      return reply.page(
        <LessonPage
          ctx={req.pageContext(uiLocale(content.language))}
          course={content}
          {...place}
          previewBase={`/admin/training/${id}/preview`}
        />,
      );
    },
  );

  app.get<{ Params: IdParams }>('/admin/training/:id/stats', author, async (req, reply) => {
    const id = idOf(req.params.id);
    const course = id < 0 ? undefined : await repo.findCourse(deps.db, id);
    if (!course) return notFoundPage(req, reply);
    const content = course.published_version_id
      ? await deps.versions.get(deps.db, course.published_version_id)
      : undefined;
    return reply.page(
      <AdminStatsPage
        ctx={req.pageContext()}
        course={course}
        content={content}
        stats={await authoring.courseStats(deps, id)}
      />,
    );
  });

  app.post<{ Params: { code: string } }>(
    '/admin/training/certificates/:code/revoke',
    { preHandler: requireStaff('certificates.revoke') },
    async (req, reply) => {
      const body = bodyOf(req);
      const courseId = idOf(body.course);
      const result = await authoring.revokeCertificate(deps, req.staff!, req.params.code, body.reason ?? '');
      if (result.ok) {
        await invalidate(`certificate:${req.params.code}`);
        return reply.redirect(courseId < 0 ? `/certificates/${req.params.code}` : `/admin/training/${courseId}`, 303);
      }
      if (result.kind === 'not_found' || courseId < 0)
        return reply.page(
          <ErrorPage ctx={req.pageContext()} status={statusOf(result)} message={result.message} />,
          statusOf(result),
        );
      return renderCourse(req, reply, courseId, statusOf(result), {
        form: '_page',
        errors: { _form: result.message },
        input: {},
      });
    },
  );
}
