import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/auth/policy.ts';
import { cacheTags, type CacheTag } from '../../core/cache/tags.ts';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { FormFlag, FormList, FormText, Slug, Type, typed, type App } from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { uiLocale } from '../../core/i18n/index.ts';
import { fieldErrorsOf, statusOf, type FieldErrors, type Problem } from '../../core/result.ts';
import { trainingAdminRoutes } from './admin-routes.tsx';
import { certificatePdf } from './pdf.ts';
import {
  completeLesson,
  courseFor,
  createTraining,
  findCertificate,
  issueCertificate,
  learnerForCode,
  lessonFor,
  listCatalogue,
  myCourses,
  printableCertificate,
  purgeExpiredLearners,
  requiredRemaining,
  resumeWithCode,
  setPassphrase,
  startCourse,
  submitQuiz,
  type CourseView,
  type Enrolment,
  type Learner,
  type LessonView,
  type QuizResult,
  type Training,
} from './service.ts';
import {
  CataloguePage,
  CertificateIssuedPage,
  CertificatePage,
  CodePage,
  CoursePage,
  LessonPage,
  progressCodeFile,
  ResumePage,
  TrainingHomeSection,
} from './views.tsx';

/*
 * The learner's pages under /training and the public certificate check under /certificates.
 * HTTP only: each plugin below is one resource; training's state (the cache of published
 * content, the wrong-code limiter) is built once by `createTraining` and handed to them.
 */

/**
 * Carries the progress code, and only after the learner pressed "start" or typed their code. It is a
 * session cookie (the browser drops it when it closes) unless the learner ticked "remember me": the
 * code is a credential, and the device may be shared. /safety states both lifetimes, and
 * test/e2e/privacy-statement.e2e.test.ts compares that statement with what Chromium holds.
 */
export const PROGRESS_COOKIE = 'alongside_training';
const COOKIE_PATH = '/training';
export const REMEMBER_DAYS = 30;
const REMEMBER_MAX_AGE_S = REMEMBER_DAYS * 24 * 3600;

interface Opts {
  training: Training;
}

// ── schemas ──
/** A course slug the site itself put in a link or a hidden field. */
const CourseSlug = Type.String({ pattern: '^[a-z0-9-]{1,80}$' });
const CourseParams = Type.Object({ course: Slug });
const LessonParams = Type.Object({ course: Slug, lesson: Slug });
/** A certificate code as typed or printed; whether one exists is the service's question. */
const CertificateParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) });
const CodeQuery = Type.Object({ course: Type.Optional(CourseSlug) });
/** `remember`: the "Remember me on this device" checkbox; absent means a session cookie. */
const ResumeForm = Type.Object({
  code: FormText(300),
  passphrase: Type.Optional(FormText(300)),
  remember: Type.Optional(FormFlag),
});
const StartForm = Type.Object({ remember: Type.Optional(FormFlag) });
const PassphraseForm = Type.Object({ passphrase: Type.Optional(FormText(1000)), course: Type.Optional(CourseSlug) });
const CertificateForm = Type.Object({ name: Type.Optional(FormText(2000)) });
/** `q_<question key>` → the option numbers ticked; which questions and options exist is the service's question. */
const QuizForm = Type.Record(Type.String({ pattern: '^q_' }), FormList(20, 3), { maxProperties: 200 });

/** Anonymous pages are the same for everyone and cached; a progress cookie makes them personal. */
const personal = (...tags: CacheTag[]) => ({ pageCache: { tags, personalCookie: PROGRESS_COOKIE } });

export async function trainingRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const training = createTraining(app.deps);
  // Retention runs in the background: at start and every six hours.
  app.deps.jobs.every('training purge', 6 * 3600_000, () => purgeExpiredLearners(training), { atStart: true });
  app.deps.registry.homeSections.push({
    order: 40,
    render: async (ctx) => <TrainingHomeSection ctx={ctx} courses={await listCatalogue(training)} />,
  });
  app.deps.registry.adminLinks.push({
    href: '/admin/training',
    label: 'Training',
    description: 'Build and publish courses, preview them as a learner, see aggregate figures and revoke certificates.',
    action: 'training.author',
  });
  const opts: Opts = { training };
  await app.register(catalogueRoutes, opts);
  await app.register(resumeRoutes, opts);
  await app.register(progressCodeRoutes, opts);
  await app.register(courseRoutes, opts);
  await app.register(lessonRoutes, opts);
  await app.register(certificateRoutes, opts);
  await app.register(trainingAdminRoutes, opts);
}

