import type { Locale, Message, Params } from '../../core/i18n/index.ts';
import type { PageContext } from '../../core/views/context.ts';
import { CsrfField, ErrorSummary, Field, Notice, formatDate, type FieldErrors } from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import { renderMarkdown } from '../../core/markdown/render.ts';
import { allLessons, hasQuiz, isGraded, type CourseContent, type Lesson } from './content.ts';
import { t, type TrainingKey } from './messages.ts';
import type { Certificate, Enrolment, QuizResult } from './service.ts';
import { assetUrl } from '../../core/http/assets.ts';

const SCRIPTS = [assetUrl('training.js')];

/* Published versions are immutable and cached as objects, so each lesson body is rendered once. */
const renderedBodies = new WeakMap<Lesson, string>();
function lessonHtml(lesson: Lesson): string {
  let html = renderedBodies.get(lesson);
  if (html === undefined) {
    html = renderMarkdown(lesson.bodyMd);
    renderedBodies.set(lesson, html);
  }
  return html;
}
type T = (key: TrainingKey, params?: Params) => string;
/** The catalog's `t` bound to the page's locale; components name it `t` too. */
const translator =
  (ctx: PageContext): T =>
  (key, params) =>
    t(ctx.locale, key, params);

export interface CatalogueItem {
  content: CourseContent;
}

export interface MyCourse {
  slug: string;
  title: string;
  isComplete: boolean;
  done: number;
  total: number;
}

function CourseFacts({ course, t }: { course: CourseContent; t: T }) {
  return (
    <ul class="course-facts">
      {course.audience && (
        <li>
          {t('audience')} {course.audience}
        </li>
      )}
      {course.minutes > 0 && <li>{t('length', { minutes: course.minutes })}</li>}
      <li>{t('lessons', { count: allLessons(course).length })}</li>
      <li>
        {t('language')} <span lang={course.language}>{languageName(course.language)}</span>
      </li>
    </ul>
  );
}

function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export function ForgetDeviceForm({ ctx, t }: { ctx: PageContext; t: T }) {
  return (
    <form method="post" action="/training/forget" class="inline-form" data-forget>
      <CsrfField token={ctx.csrfToken} />
      <button type="submit" class="secondary">
        {t('forgetDevice')}
      </button>
      <p class="hint">{t('forgetHint')}</p>
    </form>
  );
}

/**
 * "Remember me on this device for 30 days", off by default: without it the progress code lives in a
 * session cookie the browser drops when it closes (the device may be shared).
 */
function RememberChoice({ t, checked = false }: { t: T; checked?: boolean }) {
  return (
    <div class="field">
      <div class="choice">
        <input
          type="checkbox"
          id="field-remember"
          name="remember"
          value="1"
          checked={checked}
          aria-describedby="remember-hint"
        />
        <label for="field-remember">{t('rememberLabel')}</label>
      </div>
      <p class="hint" id="remember-hint">
        {t('rememberHint')}
      </p>
    </div>
  );
}

export function CataloguePage({
  ctx,
  courses,
  mine,
}: {
  ctx: PageContext;
  courses: CatalogueItem[];
  mine?: MyCourse[];
}) {
  const t = translator(ctx);
  return (
    <Layout
      ctx={ctx}
      title={t('catalogueTitle')}
      head={{ description: t('catalogueLead'), canonical: `${ctx.publicUrl}/training` }}
      scripts={SCRIPTS}
    >
      <h1>{t('catalogueTitle')}</h1>
      <p class="lead">{t('catalogueLead')}</p>
      {mine && (
        <section aria-labelledby="mine-title" class="panel">
          <h2 id="mine-title">{t('yourCourses')}</h2>
          <ul>
            {mine.map((m) => (
              <li>
                <a href={`/training/${m.slug}`}>{m.title}</a> —{' '}
                {m.isComplete ? t('completed') : t('progressOf', { done: m.done, total: m.total })}
              </li>
            ))}
          </ul>
          <ForgetDeviceForm ctx={ctx} t={t} />
        </section>
      )}
      {courses.length === 0 ? (
        <p>{t('noCourses')}</p>
      ) : (
        <ul class="card-list">
          {courses.map(({ content }) => (
            <li class="card" lang={content.language}>
              <h2>
                <a href={`/training/${content.slug}`}>{content.title}</a>
              </h2>
              <p>{content.summary}</p>
              <CourseFacts course={content} t={t} />
            </li>
          ))}
        </ul>
      )}
      {!mine && (
        <p>
          <a href="/training/resume">{t('resumeLink')}</a>
        </p>
      )}
    </Layout>
  );
}

