import type { VNode } from 'preact';
import type { Page } from '../../core/pagination.ts';
import { CsrfField, ErrorSummary, Field, Notice, Pagination, TableScroll } from '../../core/views/components.tsx';
import { When, relativeTimeScript } from '../../core/views/time.tsx';
import type { FieldErrors } from '../../core/result.ts';
import { Layout, type HeadMeta } from '../../core/views/layout.tsx';
import type { PageContext } from '../../core/views/context.ts';
import { renderMarkdown } from '../../core/markdown/render.ts';
import { t } from './messages.ts';
import type { TagRow } from './repo.ts';
import type { SearchHit } from './search-repo.ts';
import type { DisplayStatus, EditorListItem, PostPageData, PostSummary, PostInput } from './service.ts';
import { LIMITS } from './service.ts';
import { localToUtc, utcLabel } from './local-time.ts';
import { assetUrl } from '../../core/http/assets.ts';
import { MarkdownToolbar, MarkdownToolbarStyles, markdownToolbarScript } from '../../core/views/markdown-toolbar.tsx';

/* Pure views for publishing: data in, markup out. Post bodies come only from renderMarkdown. */

/** Language names for the language switcher, in their own language. */
const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
  pt: 'Português',
  de: 'Deutsch',
  it: 'Italiano',
};
export const languageName = (code: string) => LANGUAGE_NAMES[code.split('-')[0]!] ?? code;
export const coverUrl = (file: string) => `/media/posts/${file}`;
const FEEDS = (ctx: PageContext): HeadMeta['feeds'] => [
  { title: `${ctx.siteName} (RSS)`, href: '/feed.xml', type: 'application/rss+xml' },
  { title: `${ctx.siteName} (Atom)`, href: '/atom.xml', type: 'application/atom+xml' },
  { title: `${ctx.siteName} (JSON Feed)`, href: '/feed.json', type: 'application/feed+json' },
];

function PostMeta({
  ctx,
  post,
  readingMinutes,
}: {
  ctx: PageContext;
  post: { published_at: string; author_name: string; author_slug: string };
  readingMinutes: number;
}) {
  return (
    <p class="meta">
      {/* The date last: its words change in the browser (relative-time.js), and nothing after it should move. */}
      {t(ctx.locale, 'by')} <a href={`/authors/${post.author_slug}`}>{post.author_name}</a> ·{' '}
      {t(ctx.locale, 'minutesRead', { n: readingMinutes })} · <When iso={post.published_at} locale={ctx.locale} />
    </p>
  );
}