// ── helpers shared by the plugins (HTTP only) ──
function setProgressCookie(req: FastifyRequest, reply: FastifyReply, code: string, remember: boolean) {
  reply.setCookie(PROGRESS_COOKIE, code, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'lax',
    secure: req.server.deps.config.secureCookies,
    // No maxAge and no expires: a session cookie, gone when the browser closes.
    ...(remember ? { maxAge: REMEMBER_MAX_AGE_S } : {}),
  });
}

/** The learner whose code this browser carries; a stale cookie is removed. Personal pages are never stored. */
async function learnerOf(training: Training, req: FastifyRequest, reply: FastifyReply): Promise<Learner | undefined> {
  const raw = req.cookies[PROGRESS_COOKIE];
  if (!raw) return undefined;
  noStore(reply);
  const learner = await learnerForCode(training, raw);
  if (!learner) reply.clearCookie(PROGRESS_COOKIE, { path: COOKIE_PATH });
  return learner;
}

function problemPage(req: FastifyRequest, reply: FastifyReply, problem: Problem) {
  const status = statusOf(problem);
  return reply.page(<ErrorPage ctx={req.pageContext()} status={status} message={problem.message} />, status);
}

/** The course page, in the course's language. */
function coursePage(
  req: FastifyRequest,
  view: CourseView & { enrolment?: Enrolment },
  hasLearner: boolean,
  form: { errors?: FieldErrors; name?: string } = {},
) {
  const { content, enrolment } = view;
  return (
    <CoursePage
      ctx={req.pageContext(req.readerLocale(uiLocale(content.language)))}
      course={content}
      enrolment={enrolment}
      hasLearner={hasLearner}
      remaining={requiredRemaining(content, enrolment).length}
      {...form}
    />
  );
}

/** A lesson page, in the course's language; with quiz feedback or a refusal after an answer. */
function lessonPage(req: FastifyRequest, view: LessonView, after: { result?: QuizResult; error?: Problem } = {}) {
  const { content, enrolment, lesson, previous, next } = view;
  return (
    <LessonPage
      ctx={req.pageContext(req.readerLocale(uiLocale(content.language)))}
      course={content}
      lesson={lesson}
      previous={previous}
      next={next}
      enrolment={enrolment}
      result={after.result}
      error={after.error?.message}
    />
  );
}

// ── plugins ──
/** The catalogue, with "your courses" for a browser that carries a progress code. */
async function catalogueRoutes(app: App, { training }: Opts) {
  app.get('/training', { config: personal(cacheTags.training) }, async (req, reply) => {
    const learner = await learnerOf(training, req, reply);
    const courses = await listCatalogue(training);
    const mine = learner ? await myCourses(training, learner) : undefined;
    return reply.page(<CataloguePage ctx={req.pageContext()} courses={courses} mine={mine} />);
  });
}

/** Typing a progress code back in (wrong codes are limited per connection), and forgetting this device. */
async function resumeRoutes(app: App, { training }: Opts) {
  app.get('/training/resume', { config: personal(cacheTags.training) }, async (req, reply) =>
    reply.page(<ResumePage ctx={req.pageContext()} />),
  );

  app.post(
    '/training/resume',
    { config: { rateLimit: { max: 30, timeWindow: '15 minutes' } }, schema: { body: ResumeForm } },
    async (req, reply) => {
      noStore(reply);
      const { code, passphrase = '', remember } = req.body;
      const result = await resumeWithCode(training, await app.deps.clientKey(req.ip), code, passphrase);
      if (!result.ok) {
        const status = 'blocked' in result ? 429 : 400;
        const page = (
          <ResumePage ctx={req.pageContext()} code={code} remember={!!remember} errors={fieldErrorsOf(result)} />
        );
        return reply.page(page, status);
      }
      setProgressCookie(req, reply, result.value.code, !!remember);
      return reply.redirect('/training', 303);
    },
  );

  app.post('/training/forget', async (_req, reply) => {
    noStore(reply);
    reply.clearCookie(PROGRESS_COOKIE, { path: COOKIE_PATH });
    return reply.redirect('/training', 303);
  });
}

