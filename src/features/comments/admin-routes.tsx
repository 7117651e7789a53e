import type { FastifyReply } from 'fastify';
import { cacheTags } from '../../core/cache/tags.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import { FormText, Id, IdParams, PageNumber, Type, type App } from '../../core/http/schemas.ts';
import { translate, type Message } from '../../core/i18n/index.ts';
import { fieldErrorsOf, statusOf } from '../../core/result.ts';
import { CommentTextForm, SavedQuery, commentInput, formValues } from './forms.ts';
import { msg, t, type CommentMessageKey } from './messages.ts';
import {
  commentArrivalsSince,
  editCommentAsModerator,
  findForModerator,
  isModerationAction,
  moderateComments,
  moderationQueue,
  MODERATION_ACTIONS,
  QUEUE_NAMES,
  queueLength,
  queueOf,
  rejectAllUnverified,
  setCommentsClosed,
  settingsForm,
  suggestResourceFromComment,
  unverifiedSummary,
  type CommentsRuntime,
  type ModerationAction,
  type QueueName,
} from './service.ts';
import { ModeratorEditPage, QueuePage, RejectUnverifiedPage, SettingsPage } from './views.tsx';

/*
 * HTTP for moderators: the queues with their bulk and one-click actions, moderators' edits, and
 * the anti-spam settings. Every route is guarded by the `comments.moderate` permission.
 */
const moderate = { preHandler: requireStaff('comments.moderate') };

interface CommentPluginOptions {
  comments: CommentsRuntime;
}

/** The staff routes, registered by the entry plugin (routes.tsx) with the feature's runtime. */
export async function commentAdminRoutes(app: App, options: CommentPluginOptions) {
  app.deps.registry.adminLinks.push({
    href: '/admin/comments',
    label: 'Comments',
    description: 'Moderate readers’ comments, turn shared links into resource suggestions, set anti-spam rules.',
    action: 'comments.moderate',
  });
  const { db } = app.deps;
  app.deps.registry.queues.push(
    {
      name: 'comments_pending',
      count: () => queueLength(db, 'pending'),
      dashboard: { label: 'Comments waiting', href: '/admin/comments?queue=pending', action: 'comments.moderate' },
      trend: { label: 'Comments sent', times: (since) => commentArrivalsSince(db, since) },
    },
    {
      name: 'comments_unverified',
      count: () => queueLength(db, 'unverified'),
      dashboard: {
        label: 'Comments without the anti-spam check',
        href: '/admin/comments?queue=unverified',
        action: 'comments.moderate',
      },
    },
  );
  await app.register(moderationQueueRoutes, options);
  await app.register(queueActionRoutes, options);
  await app.register(rejectUnverifiedRoutes, options);
  await app.register(moderatorEditRoutes, options);
  await app.register(commentSettingsRoutes, options);
}

const Queue = Type.Enum([...QUEUE_NAMES]);
// What an action did or why it failed travels back to the queue in its address, as the plain text
// shown there; only these characters can make it through, so a crafted link cannot say much.
const NOTICE = '^[\\w :;.,()-]{1,120}$';
const PROBLEM = "^[\\w :.,()'-]{1,200}$";
const QueueQuery = Type.Object({
  queue: Type.Optional(Queue),
  page: Type.Optional(PageNumber),
  done: Type.Optional(Type.String({ pattern: NOTICE })),
  error: Type.Optional(Type.String({ pattern: PROBLEM })),
});