function lessonStatus(lesson: Lesson, enrolment: Enrolment | undefined, t: T): string {
  const bits = [lesson.isRequired ? t('required') : t('optional')];
  if (hasQuiz(lesson)) bits.push(t('quizBadge'));
  if (enrolment?.lessons.get(lesson.key)?.isComplete) bits.push(t('done'));
  return bits.join(', ');
}

export interface CoursePageProps {
  ctx: PageContext;
  course: CourseContent;
  enrolment?: Enrolment;
  hasLearner: boolean;
  remaining: number;
  errors?: FieldErrors;
  name?: string;
  /** Staff preview of the working copy: links go to preview pages and forms are hidden. */
  previewBase?: string;
}

export function CoursePage({
  ctx,
  course,
  enrolment,
  hasLearner,
  remaining,
  errors,
  name = '',
  previewBase,
}: CoursePageProps) {
  const t = translator(ctx);
  const base = previewBase ?? `/training/${course.slug}`;
  const firstOpen = allLessons(course).find((l) => !enrolment?.lessons.get(l.key)?.isComplete) ?? allLessons(course)[0];
  return (
    <Layout
      ctx={ctx}
      title={course.title}
      lang={course.language}
      head={{
        description: course.summary,
        canonical: `${ctx.publicUrl}/training/${course.slug}`,
        noindex: !!previewBase,
      }}
      scripts={SCRIPTS}
    >
      {previewBase && <Notice kind="warning">{t('previewNotice')}</Notice>}
      <p>
        <a href="/training">← {t('catalogueTitle')}</a>
      </p>
      <h1>{course.title}</h1>
      <p class="lead">{course.summary}</p>
      <CourseFacts course={course} t={t} />
      <ErrorSummary errors={errors} />
      {!previewBase && !enrolment && (
        <form method="post" action={`/training/${course.slug}/start`} class="panel">
          <CsrfField token={ctx.csrfToken} />
          <p>{t('startHint')}</p>
          <RememberChoice t={t} />
          <button type="submit">{t('start')}</button>
        </form>
      )}
      {enrolment && firstOpen && !enrolment.isComplete && (
        <p>
          <a class="button" href={`${base}/${firstOpen.slug}`}>
            {t('continue')}: {firstOpen.title}
          </a>
        </p>
      )}
      {course.modules.map((m, i) => (
        <section aria-labelledby={`module-${i}`}>
          <h2 id={`module-${i}`}>{m.title}</h2>
          <ol class="lesson-list">
            {m.lessons.map((l) => (
              <li class={enrolment?.lessons.get(l.key)?.isComplete ? 'lesson lesson--done' : 'lesson'}>
                <a href={`${base}/${l.slug}`}>{l.title}</a> <span class="hint">({lessonStatus(l, enrolment, t)})</span>
              </li>
            ))}
          </ol>
        </section>
      ))}
      {enrolment && (
        <section aria-labelledby="certificate-title" class="panel">
          <h2 id="certificate-title">{t('certificateTitle')}</h2>
          {remaining > 0 ? (
            <p>{t('remaining', { count: remaining })}</p>
          ) : (
            <form method="post" action={`/training/${course.slug}/certificate`} class="stack" novalidate>
              <CsrfField token={ctx.csrfToken} />
              <Field name="name" label={t('nameLabel')} hint={t('certificateHint')} errors={errors}>
                {(a) => <input {...a} type="text" maxLength={120} autocomplete="off" value={name} required />}
              </Field>
              <button type="submit">{t('issue')}</button>
            </form>
          )}
        </section>
      )}
      {hasLearner && !previewBase && <ForgetDeviceForm ctx={ctx} t={t} />}
      {!hasLearner && !previewBase && (
        <p>
          <a href="/training/resume">{t('resumeLink')}</a>
        </p>
      )}
    </Layout>
  );
}

