import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { multipartBody } from '../../../test/support/multipart.ts';
import { loginAs, type StaffSession } from '../../../test/support/staff.ts';

/* Cover images: type read from the bytes, metadata stripped, generated names, nothing half-saved. */

/** The editor form's fields with the cover file last, as a browser sends them. */
const multipart = (fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) =>
  multipartBody(file ? { ...fields, cover: file } : fields);

const base = (title: string, slug: string) => ({
  title,
  slug,
  excerpt: '',
  body_md: 'Words the editor wrote.',
  content_note: '',
  language: 'en',
  tags: '',
  publish_at: '',
  translation_of: '',
  cover_alt: 'A grey square',
  intent: 'publish',
});

for (const dialect of DIALECTS) {
  describe(`cover images (${dialect})`, () => {
    let t: TestApp;
    let editor: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      editor = await loginAs(t, 'editor');
    });
    after(() => t.close());

    const storedNames = async () => (await t.db.selectFrom('media_files').select('name').execute()).map((r) => r.name);
    const storedFile = (name: string) =>
      t.db.selectFrom('media_files').select('bytes').where('name', '=', name).executeTakeFirst();

    const send = (url: string, fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) => {
      const { payload, contentType } = multipart({ ...fields, _csrf: editor.csrf }, file);
      return t.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': contentType, cookie: editor.cookie },
      });
    };

    it('stores an uploaded JPEG under a generated name with location and camera details removed', async () => {
      const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#7a7a7a' } })
        .jpeg()
        .withExif({
          IFD0: { Make: 'SecretCam', Artist: 'Jane Secret' },
          IFD3: { GPSLatitudeRef: 'N', GPSLongitudeRef: 'W' },
        })
        .toBuffer();
      assert.ok(photo.includes('SecretCam'), 'the test image carries metadata');
      const res = await send('/admin/posts', base('With a cover', 'with-a-cover'), {
        name: '../../../etc/passwd.jpg',
        type: 'image/jpeg',
        data: photo,
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      const post = await t.db
        .selectFrom('posts')
        .where('slug', '=', 'with-a-cover')
        .selectAll()
        .executeTakeFirstOrThrow();
      assert.match(post.cover_image!, /^[a-f0-9]{24}\.jpg$/);
      const stored = Buffer.from((await storedFile(`posts/${post.cover_image}`))!.bytes);
      assert.ok(!stored.includes('SecretCam') && !stored.includes('Jane Secret'), 'metadata is stripped');
      assert.equal((await sharp(stored).metadata()).exif, undefined);
      assert.ok(!(await storedNames()).some((f) => f.includes('passwd')));
      assert.ok(!fs.existsSync(path.join(t.config.dataDir, 'uploads')), 'nothing is written to the disk');
      const page = await t.inject('/posts/with-a-cover');
      assert.match(
        page.body,
        new RegExp(
          `<img class="cover" src="/media/posts/${post.cover_image}" alt="A grey square" width="64" height="48"`,
        ),
      );
      const img = await t.inject(`/media/posts/${post.cover_image}`);
      assert.equal(img.statusCode, 200);
      assert.equal(img.headers['content-type'], 'image/jpeg');
      assert.ok(img.rawPayload.equals(stored), 'the stored bytes are served');
      assert.equal(img.headers['cache-control'], 'public, max-age=31536000, immutable');
      const etag = String(img.headers.etag);
      assert.match(etag, /^"[\w-]{43}"$/);
      const again = await t.inject({ url: `/media/posts/${post.cover_image}`, headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      assert.equal(again.rawPayload.length, 0);
      const other = await t.inject({ url: `/media/posts/${post.cover_image}`, headers: { 'if-none-match': '"x"' } });
      assert.equal(other.statusCode, 200);
      assert.equal((await t.inject('/media/posts/..%2F..%2Fsecret')).statusCode, 404);
    });

    it('refuses files that are not images, keeps the text and saves nothing', async () => {
      const res = await send('/admin/posts', base('Not an image', 'not-an-image'), {
        name: 'photo.jpg',
        type: 'image/jpeg',
        data: Buffer.from('<svg onload="alert(1)"></svg>'),
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Choose a JPEG, PNG or WebP image/);
      assert.match(res.body, /Words the editor wrote.<\/textarea>/);
      assert.equal(
        await t.db.selectFrom('posts').where('slug', '=', 'not-an-image').select('id').executeTakeFirst(),
        undefined,
      );
      const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
        .gif()
        .toBuffer();
      const gifRes = await send('/admin/posts', base('A gif', 'a-gif'), {
        name: 'x.gif',
        type: 'image/gif',
        data: gif,
      });
      assert.equal(gifRes.statusCode, 400);
    });

    it('refuses an image over 5 MB with a message on the form', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024 + 10, 1);
      const res = await send('/admin/posts', base('Too big', 'too-big'), {
        name: 'big.png',
        type: 'image/png',
        data: big,
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /larger than 5 MB/);
      assert.equal(
        await t.db.selectFrom('posts').where('slug', '=', 'too-big').select('id').executeTakeFirst(),
        undefined,
      );
    });

    it('removes the stored file when the post itself is refused', async () => {
      const before = (await storedNames()).length;
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      const res = await send(
        '/admin/posts',
        { ...base('Dup', 'with-a-cover') },
        { name: 'ok.png', type: 'image/png', data: png },
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /already uses the slug/);
      assert.equal((await storedNames()).length, before);
    });
  });
}
