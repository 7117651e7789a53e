import type { ComponentChildren } from 'preact';
import { renderCommentMarkdown } from '../../core/markdown/render.ts';
import { HoneypotField, ProofOfWorkField } from '../../core/antispam/views.tsx';
import { CsrfField, ErrorSummary, Field, Notice, Pagination, type FieldErrors } from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import { When, readerDate, relativeTimeScript } from '../../core/views/time.tsx';
import { ModerationActions } from '../../core/views/moderation.tsx';
import type { PageContext } from '../../core/views/context.ts';
import type { CommentRow } from './repo.ts';
import {
  LIMITS,
  type PostForComments,
  type QueueName,
  type QueueView,
  type SettingsForm,
  type ThreadComment,
} from './service.ts';
import { t, type CommentMessageKey } from './messages.ts';
import { assetUrl } from '../../core/http/assets.ts';

/* Pure views: data in, markup out. User text is escaped; comment bodies go through the safe comment renderer only. */

const STATUS: Record<CommentRow['status'], CommentMessageKey> = {
  pending: 'status_pending',
  approved: 'status_approved',
  rejected: 'status_rejected',
  spam: 'status_spam',
};
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

export interface CommentFormValues {
  name?: string;
  body?: string;
  parentId?: number;
}

function Styles() {
  return <link rel="stylesheet" href={assetUrl('comments.css')} />;
}

function CommentBody({ md }: { md: string }) {
  return <div class="comment__body" dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(md) }} />;
}

function Byline({ ctx, comment }: { ctx: PageContext; comment: CommentRow }) {
  return (
    <p class="comment__meta">
      <span class="comment__author">{comment.display_name || t(ctx.locale, 'anonymous')}</span>
      {comment.is_staff ? <span class="comment__badge"> ({t(ctx.locale, 'staff')})</span> : null}
      {' · '}
      <When iso={comment.created_at} locale={ctx.locale} withTime />
    </p>
  );
}

function SingleComment({
  ctx,
  comment,
  children,
}: {
  ctx: PageContext;
  comment: CommentRow;
  children?: ComponentChildren;
}) {
  return (
    <article
      class={comment.is_staff ? 'comment comment--staff' : 'comment'}
      id={`comment-${comment.id}`}
      aria-label={`${t(ctx.locale, 'heading')}: ${comment.display_name || t(ctx.locale, 'anonymous')}`}
    >
      <Byline ctx={ctx} comment={comment} />
      <CommentBody md={comment.body_md} />
      {children}
    </article>
  );
}

/** The form readers use; also used on the reply and error pages (one form per page, so ids stay unique). */
export function CommentForm({
  ctx,
  post,
  values = {},
  errors,
  parent,
}: {
  ctx: PageContext;
  post: { slug: string };
  values?: CommentFormValues;
  errors?: FieldErrors;
  parent?: CommentRow;
}) {
  return (
    <form
      method="post"
      action={`/posts/${encodeURIComponent(post.slug)}/comments#error-summary`}
      class="comment-form"
      id="comment-form"
      novalidate
    >
      <h3>{parent ? t(ctx.locale, 'replyHeading') : t(ctx.locale, 'formHeading')}</h3>
      <CsrfField token={ctx.csrfToken} />
      {parent && <input type="hidden" name="parent_id" value={String(parent.id)} />}
      {!parent && values.parentId !== undefined && (
        <input type="hidden" name="parent_id" value={String(values.parentId)} />
      )}
      <Field name="name" label={t(ctx.locale, 'nameLabel')} hint={t(ctx.locale, 'nameHint')} errors={errors}>
        {(a) => <input {...a} type="text" maxLength={LIMITS.name} autocomplete="off" value={values.name ?? ''} />}
      </Field>
      <Field name="body" label={t(ctx.locale, 'bodyLabel')} hint={t(ctx.locale, 'bodyHint')} errors={errors}>
        {(a) => (
          <textarea {...a} rows={6} maxLength={LIMITS.body} required>
            {values.body ?? ''}
          </textarea>
        )}
      </Field>
      <HoneypotField />
      {!ctx.staff && <ProofOfWorkField hint={t(ctx.locale, 'powHint')} />}
      <button type="submit" class="button">
        {ctx.staff ? t(ctx.locale, 'postAs') : t(ctx.locale, 'submit')}
      </button>
    </form>
  );
}

