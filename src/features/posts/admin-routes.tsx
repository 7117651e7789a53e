import multipart, { type FastifyMultipartAttachFieldsToBodyOptions } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../core/http/guard.tsx';
import { FormFlag, FormText, Id, IdParams, PageNumber, Type, type App, type Static } from '../../core/http/schemas.ts';
import { renderMarkdown } from '../../core/markdown/render.ts';
import { msg as coreMsg } from '../../core/views/messages.ts';
import { translate } from '../../core/i18n/index.ts';
import { fieldErrorsOf, type FieldErrors } from '../../core/result.ts';
import { addInlineImage, purgeUnusedImages } from './inline-images.ts';
import { errorPage, notFoundPage, problemPage } from './http.tsx';
import { msg } from './messages.ts';
import * as posts from './service.ts';
import { CoverUpload, MAX_COVER_BYTES } from './uploads.ts';
import { AdminPostsPage, EDITOR_DONE, PostEditorPage, RevisionPage } from './views.tsx';

/*
 * The editors' area: the list of posts, the editor (with its cover upload, multipart), the live
 * preview, deletion, and revisions. Every route needs the posts.edit permission.
 */
const guard = { preHandler: requireStaff('posts.edit') };

const ListQuery = Type.Object({ page: Type.Optional(PageNumber), done: Type.Optional(Type.Enum(['deleted'])) });
const NewQuery = Type.Object({ translation_of: Type.Optional(Type.String({ maxLength: 200 })) });
const EditQuery = Type.Object({ done: Type.Optional(Type.Enum([...EDITOR_DONE])) });
const RevisionParams = Type.Object({ id: Id, rev: Id });
const DeleteForm = Type.Object({ confirm: Type.Optional(FormFlag) });
const PreviewForm = Type.Object({ body_md: Type.Optional(FormText(250_000)) });

/**
 * The editor's fields. What a person types stays text of generous length, so the service can answer
 * with a field error and the form kept; the buttons are one of the editor's intents. `cover` is the
 * file field: a CoverUpload when the multipart parser made one (see onFile), anything else otherwise.
 */
const EditorForm = Type.Object({
  title: Type.Optional(FormText(1_000)),
  slug: Type.Optional(FormText(1_000)),
  excerpt: Type.Optional(FormText(5_000)),
  body_md: Type.Optional(FormText(250_000)),
  content_note: Type.Optional(FormText(2_000)),
  language: Type.Optional(FormText(100)),
  tags: Type.Optional(FormText(5_000)),
  publish_at: Type.Optional(FormText(100)),
  translation_of: Type.Optional(FormText(1_000)),
  cover_alt: Type.Optional(FormText(3_000)),
  comments_closed: Type.Optional(FormFlag),
  remove_cover: Type.Optional(FormFlag),
  intent: Type.Optional(Type.Enum(['preview', ...posts.INTENTS])),
  cover: Type.Optional(Type.Unknown()),
  // "Add the image" without JavaScript: the file, its description, and the button (not an intent:
  // adding an image saves nothing, it puts the image's line into the text being edited).
  image: Type.Optional(Type.Unknown()),
  image_alt: Type.Optional(FormText(3_000)),
  add_image: Type.Optional(FormFlag),
});
type EditorFields = Static<typeof EditorForm>;

/** An image for the text, sent by the editor's script: the file and its description. */
const ImageForm = Type.Object({
  image: Type.Optional(Type.Unknown()),
  image_alt: Type.Optional(FormText(3_000)),
});

const MULTIPART: FastifyMultipartAttachFieldsToBodyOptions = {
  attachFieldsToBody: 'keyValues',
  throwFileSizeLimit: false,
  // Two files at most: the cover and an image for the text.
  limits: { fileSize: MAX_COVER_BYTES, files: 2, fields: 40, fieldSize: 1024 * 1024, parts: 50 },
  async onFile(part) {
    const buffer = await part.toBuffer();
    part.value = new CoverUpload(buffer, part.file.truncated);
  },
};

/** Post images are checked for use every six hours (./inline-images.ts). */
const UNUSED_IMAGES_EVERY_MS = 6 * 3600_000;

export async function staffPostRoutes(app: App) {
  const { db, clock, jobs } = app.deps;
  jobs.every('unused post images', UNUSED_IMAGES_EVERY_MS, () => purgeUnusedImages(db, clock));
  await app.register(editorListRoutes);
  await app.register(editorSaveRoutes);
  await app.register(deleteRoutes);
  await app.register(revisionRoutes);
}

