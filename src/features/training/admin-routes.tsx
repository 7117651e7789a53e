import type { FastifyReply, FastifyRequest } from 'fastify';
import { cacheTags } from '../../core/cache/tags.ts';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { requireStaff } from '../../core/http/guard.tsx';
import { FormFlag, FormText, Id, IdParams, Slug, Type, type App } from '../../core/http/schemas.ts';
import { uiLocale, type Message } from '../../core/i18n/index.ts';
import { fieldErrorsOf, statusOf, type Problem, type Result } from '../../core/result.ts';
import * as authoring from './authoring.ts';
import { findLesson } from './content.ts';
import { msg } from './messages.ts';
import type { Training } from './service.ts';
import { AdminCoursePage, AdminCoursesPage, AdminLessonPage, AdminStatsPage, type FormState } from './admin-views.tsx';
import { CoursePage, LessonPage } from './views.tsx';

/*
 * Trainers' pages under /admin/training. Every form carries the course revision it was built
 * from; a stale one is refused (409) with the page reloaded, so nothing is overwritten silently.
 * HTTP only: one plugin per resource (courses, modules, lessons, questions, previews, certificates).
 */
interface Opts {
  training: Training;
}

const author = { preHandler: requireStaff('training.author') };

// ── schemas ──
/** The revision a trainer's form was built from (a hidden field). */
const Revision = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const RevisionForm = Type.Object({ revision: Revision });
/** "Save and publish a new version" (a button). */
const Publish = Type.Optional(Type.Enum(['1']));
// What trainers type stays text, long enough for the service to answer with a field error and the form kept.
const courseFields = {
  title: FormText(),
  slug: FormText(),
  summary: FormText(),
  audience: FormText(),
  language: FormText(),
  minutes: FormText(),
};
const NewCourseForm = Type.Object(courseFields);
const CourseForm = Type.Object({ ...courseFields, revision: Revision, publish: Publish });
const ModuleForm = Type.Object({ title: FormText(), revision: Revision });
const MoveForm = Type.Object({
  kind: Type.Enum(['module', 'lesson', 'question']),
  id: Id,
  direction: Type.Enum(['-1', '1']),
  back: Type.Optional(FormText(300)),
  revision: Revision,
});
const NewLessonForm = Type.Object({ title: FormText(), slug: FormText(), revision: Revision });
const LessonForm = Type.Object({
  title: FormText(),
  slug: FormText(),
  body: FormText(200_000),
  passMark: FormText(),
  revealAfter: Type.Optional(FormText(10)),
  required: Type.Optional(FormFlag),
  revision: Revision,
  publish: Publish,
});
const QuestionForm = Type.Object({
  kind: Type.Enum(['single', 'multiple', 'reflection']),
  prompt: FormText(),
  options: Type.Optional(FormText(50_000)),
  revision: Revision,
});
const RevokeForm = Type.Object({ reason: FormText(2000), course: Type.Optional(Id) });
const ModuleParams = Type.Object({ id: Id, mid: Id });
const LessonParams = Type.Object({ id: Id, lid: Id });
const QuestionParams = Type.Object({ id: Id, qid: Id });
const PreviewParams = Type.Object({ id: Id, lesson: Slug });
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) });
const PublishedQuery = Type.Object({ published: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) });

export async function trainingAdminRoutes(app: App, opts: Opts) {
  await app.register(courseListRoutes, opts);
  await app.register(courseEditRoutes, opts);
  await app.register(moduleRoutes, opts);
  await app.register(lessonEditRoutes, opts);
  await app.register(questionRoutes, opts);
  await app.register(previewRoutes, opts);
  await app.register(revokeRoutes, opts);
}

// ── helpers shared by the plugins (HTTP only) ──
type Where = { courseId: number; lessonId?: number };

function notFoundPage(req: FastifyRequest, reply: FastifyReply, message: Message = msg('courseNotFound')) {
  return reply.page(<ErrorPage ctx={req.pageContext()} status={404} message={message} />, 404);
}

async function coursePage(
  training: Training,
  req: FastifyRequest,
  reply: FastifyReply,
  courseId: number,
  status = 200,
  state?: FormState,
  notice?: string,
) {
  const editor = await authoring.courseEditor(training, courseId);
  if (!editor) return notFoundPage(req, reply);
  return reply.page(<AdminCoursePage ctx={req.pageContext()} {...editor} state={state} notice={notice} />, status);
}

async function lessonPage(
  training: Training,
  req: FastifyRequest,
  reply: FastifyReply,
  where: Where,
  status = 200,
  state?: FormState,
) {
  const editor = where.lessonId ? await authoring.lessonEditor(training, where.courseId, where.lessonId) : undefined;
  if (!editor) return notFoundPage(req, reply, msg('lessonNotFound'));
  return reply.page(<AdminLessonPage ctx={req.pageContext()} {...editor} state={state} />, status);
}