/** A lesson's meta description: its first paragraph as plain text, else the course summary; at most 160 characters. */
export function lessonDescription(lesson: Lesson, course: CourseContent): string {
  const paragraph =
    lesson.bodyMd
      .split(/\n\s*\n/)
      .map((p) =>
        p
          .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
          .replace(/[#>*_`~|]/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .find((p) => p.length >= 40) ?? '';
  const text = paragraph || course.summary || `${lesson.title} · ${course.title}`;
  return text.length <= 160 ? text : `${text.slice(0, 157).replace(/\s+\S*$/, '')}…`;
}

/**
 * Where the quiz form lands after a submit (the score, or the refusal), without JavaScript by the
 * fragment in its action; public/landing.js moves focus there.
 */
export const ANSWER_ID = 'answer';

export interface LessonPageProps {
  ctx: PageContext;
  course: CourseContent;
  lesson: Lesson;
  previous?: Lesson;
  next?: Lesson;
  enrolment?: Enrolment;
  result?: QuizResult;
  error?: Message;
  previewBase?: string;
}

export function LessonPage({
  ctx,
  course,
  lesson,
  previous,
  next,
  enrolment,
  result,
  error,
  previewBase,
}: LessonPageProps) {
  const t = translator(ctx);
  const base = previewBase ?? `/training/${course.slug}`;
  const graded = lesson.questions.filter(isGraded);
  const reflections = lesson.questions.filter((q) => !isGraded(q));
  const progress = enrolment?.lessons.get(lesson.key);
  const action = `/training/${course.slug}/${lesson.slug}`;
  return (
    <Layout
      ctx={ctx}
      title={`${lesson.title} · ${course.title}`}
      lang={course.language}
      head={{
        description: lessonDescription(lesson, course),
        canonical: `${ctx.publicUrl}${action}`,
        noindex: !!previewBase,
      }}
      scripts={SCRIPTS}
    >
      {previewBase && <Notice kind="warning">{t('previewNotice')}</Notice>}
      <p>
        <a href={base}>← {course.title}</a>
      </p>
      <article class="lesson-body">
        <h1>{lesson.title}</h1>
        <div class="prose" dangerouslySetInnerHTML={{ __html: lessonHtml(lesson) }} />
      </article>
      {/* The quiz form posts to …/quiz#answer: a refusal lands here, a score in the quiz below. */}
      {error && (
        <div id={ANSWER_ID} class="answer">
          <ErrorSummary errors={{ _form: error }} />
        </div>
      )}
      {reflections.length > 0 && (
        <section aria-labelledby="reflect-title" class="panel reflections">
          <h2 id="reflect-title">{t('reflectTitle')}</h2>
          <p class="hint" id="reflect-note">
            {t('reflectNote')}
          </p>
          {/* No form and no name attribute: these answers cannot be submitted; training.js keeps them in localStorage. */}
          {reflections.map((q) => (
            <div class="field">
              <label for={`reflect-${q.key}`}>{q.prompt}</label>
              <textarea
                id={`reflect-${q.key}`}
                rows={4}
                data-reflection={`${course.slug}:${q.key}`}
                aria-describedby="reflect-note"
              />
            </div>
          ))}
          <button type="button" class="secondary" data-clear-reflections hidden>
            {t('clearNotes')}
          </button>
        </section>
      )}
      {graded.length > 0 && (
        <section aria-labelledby="quiz-title" class="panel quiz">
          <h2 id="quiz-title">{t('quizTitle')}</h2>
          {result ? (
            <QuizFeedback result={result} t={t} locale={ctx.locale} retakeHref={`${base}/${lesson.slug}#quiz-title`} />
          ) : (
            <form method="post" action={`${action}/quiz#${ANSWER_ID}`} class="stack">
              <CsrfField token={ctx.csrfToken} />
              <p class="hint">{t('quizHint', { passMark: lesson.passMark })}</p>
              {progress?.isPassed && <Notice kind="success">{t('passed')}</Notice>}
              {graded.map((q, qi) => (
                <fieldset class="question">
                  <legend>
                    {qi + 1}. {q.prompt}
                  </legend>
                  <p class="hint">{q.kind === 'single' ? t('chooseOne') : t('chooseAny')}</p>
                  {q.options.map((o, i) => (
                    <div class="choice">
                      <input
                        type={q.kind === 'single' ? 'radio' : 'checkbox'}
                        name={`q_${q.key}`}
                        value={String(i)}
                        id={`${q.key}-${i}`}
                      />
                      <label for={`${q.key}-${i}`}>{o.text}</label>
                    </div>
                  ))}
                </fieldset>
              ))}
              {!previewBase && <button type="submit">{t('checkAnswers')}</button>}
            </form>
          )}
        </section>
      )}
      {graded.length === 0 && enrolment && !previewBase && (
        <section class="panel">
          {progress?.isComplete ? (
            <p>{t('lessonDone')}</p>
          ) : (
            <form method="post" action={`${action}/complete`}>
              <CsrfField token={ctx.csrfToken} />
              <button type="submit">{t('markDone')}</button>
            </form>
          )}
        </section>
      )}
      <nav class="pager" aria-label={course.title}>
        <ul>
          {previous && (
            <li>
              <a href={`${base}/${previous.slug}`} rel="prev">
                ← {t('previous')}: {previous.title}
              </a>
            </li>
          )}
          <li>
            <a href={base}>{t('backToCourse')}</a>
          </li>
          {next && (
            <li>
              <a href={`${base}/${next.slug}`} rel="next">
                {t('next')}: {next.title} →
              </a>
            </li>
          )}
        </ul>
      </nav>
    </Layout>
  );
}

/** "{n} more tries" in the reader's language: the plural form comes from Intl.PluralRules. */
function triesLeftText(t: T, locale: Locale, count: number): string {
  return new Intl.PluralRules(locale).select(count) === 'one'
    ? t('answersAfterOne', { count })
    : t('answersAfterMany', { count });
}

/**
 * After a try: the score, which questions were wrong and the explanations of the options chosen.
 * The right answers (every option, marked) only once the quiz is passed or tried often enough.
 */
function QuizFeedback({
  result,
  t,
  locale,
  retakeHref,
}: {
  result: QuizResult;
  t: T;
  locale: Locale;
  retakeHref: string;
}) {
  const { showAnswers } = result;
  return (
    <div class="quiz-result answer" id={ANSWER_ID}>
      <Notice kind={result.isPassed ? 'success' : 'warning'}>
        <p>
          <strong>{t('scored', { score: result.score, passMark: result.passMark })}</strong>{' '}
          {result.isPassed ? t('passed') : t('notPassed')}
        </p>
        {!result.isSaved && <p>{t('notSaved')}</p>}
        {!result.isPassed && (
          <p data-answers-policy>
            {showAnswers
              ? t('answersShown')
              : result.triesLeft !== undefined
                ? triesLeftText(t, locale, result.triesLeft)
                : t('answersOnPass')}
          </p>
        )}
      </Notice>
      {result.results.map((r, qi) => (
        <div class={r.isCorrect ? 'question question--right' : 'question question--wrong'}>
          <h3>
            {qi + 1}. {r.question.prompt} — {r.isCorrect ? t('correct') : t('incorrect')}
          </h3>
          {!showAnswers && r.chosen.length === 0 && <p>{t('noAnswerChosen')}</p>}
          <ul class="explanations">
            {r.question.options.map((o, i) =>
              showAnswers || r.chosen.includes(i) ? (
                <li>
                  <strong>{o.text}</strong>
                  {r.chosen.includes(i) && <span class="tag"> ({t('yourAnswer')})</span>}
                  {showAnswers && o.isCorrect && <span class="tag"> ({t('rightAnswer')})</span>}
                  <br />
                  {o.explanation}
                </li>
              ) : null,
            )}
          </ul>
        </div>
      ))}
      <p>
        <a href={retakeHref}>{t('retake')}</a>
      </p>
    </div>
  );
}

export function CodePage({
  ctx,
  code,
  courseSlug,
  hasPassphrase,
  errors,
  justSet,
}: {
  ctx: PageContext;
  code: string;
  courseSlug?: string;
  hasPassphrase: boolean;
  errors?: FieldErrors;
  justSet?: boolean;
}) {
  const t = translator(ctx);
  return (
    <Layout ctx={ctx} title={t('codeTitle')} head={{ description: t('codeLead'), noindex: true }} scripts={SCRIPTS}>
      <h1>{t('codeTitle')}</h1>
      <p class="lead">{t('codeLead')}</p>
      <p class="progress-code" id="progress-code" data-progress-code>
        {code}
      </p>
      <ul class="actions">
        <li>
          <button type="button" data-copy="#progress-code" hidden>
            {t('copy')}
          </button>
        </li>
        <li>
          <a href="/training/my-code.txt" download="progress-code.txt">
            {t('download')}
          </a>
        </li>
        <li>
          <button type="button" data-print hidden>
            {t('print')}
          </button>
        </li>
      </ul>
      <ErrorSummary errors={errors} />
      {justSet || hasPassphrase ? (
        <Notice kind="success">{t('passphraseSet')}</Notice>
      ) : (
        <section aria-labelledby="passphrase-title" class="panel">
          <h2 id="passphrase-title">{t('passphraseTitle')}</h2>
          <form method="post" action="/training/passphrase" class="stack">
            <CsrfField token={ctx.csrfToken} />
            {courseSlug && <input type="hidden" name="course" value={courseSlug} />}
            <Field name="passphrase" label={t('passphraseLabel')} hint={t('passphraseHint')} errors={errors}>
              {(a) => <input {...a} type="password" autocomplete="new-password" minLength={8} maxLength={200} />}
            </Field>
            <button type="submit" class="secondary">
              {t('setPassphrase')}
            </button>
          </form>
        </section>
      )}
      {courseSlug && (
        <p>
          <a class="button" href={`/training/${courseSlug}`}>
            {t('goToCourse')}
          </a>
        </p>
      )}
    </Layout>
  );
}

export function ResumePage({
  ctx,
  errors,
  code = '',
  remember = false,
}: {
  ctx: PageContext;
  errors?: FieldErrors;
  code?: string;
  remember?: boolean;
}) {
  const t = translator(ctx);
  return (
    <Layout ctx={ctx} title={t('resumeTitle')} head={{ description: t('resumeLead'), noindex: true }}>
      <h1>{t('resumeTitle')}</h1>
      <p>{t('resumeLead')}</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/training/resume" class="stack" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <Field name="code" label={t('codeLabel')} errors={errors}>
          {(a) => (
            <input
              {...a}
              type="text"
              autocomplete="off"
              autocapitalize="none"
              spellcheck={false}
              value={code}
              required
            />
          )}
        </Field>
        <Field name="passphrase" label={t('passphraseOptional')} errors={errors}>
          {(a) => <input {...a} type="password" autocomplete="current-password" />}
        </Field>
        <RememberChoice t={t} checked={remember} />
        <button type="submit">{t('resume')}</button>
      </form>
    </Layout>
  );
}

export function CertificatePage({
  ctx,
  cert,
  canRevoke = false,
}: {
  ctx: PageContext;
  cert: Certificate;
  canRevoke?: boolean;
}) {
  const t = translator(ctx);
  return (
    <Layout ctx={ctx} title={t('verifyTitle')} head={{ description: t('verifyDescription'), noindex: true }}>
      <h1>{t('verifyTitle')}</h1>
      {cert.revokedAt ? (
        <Notice kind="warning">
          <p>
            <strong>{t('verifyRevoked')}</strong>
          </p>
          {cert.revokedReason && (
            <p>
              {t('revokedReason')}: {cert.revokedReason}
            </p>
          )}
        </Notice>
      ) : (
        <Notice kind="success">
          <p>
            <strong>{t('verifyGenuine')}</strong>
          </p>
        </Notice>
      )}
      <dl class="facts">
        <dt>{t('holder')}</dt>
        <dd>{cert.holderName}</dd>
        <dt>{t('course')}</dt>
        <dd>{cert.courseTitle}</dd>
        <dt>{t('issued')}</dt>
        <dd>{formatDate(`${cert.issuedOn}T00:00:00Z`, ctx.locale)}</dd>
        <dt>{t('code')}</dt>
        <dd>
          <code>{cert.code}</code>
        </dd>
      </dl>
      {!cert.revokedAt && (
        <p>
          <a href={`/certificates/${cert.code}/pdf`}>{t('downloadPdf')}</a>
        </p>
      )}
      {canRevoke && !cert.revokedAt && (
        <form method="post" action={`/admin/training/certificates/${cert.code}/revoke`} class="panel stack">
          <CsrfField token={ctx.csrfToken} />
          <Field name="reason" label={t('revokeLabel')}>
            {(a) => <input {...a} type="text" required maxLength={500} />}
          </Field>
          <button type="submit" class="danger">
            {t('revoke')}
          </button>
        </form>
      )}
    </Layout>
  );
}

/** Where a new certificate lands: congratulations, then the PDF and the public verification page. */
export function CertificateIssuedPage({ ctx, cert }: { ctx: PageContext; cert: Certificate }) {
  const t = translator(ctx);
  const verify = `/certificates/${cert.code}`;
  return (
    <Layout ctx={ctx} title={t('issuedTitle')} head={{ description: t('issuedDescription'), noindex: true }}>
      <h1>{t('issuedHeading', { name: cert.holderName })}</h1>
      <p class="lead">{t('issuedLead', { course: cert.courseTitle })}</p>
      <ul class="actions">
        <li>
          <a class="button" href={`${verify}/pdf`}>
            {t('downloadPdf')}
          </a>
        </li>
        <li>
          <a href={verify}>{t('issuedVerify')}</a>
        </li>
      </ul>
      <p>{t('issuedShare')}</p>
      <p>
        <code>
          {ctx.publicUrl}
          {verify}
        </code>
      </p>
    </Layout>
  );
}

/** The home page's training section: the first few published courses. */
export function TrainingHomeSection({ ctx, courses }: { ctx: PageContext; courses: CatalogueItem[] }) {
  const t = translator(ctx);
  if (courses.length === 0) return null;
  return (
    <section aria-labelledby="home-training" class="home-section">
      <h2 id="home-training">{t('catalogueTitle')}</h2>
      <ul>
        {courses.slice(0, 3).map(({ content }) => (
          <li>
            <a href={`/training/${content.slug}`}>{content.title}</a> — {content.summary}
          </li>
        ))}
      </ul>
      <p>
        <a href="/training">{t('allCourses')}</a>
      </p>
    </section>
  );
}

/** The text file a learner downloads to keep their progress code (CRLF, for every platform's editor). */
export function progressCodeFile(locale: Locale, siteName: string, publicUrl: string, code: string): string {
  return [
    t(locale, 'codeFileTitle', { siteName }),
    '',
    `    ${code}`,
    '',
    t(locale, 'codeFileHow', { url: `${publicUrl}/training/resume` }),
    t(locale, 'codeFileKeep'),
    '',
  ].join('\r\n');
}