/** The list of posts, the editor for a new or an existing post, and the live preview. */
async function editorListRoutes(app: App) {
  const { db, clock } = app.deps;
  app.get('/admin/posts', { ...guard, schema: { querystring: ListQuery } }, async (req, reply) => {
    const page = await posts.listForEditors(db, clock, req.query.page ?? 1);
    return reply.page(<AdminPostsPage ctx={req.pageContext()} page={page} done={req.query.done} />);
  });

  app.get('/admin/posts/new', { ...guard, schema: { querystring: NewQuery } }, async (req, reply) =>
    showEditor(app, req, reply, undefined, posts.blankInput(req.query.translation_of)),
  );

  app.get(
    '/admin/posts/:id/edit',
    { ...guard, schema: { params: IdParams, querystring: EditQuery } },
    async (req, reply) => {
      const timeZone = app.deps.identity.stored().timeZone;
      const data = await posts.editorData(db, clock, req.params.id, timeZone);
      if (!data) return notFoundPage(req, reply);
      const knownTags = await posts.knownTagNames(db);
      const page = {
        input: data.input,
        status: data.status,
        existing: data,
        knownTags,
        done: req.query.done,
        timeZone,
      };
      return reply.page(<PostEditorPage ctx={req.pageContext()} {...page} />);
    },
  );

  // Live preview: the same renderer as the public page.
  app.post('/admin/posts/preview', { ...guard, schema: { body: PreviewForm } }, async (req, reply) => {
    const md = (req.body.body_md ?? '').slice(0, posts.LIMITS.body);
    return reply.type('text/html; charset=utf-8').send(renderMarkdown(md));
  });
}

/** The editor page for a post (or a new one) with what was typed, and the errors that sent it back. */
async function showEditor(
  app: App,
  req: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
  input: posts.PostInput,
  errors?: FieldErrors,
  image?: { added?: string; alt?: string },
) {
  const { db, clock } = app.deps;
  const timeZone = app.deps.identity.stored().timeZone;
  const existing = id === undefined ? undefined : await posts.editorData(db, clock, id, timeZone);
  if (id !== undefined && !existing) return notFoundPage(req, reply);
  const knownTags = await posts.knownTagNames(db);
  const status = existing?.status ?? 'draft';
  const page = { input, status, errors, existing, knownTags, image, timeZone } as const;
  return reply.page(<PostEditorPage ctx={req.pageContext()} {...page} />, errors ? 400 : 200);
}

/**
 * Multipart text is decoded leniently (bytes that are not UTF-8 become U+FFFD) and after the input
 * gate's own parser; the gate's rule for forms holds all the same: unreadable text is refused, naming the field.
 */
function unreadableField(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const [name, value] of Object.entries(body))
    if ([value].flat().some((v) => typeof v === 'string' && v.includes('\uFFFD'))) return name;
}

/** Saving from the editor: a form with a file, so multipart; plain form posts work too. */
async function editorSaveRoutes(app: App) {
  await app.register(multipart, MULTIPART);
  app.addHook('preValidation', async (req, reply) => {
    const field = req.isMultipart() ? unreadableField(req.body) : undefined;
    if (field) return errorPage(req, reply, 400, coreMsg('invalidEncoding', { field }));
  });
  const options = { ...guard, config: { multipart: true } };
  app.post('/admin/posts', { ...options, schema: { body: EditorForm } }, (req, reply) =>
    saveFromForm(app, req, reply, undefined, req.body),
  );
  app.post('/admin/posts/:id', { ...options, schema: { params: IdParams, body: EditorForm } }, (req, reply) =>
    saveFromForm(app, req, reply, req.params.id, req.body),
  );
  // The editor's script uploads an image for the text here and inserts the answer's line at the cursor.
  app.post('/admin/posts/images', { ...options, schema: { body: ImageForm } }, async (req, reply) => {
    const upload = req.body.image instanceof CoverUpload ? req.body.image : undefined;
    const result = await addInlineImage(app.deps.db, app.deps.clock, upload, req.body.image_alt ?? '');
    if (result.ok) return reply.code(201).send(result.value);
    const locale = req.pageContext().locale;
    const fields = Object.entries(fieldErrorsOf(result)).map(([k, m]) => [k, translate(locale, m)]);
    return reply.code(400).send({ error: translate(locale, result.message), fields: Object.fromEntries(fields) });
  });
}