/** Back to a queue with what happened (staff pages are in English). */
function backToQueue(reply: FastifyReply, queue: QueueName | undefined, outcome: { done?: Message; error?: Message }) {
  const params = new URLSearchParams({ queue: queue ?? 'pending' });
  if (outcome.done) params.set('done', translate('en', outcome.done));
  if (outcome.error)
    params.set(
      'error',
      translate('en', outcome.error)
        .replace(/[^\w :.,()'-]/g, ' ')
        .slice(0, 200),
    );
  return reply.redirect(`/admin/comments?${params}`, 303);
}

async function moderationQueueRoutes(app: App) {
  const { db } = app.deps;
  app.get('/admin/comments', { ...moderate, schema: { querystring: QueueQuery } }, async (req, reply) => {
    const { queue = 'pending', page = 1, done, error } = req.query;
    const view = await moderationQueue(db, queue, page);
    return reply.page(<QueuePage ctx={req.pageContext()} {...view} notice={done} error={error} />);
  });
}

/** A one-click button's value, "<id>:<action>"; ids are those of the `Id` schema (1 to 2147483647). */
const ONE_CLICK = `^(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7]):(${MODERATION_ACTIONS.join('|')})$`;
const ModerateForm = Type.Object({
  ids: Type.Optional(Type.Array(Id, { maxItems: 500 })),
  action: Type.Optional(Type.Enum([...MODERATION_ACTIONS])),
  single: Type.Optional(Type.String({ pattern: ONE_CLICK })),
  queue: Type.Optional(Queue),
});
const QueueForm = Type.Object({ queue: Type.Optional(Queue) });
const SuggestForm = Type.Object({ url: FormText(2_000), queue: Type.Optional(Queue) });

/** One comment's button ("12:approve") or the selected comments with the bulk action. */
function chosen(form: { ids?: number[]; action?: ModerationAction; single?: string }) {
  if (!form.single) return { ids: form.ids ?? [], action: form.action };
  const [id, action] = form.single.split(':'); // the schema's pattern: digits of an id, then an action
  return { ids: [Number(id)], action: isModerationAction(action) ? action : undefined };
}

const DONE: Record<ModerationAction, [one: CommentMessageKey, many: CommentMessageKey]> = {
  approve: ['approvedOne', 'approvedMany'],
  reject: ['rejectedOne', 'rejectedMany'],
  spam: ['spamOne', 'spamMany'],
};

/** Approve, reject or mark spam; suggest a link to the directory; close or reopen a post's comments. */
async function queueActionRoutes(app: App, { comments }: CommentPluginOptions) {
  const { db, clock, pageCache } = app.deps;

  app.post('/admin/comments/moderate', { ...moderate, schema: { body: ModerateForm } }, async (req, reply) => {
    const { ids, action } = chosen(req.body);
    const result = await moderateComments(db, clock, req.staff!, ids, action);
    if (!result.ok) return backToQueue(reply, req.body.queue, { error: result.message });
    await comments.postsChanged(result.value.postIds);
    const [one, many] = DONE[action!];
    const done = result.value.count === 1 ? msg(one) : msg(many, { count: result.value.count });
    return backToQueue(reply, req.body.queue, { done });
  });

  app.post(
    '/admin/comments/:id/suggest',
    { ...moderate, schema: { params: IdParams, body: SuggestForm } },
    async (req, reply) => {
      const result = await suggestResourceFromComment(db, clock, req.staff!, req.params.id, req.body.url);
      if (!result.ok) return backToQueue(reply, req.body.queue, { error: result.message });
      await pageCache.invalidate(cacheTags.resources);
      return backToQueue(reply, req.body.queue, { done: msg('suggested') });
    },
  );

  for (const verb of ['close', 'open'] as const) {
    const schema = { params: IdParams, body: QueueForm };
    app.post(`/admin/comments/posts/:id/${verb}`, { ...moderate, schema }, async (req, reply) => {
      const result = await setCommentsClosed(db, clock, req.staff!, req.params.id, verb === 'close');
      if (!result.ok) return backToQueue(reply, req.body.queue, { error: result.message });
      await comments.postsChanged([result.value.id]);
      return backToQueue(reply, req.body.queue, { done: msg(verb === 'close' ? 'postClosed' : 'postOpened') });
    });
  }
}

const RejectUnverifiedForm = Type.Object({ upTo: Id });

/**
 * "Reject all unverified" for a flood of comments sent without the anti-spam check: a page that
 * asks with the count, then one action over the whole queue up to the newest comment it counted.
 */
async function rejectUnverifiedRoutes(app: App, { comments }: CommentPluginOptions) {
  const { db, clock } = app.deps;

  app.get('/admin/comments/reject-unverified', moderate, async (req, reply) => {
    const summary = await unverifiedSummary(db);
    return reply.page(<RejectUnverifiedPage ctx={req.pageContext()} {...summary} />);
  });

  app.post(
    '/admin/comments/reject-unverified',
    { ...moderate, schema: { body: RejectUnverifiedForm } },
    async (req, reply) => {
      const result = await rejectAllUnverified(db, clock, req.staff!, req.body.upTo);
      if (!result.ok) return backToQueue(reply, 'unverified', { error: result.message });
      await comments.postsChanged(result.value.postIds);
      return backToQueue(reply, 'unverified', { done: msg('rejectedAllUnverified', { count: result.value.count }) });
    },
  );
}

/** A moderator corrects a comment; the earlier versions are listed under the form. */
async function moderatorEditRoutes(app: App, { comments }: CommentPluginOptions) {
  const { db, clock } = app.deps;

  app.get('/admin/comments/:id/edit', { ...moderate, schema: { params: IdParams } }, async (req, reply) => {
    const found = await findForModerator(db, req.params.id);
    if (!found) return reply.callNotFound();
    return reply.page(<ModeratorEditPage ctx={req.pageContext()} {...found} />);
  });

  app.post(
    '/admin/comments/:id/edit',
    { ...moderate, schema: { params: IdParams, body: CommentTextForm } },
    async (req, reply) => {
      const result = await editCommentAsModerator(db, clock, req.staff!, req.params.id, commentInput(req.body));
      if (result.ok) {
        await comments.postsChanged([result.value.post_id]);
        return backToQueue(reply, queueOf(result.value), { done: msg('moderatorEdited') });
      }
      const found = result.kind === 'not_found' ? undefined : await findForModerator(db, req.params.id);
      if (!found) return reply.callNotFound();
      const again = { values: formValues(req.body), errors: fieldErrorsOf(result) };
      return reply.page(<ModeratorEditPage ctx={req.pageContext()} {...found} {...again} />, statusOf(result));
    },
  );
}

const SettingsBody = Type.Object({
  blockedWords: Type.Optional(FormText(100_000)),
  purgeDays: Type.Optional(FormText(20)),
  maxLinks: Type.Optional(FormText(20)),
  unverifiedPerHour: Type.Optional(FormText(20)),
});

/** Blocked words, the link limit, the purge period and the ceiling on submissions without the anti-spam check. */
async function commentSettingsRoutes(app: App, { comments }: CommentPluginOptions) {
  const { db } = app.deps;

  app.get('/admin/comments/settings', { ...moderate, schema: { querystring: SavedQuery } }, async (req, reply) => {
    const ctx = req.pageContext();
    const notice = req.query.saved ? t(ctx.locale, 'settingsSaved') : undefined;
    return reply.page(<SettingsPage ctx={ctx} form={await settingsForm(db)} notice={notice} />);
  });

  app.post('/admin/comments/settings', { ...moderate, schema: { body: SettingsBody } }, async (req, reply) => {
    const { blockedWords = '', purgeDays = '', maxLinks = '', unverifiedPerHour } = req.body;
    const form = { blockedWords, purgeDays, maxLinks, unverifiedPerHour };
    const result = await comments.saveSettings(req.staff!, form);
    if (result.ok) return reply.redirect('/admin/comments/settings?saved=1', 303);
    const page = <SettingsPage ctx={req.pageContext()} form={form} errors={fieldErrorsOf(result)} />;
    return reply.page(page, statusOf(result));
  });
}