/** Turns a refused change into the page again, with the trainer's input and the reason. */
function stateOf(problem: Problem, form: string, body: object): FormState {
  if (problem.kind === 'conflict') return { form: '_page', errors: { _form: problem.message }, input: {} };
  const input: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (k !== '_csrf' && v !== undefined) input[k] = String(v);
  const hasFields = problem.kind === 'invalid' && !!problem.fields;
  return { form: hasFields ? form : '_page', errors: fieldErrorsOf(problem), input };
}

/** A change done goes on to `onOk`; a refused one shows its page again with the reason. */
async function respond<T>(
  training: Training,
  req: FastifyRequest,
  reply: FastifyReply,
  change: { result: Result<T>; form: string; body: object; where: Where },
  onOk: (value: T) => string,
) {
  const { result, form, body, where } = change;
  if (result.ok) return reply.redirect(onOk(result.value), 303);
  if (result.kind === 'denied')
    return reply.page(<ErrorPage ctx={req.pageContext()} status={403} message={result.message} />, 403);
  if (result.kind === 'not_found') return notFoundPage(req, reply, result.message);
  const state = stateOf(result, form, body);
  const status = statusOf(result);
  return where.lessonId
    ? lessonPage(training, req, reply, where, status, state)
    : coursePage(training, req, reply, where.courseId, status, state);
}

/** After a publish or a withdrawal: the catalogue and the home page show something else now. */
const catalogueChanged = (req: FastifyRequest) =>
  req.server.deps.pageCache.invalidate(cacheTags.training, cacheTags.home);

/** "Save and publish": the saved change moved the revision on by one; publish from there. */
async function saveThenMaybePublish(
  training: Training,
  req: FastifyRequest,
  reply: FastifyReply,
  saved: { result: Result<true>; form: string; body: { revision: number; publish?: '1' }; where: Where },
  back: string,
) {
  const { body, where } = saved;
  if (!saved.result.ok || body.publish !== '1') return respond(training, req, reply, saved, () => back);
  const published = await authoring.publishCourse(training, req.staff!, where.courseId, body.revision + 1);
  if (published.ok) await catalogueChanged(req);
  const change = { result: published, form: '_page', body, where };
  return respond(training, req, reply, change, (v) => `/admin/training/${where.courseId}?published=${v.version}`);
}

// ── plugins ──
/** The list of courses, and creating one. */
async function courseListRoutes(app: App, { training }: Opts) {
  app.get('/admin/training', author, async (req, reply) =>
    reply.page(<AdminCoursesPage ctx={req.pageContext()} courses={await authoring.listCourses(training)} />),
  );

  app.post('/admin/training', { ...author, schema: { body: NewCourseForm } }, async (req, reply) => {
    const result = await authoring.createCourse(training, req.staff!, req.body);
    if (result.ok) return reply.redirect(`/admin/training/${result.value}`, 303);
    const state = { ...stateOf(result, 'create', req.body), form: 'create' };
    const courses = await authoring.listCourses(training);
    return reply.page(<AdminCoursesPage ctx={req.pageContext()} courses={courses} state={state} />, statusOf(result));
  });
}

/** One course: its editing page, its details, publishing and withdrawing it. */
async function courseEditRoutes(app: App, { training }: Opts) {
  app.get(
    '/admin/training/:id',
    { ...author, schema: { params: IdParams, querystring: PublishedQuery } },
    async (req, reply) => {
      const { published } = req.query;
      const notice = published ? `Published version ${published}.` : undefined;
      return coursePage(training, req, reply, req.params.id, 200, undefined, notice);
    },
  );

  app.post('/admin/training/:id', { ...author, schema: { params: IdParams, body: CourseForm } }, async (req, reply) => {
    const courseId = req.params.id;
    const result = await authoring.updateCourse(training, req.staff!, courseId, req.body.revision, req.body);
    const saved = { result, form: 'course', body: req.body, where: { courseId } };
    return saveThenMaybePublish(training, req, reply, saved, `/admin/training/${courseId}`);
  });

  const revised = { ...author, schema: { params: IdParams, body: RevisionForm } };
  app.post('/admin/training/:id/publish', revised, async (req, reply) => {
    const courseId = req.params.id;
    const result = await authoring.publishCourse(training, req.staff!, courseId, req.body.revision);
    if (result.ok) await catalogueChanged(req);
    const change = { result, form: '_page', body: req.body, where: { courseId } };
    return respond(training, req, reply, change, (v) => `/admin/training/${courseId}?published=${v.version}`);
  });

  app.post('/admin/training/:id/unpublish', revised, async (req, reply) => {
    const courseId = req.params.id;
    const result = await authoring.unpublishCourse(training, req.staff!, courseId, req.body.revision);
    if (result.ok) await catalogueChanged(req);
    const change = { result, form: '_page', body: req.body, where: { courseId } };
    return respond(training, req, reply, change, () => `/admin/training/${courseId}`);
  });
}