/** "Add the image" without JavaScript: the image is stored and its line added to the text, which is not saved yet. */
async function addImageFromForm(
  app: App,
  req: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
  form: EditorFields,
) {
  const input = inputFromForm(form, app.deps.identity.stored().timeZone);
  const upload = form.image instanceof CoverUpload ? form.image : undefined;
  const result = await addInlineImage(app.deps.db, app.deps.clock, upload, form.image_alt ?? '');
  // The description stays typed; a file input cannot be refilled, so the file is chosen again.
  if (!result.ok) return showEditor(app, req, reply, id, input, fieldErrorsOf(result), { alt: form.image_alt });
  const body = input.body_md.trimEnd();
  const withImage = { ...input, body_md: `${body}${body ? '\n\n' : ''}${result.value.markdown}\n` };
  return showEditor(app, req, reply, id, withImage, undefined, { added: result.value.markdown });
}

/** What the form sent; "Publish at" is read in the site's time zone. */
function inputFromForm(form: EditorFields, timeZone: string): posts.PostInput {
  return {
    time_zone: timeZone,
    title: form.title ?? '',
    slug: form.slug ?? '',
    excerpt: form.excerpt ?? '',
    body_md: (form.body_md ?? '').replace(/\r\n/g, '\n'),
    content_note: form.content_note ?? '',
    language: form.language ?? '',
    tags: form.tags ?? '',
    publish_at: form.publish_at ?? '',
    translation_of: form.translation_of ?? '',
    cover_alt: form.cover_alt ?? '',
    comments_closed: form.comments_closed === '1',
  };
}

async function saveFromForm(
  app: App,
  req: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
  form: EditorFields,
) {
  const { db, clock, pageCache } = app.deps;
  if (form.add_image) return addImageFromForm(app, req, reply, id, form);
  const input = inputFromForm(form, app.deps.identity.stored().timeZone);
  const intent = form.intent ?? 'save';
  if (intent === 'preview') return showEditor(app, req, reply, id, input);
  const cover = {
    upload: form.cover instanceof CoverUpload ? form.cover : undefined,
    remove: form.remove_cover === '1',
  };
  const result = await posts.saveFromEditor(db, clock, req.staff!, id, input, intent, cover);
  if (!result.ok && result.kind === 'invalid') return showEditor(app, req, reply, id, input, fieldErrorsOf(result));
  if (!result.ok) return problemPage(req, reply, result);
  await pageCache.invalidate(...result.value.tags);
  return reply.redirect(`/admin/posts/${result.value.id}/edit?done=${intent}`, 303);
}

async function deleteRoutes(app: App) {
  const { db, clock, pageCache } = app.deps;
  app.post(
    '/admin/posts/:id/delete',
    { ...guard, schema: { params: IdParams, body: DeleteForm } },
    async (req, reply) => {
      if (req.body.confirm !== 'yes') return errorPage(req, reply, 400, msg('confirmDelete'));
      const result = await posts.deletePost(db, clock, req.staff!, req.params.id);
      if (!result.ok) return problemPage(req, reply, result);
      await pageCache.invalidate(...result.value.tags);
      return reply.redirect('/admin/posts?done=deleted', 303);
    },
  );
}

/** A past version of a post, and putting it back. */
async function revisionRoutes(app: App) {
  const { db, clock, pageCache } = app.deps;
  const revision = { ...guard, schema: { params: RevisionParams } };
  app.get('/admin/posts/:id/revisions/:rev', revision, async (req, reply) => {
    const found = await posts.findRevision(db, req.params.id, req.params.rev);
    if (!found) return notFoundPage(req, reply);
    return reply.page(<RevisionPage ctx={req.pageContext()} postId={req.params.id} revision={found} />);
  });

  app.post('/admin/posts/:id/revisions/:rev/restore', revision, async (req, reply) => {
    const { id, rev } = req.params;
    const result = await posts.restoreRevision(db, clock, req.staff!, id, rev);
    if (!result.ok) return problemPage(req, reply, result);
    await pageCache.invalidate(...result.value.tags);
    return reply.redirect(`/admin/posts/${id}/edit?done=restore`, 303);
  });
}
