import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/auth/policy.ts';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { noStore } from '../../core/http/security.ts';
import { statusOf, type Problem } from '../../core/result.ts';
import { uiLocale } from '../../core/i18n/index.ts';
import { adminTrainingRoutes } from './admin-routes.tsx';
import { findLesson } from './content.ts';
import { createAttemptLimiter } from '../../core/limits.ts';
import { tt } from './messages.ts';
import { certificatePdf } from './pdf.ts';
import {
  completeLesson,
  courseFor,
  findCertificate,
  issueCertificate,
  learnerForCode,
  listCatalogue,
  myCourses,
  purgeExpiredLearners,
  requiredRemaining,
  resumeWithCode,
  setPassphrase,
  startCourse,
  submitQuiz,
  VersionCache,
  type Learner,
  type TrainingDeps,
} from './service.ts';
import {
  CataloguePage,
  CertificatePage,
  CodePage,
  CoursePage,
  LessonPage,
  ResumePage,
  TrainingHomeSection,
} from './views.tsx';

/** Carries the progress code, and only after the learner pressed "start" or typed their code. */
export const PROGRESS_COOKIE = 'alongside_training';
const COOKIE_PATH = '/training';
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

type CourseParams = { course: string };
type LessonParams = { course: string; lesson: string };

export async function trainingRoutes(app: FastifyInstance) {
  const { db, clock, secret, config, pageCache, clientKey } = app.deps;
  const deps: TrainingDeps = { db, clock, secret, versions: new VersionCache() };
  const limiter = createAttemptLimiter({ clock, max: 5, windowMs: 15 * 60_000 });
  // Anonymous pages are the same for everyone and cached; a progress cookie makes them personal.
  const cached = (tags: string[]) => ({ pageCache: { tags, personalCookie: PROGRESS_COOKIE } });

  // Retention runs in the background: at start and every six hours.
  app.deps.jobs.every('training purge', 6 * 3600_000, () => purgeExpiredLearners(deps), { atStart: true });

  app.deps.registry.homeSections.push({
    order: 40,
    render: async (ctx) => <TrainingHomeSection ctx={ctx} courses={await listCatalogue(deps)} />,
  });
  app.deps.registry.adminLinks.push({
    href: '/admin/training',
    label: 'Training',
    description: 'Build and publish courses, preview them as a learner, see aggregate figures and revoke certificates.',
    action: 'training.author',
  });

  function setProgressCookie(reply: FastifyReply, code: string) {
    reply.setCookie(PROGRESS_COOKIE, code, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: COOKIE_MAX_AGE_S,
    });
  }

  /** The learner whose code this browser carries; a stale cookie is removed. Personal pages are never stored. */
  async function learnerOf(req: FastifyRequest, reply: FastifyReply): Promise<Learner | undefined> {
    const raw = req.cookies[PROGRESS_COOKIE];
    if (!raw) return undefined;
    noStore(reply);
    const learner = await learnerForCode(deps, raw);
    if (!learner) reply.clearCookie(PROGRESS_COOKIE, { path: COOKIE_PATH });
    return learner;
  }

  function problem(req: FastifyRequest, reply: FastifyReply, p: Problem) {
    const status = statusOf(p);
    return reply.page(<ErrorPage ctx={req.pageContext()} status={status} message={p.message} />, status);
  }

  app.get('/training', { config: cached(['training']) }, async (req, reply) => {
    const learner = await learnerOf(req, reply);
    const courses = await listCatalogue(deps);
    const mine = learner ? await myCourses(deps, learner) : undefined;
    return reply.page(<CataloguePage ctx={req.pageContext()} courses={courses} mine={mine} />);
  });

  app.get('/training/resume', { config: cached(['training']) }, async (req, reply) => {
    return reply.page(<ResumePage ctx={req.pageContext()} />);
  });

  app.post(
    '/training/resume',
    {
      config: { rateLimit: { max: 30, timeWindow: '15 minutes' } },
      schema: {
        body: {
          type: 'object',
          properties: { code: { type: 'string', maxLength: 300 }, passphrase: { type: 'string', maxLength: 300 } },
          required: ['code'],
        },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const body = req.body as { code: string; passphrase?: string };
      const ctx = req.pageContext();
      const key = clientKey(req.ip);
      if (limiter.isBlocked(key))
        return reply.page(
          <ResumePage ctx={ctx} code={body.code} errors={{ code: tt(ctx.locale, 'tooManyCodes') }} />,
          429,
        );
      const result = await resumeWithCode(deps, body.code, body.passphrase ?? '');
      if (!result.ok) {
        limiter.recordFailure(key);
        return reply.page(
          <ResumePage
            ctx={ctx}
            code={body.code}
            errors={{ [('field' in result && result.field) || 'code']: result.message }}
          />,
          400,
        );
      }
      setProgressCookie(reply, result.value.code);
      return reply.redirect('/training', 303);
    },
  );

  app.post('/training/forget', async (_req, reply) => {
    noStore(reply);
    reply.clearCookie(PROGRESS_COOKIE, { path: COOKIE_PATH });
    return reply.redirect('/training', 303);
  });

  app.get('/training/code', async (req, reply) => {
    noStore(reply);
    const learner = await learnerOf(req, reply);
    if (!learner) return reply.redirect('/training/resume', 303);
    const course = (req.query as { course?: string }).course;
    const courseSlug = typeof course === 'string' && /^[a-z0-9-]{1,80}$/.test(course) ? course : undefined;
    return reply.page(
      <CodePage
        ctx={req.pageContext()}
        code={learner.code}
        courseSlug={courseSlug}
        hasPassphrase={learner.hasPassphrase}
      />,
    );
  });

  app.get('/training/my-code.txt', async (req, reply) => {
    noStore(reply);
    const learner = await learnerOf(req, reply);
    if (!learner) return reply.redirect('/training/resume', 303);
    const text = [
      `Your ${req.pageContext().siteName} training progress code:`,
      '',
      `    ${learner.code}`,
      '',
      `To continue on any device, go to ${config.publicUrl}/training/resume and type the five words.`,
      'Anyone with this code can continue your courses: keep it somewhere private.',
      '',
    ].join('\r\n');
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', 'attachment; filename="progress-code.txt"')
      .send(text);
  });

  app.post(
    '/training/passphrase',
    {
      config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
      schema: {
        body: {
          type: 'object',
          properties: { passphrase: { type: 'string', maxLength: 1000 }, course: { type: 'string', maxLength: 100 } },
        },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const learner = await learnerOf(req, reply);
      if (!learner) return reply.redirect('/training/resume', 303);
      const body = req.body as { passphrase?: string; course?: string };
      const courseSlug = body.course && /^[a-z0-9-]{1,80}$/.test(body.course) ? body.course : undefined;
      const result = await setPassphrase(deps, learner, body.passphrase ?? '');
      if (!result.ok) {
        return reply.page(
          <CodePage
            ctx={req.pageContext()}
            code={learner.code}
            courseSlug={courseSlug}
            hasPassphrase={false}
            errors={{ passphrase: result.message }}
          />,
          400,
        );
      }
      return reply.page(
        <CodePage ctx={req.pageContext()} code={learner.code} courseSlug={courseSlug} hasPassphrase justSet />,
      );
    },
  );

  app.get<{ Params: CourseParams }>('/training/:course', { config: cached(['training']) }, async (req, reply) => {
    const learner = await learnerOf(req, reply);
    const found = await courseFor(deps, req.params.course, learner);
    if (!found.ok) return problem(req, reply, found);
    const { content, enrolment } = found.value;
    const ctx = req.pageContext(uiLocale(content.language));
    return reply.page(
      <CoursePage
        ctx={ctx}
        course={content}
        enrolment={enrolment}
        hasLearner={!!learner}
        remaining={requiredRemaining(content, enrolment).length}
      />,
    );
  });

  app.post<{ Params: CourseParams }>(
    '/training/:course/start',
    { config: { rateLimit: { max: 20, timeWindow: '1 hour' } } },
    async (req, reply) => {
      noStore(reply);
      const learner = await learnerOf(req, reply);
      const result = await startCourse(deps, req.params.course, learner);
      if (!result.ok) return problem(req, reply, result);
      if (!result.value.isNewCode) return reply.redirect(`/training/${encodeURIComponent(req.params.course)}`, 303);
      setProgressCookie(reply, result.value.code);
      return reply.redirect(`/training/code?course=${encodeURIComponent(req.params.course)}`, 303);
    },
  );

  app.post<{ Params: CourseParams }>(
    '/training/:course/certificate',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: { body: { type: 'object', properties: { name: { type: 'string', maxLength: 2000 } } } },
    },
    async (req, reply) => {
      noStore(reply);
      const learner = await learnerOf(req, reply);
      const name = (req.body as { name?: string }).name ?? '';
      const result = await issueCertificate(deps, req.params.course, learner, name);
      if (result.ok) return reply.redirect(`/certificates/${result.value.code}`, 303);
      if (result.kind === 'not_found') return problem(req, reply, result);
      const found = await courseFor(deps, req.params.course, learner);
      if (!found.ok || !found.value.enrolment) return problem(req, reply, result);
      const { content, enrolment } = found.value;
      const errors =
        result.kind === 'invalid' && result.field ? { [result.field]: result.message } : { _form: result.message };
      return reply.page(
        <CoursePage
          ctx={req.pageContext(uiLocale(content.language))}
          course={content}
          enrolment={enrolment}
          hasLearner
          remaining={requiredRemaining(content, enrolment).length}
          errors={errors}
          name={name}
        />,
        statusOf(result),
      );
    },
  );

  app.get<{ Params: LessonParams }>(
    '/training/:course/:lesson',
    { config: cached(['training']) },
    async (req, reply) => {
      const learner = await learnerOf(req, reply);
      const found = await courseFor(deps, req.params.course, learner);
      if (!found.ok) return problem(req, reply, found);
      const { content, enrolment } = found.value;
      const place = findLesson(content, req.params.lesson);
      if (!place)
        return problem(req, reply, { kind: 'not_found', message: 'That lesson does not exist in this course.' });
      return reply.page(
        <LessonPage
          ctx={req.pageContext(uiLocale(content.language))}
          course={content}
          {...place}
          enrolment={enrolment}
        />,
      );
    },
  );

  app.post<{ Params: LessonParams }>(
    '/training/:course/:lesson/quiz',
    { config: { rateLimit: { max: 60, timeWindow: '1 minute' } }, schema: { body: { type: 'object' } } },
    async (req, reply) => {
      noStore(reply);
      const learner = await learnerOf(req, reply);
      const result = await submitQuiz(
        deps,
        req.params.course,
        req.params.lesson,
        learner,
        req.body as Record<string, unknown>,
      );
      if (!result.ok) {
        if (result.kind === 'not_found') return problem(req, reply, result);
        const found = await courseFor(deps, req.params.course, learner);
        const place = found.ok ? findLesson(found.value.content, req.params.lesson) : undefined;
        if (!found.ok || !place) return problem(req, reply, result);
        return reply.page(
          <LessonPage
            ctx={req.pageContext(uiLocale(found.value.content.language))}
            course={found.value.content}
            {...place}
            enrolment={found.value.enrolment}
            error={result.message}
          />,
          statusOf(result),
        );
      }
      const { view, lesson, result: quiz } = result.value;
      const place = findLesson(view.content, lesson.slug)!;
      return reply.page(
        <LessonPage
          ctx={req.pageContext(uiLocale(view.content.language))}
          course={view.content}
          {...place}
          enrolment={view.enrolment}
          result={quiz}
        />,
      );
    },
  );

  app.post<{ Params: LessonParams }>(
    '/training/:course/:lesson/complete',
    { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (req, reply) => {
      noStore(reply);
      const learner = await learnerOf(req, reply);
      const result = await completeLesson(deps, req.params.course, req.params.lesson, learner);
      if (!result.ok) return problem(req, reply, result);
      const course = encodeURIComponent(req.params.course);
      return reply.redirect(
        result.value.next ? `/training/${course}/${encodeURIComponent(result.value.next.slug)}` : `/training/${course}`,
        303,
      );
    },
  );

  app.get<{ Params: { code: string } }>(
    '/certificates/:code',
    { config: { pageCache: { tags: ['certificates'] } } },
    async (req, reply) => {
      const found = await findCertificate(deps, req.params.code);
      if (!found.ok)
        return problem(req, reply, {
          kind: 'not_found',
          message: 'No certificate has that code. Check the code as printed on the certificate.',
        });
      if (found.value.code !== req.params.code) return reply.redirect(`/certificates/${found.value.code}`, 301);
      req.cacheTags?.push(`certificate:${found.value.code}`);
      return reply.page(
        <CertificatePage
          ctx={req.pageContext()}
          cert={found.value}
          canRevoke={can(req.staff, 'certificates.revoke')}
        />,
      );
    },
  );

  // A PDF costs tens of milliseconds of CPU: limited per client so it cannot be used to load the server.
  app.get<{ Params: { code: string } }>(
    '/certificates/:code/pdf',
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const found = await findCertificate(deps, req.params.code);
      if (!found.ok) return problem(req, reply, found);
      if (found.value.revokedAt)
        return problem(req, reply, { kind: 'conflict', message: 'This certificate has been revoked.' });
      const pdf = await certificatePdf(
        found.value,
        req.pageContext().siteName,
        `${config.publicUrl}/certificates/${found.value.code}`,
      );
      noStore(reply);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="certificate-${found.value.code}.pdf"`)
        .send(pdf);
    },
  );

  await app.register(adminTrainingRoutes, { deps, invalidate: (...tags: string[]) => pageCache.invalidate(...tags) });
}
