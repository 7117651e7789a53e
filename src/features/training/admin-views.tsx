import type { Selectable } from 'kysely';
import type {
  TrainingCertificatesTable,
  TrainingCoursesTable,
  TrainingLessonsTable,
  TrainingModulesTable,
  TrainingQuestionsTable,
} from '../../core/db/schema.ts';
import type { PageContext } from '../../core/views/context.ts';
import {
  CsrfField,
  ErrorSummary,
  Field,
  Notice,
  formatDate,
  type FieldErrors,
  TableScroll,
} from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import { MarkdownToolbar, MarkdownToolbarStyles, markdownToolbarScript } from '../../core/views/markdown-toolbar.tsx';
import { BarChart, FunnelChart, type Datum } from '../../core/views/chart.tsx';
import { formatOptions } from './authoring.ts';
import type { CourseContent, QuizOption } from './content.ts';

type Course = Selectable<TrainingCoursesTable>;
type Module = Selectable<TrainingModulesTable>;
type LessonRow = Selectable<TrainingLessonsTable>;
type QuestionRow = Selectable<TrainingQuestionsTable>;
type CertificateRow = Selectable<TrainingCertificatesTable>;

/** What the trainer typed into the form that failed, so it can be shown again unchanged. */
export interface FormState {
  form: string;
  errors: FieldErrors;
  input: Record<string, string>;
}

const valueOf = (state: FormState | undefined, form: string, field: string, fallback: string) =>
  state && state.form === form && field in state.input ? state.input[field]! : fallback;
/** Errors of one form; `suffix` keeps field ids unique when a page has several forms with the same fields. */
const errorsFor = (state: FormState | undefined, form: string, suffix = '') =>
  state && state.form === form
    ? Object.fromEntries(Object.entries(state.errors).map(([k, v]) => [k === '_form' ? k : `${k}${suffix}`, v]))
    : undefined;

function Hidden({ ctx, revision }: { ctx: PageContext; revision: number }) {
  return (
    <>
      <CsrfField token={ctx.csrfToken} />
      <input type="hidden" name="revision" value={String(revision)} />
    </>
  );
}

function MoveButtons({
  ctx,
  course,
  kind,
  id,
  back,
}: {
  ctx: PageContext;
  course: Course;
  kind: string;
  id: number;
  back: string;
}) {
  return (
    <span class="move-buttons">
      {([-1, 1] as const).map((direction) => (
        <form method="post" action={`/admin/training/${course.id}/move`} class="inline-form">
          <Hidden ctx={ctx} revision={course.revision} />
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="id" value={String(id)} />
          <input type="hidden" name="direction" value={String(direction)} />
          <input type="hidden" name="back" value={back} />
          <button type="submit" class="link-button" aria-label={`Move ${kind} ${direction < 0 ? 'up' : 'down'}`}>
            {direction < 0 ? '↑' : '↓'}
          </button>
        </form>
      ))}
    </span>
  );
}

function DeleteButton({
  ctx,
  course,
  action,
  what,
}: {
  ctx: PageContext;
  course: Course;
  action: string;
  what: string;
}) {
  return (
    <form method="post" action={action} class="inline-form">
      <Hidden ctx={ctx} revision={course.revision} />
      <button type="submit" class="link-button danger">
        Delete {what}
      </button>
    </form>
  );
}