function TagLinks({ ctx, tags }: { ctx: PageContext; tags: TagRow[] }) {
  if (!tags.length) return null;
  return (
    <ul class="tag-list" aria-label={t(ctx.locale, 'tags')}>
      {tags.map((tag) => (
        <li>
          <a class="badge" href={`/tags/${tag.slug}`} rel="tag">
            {tag.name}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function PostCards({
  ctx,
  posts,
  headingLevel = 2,
}: {
  ctx: PageContext;
  posts: PostSummary[];
  headingLevel?: 2 | 3;
}) {
  if (!posts.length) return <p>{t(ctx.locale, 'noPosts')}</p>;
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul class="card-list post-list">
      {posts.map((p) => (
        <li class="card" lang={p.language !== ctx.locale ? p.language : undefined}>
          <H>
            <a href={`/posts/${p.slug}`}>{p.title}</a>
          </H>
          {/* A card in another language than the page says which, in that language's own name. */}
          {p.language.split('-')[0] !== ctx.locale && <p class="lang-label">{languageName(p.language)}</p>}
          <PostMeta ctx={ctx} post={p} readingMinutes={p.readingMinutes} />
          {p.content_note && (
            <p class="content-note-inline">
              <strong>{t(ctx.locale, 'contentNoteLabel')}</strong> {p.content_note}
            </p>
          )}
          {p.excerpt && <p>{p.excerpt}</p>}
          <TagLinks ctx={ctx} tags={p.tags} />
        </li>
      ))}
    </ul>
  );
}

/** The posts block of the home page (registered as a home section). */
export function HomePosts({
  ctx,
  page,
  hrefFor,
}: {
  ctx: PageContext;
  page: Page<PostSummary>;
  hrefFor: (n: number) => string;
}) {
  return (
    <section class="home-posts" aria-labelledby="latest-posts">
      <h2 id="latest-posts">{t(ctx.locale, 'latestPosts')}</h2>
      <PostCards ctx={ctx} posts={page.items} headingLevel={3} />
      <Pagination page={page.page} pageCount={page.pageCount} href={hrefFor} label={t(ctx.locale, 'pages')} />
      <p>
        <a href="/search">{t(ctx.locale, 'search')}</a> · <a href="/feed.xml">RSS</a> · <a href="/atom.xml">Atom</a> ·{' '}
        <a href="/feed.json">JSON Feed</a>
      </p>
    </section>
  );
}

export function PostPage({ ctx, data, footers }: { ctx: PageContext; data: PostPageData; footers: (VNode | null)[] }) {
  const { post, tags, translations, readingMinutes } = data;
  const url = `${ctx.publicUrl}/posts/${post.slug}`;
  const description = post.excerpt || undefined;
  const alternates: Record<string, string> = {};
  if (translations.length) {
    alternates[post.language] = url;
    for (const tr of translations) alternates[tr.language] = `${ctx.publicUrl}/posts/${tr.slug}`;
    // Readers whose language has no version get the English one when there is one.
    alternates['x-default'] = alternates.en ?? url;
  }
  const og: Record<string, string> = {
    'og:type': 'article',
    'og:title': post.title,
    'og:url': url,
    'og:site_name': ctx.siteName,
    'og:locale': post.language.replace('-', '_'),
    'article:published_time': post.published_at,
    'article:modified_time': post.updated_at,
  };
  if (description) og['og:description'] = description;
  if (post.cover_image) og['og:image'] = `${ctx.publicUrl}${coverUrl(post.cover_image)}`;
  tags.forEach((tag) => (og['article:tag'] = tag.name));
  return (
    <Layout
      ctx={ctx}
      title={post.title}
      lang={post.language}
      scripts={[relativeTimeScript()]}
      head={{
        description,
        canonical: url,
        alternates,
        og,
        feeds: [
          ...(FEEDS(ctx) ?? []),
          {
            title: `${ctx.siteName} (${languageName(post.language)}, RSS)`,
            href: `/feed.xml?lang=${encodeURIComponent(post.language)}`,
            type: 'application/rss+xml',
          },
        ],
      }}
    >
      <article class="post" lang={post.language}>
        <header>
          <h1>{post.title}</h1>
          <PostMeta ctx={ctx} post={post} readingMinutes={readingMinutes} />
          {translations.length > 0 && (
            <nav class="translations" aria-label={t(ctx.locale, 'readIn')}>
              {t(ctx.locale, 'readIn')}:{' '}
              {translations.map((tr, i) => (
                <>
                  {i > 0 && ', '}
                  <a href={`/posts/${tr.slug}`} hreflang={tr.language} lang={tr.language}>
                    {languageName(tr.language)}
                  </a>
                </>
              ))}
            </nav>
          )}
          <TagLinks ctx={ctx} tags={tags} />
        </header>
        {post.content_note && (
          <aside class="notice notice--warning content-note" aria-label={t(ctx.locale, 'contentNote')}>
            <p>
              <strong>{t(ctx.locale, 'contentNoteLabel')}</strong> {post.content_note}
            </p>
            <p class="hint">{t(ctx.locale, 'contentNoteHint')}</p>
          </aside>
        )}
        {post.cover_image && (
          <img
            class="cover"
            src={coverUrl(post.cover_image)}
            alt={post.cover_alt}
            width={post.cover_width ?? undefined}
            height={post.cover_height ?? undefined}
          />
        )}
        <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(post.body_md) }} />
      </article>
      {footers}
    </Layout>
  );
}

/** A tag's or an author's posts, at `path` ("/tags/<slug>"), with its own RSS feed. */
export function ListingPage({
  ctx,
  title,
  intro,
  page,
  path,
}: {
  ctx: PageContext;
  title: string;
  intro?: string;
  page: Page<PostSummary>;
  path: string;
}) {
  const feedHref = `${path}/feed.xml`;
  const feeds = [{ title: `${title} (RSS)`, href: feedHref, type: 'application/rss+xml' }];
  const hrefFor = (n: number) => `${path}${n > 1 ? `?page=${n}` : ''}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      head={{ canonical: `${ctx.publicUrl}${path}`, feeds, description: intro }}
      scripts={[relativeTimeScript()]}
    >
      <h1>{title}</h1>
      {intro && <p class="lead">{intro}</p>}
      <PostCards ctx={ctx} posts={page.items} />
      <Pagination page={page.page} pageCount={page.pageCount} href={hrefFor} label={t(ctx.locale, 'pages')} />
      <p>
        <a href={feedHref}>{t(ctx.locale, 'feeds')} (RSS)</a>
      </p>
    </Layout>
  );
}

export function TagsIndexPage({ ctx, tags }: { ctx: PageContext; tags: (TagRow & { post_count: number })[] }) {
  return (
    <Layout ctx={ctx} title={t(ctx.locale, 'allTags')} head={{ canonical: `${ctx.publicUrl}/tags` }}>
      <h1>{t(ctx.locale, 'allTags')}</h1>
      <ul>
        {tags.map((tag) => (
          <li>
            <a href={`/tags/${tag.slug}`}>{tag.name}</a> ({tag.post_count})
          </li>
        ))}
      </ul>
    </Layout>
  );
}

/** Marks the matched words the search engine delimited with \u0001 … \u0002, escaping everything else. */
export function Highlighted({ text }: { text: string }) {
  const parts: (string | VNode)[] = [];
  const re = /\u0001([^\u0001\u0002]*)\u0002/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    parts.push(text.slice(last, m.index));
    parts.push(<mark>{m[1]}</mark>);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts.map((p) => (typeof p === 'string' ? p.replace(/[\u0001\u0002]/g, '') : p))}</>;
}

export function SearchPage({ ctx, q, page }: { ctx: PageContext; q: string; page: Page<SearchHit> }) {
  const { items: hits, total } = page;
  return (
    <Layout
      ctx={ctx}
      title={q ? `${t(ctx.locale, 'search')}: ${q}` : t(ctx.locale, 'search')}
      head={{ noindex: true }}
      scripts={[relativeTimeScript()]}
    >
      <h1>{t(ctx.locale, 'search')}</h1>
      <form method="get" action="/search" role="search" class="search-form">
        <label for="q">{t(ctx.locale, 'searchLabel')}</label>
        <input type="search" id="q" name="q" value={q} maxLength={200} />
        <button type="submit">{t(ctx.locale, 'searchButton')}</button>
      </form>
      {q && (
        <p role="status">{total ? t(ctx.locale, 'results', { n: total, q }) : t(ctx.locale, 'noResults', { q })}</p>
      )}
      <ol class="card-list search-results">
        {hits.map((h) => (
          <li class="card" lang={h.language}>
            <h2>
              <a href={`/posts/${h.slug}`}>{h.title}</a>
            </h2>
            <p class="meta">
              {h.author_name} · <When iso={h.published_at} locale={ctx.locale} />
            </p>
            <p>
              <Highlighted text={h.snippet} />
            </p>
          </li>
        ))}
      </ol>
      <Pagination
        page={page.page}
        pageCount={page.pageCount}
        href={(n) => `/search?q=${encodeURIComponent(q)}&page=${n}`}
        label={t(ctx.locale, 'pages')}
      />
    </Layout>
  );
}

// ── staff ───────────────────────────────────────────────────────────────────

const STATUS_LABEL = { draft: 'Draft', scheduled: 'Scheduled', published: 'Published' } as const;

export function AdminPostsPage({
  ctx,
  page,
  done,
}: {
  ctx: PageContext;
  page: Page<EditorListItem>;
  /** What was just done, from the redirect's `?done=`. */
  done?: 'deleted';
}) {
  return (
    <Layout ctx={ctx} title="Posts" head={{ noindex: true }}>
      <h1>Posts</h1>
      {done === 'deleted' && <Notice kind="success">The post was deleted.</Notice>}
      <p>
        <a class="button" href="/admin/posts/new">
          Write a new post
        </a>
      </p>
      <TableScroll label="Posts">
        <table>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Language</th>
              <th scope="col">Author</th>
              <th scope="col">Last change (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((p) => {
              const status = p.status;
              return (
                <tr>
                  <td>
                    <a href={`/admin/posts/${p.id}/edit`}>{p.title}</a>
                    {status === 'published' && (
                      <>
                        {' '}
                        (<a href={`/posts/${p.slug}`}>view</a>)
                      </>
                    )}
                  </td>
                  <td>
                    {STATUS_LABEL[status]}
                    {status === 'scheduled' && p.published_at && (
                      <> for {p.published_at.slice(0, 16).replace('T', ' ')}</>
                    )}
                  </td>
                  <td>{p.language}</td>
                  <td>{p.author_name}</td>
                  <td>{p.updated_at.slice(0, 16).replace('T', ' ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={page.page} pageCount={page.pageCount} href={(n) => `/admin/posts?page=${n}`} />
    </Layout>
  );
}

export const EDITOR_DONE = ['create', 'save', 'publish', 'schedule', 'unpublish', 'restore'] as const;
export type EditorDone = (typeof EDITOR_DONE)[number];

const DONE_NOTICE: Record<EditorDone, string> = {
  create: 'Saved.',
  save: 'Saved.',
  publish: 'Published.',
  schedule: 'Scheduled.',
  unpublish: 'Unpublished: the post is a draft again.',
  restore: 'The revision was restored.',
};

export interface EditorProps {
  ctx: PageContext;
  input: PostInput;
  status: DisplayStatus;
  errors?: FieldErrors;
  /** What was just done, from the redirect's `?done=`. */
  done?: EditorDone;
  knownTags: string[];
  /** Without JavaScript: the Markdown line of an image just added, or the description typed for a refused one. */
  image?: { added?: string; alt?: string };
  /** The site's time zone, which "Publish at" is entered and shown in (UTC when absent). */
  timeZone?: string;
  /** The post as stored, when editing one (undefined for a new post). */
  existing?: {
    post: { id: number; slug: string; cover_image: string | null; cover_alt: string };
    revisions: { id: number; action: string; changed: string; user_name: string | null; created_at: string }[];
    translations: { id: number; slug: string; language: string; title: string }[];
  };
}

export function PostEditorPage(props: EditorProps) {
  const { ctx, input, status, errors, done, knownTags, existing, image, timeZone = 'UTC' } = props;
  const postId = existing?.post.id;
  const slug = existing?.post.slug;
  const cover = existing?.post.cover_image ? { file: existing.post.cover_image, alt: existing.post.cover_alt } : null;
  const revisions = existing?.revisions ?? [];
  const translations = existing?.translations ?? [];
  const notice = done && DONE_NOTICE[done];
  const action = postId ? `/admin/posts/${postId}` : '/admin/posts';
  const title = postId ? `Edit “${input.title || 'untitled'}”` : 'New post';
  const preview = renderMarkdown(input.body_md);
  return (
    <Layout
      ctx={ctx}
      title={title}
      head={{ noindex: true }}
      scripts={[markdownToolbarScript(), assetUrl('posts-editor.js')]}
    >
      <MarkdownToolbarStyles />
      <link rel="stylesheet" href={assetUrl('posts-editor.css')} />
      <p>
        <a href="/admin/posts">← All posts</a>
      </p>
      <h1>{title}</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorSummary errors={errors} />
      <p class="meta">
        Status: <strong data-status>{STATUS_LABEL[status]}</strong>
        {status === 'scheduled' && input.publish_at && (
          <>
            {' '}
            — goes live at <PublishTime local={input.publish_at} zone={timeZone} />
          </>
        )}
        {status === 'published' && slug && (
          <>
            {' '}
            — <a href={`/posts/${slug}`}>view the public page</a>
          </>
        )}
      </p>
      <form method="post" action={action} enctype="multipart/form-data" class="post-editor" data-post-editor>
        <CsrfField token={ctx.csrfToken} />
        <Field name="title" label="Title" errors={errors}>
          {(a) => <input type="text" {...a} value={input.title} maxLength={LIMITS.title + 50} required />}
        </Field>
        <Field
          name="slug"
          label="Slug (web address)"
          hint="Lower-case letters, digits and hyphens. Leave empty to make one from the title. Changing the slug of a published post keeps a redirect from the old address."
          errors={errors}
        >
          {(a) => <input type="text" {...a} value={input.slug} />}
        </Field>
        <Field
          name="excerpt"
          label="Excerpt"
          hint="One or two sentences for lists, feeds and search engines."
          errors={errors}
        >
          {(a) => (
            <textarea {...a} rows={2}>
              {input.excerpt}
            </textarea>
          )}
        </Field>
        <Field
          name="content_note"
          label="Content note (optional)"
          hint='Shown before the text, e.g. "mentions violence".'
          errors={errors}
        >
          {(a) => <input type="text" {...a} value={input.content_note} />}
        </Field>
        <div class="editor-split">
          <div class="editor-split__text">
            <MarkdownToolbar target="field-body_md" image />
            <Field
              name="body_md"
              label="Text (Markdown)"
              hint="Headings (#), lists, links, quotes (>), code and images from this site. Raw HTML is not shown."
              errors={errors}
            >
              {(a) => (
                <textarea {...a} rows={20} data-preview-source data-markdown>
                  {input.body_md}
                </textarea>
              )}
            </Field>
          </div>
          <section class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">Preview</h2>
            <div class="prose" data-preview aria-live="polite" dangerouslySetInnerHTML={{ __html: preview }} />
          </section>
        </div>
        <AddImage errors={errors} added={image?.added} alt={image?.alt} />
        <Field
          name="tags"
          label="Tags"
          hint={`Separated by commas; new tags are created.${knownTags.length ? ` Existing: ${knownTags.slice(0, 30).join(', ')}` : ''}`}
          errors={errors}
        >
          {(a) => <input type="text" {...a} value={input.tags} />}
        </Field>
        <Field name="language" label="Language" errors={errors}>
          {(a) => (
            <select {...a}>
              {languageChoices(input.language).map(([code, name]) => (
                <option value={code} selected={code === input.language}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="translation_of"
          label="Translation of (optional)"
          hint="The slug of the post this one translates; the posts are then offered to readers as language versions of each other."
          errors={errors}
        >
          {(a) => <input type="text" {...a} value={input.translation_of} />}
        </Field>
        {postId && slug && (
          <p class="hint">
            <a href={`/admin/posts/new?translation_of=${encodeURIComponent(slug)}`}>Write a translation of this post</a>
          </p>
        )}
        {translations.length > 0 && (
          <p class="hint">
            Language versions:{' '}
            {translations.map((tr, i) => (
              <>
                {i > 0 && ', '}
                <a href={`/admin/posts/${tr.id}/edit`}>
                  {tr.language}: {tr.title}
                </a>
              </>
            ))}
          </p>
        )}
        <Field
          name="cover"
          label="Cover image (optional)"
          hint="JPEG, PNG or WebP, at most 5 MB. Location and camera details are removed."
          errors={errors}
        >
          {(a) => <input type="file" {...a} accept="image/jpeg,image/png,image/webp" />}
        </Field>
        {cover && (
          <p>
            <img class="cover-thumb" src={coverUrl(cover.file)} alt="" width={160} />{' '}
            <label>
              <input type="checkbox" name="remove_cover" value="1" /> Remove the cover image
            </label>
          </p>
        )}
        <Field
          name="cover_alt"
          label="Cover image description"
          hint="For people who cannot see the image."
          errors={errors}
        >
          {(a) => <input type="text" {...a} value={input.cover_alt} />}
        </Field>
        <div class="field">
          <label>
            <input type="checkbox" name="comments_closed" value="1" checked={!!input.comments_closed} /> Close comments
            on this post
          </label>
        </div>
        {status !== 'published' && (
          <fieldset class="schedule" data-schedule>
            <legend>Publish later</legend>
            <Field
              name="publish_at"
              label={`Publish at (${timeZone} time)`}
              hint={`${status === 'draft' ? 'Pick a future date and time, then choose “Schedule”. ' : ''}The time is ${timeZone === 'UTC' ? 'UTC' : `in ${timeZone}; the UTC time is shown once it is entered`}.`}
              errors={errors}
            >
              {(a) => <input type="datetime-local" {...a} value={input.publish_at} />}
            </Field>
            {input.publish_at && timeZone !== 'UTC' && (
              <p class="hint publish-utc" data-publish-utc>
                <PublishTime local={input.publish_at} zone={timeZone} />
              </p>
            )}
            {status === 'draft' && (
              <button type="submit" name="intent" value="schedule" class="secondary">
                Schedule
              </button>
            )}
          </fieldset>
        )}
        <EditorActions status={status} />
      </form>
      {postId && (
        <>
          <section aria-labelledby="revisions-title">
            <h2 id="revisions-title">Revisions</h2>
            <TableScroll label="Revisions">
              <table>
                <thead>
                  <tr>
                    <th scope="col">When (UTC)</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                    <th scope="col">Changed</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {revisions.map((r) => (
                    <tr>
                      <td>{r.created_at.slice(0, 16).replace('T', ' ')}</td>
                      <td>{r.user_name ?? '(removed account)'}</td>
                      <td>{r.action}</td>
                      <td>{r.changed.replaceAll(',', ', ').replace('body_md', 'text')}</td>
                      <td>
                        <a href={`/admin/posts/${postId}/revisions/${r.id}`}>View</a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
          <form method="post" action={`/admin/posts/${postId}/delete`} class="danger-zone">
            <CsrfField token={ctx.csrfToken} />
            <h2>Delete</h2>
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> I understand the post, its revisions and its
              tags links are deleted for good.
            </label>
            <button type="submit" class="danger">
              Delete this post
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

export function RevisionPage({
  ctx,
  postId,
  revision,
}: {
  ctx: PageContext;
  postId: number;
  revision: {
    id: number;
    title: string;
    slug: string;
    excerpt: string;
    body_md: string;
    content_note: string;
    language: string;
    tags: string;
    action: string;
    created_at: string;
  };
}) {
  return (
    <Layout ctx={ctx} title={`Revision of “${revision.title}”`} head={{ noindex: true }}>
      <p>
        <a href={`/admin/posts/${postId}/edit`}>← Back to the editor</a>
      </p>
      <h1>Revision from {revision.created_at.slice(0, 16).replace('T', ' ')} UTC</h1>
      <dl>
        <dt>Title</dt>
        <dd>{revision.title}</dd>
        <dt>Slug</dt>
        <dd>{revision.slug}</dd>
        <dt>Excerpt</dt>
        <dd>{revision.excerpt}</dd>
        <dt>Content note</dt>
        <dd>{revision.content_note || '—'}</dd>
        <dt>Language</dt>
        <dd>{revision.language}</dd>
        <dt>Tags</dt>
        <dd>{revision.tags || '—'}</dd>
      </dl>
      <h2>Text</h2>
      <pre tabindex={0}>{revision.body_md}</pre>
      <form method="post" action={`/admin/posts/${postId}/revisions/${revision.id}/restore`}>
        <CsrfField token={ctx.csrfToken} />
        <button type="submit">Restore this revision</button>
      </form>
    </Layout>
  );
}

/**
 * The languages a post may be written in: the site's (those readers can pick), by name; a post
 * already in another language (an import) keeps its own as a choice, so saving never changes it.
 */
export function languageChoices(current: string): [string, string][] {
  const choices = Object.entries(LANGUAGE_NAMES);
  const known = choices.some(([code]) => code === current);
  return known || !current.trim() ? choices : [[current, `${languageName(current)} (${current})`], ...choices];
}

/** "2026-12-01 10:30 (Europe/Paris) = 09:30 UTC": a local time and its UTC instant. */
function PublishTime({ local, zone }: { local: string; zone: string }) {
  const parsed = localToUtc(local, zone);
  const shown = local.replace('T', ' ');
  if (zone === 'UTC' || !('at' in parsed)) return <>{zone === 'UTC' ? `${shown} UTC` : `${shown} (${zone})`}</>;
  return (
    <>
      {shown} ({zone}) = {utcLabel(parsed.at)}
    </>
  );
}

/**
 * An image for the text: file and description, both needed. Without JavaScript the button sends
 * the whole editor form (nothing is saved) and the page comes back with the image's line at the end
 * of the text; with it, the script uploads the image and inserts the line at the cursor.
 */
function AddImage({ errors, added, alt }: { errors?: FieldErrors; added?: string; alt?: string }) {
  return (
    <fieldset class="add-image" id="add-image" data-add-image>
      <legend>Add an image to the text</legend>
      {added && (
        <Notice kind="success">
          The image was added at the end of the text as <code>{added}</code>. Move that line to where the image belongs,
          then save.
        </Notice>
      )}
      <Field
        name="image"
        label="Image file"
        hint="JPEG, PNG or WebP, at most 5 MB. Location and camera details are removed."
        errors={errors}
      >
        {(a) => <input type="file" {...a} accept="image/jpeg,image/png,image/webp" />}
      </Field>
      <Field
        name="image_alt"
        label="Image description (required)"
        hint="What the image shows, for people who cannot see it."
        errors={errors}
      >
        {(a) => <input type="text" {...a} value={alt ?? ''} maxLength={300} autocomplete="off" />}
      </Field>
      <button type="submit" name="add_image" value="1" class="secondary" data-add-image-button>
        Add the image to the text
      </button>
      <p class="hint" role="status" data-image-status />
    </fieldset>
  );
}

/**
 * One primary action per state, secondary actions apart (left, in reading order, so Enter in a
 * field — the form's first button — never publishes a draft): a draft is published, a scheduled
 * post rescheduled, a published one updated (saving keeps it published).
 */
function EditorActions({ status }: { status: DisplayStatus }) {
  const button = (intent: string, label: string, primary = false) => (
    <button type="submit" name="intent" value={intent} class={primary ? 'primary' : 'secondary'}>
      {label}
    </button>
  );
  return (
    <div class="actions actions--split" data-editor-actions>
      <div class="actions">
        {status === 'draft' && button('save', 'Save draft')}
        {button('preview', 'Preview')}
        {status === 'scheduled' && button('publish', 'Publish now')}
        {status === 'scheduled' && button('unpublish', 'Back to draft')}
        {status === 'published' && button('unpublish', 'Unpublish')}
      </div>
      <div class="actions">
        {status === 'draft' && button('publish', 'Publish', true)}
        {status === 'scheduled' && button('schedule', 'Schedule', true)}
        {status === 'published' && button('save', 'Update', true)}
      </div>
    </div>
  );
}
