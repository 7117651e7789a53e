import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import {
  createRateLimiter,
  isHoneypotTripped,
  type RateLimiter,
  loadBlockedWords,
  saveBlockedWords,
  parseBlockedWords,
} from '../../core/antispam/index.ts';
import { intSetting, readSetting } from '../../core/settings/index.ts';
import { PURGE_EVERY_MS } from '../../core/antispam/retention.ts';
import { ErrorPage } from '../../core/http/error-pages.tsx';
import { noStore } from '../../core/http/security.ts';
import { uiLocale } from '../../core/i18n/index.ts';
import { renderCommentMarkdown } from '../../core/markdown/render.ts';
import { statusOf } from '../../core/result.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import { findPublishedPostBySlug } from '../posts/service.ts';
import * as repo from './repo.ts';
import * as comments from './service.ts';
import { tm } from './messages.ts';
import {
  CommentFormPage,
  CommentSection,
  DeletedPage,
  ModeratorEditPage,
  OwnCommentPage,
  QueuePage,
  SettingsPage,
  SubmittedPage,
  type CommentFormValues,
} from './views.tsx';

/*
 * HTTP for comments: parse, call the service, pick the view. Reader pages about one comment
 * (the private link) are no-store; the thread under a post is part of the cached post page,
 * so every change that shows there invalidates `post:<id>` and "comments".
 */
/** Comments one client may send per 10 minutes; 0 turns the limit off (benchmarks measure without it). */
export const RATE_LIMIT = intSetting('comments.rate_limit_per_10_minutes', { defaultValue: 10, min: 0, max: 100_000 });
const QUEUE_NAMES: repo.QueueName[] = ['pending', 'unverified', 'approved', 'rejected', 'spam'];
const PAGE_SIZE = 50;

const text = { type: 'string', maxLength: 100_000 } as const;
const commentBody = {
  type: 'object',
  properties: {
    name: text,
    body: text,
    parent_id: { type: 'string', maxLength: 20 },
    altcha: { type: 'string', maxLength: 20_000 },
    website: text,
    _csrf: text,
  },
} as const;