export function AdminCoursesPage({ ctx, courses, state }: { ctx: PageContext; courses: Course[]; state?: FormState }) {
  return (
    <Layout ctx={ctx} title="Training courses" head={{ noindex: true }}>
      <p>
        <a href="/admin">← Staff area</a>
      </p>
      <h1>Training courses</h1>
      {courses.length === 0 ? (
        <p>No courses yet.</p>
      ) : (
        <TableScroll label="Training courses">
          <table>
            <thead>
              <tr>
                <th scope="col">Course</th>
                <th scope="col">Status</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {courses.map((c) => (
                <tr>
                  <td>
                    <a href={`/admin/training/${c.id}`}>{c.title}</a>
                  </td>
                  <td>{c.published_version_id ? 'published' : 'draft'}</td>
                  <td>{formatDate(c.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <h2>New course</h2>
      <CourseForm ctx={ctx} action="/admin/training" state={state} form="create" submit="Create course" />
    </Layout>
  );
}

function CourseForm({
  ctx,
  action,
  course,
  state,
  form,
  submit,
}: {
  ctx: PageContext;
  action: string;
  course?: Course;
  state?: FormState;
  form: string;
  submit: string;
}) {
  const errors = errorsFor(state, form);
  const v = (field: string, fallback: string) => valueOf(state, form, field, fallback);
  return (
    <form method="post" action={action} class="stack">
      {course ? <Hidden ctx={ctx} revision={course.revision} /> : <CsrfField token={ctx.csrfToken} />}
      <ErrorSummary errors={errors} />
      <Field name="title" label="Title" errors={errors}>
        {(a) => <input {...a} type="text" value={v('title', course?.title ?? '')} required />}
      </Field>
      <Field
        name="slug"
        label="Address"
        hint="Shown as /training/<address>: lower-case letters, digits and dashes."
        errors={errors}
      >
        {(a) => <input {...a} type="text" value={v('slug', course?.slug ?? '')} required />}
      </Field>
      <Field name="summary" label="Summary" errors={errors}>
        {(a) => (
          <textarea {...a} rows={3}>
            {v('summary', course?.summary ?? '')}
          </textarea>
        )}
      </Field>
      <Field
        name="audience"
        label="Audience"
        hint="Who the course is for, e.g. “Frontline workers and volunteers”."
        errors={errors}
      >
        {(a) => <input {...a} type="text" value={v('audience', course?.audience ?? '')} />}
      </Field>
      <Field name="language" label="Language" hint="A language tag: en, fr, pt-BR…" errors={errors}>
        {(a) => <input {...a} type="text" value={v('language', course?.language ?? 'en')} />}
      </Field>
      <Field name="minutes" label="Length in minutes" errors={errors}>
        {(a) => <input {...a} type="number" min={0} value={v('minutes', String(course?.minutes ?? 30))} />}
      </Field>
      <button type="submit">{submit}</button>
      {course?.published_version_id && (
        <button type="submit" name="publish" value="1" class="secondary">
          Save and publish a new version
        </button>
      )}
    </form>
  );
}

export interface AdminCourseProps {
  ctx: PageContext;
  course: Course;
  modules: Module[];
  lessons: LessonRow[];
  questionCounts: Map<number, number>;
  versions: { id: number; version: number; published_at: string }[];
  certificates: CertificateRow[];
  state?: FormState;
  notice?: string;
}

export function AdminCoursePage({
  ctx,
  course,
  modules,
  lessons,
  questionCounts,
  versions,
  certificates,
  state,
  notice,
}: AdminCourseProps) {
  const current = versions.find((v) => v.id === course.published_version_id);
  return (
    <Layout ctx={ctx} title={`Edit: ${course.title}`} head={{ noindex: true }}>
      <p>
        <a href="/admin/training">← Training courses</a>
      </p>
      <h1>{course.title}</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      {state?.form === '_page' && <ErrorSummary errors={state.errors} />}
      <p>
        {current ? (
          <>
            Published as version {current.version} on {formatDate(current.published_at)} at{' '}
            <a href={`/training/${course.slug}`}>/training/{course.slug}</a>. Changes below go live only when you
            publish a new version; learners part way through keep the version they started.
          </>
        ) : (
          <>Not published yet: learners cannot see this course.</>
        )}
      </p>
      <p>
        <a href={`/admin/training/${course.id}/preview`}>Preview as a learner</a> ·{' '}
        <a href={`/admin/training/${course.id}/stats`}>Aggregate figures</a>
      </p>
      <form method="post" action={`/admin/training/${course.id}/publish`}>
        <Hidden ctx={ctx} revision={course.revision} />
        <button type="submit">{current ? 'Publish a new version' : 'Publish'}</button>
      </form>
      {current && (
        <form method="post" action={`/admin/training/${course.id}/unpublish`}>
          <Hidden ctx={ctx} revision={course.revision} />
          <button type="submit" class="secondary">
            Withdraw from the catalogue
          </button>
          <p class="hint">
            New learners can no longer start it; people part way keep their version and can still finish.
          </p>
        </form>
      )}

      <h2>Modules and lessons</h2>
      {modules.map((m) => (
        <section class="panel" aria-labelledby={`mod-${m.id}`}>
          <h3 id={`mod-${m.id}`}>
            {m.title}{' '}
            <MoveButtons ctx={ctx} course={course} kind="module" id={m.id} back={`/admin/training/${course.id}`} />
          </h3>
          <ol>
            {lessons
              .filter((l) => l.module_id === m.id)
              .map((l) => (
                <li>
                  <a href={`/admin/training/${course.id}/lessons/${l.id}`}>{l.title}</a>{' '}
                  <span class="hint">
                    ({questionCounts.get(l.id) ?? 0} questions{l.is_required ? '' : ', optional'})
                  </span>{' '}
                  <MoveButtons
                    ctx={ctx}
                    course={course}
                    kind="lesson"
                    id={l.id}
                    back={`/admin/training/${course.id}`}
                  />
                </li>
              ))}
          </ol>
          <details>
            <summary>Add a lesson to “{m.title}”</summary>
            <form method="post" action={`/admin/training/${course.id}/modules/${m.id}/lessons`} class="stack">
              <Hidden ctx={ctx} revision={course.revision} />
              <ErrorSummary errors={errorsFor(state, `lesson-${m.id}`, `-m${m.id}`)} />
              <Field
                name={`title-m${m.id}`}
                label="Lesson title"
                errors={errorsFor(state, `lesson-${m.id}`, `-m${m.id}`)}
              >
                {(a) => <input {...a} name="title" type="text" value={valueOf(state, `lesson-${m.id}`, 'title', '')} />}
              </Field>
              <Field
                name={`slug-m${m.id}`}
                label="Lesson address"
                errors={errorsFor(state, `lesson-${m.id}`, `-m${m.id}`)}
              >
                {(a) => <input {...a} name="slug" type="text" value={valueOf(state, `lesson-${m.id}`, 'slug', '')} />}
              </Field>
              <button type="submit">Add lesson</button>
            </form>
          </details>
          <details>
            <summary>Rename or delete this module</summary>
            <form method="post" action={`/admin/training/${course.id}/modules/${m.id}`} class="stack">
              <Hidden ctx={ctx} revision={course.revision} />
              <label for={`module-title-${m.id}`}>Module title</label>
              <input id={`module-title-${m.id}`} name="title" type="text" value={m.title} />
              <button type="submit">Rename</button>
            </form>
            <DeleteButton
              ctx={ctx}
              course={course}
              action={`/admin/training/${course.id}/modules/${m.id}/delete`}
              what="module and its lessons"
            />
          </details>
        </section>
      ))}
      <form method="post" action={`/admin/training/${course.id}/modules`} class="stack">
        <Hidden ctx={ctx} revision={course.revision} />
        <ErrorSummary errors={errorsFor(state, 'module', '-module')} />
        <Field name="title-module" label="New module title" errors={errorsFor(state, 'module', '-module')}>
          {(a) => <input {...a} name="title" type="text" value={valueOf(state, 'module', 'title', '')} />}
        </Field>
        <button type="submit">Add module</button>
      </form>

      <h2>Course details</h2>
      <CourseForm
        ctx={ctx}
        action={`/admin/training/${course.id}`}
        course={course}
        state={state}
        form="course"
        submit="Save details"
      />

      <h2>Versions</h2>
      <ul>
        {versions.map((v) => (
          <li>
            Version {v.version}, published {formatDate(v.published_at)}
            {v.id === course.published_version_id ? ' (current)' : ''}
          </li>
        ))}
      </ul>

      <h2>Certificates</h2>
      {certificates.length === 0 ? (
        <p>None issued yet.</p>
      ) : (
        <TableScroll label="Certificates">
          <table>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Issued</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {certificates.map((c) => (
                <tr>
                  <td>
                    <a href={`/certificates/${c.code}`}>
                      <code>{c.code}</code>
                    </a>
                  </td>
                  <td>{c.holder_name}</td>
                  <td>{c.issued_on}</td>
                  <td>
                    {c.revoked_at ? (
                      <>revoked: {c.revoked_reason}</>
                    ) : (
                      <form method="post" action={`/admin/training/certificates/${c.code}/revoke`} class="inline-form">
                        <CsrfField token={ctx.csrfToken} />
                        <input type="hidden" name="course" value={String(course.id)} />
                        <label for={`reason-${c.id}`}>Reason</label>{' '}
                        <input id={`reason-${c.id}`} name="reason" type="text" required maxLength={500} />{' '}
                        <button type="submit">Revoke</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </Layout>
  );
}

export function AdminLessonPage({
  ctx,
  course,
  lesson,
  questions,
  state,
}: {
  ctx: PageContext;
  course: Course;
  lesson: LessonRow;
  questions: QuestionRow[];
  state?: FormState;
}) {
  const errors = errorsFor(state, 'lesson');
  const v = (field: string, fallback: string) => valueOf(state, 'lesson', field, fallback);
  const requiredChecked = state?.form === 'lesson' ? state.input.required === '1' : lesson.is_required === 1;
  return (
    <Layout
      ctx={ctx}
      title={`Edit lesson: ${lesson.title}`}
      head={{ noindex: true }}
      scripts={[markdownToolbarScript()]}
    >
      <MarkdownToolbarStyles />
      <p>
        <a href={`/admin/training/${course.id}`}>← {course.title}</a> ·{' '}
        <a href={`/admin/training/${course.id}/preview/${lesson.slug}`}>Preview</a>
      </p>
      <h1>{lesson.title}</h1>
      {state?.form === '_page' && <ErrorSummary errors={state.errors} />}
      <form method="post" action={`/admin/training/${course.id}/lessons/${lesson.id}`} class="stack">
        <Hidden ctx={ctx} revision={course.revision} />
        <ErrorSummary errors={errors} />
        <Field name="title" label="Title" errors={errors}>
          {(a) => <input {...a} type="text" value={v('title', lesson.title)} />}
        </Field>
        <Field name="slug" label="Address" errors={errors}>
          {(a) => <input {...a} type="text" value={v('slug', lesson.slug)} />}
        </Field>
        <MarkdownToolbar target="field-body" />
        <Field name="body" label="Lesson text (Markdown)" errors={errors}>
          {(a) => (
            <textarea {...a} rows={18}>
              {v('body', lesson.body_md)}
            </textarea>
          )}
        </Field>
        <Field name="passMark" label="Quiz pass mark (%)" errors={errors}>
          {(a) => <input {...a} type="number" min={0} max={100} value={v('passMark', String(lesson.pass_mark))} />}
        </Field>
        <Field
          name="revealAfter"
          label="Show the right answers after this many tries"
          hint="Before a pass, a failed try shows which answers were wrong and why, not the right answers. A pass always shows them."
          errors={errors}
        >
          {(a) => <input {...a} type="number" min={1} max={20} value={v('revealAfter', String(lesson.reveal_after))} />}
        </Field>
        <div class="choice">
          <input type="checkbox" id="field-required" name="required" value="1" checked={requiredChecked} />
          <label for="field-required">Required for the certificate</label>
        </div>
        <button type="submit">Save lesson</button>
        {course.published_version_id && (
          <button type="submit" name="publish" value="1" class="secondary">
            Save and publish a new version
          </button>
        )}
      </form>
      <DeleteButton
        ctx={ctx}
        course={course}
        action={`/admin/training/${course.id}/lessons/${lesson.id}/delete`}
        what="lesson"
      />

      <h2>Questions and reflection prompts</h2>
      <p class="hint">
        Options, one per line: start a right answer with “*” and a wrong one with “-”, then the option, “|”, and the
        explanation learners see after answering. Reflection prompts have no options: learners' answers stay in their
        browser.
      </p>
      {questions.map((q, i) => (
        <section class="panel" aria-labelledby={`q-${q.id}`}>
          <h3 id={`q-${q.id}`}>
            Question {i + 1} ({q.kind}){' '}
            <MoveButtons
              ctx={ctx}
              course={course}
              kind="question"
              id={q.id}
              back={`/admin/training/${course.id}/lessons/${lesson.id}`}
            />
          </h3>
          <QuestionForm
            ctx={ctx}
            course={course}
            action={`/admin/training/${course.id}/questions/${q.id}`}
            form={`q-${q.id}`}
            state={state}
            question={q}
            submit="Save question"
          />
          <DeleteButton
            ctx={ctx}
            course={course}
            action={`/admin/training/${course.id}/questions/${q.id}/delete`}
            what="question"
          />
        </section>
      ))}
      <h3>Add a question</h3>
      <QuestionForm
        ctx={ctx}
        course={course}
        action={`/admin/training/${course.id}/lessons/${lesson.id}/questions`}
        form="new-question"
        state={state}
        submit="Add question"
      />
    </Layout>
  );
}

function QuestionForm({
  ctx,
  course,
  action,
  form,
  state,
  question,
  submit,
}: {
  ctx: PageContext;
  course: Course;
  action: string;
  form: string;
  state?: FormState;
  question?: QuestionRow;
  submit: string;
}) {
  const suffix = question ? `-q${question.id}` : '-new';
  const errors = errorsFor(state, form, suffix);
  const v = (field: string, fallback: string) => valueOf(state, form, field, fallback);
  const kind = v('kind', question?.kind ?? 'single');
  return (
    <form method="post" action={action} class="stack">
      <Hidden ctx={ctx} revision={course.revision} />
      <ErrorSummary errors={errors} />
      <Field name={`kind${suffix}`} label="Kind" errors={errors}>
        {(a) => (
          <select {...a} name="kind">
            <option value="single" selected={kind === 'single'}>
              Single choice
            </option>
            <option value="multiple" selected={kind === 'multiple'}>
              Multiple choice
            </option>
            <option value="reflection" selected={kind === 'reflection'}>
              Reflection prompt (stays in the learner's browser)
            </option>
          </select>
        )}
      </Field>
      <Field name={`prompt${suffix}`} label="Question" errors={errors}>
        {(a) => (
          <textarea {...a} name="prompt" rows={2}>
            {v('prompt', question?.prompt ?? '')}
          </textarea>
        )}
      </Field>
      <Field name={`options${suffix}`} label="Options" errors={errors}>
        {(a) => (
          <textarea {...a} name="options" rows={5}>
            {v('options', question ? formatOptions(JSON.parse(question.options_json) as QuizOption[]) : '')}
          </textarea>
        )}
      </Field>
      <button type="submit">{submit}</button>
    </form>
  );
}

export interface StatsProps {
  ctx: PageContext;
  course: Course;
  content: CourseContent | undefined;
  stats: {
    starts: number;
    completions: number;
    lessonCompletions: Map<string, number>;
    questions: Map<string, { attempts: number; correct: number }>;
  };
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)}%`);

/** The funnel's steps: everyone who started, each lesson of the current version in order, completion. */
function completionSteps(content: CourseContent, stats: StatsProps['stats']): Datum[] {
  return [
    { label: 'Started', value: stats.starts },
    ...content.modules.flatMap((m) =>
      m.lessons.map((l) => ({ label: l.title, value: stats.lessonCompletions.get(l.key) ?? 0 })),
    ),
    { label: 'Completed the course', value: stats.completions },
  ];
}

/** Each marked question's share of right answers (reflections have no right answer). */
function passRates(content: CourseContent, stats: StatsProps['stats']): Datum[] {
  return content.modules.flatMap((m) =>
    m.lessons.flatMap((l) =>
      l.questions
        .filter((q) => q.kind !== 'reflection')
        .map((q) => {
          const { attempts, correct } = stats.questions.get(q.key) ?? { attempts: 0, correct: 0 };
          const rate = attempts === 0 ? 0 : Math.round((100 * correct) / attempts);
          const text = attempts === 0 ? 'no answers yet' : `${rate} % (${correct} of ${attempts})`;
          return { label: q.prompt, value: rate, text };
        }),
    ),
  );
}

export function AdminStatsPage({ ctx, course, content, stats }: StatsProps) {
  return (
    <Layout ctx={ctx} title={`Figures: ${course.title}`} head={{ noindex: true }}>
      <p>
        <a href={`/admin/training/${course.id}`}>← {course.title}</a>
      </p>
      <h1>Aggregate figures</h1>
      <p class="hint">Counts only, across all versions. Nothing here, or anywhere, follows one learner.</p>
      <dl class="facts">
        <dt>Starts</dt>
        <dd>{stats.starts}</dd>
        <dt>Completions</dt>
        <dd>
          {stats.completions} ({pct(stats.completions, stats.starts)})
        </dd>
      </dl>
      {content && (
        <>
          <h2>Where people stop</h2>
          <FunnelChart
            id="completion-funnel"
            caption="Completion by lesson: how many of those who started finished each lesson"
            head={['Step', 'Learners']}
            data={completionSteps(content, stats)}
            tableId="where-people-stop"
          />
          <TableScroll label="Where people stop">
            <table id="where-people-stop">
              <thead>
                <tr>
                  <th scope="col">Lesson (current version)</th>
                  <th scope="col">Finished by</th>
                  <th scope="col">Of starts</th>
                </tr>
              </thead>
              <tbody>
                {content.modules.flatMap((m) =>
                  m.lessons.map((l) => {
                    const n = stats.lessonCompletions.get(l.key) ?? 0;
                    return (
                      <tr>
                        <td>{l.title}</td>
                        <td>{n}</td>
                        <td>{pct(n, stats.starts)}</td>
                      </tr>
                    );
                  }),
                )}
              </tbody>
            </table>
          </TableScroll>
          <h2>Pass rate per question</h2>
          <BarChart
            id="pass-rates"
            caption="Pass rate per question: the share of answers that were right"
            head={['Question', 'Pass rate']}
            max={100}
            data={passRates(content, stats)}
            tableId="pass-rate-table"
          />
          <TableScroll label="Pass rate per question">
            <table id="pass-rate-table">
              <thead>
                <tr>
                  <th scope="col">Question</th>
                  <th scope="col">Answers</th>
                  <th scope="col">Right</th>
                </tr>
              </thead>
              <tbody>
                {content.modules.flatMap((m) =>
                  m.lessons.flatMap((l) =>
                    l.questions
                      .filter((q) => q.kind !== 'reflection')
                      .map((q) => {
                        const s = stats.questions.get(q.key) ?? { attempts: 0, correct: 0 };
                        return (
                          <tr>
                            <td>{q.prompt}</td>
                            <td>{s.attempts}</td>
                            <td>{pct(s.correct, s.attempts)}</td>
                          </tr>
                        );
                      }),
                  ),
                )}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </Layout>
  );
}