/** The learner's own code: shown, downloaded as a file, protected with a passphrase. */
async function progressCodeRoutes(app: App, { training }: Opts) {
  app.get('/training/code', { schema: { querystring: CodeQuery } }, async (req, reply) => {
    noStore(reply);
    const learner = await learnerOf(training, req, reply);
    if (!learner) return reply.redirect('/training/resume', 303);
    const { code, hasPassphrase } = learner;
    return reply.page(
      <CodePage ctx={req.pageContext()} code={code} courseSlug={req.query.course} hasPassphrase={hasPassphrase} />,
    );
  });

  app.get('/training/my-code.txt', async (req, reply) => {
    noStore(reply);
    const learner = await learnerOf(training, req, reply);
    if (!learner) return reply.redirect('/training/resume', 303);
    const { locale, siteName, publicUrl } = req.pageContext();
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', 'attachment; filename="progress-code.txt"')
      .send(progressCodeFile(locale, siteName, publicUrl, learner.code));
  });

  app.post(
    '/training/passphrase',
    { config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }, schema: { body: PassphraseForm } },
    async (req, reply) => {
      noStore(reply);
      const learner = await learnerOf(training, req, reply);
      if (!learner) return reply.redirect('/training/resume', 303);
      const { passphrase = '', course } = req.body;
      const result = await setPassphrase(training, learner, passphrase);
      const page = { ctx: req.pageContext(), code: learner.code, courseSlug: course };
      if (!result.ok)
        return reply.page(<CodePage {...page} hasPassphrase={false} errors={fieldErrorsOf(result)} />, 400);
      return reply.page(<CodePage {...page} hasPassphrase justSet />);
    },
  );
}

/** A course: its page, starting it (which gives a new visitor their code) and asking for the certificate. */
async function courseRoutes(app: App, { training }: Opts) {
  const cached = { config: personal(cacheTags.training), schema: { params: CourseParams } };
  app.get('/training/:course', cached, async (req, reply) => {
    const learner = await learnerOf(training, req, reply);
    const found = await courseFor(training, req.params.course, learner);
    if (!found.ok) return problemPage(req, reply, found);
    return reply.page(coursePage(req, found.value, !!learner));
  });

  app.post(
    '/training/:course/start',
    { config: { rateLimit: { max: 20, timeWindow: '1 hour' } }, schema: { params: CourseParams, body: StartForm } },
    async (req, reply) => {
      noStore(reply);
      const course = encodeURIComponent(req.params.course);
      const result = await startCourse(training, req.params.course, await learnerOf(training, req, reply));
      if (!result.ok) return problemPage(req, reply, result);
      if (!result.value.isNewCode) return reply.redirect(`/training/${course}`, 303);
      setProgressCookie(req, reply, result.value.code, !!req.body.remember);
      return reply.redirect(`/training/code?course=${course}`, 303);
    },
  );

  app.post(
    '/training/:course/certificate',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: { params: CourseParams, body: CertificateForm },
    },
    async (req, reply) => {
      noStore(reply);
      const learner = await learnerOf(training, req, reply);
      const name = req.body.name ?? '';
      const result = await issueCertificate(training, req.params.course, learner, name);
      if (result.ok) return reply.redirect(`/certificates/${result.value.code}/issued`, 303);
      const found = result.kind === 'not_found' ? result : await courseFor(training, req.params.course, learner);
      if (!found.ok || !found.value.enrolment) return problemPage(req, reply, result);
      return reply.page(coursePage(req, found.value, true, { errors: fieldErrorsOf(result), name }), statusOf(result));
    },
  );
}