interface CommentForm {
  name?: string;
  body?: string;
  parent_id?: string;
  altcha?: string;
  website?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const formValues = (b: CommentForm): CommentFormValues => ({
  name: b.name ?? '',
  body: b.body ?? '',
  parentId: b.parent_id ?? '',
});
const fieldsOf = (r: { message: string; field?: string; fields?: Record<string, string> }) =>
  r.fields ?? { [r.field ?? '_form']: r.message };

export async function commentRoutes(app: FastifyInstance) {
  const { db, clock, pageCache, registry } = app.deps;

  // In memory only, keyed by the daily-rotating client key, counted on the app clock (tests can move time).
  // The limit per 10 minutes comes from settings on first use (benchmarks set 0 to measure without limits).
  let submitLimiter: RateLimiter | undefined;
  async function allowSubmission(req: FastifyRequest): Promise<boolean> {
    if (!submitLimiter) {
      const max = await readSetting(db, RATE_LIMIT);
      submitLimiter = createRateLimiter({ clock, max, windowMs: 10 * 60_000, enabled: max > 0 });
    }
    return submitLimiter.hit(app.deps.clientKey(req.ip));
  }

  async function invalidatePosts(postIds: number[]) {
    await pageCache.invalidate(...postIds.map((id) => `post:${id}`), 'comments', 'home');
  }

  registry.postFooters.push({
    order: 50,
    async render(p, ctx) {
      const post = await repo.findPost(db, p.id);
      if (!post) return null;
      return <CommentSection ctx={ctx} post={post} thread={await comments.approvedThread(db, post.id)} />;
    },
  });
  registry.adminLinks.push({
    href: '/admin/comments',
    label: 'Comments',
    description: 'Moderate readers’ comments, turn shared links into resource suggestions, set anti-spam rules.',
    action: 'comments.moderate',
  });

  async function livePost(slug: string): Promise<repo.PostForComments | undefined> {
    const found = await findPublishedPostBySlug(db, slug, clock.now());
    return (
      found && {
        id: found.id,
        slug: found.slug,
        title: found.title,
        language: found.language,
        comments_closed: found.comments_closed,
      }
    );
  }

  // Anti-spam rules are read on every submission; keep them for 10 seconds (app clock) so a burst
  // of comments does not re-read settings each time. Saving the settings page drops the copy.
  let rules: { at: number; blockedWords: string[]; settings: comments.CommentSettings } | undefined;
  async function spamRules() {
    const now = clock.now().getTime();
    if (!rules || now - rules.at > 10_000 || now < rules.at) {
      rules = { at: now, blockedWords: await loadBlockedWords(db), settings: await comments.loadCommentSettings(db) };
    }
    return rules;
  }

  // ── readers ──
  app.get('/posts/:slug/comments/new', async (req, reply) => {
    const post = await livePost((req.params as { slug: string }).slug);
    if (!post) return reply.callNotFound();
    const replyTo = Number((req.query as { reply?: string }).reply);
    const parent = Number.isSafeInteger(replyTo) ? await repo.findById(db, replyTo) : undefined;
    const usable =
      parent && parent.post_id === post.id && parent.status === 'approved' && parent.parent_id === null
        ? parent
        : undefined;
    return reply.page(<CommentFormPage ctx={req.pageContext(uiLocale(post.language))} post={post} parent={usable} />);
  });

  app.post('/posts/:slug/comments', { schema: { body: commentBody } }, async (req, reply) => {
    noStore(reply);
    if (!req.staff && !(await allowSubmission(req)))
      return reply.page(<ErrorPage ctx={req.pageContext()} status={429} />, 429);
    const body = (req.body ?? {}) as CommentForm;
    const post = await livePost((req.params as { slug: string }).slug);
    if (!post) return reply.callNotFound();
    const ctx = req.pageContext();
    const again = async (fields: Record<string, string>) => {
      const parentId = Number(body.parent_id);
      const parent = Number.isSafeInteger(parentId) ? await repo.findById(db, parentId) : undefined;
      const usable =
        parent && parent.post_id === post.id && parent.status === 'approved' && parent.parent_id === null
          ? parent
          : undefined;
      return reply.page(
        <CommentFormPage ctx={ctx} post={post} values={formValues(body)} errors={fields} parent={usable} />,
        400,
      );
    };
    if (isHoneypotTripped(body as Record<string, unknown>)) {
      return again({
        _form:
          'Your comment could not be accepted. If your browser filled in a hidden “website” field for you, clear it and send again.',
      });
    }
    const staff = req.staff ?? undefined;
    const challenge = staff ? 'verified' : await app.proofOfWork.verify(body.altcha);
    const result = await comments.submitComment(
      db,
      post,
      { displayName: body.name, body: body.body, parentId: body.parent_id },
      {
        now: clock.now(),
        staff,
        challenge,
        ...(await spamRules()),
      },
    );
    if (!result.ok) return again(fieldsOf(result));
    if (result.value.status === 'approved') await invalidatePosts([post.id]);
    const privateUrl = result.value.token ? `${app.deps.config.publicUrl}/comments/${result.value.token}` : null;
    return reply.page(<SubmittedPage ctx={ctx} post={post} privateUrl={privateUrl} />, 201);
  });

  const tokenOf = (req: FastifyRequest) => (req.params as { token: string }).token;
  const ownLimit = { rateLimit: { max: 30, timeWindow: '10 minutes' } };

  app.get('/comments/:token', async (req, reply) => {
    noStore(reply);
    const found = await comments.findOwnComment(db, tokenOf(req), clock.now());
    if (!found.ok) return reply.callNotFound();
    const notice = (req.query as { saved?: string }).saved ? tm(req.pageContext().locale, 'edited') : undefined;
    return reply.page(<OwnCommentPage ctx={req.pageContext()} {...found.value} token={tokenOf(req)} notice={notice} />);
  });

  app.post('/comments/:token/edit', { schema: { body: commentBody }, config: ownLimit }, async (req, reply) => {
    noStore(reply);
    const body = (req.body ?? {}) as CommentForm;
    const result = await comments.editOwnComment(
      db,
      tokenOf(req),
      { displayName: body.name, body: body.body },
      {
        now: clock.now(),
        ...(await spamRules()),
      },
    );
    if (!result.ok) {
      if (result.kind === 'not_found') return reply.callNotFound();
      const found = await comments.findOwnComment(db, tokenOf(req), clock.now());
      if (!found.ok) return reply.callNotFound();
      return reply.page(
        <OwnCommentPage
          ctx={req.pageContext()}
          {...found.value}
          token={tokenOf(req)}
          values={formValues(body)}
          errors={fieldsOf(result)}
        />,
        400,
      );
    }
    if (result.value.wasApproved) await invalidatePosts([result.value.post.id]);
    return reply.redirect(`/comments/${tokenOf(req)}?saved=1`, 303);
  });

  app.post('/comments/:token/delete', { config: ownLimit }, async (req, reply) => {
    noStore(reply);
    const result = await comments.deleteOwnComment(db, tokenOf(req), clock.now());
    if (!result.ok) return reply.callNotFound();
    if (result.value.wasApproved) await invalidatePosts([result.value.postId]);
    return reply.page(<DeletedPage ctx={req.pageContext()} post={{ slug: result.value.postSlug }} />);
  });

  // ── feeds ──
  function atom(title: string, selfUrl: string, pageUrl: string, items: repo.FeedComment[], anonymous: string) {
    const base = app.deps.config.publicUrl;
    const feed = new Feed({
      title,
      id: selfUrl,
      link: pageUrl,
      updated: items[0] ? new Date(items[0].created_at) : new Date(0),
      generator: false,
      copyright: '',
      feedLinks: { atom: selfUrl },
    });
    for (const c of items) {
      const url = `${base}/posts/${encodeURIComponent(c.post_slug)}#comment-${c.id}`;
      // The feed library marks title and content as type="html": give it escaped text and the safe renderer's HTML only.
      feed.addItem({
        title: escapeHtml(`${c.display_name || anonymous} — ${c.post_title}`),
        id: `${base}/comments/id/${c.id}`,
        link: url,
        date: new Date(c.created_at),
        author: [{ name: c.display_name || anonymous }],
        content: renderCommentMarkdown(c.body_md),
      });
    }
    return feed.atom1();
  }

  app.get('/comments.atom', { config: { pageCache: { tags: ['comments'] } } }, async (req, reply) => {
    const base = app.deps.config.publicUrl;
    const items = await repo.listRecentApproved(db, { limit: 50, nowIso: clock.now().toISOString() });
    return reply
      .type('application/atom+xml; charset=utf-8')
      .send(atom(tm('en', 'feedSite'), `${base}/comments.atom`, `${base}/`, items, tm('en', 'anonymous')));
  });

  app.get('/posts/:slug/comments.atom', { config: { pageCache: { tags: ['comments'] } } }, async (req, reply) => {
    const post = await livePost((req.params as { slug: string }).slug);
    if (!post) return reply.callNotFound();
    req.cacheTags.push(`post:${post.id}`);
    const base = app.deps.config.publicUrl;
    const items = await repo.listRecentApproved(db, { postId: post.id, limit: 100, nowIso: clock.now().toISOString() });
    const self = `${base}/posts/${encodeURIComponent(post.slug)}/comments.atom`;
    return reply
      .type('application/atom+xml; charset=utf-8')
      .send(
        atom(
          tm('en', 'feedPost', { title: post.title }),
          self,
          `${base}/posts/${encodeURIComponent(post.slug)}`,
          items,
          tm('en', 'anonymous'),
        ),
      );
  });

  // ── moderators ──
  const moderate = { preHandler: requireStaff('comments.moderate') };

  app.get('/admin/comments', moderate, async (req, reply) => {
    const q = req.query as { queue?: string; page?: string; done?: string; error?: string };
    const queue = (QUEUE_NAMES as string[]).includes(q.queue ?? '') ? (q.queue as repo.QueueName) : 'pending';
    const counts = Object.fromEntries(
      await Promise.all(QUEUE_NAMES.map(async (n) => [n, await repo.countQueue(db, n)])),
    ) as Record<repo.QueueName, number>;
    const pageCount = Math.max(1, Math.ceil(counts[queue] / PAGE_SIZE));
    const page = Math.min(pageCount, Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1));
    const items = (await repo.listQueue(db, queue, PAGE_SIZE, (page - 1) * PAGE_SIZE)).map((c) => ({
      ...c,
      links: comments.linksIn(c.body_md),
    }));
    const notice = typeof q.done === 'string' && /^[\w :;.,()-]{1,120}$/.test(q.done) ? q.done : undefined;
    const error = typeof q.error === 'string' && /^[\w :.,()'-]{1,200}$/.test(q.error) ? q.error : undefined;
    return reply.page(
      <QueuePage
        ctx={req.pageContext()}
        queue={queue}
        items={items}
        counts={counts}
        page={page}
        pageCount={pageCount}
        notice={notice}
        error={error}
      />,
    );
  });

  const back = (reply: FastifyReply, queue: unknown, params: Record<string, string>) => {
    const qs = new URLSearchParams({
      queue: (QUEUE_NAMES as unknown[]).includes(queue) ? String(queue) : 'pending',
      ...params,
    });
    return reply.redirect(`/admin/comments?${qs}`, 303);
  };

  app.post('/admin/comments/moderate', moderate, async (req, reply) => {
    const b = (req.body ?? {}) as { ids?: string | string[]; action?: string; single?: string; queue?: string };
    let ids: number[];
    let action: unknown;
    if (typeof b.single === 'string' && /^\d+:(approve|reject|spam)$/.test(b.single)) {
      const [id, a] = b.single.split(':');
      ids = [Number(id)];
      action = a;
    } else {
      ids = (Array.isArray(b.ids) ? b.ids : b.ids ? [b.ids] : []).map(Number);
      action = b.action;
    }
    if (!comments.isModerationAction(action)) return back(reply, b.queue, { error: 'Choose approve, reject or spam.' });
    const result = await comments.moderateComments(db, clock, req.staff!, ids, action);
    if (!result.ok) {
      if (result.kind === 'denied') return reply.code(403).send();
      return back(reply, b.queue, { error: result.message });
    }
    await invalidatePosts(result.value.postIds);
    const verb = { approve: 'Approved', reject: 'Rejected', spam: 'Marked as spam' }[action];
    return back(reply, b.queue, {
      done: `${verb}: ${result.value.count} comment${result.value.count === 1 ? '' : 's'}.`,
    });
  });

  app.post('/admin/comments/:id/suggest', moderate, async (req, reply) => {
    const b = (req.body ?? {}) as { url?: string; queue?: string };
    const result = await comments.suggestResourceFromComment(
      db,
      clock,
      req.staff!,
      Number((req.params as { id: string }).id),
      String(b.url ?? ''),
    );
    if (!result.ok) return back(reply, b.queue, { error: result.message.replace(/[^\w :.,()'-]/g, ' ').slice(0, 200) });
    await pageCache.invalidate('resources');
    return back(reply, b.queue, { done: 'Suggested to the resource directory (suggestion queue).' });
  });

  for (const verb of ['close', 'open'] as const) {
    app.post(`/admin/comments/posts/:id/${verb}`, moderate, async (req, reply) => {
      const b = (req.body ?? {}) as { queue?: string };
      const result = await comments.setCommentsClosed(
        db,
        clock,
        req.staff!,
        Number((req.params as { id: string }).id),
        verb === 'close',
      );
      if (!result.ok) return back(reply, b.queue, { error: result.message });
      await invalidatePosts([result.value.id]);
      return back(reply, b.queue, {
        done: verb === 'close' ? 'Comments closed on that post.' : 'Comments reopened on that post.',
      });
    });
  }

  app.get('/admin/comments/:id/edit', moderate, async (req, reply) => {
    const comment = await repo.findById(db, Number((req.params as { id: string }).id));
    if (!comment) return reply.callNotFound();
    return reply.page(
      <ModeratorEditPage ctx={req.pageContext()} comment={comment} edits={await repo.listEdits(db, comment.id)} />,
    );
  });

  app.post('/admin/comments/:id/edit', { ...moderate, schema: { body: commentBody } }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const b = (req.body ?? {}) as CommentForm;
    const result = await comments.editCommentAsModerator(db, clock, req.staff!, id, {
      displayName: b.name,
      body: b.body,
    });
    if (!result.ok) {
      if (result.kind === 'not_found') return reply.callNotFound();
      const comment = await repo.findById(db, id);
      return reply.page(
        <ModeratorEditPage
          ctx={req.pageContext()}
          comment={comment!}
          values={formValues(b)}
          errors={fieldsOf(result)}
          edits={await repo.listEdits(db, id)}
        />,
        statusOf(result),
      );
    }
    await invalidatePosts([result.value.post_id]);
    return back(
      reply,
      result.value.status === 'pending'
        ? result.value.challenge_passed
          ? 'pending'
          : 'unverified'
        : result.value.status,
      { done: 'Comment edited; the previous text is kept.' },
    );
  });

  app.get('/admin/comments/settings', moderate, async (req, reply) => {
    const s = await comments.loadCommentSettings(db);
    const saved = (req.query as { saved?: string }).saved ? 'Settings saved.' : undefined;
    return reply.page(
      <SettingsPage
        ctx={req.pageContext()}
        blockedWords={(await loadBlockedWords(db)).join('\n')}
        purgeDays={String(s.purgeDays)}
        maxLinks={String(s.maxLinks)}
        notice={saved}
      />,
    );
  });

  app.post('/admin/comments/settings', moderate, async (req, reply) => {
    const b = (req.body ?? {}) as { blockedWords?: string; purgeDays?: string; maxLinks?: string };
    const words = typeof b.blockedWords === 'string' ? b.blockedWords : '';
    const settings = { purgeDays: Number(b.purgeDays), maxLinks: Number(b.maxLinks) };
    const result = await comments.saveCommentSettings(db, req.staff!, settings);
    if (!result.ok) {
      return reply.page(
        <SettingsPage
          ctx={req.pageContext()}
          blockedWords={words}
          purgeDays={String(b.purgeDays ?? '')}
          maxLinks={String(b.maxLinks ?? '')}
          errors={fieldsOf(result)}
        />,
        statusOf(result),
      );
    }
    await saveBlockedWords(db, parseBlockedWords(words));
    rules = undefined;
    return reply.redirect('/admin/comments/settings?saved=1', 303);
  });

  // ── retention ──
  app.deps.jobs.every('comment purge', PURGE_EVERY_MS, () => comments.purgeRejectedComments(db, clock));
}
