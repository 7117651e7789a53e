import type { FastifyInstance } from 'fastify';
import { PURGE_EVERY_MS } from '../../core/antispam/retention.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { Id, SlugParams, Type, typed, type App, type Static } from '../../core/http/schemas.ts';
import { noStore } from '../../core/http/security.ts';
import { uiLocale } from '../../core/i18n/index.ts';
import { fieldErrorsOf, type Problem } from '../../core/result.ts';
import type { PageContext } from '../../core/views/context.ts';
import { commentAdminRoutes } from './admin-routes.tsx';
import { ATOM_TYPE, commentsAtom } from './feeds.ts';
import { CommentTextForm, NewCommentForm, SavedQuery, commentInput, formValues } from './forms.ts';
import { t } from './messages.ts';
import {
  createCommentsRuntime,
  deleteOwnComment,
  editOwnComment,
  feedComments,
  findOwnComment,
  findPostForComments,
  purgeRejectedComments,
  submitComment,
  threadUnderPost,
  usableParent,
  type CommentsRuntime,
  type PostForComments,
} from './service.ts';
import { CommentFormPage, CommentSection, DeletedPage, OwnCommentPage, SubmittedPage } from './views.tsx';

/*
 * HTTP for readers' comments: the thread under each post (a post footer), the form, the private
 * link and the feeds. Staff routes are in admin-routes.tsx. Reader pages about one comment (the
 * private link) are no-store; the thread is part of the cached post page, so every change that
 * shows there invalidates that post's page (CommentsRuntime.postsChanged).
 */

/** What the feature's plugins share: the one runtime object made from the app's deps. */
interface CommentPluginOptions {
  comments: CommentsRuntime;
}

/** The entry plugin server.ts registers: the post footer, the purge job, and each group of routes. */
export async function commentRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const { db, clock, registry, jobs } = app.deps;
  const comments = createCommentsRuntime({ ...app.deps, ceiling: app.unverifiedCeiling });
  registry.postFooters.push({
    order: 50,
    async render(post, ctx) {
      const found = await threadUnderPost(db, clock, post.slug);
      return found ? <CommentSection ctx={ctx} post={found.post} thread={found.thread} /> : null;
    },
  });
  jobs.every('comment purge', PURGE_EVERY_MS, () => purgeRejectedComments(db, clock));
  await app.register(readerCommentRoutes, { comments });
  await app.register(privateLinkRoutes, { comments });
  await app.register(commentFeedRoutes);
  await app.register(commentAdminRoutes, { comments });
}

const ReplyQuery = Type.Object({ reply: Type.Optional(Id) });

/** The comment form (with a reply's parent) and sending it. */
async function readerCommentRoutes(app: App, { comments }: CommentPluginOptions) {
  const { db, clock, config } = app.deps;
  const formAgain = async (
    ctx: PageContext,
    post: PostForComments,
    form: Static<typeof NewCommentForm>,
    problem: Problem,
  ) => (
    <CommentFormPage
      ctx={ctx}
      post={post}
      values={formValues(form)}
      errors={fieldErrorsOf(problem)}
      parent={await usableParent(db, post, form.parent_id)}
    />
  );

  app.get(
    '/posts/:slug/comments/new',
    { schema: { params: SlugParams, querystring: ReplyQuery } },
    async (req, reply) => {
      const post = await findPostForComments(db, clock, req.params.slug);
      if (!post) return reply.callNotFound();
      const parent = await usableParent(db, post, req.query.reply);
      return reply.page(
        <CommentFormPage
          ctx={req.pageContext(req.readerLocale(uiLocale(post.language)))}
          post={post}
          parent={parent}
        />,
      );
    },
  );

  app.post('/posts/:slug/comments', { schema: { params: SlugParams, body: NewCommentForm } }, async (req, reply) => {
    noStore(reply);
    const staff = req.staff ?? undefined;
    // Staff are neither counted nor judged. Every other submission counts against its client's limit;
    // one over the limit is refused by the verdict without its proof of work being checked.
    const withinRateLimit = staff ? true : await comments.allowSubmission(await app.deps.clientKey(req.ip));
    const post = await findPostForComments(db, clock, req.params.slug);
    if (!post) return reply.callNotFound();
    const challenge = staff || !withinRateLimit ? 'missing' : await app.proofOfWork.verify(req.body.altcha);
    const result = await submitComment(db, clock, post, commentInput(req.body), {
      staff,
      rules: await comments.spamRules(),
      signals: { withinRateLimit, form: req.body, challenge },
      ceiling: app.unverifiedCeiling,
    });
    const ctx = req.pageContext(req.readerLocale(uiLocale(post.language)));
    if (!result.ok) return reply.page(await formAgain(ctx, post, req.body, result.problem), result.status);
    if (result.value.status === 'approved') await comments.postsChanged([post.id]);
    const privateUrl = result.value.token ? `${config.publicUrl}/comments/${result.value.token}` : null;
    return reply.page(<SubmittedPage ctx={ctx} post={post} privateUrl={privateUrl} />, 201);
  });
}