/** Modules: adding, renaming, deleting; and moving any item up or down. */
async function moduleRoutes(app: App, { training }: Opts) {
  app.post(
    '/admin/training/:id/modules',
    { ...author, schema: { params: IdParams, body: ModuleForm } },
    async (req, reply) => {
      const courseId = req.params.id;
      const result = await authoring.addModule(training, req.staff!, courseId, req.body.revision, req.body.title);
      const change = { result, form: 'module', body: req.body, where: { courseId } };
      return respond(training, req, reply, change, () => `/admin/training/${courseId}`);
    },
  );

  app.post(
    '/admin/training/:id/modules/:mid',
    { ...author, schema: { params: ModuleParams, body: ModuleForm } },
    async (req, reply) => {
      const { id: courseId, mid } = req.params;
      const { revision, title } = req.body;
      const result = await authoring.renameModule(training, req.staff!, courseId, revision, mid, title);
      const change = { result, form: '_page', body: req.body, where: { courseId } };
      return respond(training, req, reply, change, () => `/admin/training/${courseId}`);
    },
  );

  app.post(
    '/admin/training/:id/modules/:mid/delete',
    { ...author, schema: { params: ModuleParams, body: RevisionForm } },
    async (req, reply) => {
      const { id: courseId, mid } = req.params;
      const result = await authoring.removeModule(training, req.staff!, courseId, req.body.revision, mid);
      const change = { result, form: '_page', body: req.body, where: { courseId } };
      return respond(training, req, reply, change, () => `/admin/training/${courseId}`);
    },
  );

  app.post(
    '/admin/training/:id/move',
    { ...author, schema: { params: IdParams, body: MoveForm } },
    async (req, reply) => {
      const courseId = req.params.id;
      const { kind, id, direction, back, revision } = req.body;
      const result = await authoring.moveItem(
        training,
        req.staff!,
        courseId,
        revision,
        kind,
        id,
        direction === '-1' ? -1 : 1,
      );
      // Back to the page the buttons were on, when it is one of this course's pages.
      const here = back && new RegExp(`^/admin/training/${courseId}(/lessons/\\d+)?$`).test(back) ? back : undefined;
      const change = { result, form: '_page', body: req.body, where: { courseId } };
      return respond(training, req, reply, change, () => here ?? `/admin/training/${courseId}`);
    },
  );
}

/** Lessons: adding one to a module, its editing page, saving it (and publishing), deleting it. */
async function lessonEditRoutes(app: App, { training }: Opts) {
  app.post(
    '/admin/training/:id/modules/:mid/lessons',
    { ...author, schema: { params: ModuleParams, body: NewLessonForm } },
    async (req, reply) => {
      const { id: courseId, mid } = req.params;
      const input = { ...req.body, body: '', isRequired: true, passMark: '70' };
      const result = await authoring.addLesson(training, req.staff!, courseId, req.body.revision, mid, input);
      const change = { result, form: `lesson-${mid}`, body: req.body, where: { courseId } };
      return respond(training, req, reply, change, (lessonId) => `/admin/training/${courseId}/lessons/${lessonId}`);
    },
  );

  app.get('/admin/training/:id/lessons/:lid', { ...author, schema: { params: LessonParams } }, async (req, reply) =>
    lessonPage(training, req, reply, { courseId: req.params.id, lessonId: req.params.lid }),
  );

  app.post(
    '/admin/training/:id/lessons/:lid',
    { ...author, schema: { params: LessonParams, body: LessonForm } },
    async (req, reply) => {
      const { id: courseId, lid: lessonId } = req.params;
      const input = { ...req.body, isRequired: req.body.required === '1' };
      const result = await authoring.updateLesson(training, req.staff!, courseId, req.body.revision, lessonId, input);
      const saved = { result, form: 'lesson', body: req.body, where: { courseId, lessonId } };
      return saveThenMaybePublish(training, req, reply, saved, `/admin/training/${courseId}/lessons/${lessonId}`);
    },
  );

  app.post(
    '/admin/training/:id/lessons/:lid/delete',
    { ...author, schema: { params: LessonParams, body: RevisionForm } },
    async (req, reply) => {
      const { id: courseId, lid } = req.params;
      const result = await authoring.removeLesson(training, req.staff!, courseId, req.body.revision, lid);
      const change = { result, form: '_page', body: req.body, where: { courseId } };
      return respond(training, req, reply, change, () => `/admin/training/${courseId}`);
    },
  );
}

