import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { multipartBody, type MultipartPart } from '../../../test/support/multipart.ts';
import { loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { renderMarkdown } from '../../core/markdown/render.ts';
import { seedTraining } from '../training/seed.ts';
import { escapeAlt, purgeUnusedImages } from './inline-images.ts';

/*
 * Images in a post's text: uploaded through the cover pipeline (type from the bytes, re-encoded,
 * metadata dropped), only with a description, and inserted as a Markdown line — by the editor's
 * script (POST /admin/posts/images) or, without JavaScript, by the editor form's "Add the image".
 */

type Part = MultipartPart;

const photoWithGps = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a6ea5' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLongitudeRef: 'W' } })
    .toBuffer();

for (const dialect of DIALECTS) {
  describe(`images in a post's text (${dialect})`, () => {
    let t: TestApp;
    let editor: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      editor = await loginAs(t, 'editor');
    });
    after(() => t.close());

    const mediaCount = async () =>
      Number(
        (
          await t.db
            .selectFrom('media_files')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const postCount = async () =>
      Number(
        (
          await t.db
            .selectFrom('posts')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const send = (url: string, fields: Record<string, Part>, headers: Record<string, string> = {}) => {
      const { payload, contentType } = multipartBody({ _csrf: editor.csrf, ...fields });
      return t.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': contentType, cookie: editor.cookie, ...headers },
      });
    };

    /** An image stored the script's way; the line to insert and its address. */
    const upload = async (alt: string) => {
      const res = await send('/admin/posts/images', {
        image_alt: alt,
        image: { name: 'a.jpg', type: 'image/jpeg', data: await photoWithGps() },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ markdown: string; url: string }>();
    };

    it('uploads an image with its description and answers the line to insert (the script’s way)', async () => {
      const data = await photoWithGps();
      const res = await send('/admin/posts/images', {
        image_alt: 'Two people on a bench',
        image: { name: 'IMG_0001.jpg', type: 'image/jpeg', data },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { markdown, url } = res.json<{ markdown: string; url: string }>();
      assert.match(url, /^\/media\/posts\/[a-f0-9]{24}\.jpg$/);
      assert.equal(markdown, `![Two people on a bench](${url})`);
      const stored = await t.inject(url);
      assert.equal(stored.statusCode, 200);
      assert.equal(stored.headers['content-type'], 'image/jpeg');
      assert.ok(!stored.rawPayload.includes('SecretCam'), 'camera details removed');
      assert.equal((await sharp(stored.rawPayload).metadata()).exif, undefined, 'no EXIF (GPS) left');
      const preview = await t.inject({
        method: 'POST',
        url: '/admin/posts/preview',
        payload: `body_md=${encodeURIComponent(markdown)}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: editor.cookie,
          'x-csrf-token': editor.csrf,
        },
      });
      assert.match(preview.body, new RegExp(`<img src="${url}" alt="Two people on a bench"`));
    });

    it('refuses an image without a description, says why, and stores nothing', async () => {
      const before = await mediaCount();
      for (const alt of ['', '   ']) {
        const res = await send('/admin/posts/images', {
          image_alt: alt,
          image: { name: 'a.jpg', type: 'image/jpeg', data: await photoWithGps() },
        });
        assert.equal(res.statusCode, 400);
        const body = res.json<{ error: string; fields: Record<string, string> }>();
        assert.match(body.fields.image_alt!, /Describe the image/);
      }
      const none = await send('/admin/posts/images', { image_alt: 'Something' });
      assert.equal(none.statusCode, 400);
      assert.match(none.json<{ error: string }>().error, /Choose an image file/);
      assert.equal(await mediaCount(), before);
    });

    it('keeps a description that looks like Markdown or HTML as text', async () => {
      const alt = 'A [sign](javascript:alert(1)) *bold* <b>tag</b> \\ & "quote"';
      const res = await send('/admin/posts/images', {
        image_alt: alt,
        image: {
          name: 'a.png',
          type: 'image/png',
          data: await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
            .png()
            .toBuffer(),
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { markdown, url } = res.json<{ markdown: string; url: string }>();
      const html = renderMarkdown(markdown);
      assert.equal(
        html.trim(),
        `<p><img src="${url}" alt="A [sign](javascript:alert(1)) *bold* &lt;b&gt;tag&lt;/b&gt; \\ &amp; &quot;quote&quot;" loading="lazy"></p>`,
      );
      assert.equal(escapeAlt('a]b'), 'a\\]b');
    });

    it('without JavaScript: "Add the image" stores it and puts its line at the end of the text, saving nothing', async () => {
      const posts = await postCount();
      const res = await send('/admin/posts', {
        title: 'A post with a picture',
        body_md: 'First paragraph.',
        language: 'en',
        add_image: '1',
        image_alt: 'A quiet street',
        image: { name: 'street.jpg', type: 'image/jpeg', data: await photoWithGps() },
        cover: { name: '', type: 'application/octet-stream', data: Buffer.alloc(0) },
      });
      assert.equal(res.statusCode, 200, res.body.slice(0, 400));
      const line = /!\[A quiet street\]\((\/media\/posts\/[a-f0-9]{24}\.jpg)\)/.exec(res.body);
      assert.ok(line, 'the line is shown');
      assert.match(res.body, new RegExp(`First paragraph\\.\n\n!\\[A quiet street\\]\\(${line[1]}\\)\n</textarea>`));
      assert.match(res.body, /The image was added at the end of the text/);
      assert.match(res.body, new RegExp(`<img src="${line[1]}" alt="A quiet street"`), 'the preview shows it');
      assert.match(res.body, /value="A post with a picture"/, 'the title is kept');
      assert.equal(await postCount(), posts, 'no post was saved');
    });

    it('without JavaScript: a missing description is shown beside the field, the text kept, nothing stored', async () => {
      const before = await mediaCount();
      const res = await send('/admin/posts', {
        title: 'Kept title',
        body_md: 'Kept words.',
        add_image: '1',
        image_alt: '',
        image: { name: 'street.jpg', type: 'image/jpeg', data: await photoWithGps() },
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<p class="field-error" id="field-image_alt-error">Describe the image/);
      assert.match(res.body, /Kept words\.<\/textarea>/);
      assert.equal(await mediaCount(), before);
      const wrongFile = await send('/admin/posts', {
        title: 'Kept title',
        add_image: '1',
        image_alt: 'A typed description',
        image: { name: 'notes.jpg', type: 'image/jpeg', data: Buffer.from('not a picture') },
      });
      assert.equal(wrongFile.statusCode, 400);
      assert.match(wrongFile.body, /id="field-image-error">Choose a JPEG, PNG or WebP image/);
      assert.match(wrongFile.body, /name="image_alt"[^>]*value="A typed description"/, 'the description is kept');
      assert.equal(await mediaCount(), before);
    });

    it("deleting a post removes the images only its texts (body and revisions) showed, and keeps another post's", async () => {
      const [own, shared, earlier] = [await upload('Own'), await upload('Shared'), await upload('Earlier')];
      const fields = (title: string, slug: string, body: string) => ({
        title,
        slug,
        body_md: body,
        language: 'en',
        intent: 'publish',
      });
      const created = await send('/admin/posts', fields('Going', 'going', `${earlier.markdown}\n\n${shared.markdown}`));
      assert.equal(created.statusCode, 303, created.body.slice(0, 400));
      const going = await t.db.selectFrom('posts').select('id').where('slug', '=', 'going').executeTakeFirstOrThrow();
      // Saved again without the earlier image: it stays only in a revision.
      const edited = await send(
        `/admin/posts/${going.id}`,
        fields('Going', 'going', `${own.markdown}\n\n${shared.markdown}`),
      );
      assert.equal(edited.statusCode, 303, edited.body.slice(0, 400));
      const staying = await send('/admin/posts', fields('Staying', 'staying', `Also here: ${shared.markdown}`));
      assert.equal(staying.statusCode, 303, staying.body.slice(0, 400));
      for (const image of [own, shared, earlier]) assert.equal((await t.inject(image.url)).statusCode, 200);

      const deleted = await postForm(t, `/admin/posts/${going.id}/delete`, { confirm: 'yes' }, editor);
      assert.equal(deleted.statusCode, 303, deleted.body.slice(0, 400));
      assert.equal((await t.inject(own.url)).statusCode, 404, 'the image in its text is gone');
      assert.equal((await t.inject(earlier.url)).statusCode, 404, 'the image in its revision is gone');
      assert.equal((await t.inject(shared.url)).statusCode, 200, 'the image another post shows stays');
      assert.match((await t.inject('/posts/staying')).body, new RegExp(`<img src="${shared.url}"`));
    });

    it('removes, a week on, uploaded images nothing shows (a post never saved), and keeps those in use', async () => {
      const [abandoned, inPost, inLesson] = [await upload('Left'), await upload('Used'), await upload('Lesson')];
      const saved = await send('/admin/posts', {
        title: 'Kept picture',
        slug: 'kept-picture',
        body_md: inPost.markdown,
        language: 'en',
        intent: 'save',
      });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
      await seedTraining({ db: t.db, clock: t.clock, authors: { adminId: editor.userId, editorId: editor.userId } });
      const lesson = await t.db.selectFrom('training_lessons').select(['id', 'body_md']).executeTakeFirstOrThrow();
      await t.db
        .updateTable('training_lessons')
        .set({ body_md: `${lesson.body_md}\n\n${inLesson.markdown}` })
        .where('id', '=', lesson.id)
        .execute();
      t.clock.advance(6 * 24 * 3600_000);
      assert.equal(await purgeUnusedImages(t.db, t.clock), 0, 'within the week nothing goes');
      editor = await loginAs(t, 'editor'); // the first session has expired by now
      const fresh = await upload('Fresh');
      t.clock.advance(2 * 24 * 3600_000);
      // Earlier tests here left unused images too: they go with it.
      const stored = await mediaCount();
      const removed = await purgeUnusedImages(t.db, t.clock);
      assert.ok(removed >= 1);
      assert.equal(await mediaCount(), stored - removed, 'it counts what it removed');
      assert.equal((await t.inject(abandoned.url)).statusCode, 404, 'the unused image is gone');
      for (const kept of [inPost, inLesson, fresh]) assert.equal((await t.inject(kept.url)).statusCode, 200, kept.url);
    });

    it('is for editors only', async () => {
      const res = await t.inject({ method: 'POST', url: '/admin/posts/images', payload: {} });
      assert.ok([302, 303, 401, 403].includes(res.statusCode), String(res.statusCode));
      const moderator = await loginAs(t, 'moderator');
      const { payload, contentType } = multipartBody({ _csrf: moderator.csrf, image_alt: 'x' });
      const denied = await t.inject({
        method: 'POST',
        url: '/admin/posts/images',
        payload,
        headers: { 'content-type': contentType, cookie: moderator.cookie },
      });
      assert.equal(denied.statusCode, 403);
    });
  });
}