/**
 * A private link's token as it comes in the path. Not its exact shape: a link cut short when copied
 * is "not found" (404) like any unknown link, from the service; only what no link can be is refused here.
 */
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
const ownLimit = { rateLimit: { max: 30, timeWindow: '10 minutes' } };

/** The writer's private link: see the comment, edit it within 15 minutes, delete it at any time. */
async function privateLinkRoutes(app: App, { comments }: CommentPluginOptions) {
  const { db, clock } = app.deps;

  app.get('/comments/:token', { schema: { params: TokenParams, querystring: SavedQuery } }, async (req, reply) => {
    noStore(reply);
    const found = await findOwnComment(db, clock, req.params.token);
    if (!found.ok) return reply.callNotFound();
    const ctx = req.pageContext();
    const notice = req.query.saved ? t(ctx.locale, 'edited') : undefined;
    return reply.page(<OwnCommentPage ctx={ctx} {...found.value} token={req.params.token} notice={notice} />);
  });

  app.post(
    '/comments/:token/edit',
    { config: ownLimit, schema: { params: TokenParams, body: CommentTextForm } },
    async (req, reply) => {
      noStore(reply);
      const { token } = req.params;
      const result = await editOwnComment(db, clock, token, commentInput(req.body), await comments.spamRules());
      if (result.ok) {
        if (result.value.wasApproved) await comments.postsChanged([result.value.postId]);
        return reply.redirect(`/comments/${token}?saved=1`, 303);
      }
      const found = result.kind === 'not_found' ? result : await findOwnComment(db, clock, token);
      if (!found.ok) return reply.callNotFound();
      const again = { values: formValues(req.body), errors: fieldErrorsOf(result) };
      return reply.page(<OwnCommentPage ctx={req.pageContext()} {...found.value} token={token} {...again} />, 400);
    },
  );

  app.post(
    '/comments/:token/delete',
    { config: ownLimit, schema: { params: TokenParams, body: Type.Object({}) } },
    async (req, reply) => {
      noStore(reply);
      const result = await deleteOwnComment(db, clock, req.params.token);
      if (!result.ok) return reply.callNotFound();
      if (result.value.wasApproved) await comments.postsChanged([result.value.postId]);
      return reply.page(<DeletedPage ctx={req.pageContext()} post={{ slug: result.value.postSlug }} />);
    },
  );
}

/** Atom feeds of approved comments: the whole site's, and each post's. */
async function commentFeedRoutes(app: App) {
  const { db, clock, config } = app.deps;
  const cached = { pageCache: { tags: [cacheTags.comments] } };

  app.get('/comments.atom', { config: cached }, async (_req, reply) => {
    const feed = { title: t('en', 'feedSite'), pagePath: '/', selfPath: '/comments.atom' };
    return reply.type(ATOM_TYPE).send(commentsAtom(config.publicUrl, feed, await feedComments(db, clock)));
  });

  app.get('/posts/:slug/comments.atom', { config: cached, schema: { params: SlugParams } }, async (req, reply) => {
    const post = await findPostForComments(db, clock, req.params.slug);
    if (!post) return reply.callNotFound();
    req.cacheTags?.push(cacheTags.post(post.id));
    const pagePath = `/posts/${encodeURIComponent(post.slug)}`;
    const feed = { title: t('en', 'feedPost', { title: post.title }), pagePath, selfPath: `${pagePath}/comments.atom` };
    return reply.type(ATOM_TYPE).send(commentsAtom(config.publicUrl, feed, await feedComments(db, clock, post.id)));
  });
}