/** Rendered under a post: the approved thread, then the form (or a note that comments are closed). */
export function CommentSection({
  ctx,
  post,
  thread,
}: {
  ctx: PageContext;
  post: PostForComments;
  thread: ThreadComment[];
}) {
  const count = thread.reduce((n, c) => n + 1 + c.replies.length, 0);
  return (
    <section class="comments" id="comments" aria-labelledby="comments-heading">
      <Styles />
      <h2 id="comments-heading">
        {t(ctx.locale, 'heading')} {count > 0 ? `(${count})` : ''}
      </h2>
      <p class="hint">{t(ctx.locale, 'intro')}</p>
      <p>
        <a href={`/posts/${encodeURIComponent(post.slug)}/comments.atom`}>{t(ctx.locale, 'feedLink')}</a>
      </p>
      {thread.length === 0 ? (
        <p>{t(ctx.locale, 'none')}</p>
      ) : (
        <ol class="comment-list">
          {thread.map(({ comment, replies }) => (
            <li>
              <SingleComment ctx={ctx} comment={comment}>
                {!post.comments_closed && (
                  <p class="comment__actions">
                    <a href={`/posts/${encodeURIComponent(post.slug)}/comments/new?reply=${comment.id}`}>
                      {t(ctx.locale, 'reply')}
                      <span class="visually-hidden">
                        {' '}
                        — {t(ctx.locale, 'replyTo', { name: comment.display_name || t(ctx.locale, 'anonymous') })}
                      </span>
                    </a>
                  </p>
                )}
              </SingleComment>
              {replies.length > 0 && (
                <ol class="comment-replies" aria-label={t(ctx.locale, 'replies')}>
                  {replies.map((r) => (
                    <li>
                      <SingleComment ctx={ctx} comment={r} />
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ol>
      )}
      {post.comments_closed ? <Notice>{t(ctx.locale, 'closed')}</Notice> : <CommentForm ctx={ctx} post={post} />}
    </section>
  );
}

/** A page with just the form: replies, and re-showing the form with the reader's text after a problem. */
export function CommentFormPage({
  ctx,
  post,
  values,
  errors,
  parent,
}: {
  ctx: PageContext;
  post: PostForComments;
  values?: CommentFormValues;
  errors?: FieldErrors;
  parent?: CommentRow;
}) {
  return (
    <Layout
      ctx={ctx}
      title={`${parent ? t(ctx.locale, 'replyHeading') : t(ctx.locale, 'formHeading')}: ${post.title}`}
      head={{ noindex: true }}
      scripts={[relativeTimeScript()]}
    >
      <Styles />
      <p>
        <a href={`/posts/${encodeURIComponent(post.slug)}#comments`}>← {post.title}</a>
      </p>
      <h1>{parent ? t(ctx.locale, 'replyHeading') : t(ctx.locale, 'formHeading')}</h1>
      <ErrorSummary errors={errors} />
      {parent && <SingleComment ctx={ctx} comment={parent} />}
      {post.comments_closed ? (
        <Notice>{t(ctx.locale, 'closed')}</Notice>
      ) : (
        <CommentForm ctx={ctx} post={post} values={values} errors={errors} parent={parent} />
      )}
    </Layout>
  );
}

export function SubmittedPage({
  ctx,
  post,
  privateUrl,
}: {
  ctx: PageContext;
  post: PostForComments;
  privateUrl: string | null;
}) {
  return (
    <Layout
      ctx={ctx}
      title={privateUrl ? t(ctx.locale, 'awaitingTitle') : t(ctx.locale, 'publishedStaff')}
      head={{ noindex: true }}
    >
      <Styles />
      {privateUrl ? (
        <>
          <h1>{t(ctx.locale, 'awaitingTitle')}</h1>
          <p>{t(ctx.locale, 'awaitingText')}</p>
          <h2>{t(ctx.locale, 'privateLinkHeading')}</h2>
          <p>{t(ctx.locale, 'privateLinkText')}</p>
          <p class="private-link">
            <a href={new URL(privateUrl).pathname} data-private-link>
              {privateUrl}
            </a>
          </p>
        </>
      ) : (
        <h1>{t(ctx.locale, 'publishedStaff')}</h1>
      )}
      <p>
        <a href={`/posts/${encodeURIComponent(post.slug)}#comments`}>{t(ctx.locale, 'backToPost')}</a>
      </p>
    </Layout>
  );
}

export function OwnCommentPage({
  ctx,
  post,
  comment,
  canEdit,
  token,
  values,
  errors,
  notice,
}: {
  ctx: PageContext;
  post: { slug: string; title: string };
  comment: CommentRow;
  canEdit: boolean;
  token: string;
  values?: CommentFormValues;
  errors?: FieldErrors;
  notice?: string;
}) {
  const base = `/comments/${token}`;
  return (
    <Layout ctx={ctx} title={t(ctx.locale, 'yourComment')} head={{ noindex: true }} scripts={[relativeTimeScript()]}>
      <Styles />
      <h1>{t(ctx.locale, 'yourComment')}</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorSummary errors={errors} />
      <p>
        <a href={`/posts/${encodeURIComponent(post.slug)}#comments`}>{post.title}</a>
      </p>
      <p>
        {t(ctx.locale, 'status')}:{' '}
        <strong data-comment-status={comment.status}>{t(ctx.locale, STATUS[comment.status])}</strong>
      </p>
      <SingleComment ctx={ctx} comment={comment} />
      <h2>{t(ctx.locale, 'editHeading')}</h2>
      {canEdit ? (
        <form method="post" action={`${base}/edit`} class="comment-form" novalidate>
          <p class="hint">
            {t(ctx.locale, 'editUntil', { time: readerDate(comment.editable_until!, ctx.locale, true) })}
          </p>
          <CsrfField token={ctx.csrfToken} />
          <Field name="name" label={t(ctx.locale, 'nameLabel')} errors={errors}>
            {(a) => (
              <input
                {...a}
                type="text"
                maxLength={LIMITS.name}
                autocomplete="off"
                value={values?.name ?? comment.display_name}
              />
            )}
          </Field>
          <Field name="body" label={t(ctx.locale, 'bodyLabel')} hint={t(ctx.locale, 'bodyHint')} errors={errors}>
            {(a) => (
              <textarea {...a} rows={6} maxLength={LIMITS.body}>
                {values?.body ?? comment.body_md}
              </textarea>
            )}
          </Field>
          <button type="submit" class="button">
            {t(ctx.locale, 'save')}
          </button>
        </form>
      ) : (
        <>
          <p>{t(ctx.locale, 'editClosed')}</p>
          {values?.body && (
            <div class="kept-text">
              <p class="hint">{t(ctx.locale, 'bodyLabel')}:</p>
              <pre>{values.body}</pre>
            </div>
          )}
        </>
      )}
      <h2>{t(ctx.locale, 'deleteHeading')}</h2>
      <form method="post" action={`${base}/delete`}>
        <CsrfField token={ctx.csrfToken} />
        <p>{t(ctx.locale, 'deleteText')}</p>
        <button type="submit" class="danger">
          {t(ctx.locale, 'deleteButton')}
        </button>
      </form>
    </Layout>
  );
}

export function DeletedPage({ ctx, post }: { ctx: PageContext; post: { slug: string } }) {
  return (
    <Layout ctx={ctx} title={t(ctx.locale, 'deletedTitle')} head={{ noindex: true }}>
      <h1>{t(ctx.locale, 'deletedTitle')}</h1>
      <p>{t(ctx.locale, 'deletedText')}</p>
      <p>
        <a href={`/posts/${encodeURIComponent(post.slug)}`}>{t(ctx.locale, 'backToPost')}</a>
      </p>
    </Layout>
  );
}

// ── staff ──────────────────────────────────────────────────────────────────

const QUEUES: { name: QueueName; label: string }[] = [
  { name: 'pending', label: 'Pending' },
  { name: 'unverified', label: 'Pending, no anti-spam check' },
  { name: 'approved', label: 'Approved' },
  { name: 'rejected', label: 'Rejected' },
  { name: 'spam', label: 'Spam' },
];

export interface QueuePageProps extends QueueView {
  ctx: PageContext;
  /** What the last action did or why it failed, as the redirect to this page carried it (plain text). */
  notice?: string;
  error?: string;
}

/** The last action's problem, shown like every form's error summary. */
function ActionProblem({ text }: { text: string }) {
  return (
    <div class="error-summary" role="alert" tabindex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        <li>{text}</li>
      </ul>
    </div>
  );
}

export function QueuePage({ ctx, queue, items, counts, page, pageCount, notice, error }: QueuePageProps) {
  return (
    <Layout ctx={ctx} title="Comment moderation" head={{ noindex: true }} scripts={[assetUrl('comments-admin.js')]}>
      <Styles />
      <p>
        <a href="/admin">← Staff area</a> · <a href="/admin/comments/settings">Anti-spam settings</a>
      </p>
      <h1>Comment moderation</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      {error && <ActionProblem text={error} />}
      <nav aria-label="Queues" class="queue-tabs">
        <ul>
          {QUEUES.map((q) => (
            <li>
              <a href={`/admin/comments?queue=${q.name}`} aria-current={q.name === queue ? 'page' : undefined}>
                {q.label} ({counts[q.name]})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {queue === 'unverified' && (
        <p class="hint">
          These were sent without the proof-of-work check (usually JavaScript was off). Read them with more care.
          {counts.unverified > 0 && (
            <>
              {' '}
              <a href="/admin/comments/reject-unverified" data-reject-all-unverified>
                {counts.unverified === 1
                  ? 'Reject the 1 unverified comment…'
                  : `Reject all ${counts.unverified} unverified comments…`}
              </a>
            </>
          )}
        </p>
      )}
      <details class="shortcuts">
        <summary>Keyboard shortcuts</summary>
        <p>
          <kbd>j</kbd>/<kbd>k</kbd> next/previous comment · <kbd>x</kbd> select · <kbd>a</kbd> approve · <kbd>r</kbd>{' '}
          reject · <kbd>s</kbd> spam · <kbd>e</kbd> edit · <kbd>Shift</kbd>+<kbd>A</kbd>/<kbd>R</kbd>/<kbd>S</kbd> apply
          to selected
        </p>
      </details>
      {items.length === 0 ? (
        <p>Nothing in this queue.</p>
      ) : (
        <form method="post" action="/admin/comments/moderate" id="moderation-form" data-moderation-queue>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="queue" value={queue} />
          <fieldset class="bulk-actions">
            <legend>Selected comments</legend>
            <ModerationActions
              label="Selected comments"
              buttons={{
                approve: {
                  name: 'action',
                  value: 'approve',
                  label: 'Approve selected',
                  data: { 'data-bulk': 'approve' },
                },
                reject: { name: 'action', value: 'reject', label: 'Reject selected', data: { 'data-bulk': 'reject' } },
                spam: { name: 'action', value: 'spam', label: 'Mark selected as spam', data: { 'data-bulk': 'spam' } },
              }}
            />
          </fieldset>
          <ol class="queue">
            {items.map((c) => (
              <li class="queue-item" id={`q-${c.id}`} data-queue-item tabindex={-1}>
                <p class="queue-item__head">
                  <input type="checkbox" name="ids" value={String(c.id)} id={`sel-${c.id}`} data-select />{' '}
                  <label for={`sel-${c.id}`}>
                    <strong>{c.display_name || 'Anonymous'}</strong>
                    {c.is_staff ? ' (staff)' : ''} on “{c.post_title}”, {when(c.created_at)} UTC
                  </label>
                  {c.edit_count > 0 ? ` · edited ${c.edit_count}×` : ''}
                  {c.challenge_passed ? '' : ' · no anti-spam check'}
                </p>
                {c.parent_body_md !== null && (
                  <blockquote class="queue-item__context">
                    <p class="hint">In reply to {c.parent_display_name || 'Anonymous'}:</p>
                    <CommentBody md={c.parent_body_md.slice(0, 600)} />
                  </blockquote>
                )}
                <CommentBody md={c.body_md} />
                <ModerationActions
                  label={`Comment by ${c.display_name || 'Anonymous'} on “${c.post_title}”`}
                  buttons={{
                    approve: { name: 'single', value: `${c.id}:approve`, data: { 'data-action': 'approve' } },
                    reject: { name: 'single', value: `${c.id}:reject`, data: { 'data-action': 'reject' } },
                    spam: { name: 'single', value: `${c.id}:spam`, data: { 'data-action': 'spam' } },
                  }}
                >
                  <a href={`/admin/comments/${c.id}/edit`} data-action="edit">
                    Edit
                  </a>
                  <a href={`/posts/${encodeURIComponent(c.post_slug)}#comments`}>Post</a>
                  <button
                    type="submit"
                    formaction={`/admin/comments/posts/${c.post_id}/${c.post_comments_closed ? 'open' : 'close'}`}
                    class="link-button"
                  >
                    {c.post_comments_closed ? 'Reopen comments on this post' : 'Close comments on this post'}
                  </button>
                </ModerationActions>
                {c.links.length > 0 && (
                  <div class="queue-item__links">
                    <p class="hint">Links in this comment — suggest one for the resource directory:</p>
                    <ul>
                      {c.links.map((url) => (
                        <li>
                          <code>{url}</code>{' '}
                          <button type="submit" formaction={`/admin/comments/${c.id}/suggest`} name="url" value={url}>
                            Suggest as resource
                          </button>
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </li>
            ))}
          </ol>
        </form>
      )}
      <Pagination page={page} pageCount={pageCount} href={(p) => `/admin/comments?queue=${queue}&page=${p}`} />
    </Layout>
  );
}

/** The confirmation before rejecting the whole unverified queue (up to its newest comment, counted here). */
export function RejectUnverifiedPage({
  ctx,
  count,
  newestId,
}: {
  ctx: PageContext;
  count: number;
  newestId: number | null;
}) {
  const title = count === 1 ? 'Reject the 1 unverified comment?' : `Reject all ${count} unverified comments?`;
  return (
    <Layout ctx={ctx} title={count === 0 ? 'No unverified comments' : title} head={{ noindex: true }}>
      <p>
        <a href="/admin/comments?queue=unverified">← Unverified queue</a>
      </p>
      {count === 0 || newestId === null ? (
        <>
          <h1>No unverified comments</h1>
          <p>The unverified queue is empty: there is nothing to reject.</p>
        </>
      ) : (
        <>
          <h1>{title}</h1>
          <p>
            Every comment now waiting in the unverified queue (sent without the anti-spam check) will be rejected: it
            will not be published, and it is deleted with the other rejected comments after the retention period.
            Comments that arrive after this page was shown are not included. This is recorded in the audit log.
          </p>
          <form method="post" action="/admin/comments/reject-unverified">
            <CsrfField token={ctx.csrfToken} />
            <input type="hidden" name="upTo" value={String(newestId)} />
            <button type="submit" class="button">
              Reject {count === 1 ? 'it' : `all ${count}`}
            </button>{' '}
            <a href="/admin/comments?queue=unverified">Cancel</a>
          </form>
        </>
      )}
    </Layout>
  );
}

export function ModeratorEditPage({
  ctx,
  comment,
  values,
  errors,
  edits,
}: {
  ctx: PageContext;
  comment: CommentRow;
  values?: CommentFormValues;
  errors?: FieldErrors;
  edits: {
    id: number;
    previous_display_name: string;
    previous_body_md: string;
    created_at: string;
    editor_name: string | null;
  }[];
}) {
  return (
    <Layout ctx={ctx} title="Edit comment" head={{ noindex: true }}>
      <Styles />
      <p>
        <a href="/admin/comments">← Moderation queue</a>
      </p>
      <h1>Edit comment</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/admin/comments/${comment.id}/edit`} class="comment-form" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <Field name="name" label="Display name" hint="Empty shows as Anonymous." errors={errors}>
          {(a) => <input {...a} type="text" maxLength={LIMITS.name} value={values?.name ?? comment.display_name} />}
        </Field>
        <Field name="body" label="Comment" errors={errors}>
          {(a) => (
            <textarea {...a} rows={8} maxLength={LIMITS.body}>
              {values?.body ?? comment.body_md}
            </textarea>
          )}
        </Field>
        <button type="submit" class="button">
          Save (the edit is recorded)
        </button>
      </form>
      <h2>Earlier versions</h2>
      {edits.length === 0 ? (
        <p>Not edited yet.</p>
      ) : (
        <ol class="edit-history">
          {edits.map((e) => (
            <li>
              <p class="hint">
                Before the edit of {when(e.created_at)} UTC by {e.editor_name ?? 'the writer (private link)'} — name “
                {e.previous_display_name || 'Anonymous'}”:
              </p>
              <pre>{e.previous_body_md}</pre>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

export function SettingsPage({
  ctx,
  form,
  errors,
  notice,
}: {
  ctx: PageContext;
  form: SettingsForm;
  errors?: FieldErrors;
  notice?: string;
}) {
  return (
    <Layout ctx={ctx} title="Comment anti-spam settings" head={{ noindex: true }}>
      <p>
        <a href="/admin/comments">← Moderation queue</a>
      </p>
      <h1>Anti-spam settings</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/comments/settings" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <Field
          name="blockedWords"
          label="Blocked words and phrases"
          hint="One per line. Comments and pledges containing one are refused. Case and accents are ignored."
          errors={errors}
        >
          {(a) => (
            <textarea {...a} rows={8}>
              {form.blockedWords}
            </textarea>
          )}
        </Field>
        <Field name="maxLinks" label="Most links allowed in one comment" errors={errors}>
          {(a) => <input {...a} type="number" min={0} max={50} value={form.maxLinks} />}
        </Field>
        <Field
          name="purgeDays"
          label="Delete rejected and spam comments and campaign pledges after (days)"
          errors={errors}
        >
          {(a) => <input {...a} type="number" min={1} max={3650} value={form.purgeDays} />}
        </Field>
        <Field
          name="unverifiedPerHour"
          label="Comments and pledges accepted without the anti-spam check, per hour, for the whole site"
          hint="Readers without JavaScript send forms without the proof-of-work check. Beyond this many in the last hour, such forms are refused with “try again later, or enable JavaScript”; checked forms are never refused by it. 0 accepts none without the check."
          errors={errors}
        >
          {(a) => <input {...a} type="number" min={0} max={1_000_000} value={form.unverifiedPerHour ?? ''} />}
        </Field>
        <button type="submit" class="button">
          Save settings
        </button>
      </form>
    </Layout>
  );
}