/** A lesson: its page, checking its quiz, and marking a lesson without a quiz as done. */
async function lessonRoutes(app: App, { training }: Opts) {
  const limited = { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } };
  app.get(
    '/training/:course/:lesson',
    { config: personal(cacheTags.training), schema: { params: LessonParams } },
    async (req, reply) => {
      const learner = await learnerOf(training, req, reply);
      const found = await lessonFor(training, req.params.course, req.params.lesson, learner);
      if (!found.ok) return problemPage(req, reply, found);
      return reply.page(lessonPage(req, found.value));
    },
  );

  app.post(
    '/training/:course/:lesson/quiz',
    { ...limited, schema: { params: LessonParams, body: QuizForm } },
    async (req, reply) => {
      noStore(reply);
      const { course, lesson } = req.params;
      const learner = await learnerOf(training, req, reply);
      const result = await submitQuiz(training, course, lesson, learner, req.body);
      if (result.ok) return reply.page(lessonPage(req, result.value.view, { result: result.value.result }));
      // A refused answer shows the lesson again, with the reason.
      const found = result.kind === 'not_found' ? result : await lessonFor(training, course, lesson, learner);
      if (!found.ok) return problemPage(req, reply, result);
      return reply.page(lessonPage(req, found.value, { error: result }), statusOf(result));
    },
  );

  app.post(
    '/training/:course/:lesson/complete',
    { ...limited, schema: { params: LessonParams } },
    async (req, reply) => {
      noStore(reply);
      const { course, lesson } = req.params;
      const result = await completeLesson(training, course, lesson, await learnerOf(training, req, reply));
      if (!result.ok) return problemPage(req, reply, result);
      const next = result.value.next;
      const base = `/training/${encodeURIComponent(course)}`;
      return reply.redirect(next ? `${base}/${encodeURIComponent(next.slug)}` : base, 303);
    },
  );
}

/** The public check of a certificate, and its PDF while it stands. */
async function certificateRoutes(app: App, { training }: Opts) {
  const schema = { params: CertificateParams };
  app.get(
    '/certificates/:code',
    { config: { pageCache: { tags: [cacheTags.certificates] } }, schema },
    async (req, reply) => {
      const found = await findCertificate(training, req.params.code);
      if (!found.ok) return problemPage(req, reply, found);
      const cert = found.value;
      // One address per certificate: a code typed loosely (lower case, no dashes) goes to the canonical one.
      if (cert.code !== req.params.code) return reply.redirect(`/certificates/${cert.code}`, 301);
      req.cacheTags?.push(cacheTags.certificate(cert.code));
      const canRevoke = can(req.staff, 'certificates.revoke');
      return reply.page(<CertificatePage ctx={req.pageContext()} cert={cert} canRevoke={canRevoke} />);
    },
  );

  // Where a new certificate lands: congratulations first, then the PDF and the public check. Not cached:
  // it is the holder's moment, and the verification page stays the one address to share.
  app.get('/certificates/:code/issued', { schema }, async (req, reply) => {
    noStore(reply);
    const found = await findCertificate(training, req.params.code);
    if (!found.ok) return problemPage(req, reply, found);
    const cert = found.value;
    if (cert.code !== req.params.code) return reply.redirect(`/certificates/${cert.code}/issued`, 301);
    return reply.page(<CertificateIssuedPage ctx={req.pageContext()} cert={cert} />);
  });

  // A PDF costs tens of milliseconds of CPU: limited per client so it cannot be used to load the server.
  app.get(
    '/certificates/:code/pdf',
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } }, schema },
    async (req, reply) => {
      const found = await printableCertificate(training, req.params.code);
      if (!found.ok) return problemPage(req, reply, found);
      const { siteName, publicUrl, locale } = req.pageContext();
      const verifyUrl = `${publicUrl}/certificates/${found.value.code}`;
      const pdf = await certificatePdf(found.value, siteName, verifyUrl, locale);
      noStore(reply);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="certificate-${found.value.code}.pdf"`)
        .send(pdf);
    },
  );
}