/** Quiz questions and reflection prompts of a lesson. */
async function questionRoutes(app: App, { training }: Opts) {
  app.post(
    '/admin/training/:id/lessons/:lid/questions',
    { ...author, schema: { params: LessonParams, body: QuestionForm } },
    async (req, reply) => {
      const { id: courseId, lid: lessonId } = req.params;
      const input = { ...req.body, options: req.body.options ?? '' };
      const result = await authoring.addQuestion(training, req.staff!, courseId, req.body.revision, lessonId, input);
      const change = { result, form: 'new-question', body: req.body, where: { courseId, lessonId } };
      return respond(training, req, reply, change, () => `/admin/training/${courseId}/lessons/${lessonId}`);
    },
  );

  app.post(
    '/admin/training/:id/questions/:qid',
    { ...author, schema: { params: QuestionParams, body: QuestionForm } },
    async (req, reply) => {
      const { id: courseId, qid } = req.params;
      const lessonId = await authoring.lessonOfQuestion(training, courseId, qid);
      const input = { ...req.body, options: req.body.options ?? '' };
      const result = await authoring.updateQuestion(training, req.staff!, courseId, req.body.revision, qid, input);
      const change = { result, form: `q-${qid}`, body: req.body, where: { courseId, lessonId } };
      return respond(training, req, reply, change, () => `/admin/training/${courseId}/lessons/${lessonId}`);
    },
  );

  app.post(
    '/admin/training/:id/questions/:qid/delete',
    { ...author, schema: { params: QuestionParams, body: RevisionForm } },
    async (req, reply) => {
      const { id: courseId, qid } = req.params;
      const lessonId = await authoring.lessonOfQuestion(training, courseId, qid);
      const result = await authoring.removeQuestion(training, req.staff!, courseId, req.body.revision, qid);
      const change = { result, form: '_page', body: req.body, where: { courseId, lessonId } };
      return respond(training, req, reply, change, () => `/admin/training/${courseId}/lessons/${lessonId}`);
    },
  );
}

/** The working copy as a learner would see it, and the aggregate figures. */
async function previewRoutes(app: App, { training }: Opts) {
  app.get('/admin/training/:id/preview', { ...author, schema: { params: IdParams } }, async (req, reply) => {
    const content = await authoring.loadDraft(training.db, req.params.id);
    if (!content) return notFoundPage(req, reply);
    const ctx = req.pageContext(uiLocale(content.language));
    const previewBase = `/admin/training/${req.params.id}/preview`;
    return reply.page(
      <CoursePage ctx={ctx} course={content} hasLearner={false} remaining={0} previewBase={previewBase} />,
    );
  });

  app.get(
    '/admin/training/:id/preview/:lesson',
    { ...author, schema: { params: PreviewParams } },
    async (req, reply) => {
      const content = await authoring.loadDraft(training.db, req.params.id);
      const place = content && findLesson(content, req.params.lesson);
      if (!content || !place) return notFoundPage(req, reply, msg('lessonNotFound'));
      const ctx = req.pageContext(uiLocale(content.language));
      const previewBase = `/admin/training/${req.params.id}/preview`;
      return reply.page(<LessonPage ctx={ctx} course={content} {...place} previewBase={previewBase} />);
    },
  );

  app.get('/admin/training/:id/stats', { ...author, schema: { params: IdParams } }, async (req, reply) => {
    const figures = await authoring.courseStats(training, req.params.id);
    if (!figures) return notFoundPage(req, reply);
    return reply.page(<AdminStatsPage ctx={req.pageContext()} {...figures} />);
  });
}

/** Revoking a certificate, from its page or from its course's list. */
async function revokeRoutes(app: App, { training }: Opts) {
  app.post(
    '/admin/training/certificates/:code/revoke',
    { preHandler: requireStaff('certificates.revoke'), schema: { params: CodeParams, body: RevokeForm } },
    async (req, reply) => {
      const { code } = req.params;
      const { course, reason } = req.body;
      const result = await authoring.revokeCertificate(training, req.staff!, code, reason);
      if (result.ok) {
        await req.server.deps.pageCache.invalidate(cacheTags.certificate(code));
        return reply.redirect(course ? `/admin/training/${course}` : `/certificates/${code}`, 303);
      }
      const status = statusOf(result);
      if (result.kind === 'not_found' || !course)
        return reply.page(<ErrorPage ctx={req.pageContext()} status={status} message={result.message} />, status);
      return coursePage(training, req, reply, course, status, {
        form: '_page',
        errors: { _form: result.message },
        input: {},
      });
    },
  );
}
