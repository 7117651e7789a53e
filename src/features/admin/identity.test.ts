import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { csrfFrom, loginAs, type StaffSession } from '../../../test/support/staff.ts';
import { buildApp } from '../../server.ts';
import { accentContrast, contrastRatio, formatRatio } from '../../core/identity/colour.ts';
import { t } from '../../core/identity/messages.ts';

/*
 * The organisation's identity over HTTP, on both dialects: only admins reach the page; what an
 * admin saves shows on every public page (name, tagline, logo, accent stylesheet, quick exit) and
 * drops cached pages; every hostile value is refused with its own message and changes nothing.
 */
const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const says = (body: string, text: string) => body.includes(text) || body.includes(escapeHtml(text));

const VALID = {
  name: 'Harbour Lights Collective',
  tagline: 'Support, not rescue — since 2009',
  accent: '#1d4e89',
  quick_exit: 'https://weather.example.net/today',
};

const pngLogo = (width = 300, height = 120) =>
  sharp({ create: { width, height, channels: 4, background: '#336699' } })
    .png()
    .toBuffer();

const CLEAN_SVG = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" viewBox="0 0 60 20"><rect width="60" height="20" fill="#1d4e89"/><circle cx="10" cy="10" r="6" fill="#fff"/></svg>',
);

describe('accent contrast (WCAG 2.x)', () => {
  it('computes the known ratios', () => {
    assert.equal(formatRatio(contrastRatio('#000000', '#ffffff')), '21.00');
    assert.equal(formatRatio(contrastRatio('#777777', '#ffffff')), '4.47'); // 4.478…, rounded down
    assert.equal(formatRatio(contrastRatio('#767676', '#ffffff')), '4.54');
    // The lower of page and white text decides: the page (#fffdf9) is a little darker than white.
    assert.ok(accentContrast('#5b2a86') >= 4.5);
    assert.ok(accentContrast('#777777') < 4.5);
  });
});

for (const dialect of DIALECTS) {
  describe(`site identity (${dialect})`, () => {
    let t0: TestApp;
    let admin: StaffSession;

    before(async () => {
      t0 = await createTestApp(dialect);
      admin = await loginAs(t0, 'admin');
    });
    after(() => t0.close());

    /** The form as a browser sends it: Buffers as file parts (with a file name), the rest as fields. */
    function multipart(fields: Record<string, string | Buffer>) {
      const boundary = '----identity7f3a';
      const parts = Object.entries(fields).map(([name, value]) =>
        Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${name}"` +
              (Buffer.isBuffer(value) ? `; filename="upload"\r\nContent-Type: application/octet-stream` : '') +
              '\r\n\r\n',
          ),
          Buffer.isBuffer(value) ? value : Buffer.from(value),
          Buffer.from('\r\n'),
        ]),
      );
      return {
        payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
        type: `multipart/form-data; boundary=${boundary}`,
      };
    }

    async function save(fields: Record<string, string | Buffer>, session = admin) {
      const page = await t0.inject({ url: '/admin/identity', headers: { cookie: session.cookie } });
      const csrf = page.statusCode === 200 ? csrfFrom(page.body) : session.csrf;
      const { payload, type } = multipart({ _csrf: csrf, ...fields });
      return t0.inject({
        method: 'POST',
        url: '/admin/identity',
        payload,
        headers: { cookie: session.cookie, 'content-type': type },
      });
    }

    /** Everything identity keeps, and how many audit entries there are: a refusal changes neither. */
    async function state() {
      const settings = await t0.db.selectFrom('settings').selectAll().where('key', 'like', 'identity%').execute();
      const audit = await t0.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return JSON.stringify({ settings: settings.sort((a, b) => a.key.localeCompare(b.key)), audit: Number(audit.n) });
    }

    it('is for admins only', async () => {
      const anonymous = await t0.inject('/admin/identity');
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/admin\/login\?next=/);
      for (const role of ['editor', 'moderator', 'trainer'] as const) {
        const session = await loginAs(t0, role);
        const before = await state();
        assert.equal(
          (await t0.inject({ url: '/admin/identity', headers: { cookie: session.cookie } })).statusCode,
          403,
        );
        assert.equal((await save(VALID, session)).statusCode, 403, `${role} cannot save`);
        assert.equal(await state(), before, `${role}: nothing changed`);
      }
      const page = await t0.inject({ url: '/admin/identity', headers: { cookie: admin.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /enctype="multipart\/form-data"/);
      const home = await t0.inject({ url: '/admin', headers: { cookie: admin.cookie } });
      assert.match(home.body, /href="\/admin\/identity"/, 'the staff home links to it');
    });

    it('shows what an admin saves on public pages, and drops cached pages', async () => {
      // A cached home page first: the change must not leave it behind.
      await t0.inject('/');
      const cached = await t0.inject('/');
      assert.equal(cached.headers['x-cache'], 'hit');
      assert.doesNotMatch(cached.body, /Harbour Lights/);

      const res = await save({ ...VALID, logo: await pngLogo() });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/admin/identity?done=saved');

      const home = await t0.inject('/');
      assert.notEqual(home.headers['x-cache'], 'hit', 'the cached page was dropped');
      assert.match(home.body, /<title>[^<]*Harbour Lights Collective<\/title>/);
      assert.ok(says(home.body, VALID.tagline), 'the tagline shows');
      assert.match(home.body, /href="https:\/\/weather\.example\.net\/today"[^>]*data-quick-exit/);
      const theme = /<link rel="stylesheet" href="(\/identity\/theme\.[0-9a-f]{10}\.css)"/.exec(home.body);
      assert.ok(theme, 'the accent stylesheet is linked');
      const css = await t0.inject(theme[1]!);
      assert.equal(css.statusCode, 200);
      assert.match(String(css.headers['content-type']), /^text\/css/);
      assert.match(css.body, /--brand: #1d4e89;/);
      assert.match(String(css.headers['cache-control']), /immutable/);
      const logo = /<img class="site-logo" src="(\/identity\/logo\.[0-9a-f]{10}\.png)" width="150" height="60"/.exec(
        home.body,
      );
      assert.ok(logo, 'the logo shows at half its pixel size');
      // Its box is sized before the image arrives, so nothing moves when it loads (150×60: ratio 2.5).
      assert.match(css.body, /\.site-logo \{ height: min\(60px, 3rem\); width: calc\(min\(60px, 3rem\) \* 2\.5\); \}/);
      assert.match(css.body, /@media \(max-width: 40rem\) \{\s*\.site-logo \{ height: min\(60px, 2rem\);/);
      const png = await t0.inject(logo[1]!);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.equal((await sharp(png.rawPayload).metadata()).format, 'png');

      // Other public pages too, in French as well.
      for (const url of ['/safety', '/resources?lang=fr', '/training']) {
        const page = await t0.inject(url);
        assert.match(page.body, /Harbour Lights Collective/, url);
        assert.ok(page.body.includes(theme[1]!), url);
      }
      const audit = await t0.db.selectFrom('audit_log').selectAll().where('action', '=', 'identity.update').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.user_id, admin.userId);
      assert.match(audit[0]!.detail, /name/);

      // A new accent gets a new stylesheet name; the old one is no longer served.
      assert.equal((await save({ ...VALID, accent: '#1e6b34' })).statusCode, 303);
      const after = await t0.inject('/');
      assert.ok(!after.body.includes(theme[1]!), 'a new stylesheet name');
      assert.equal((await t0.inject(theme[1]!)).statusCode, 404);
      assert.ok(after.body.includes(logo[1]!), 'the logo stays when no file is sent');
    });

    it('rasterises an SVG logo to a PNG', async () => {
      assert.equal((await save({ ...VALID, logo: CLEAN_SVG })).statusCode, 303);
      const home = await t0.inject('/');
      const logo =
        /<img class="site-logo" src="(\/identity\/logo\.[0-9a-f]{10}\.png)" width="(\d+)" height="(\d+)"/.exec(
          home.body,
        );
      assert.ok(logo);
      // Drawn to fit 480 × 160 (a 60 × 20 drawing scales up sharp), shown at half that.
      assert.deepEqual([logo[2], logo[3]], ['240', '80']);
      const png = await t0.inject(logo[1]!);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.ok(!png.rawPayload.includes(Buffer.from('<svg')), 'no markup reaches readers');
    });

    if (dialect === 'postgres')
      it('shows a change made through another instance on this one’s next page', async () => {
        // A second app on the same database: its own page cache and its own copy of the identity.
        const other = await buildApp({ config: t0.config, handle: t0.database.handle, clock: t0.clock });
        await other.ready();
        try {
          const page = (url: string) => other.inject({ url, remoteAddress: '10.9.8.7' });
          await page('/');
          assert.equal((await page('/')).headers['x-cache'], 'hit', 'cached on the other instance');
          assert.equal((await save({ ...VALID, name: 'Renamed elsewhere' })).statusCode, 303);
          const after = await page('/');
          assert.notEqual(after.headers['x-cache'], 'hit');
          assert.match(after.body, /Renamed elsewhere/);
          // Pages the cache does not hold (staff pages, errors) are rendered with it too.
          assert.match((await page('/no-such-page')).body, /Renamed elsewhere/);
        } finally {
          await other.close();
        }
      });

    const hostile: { name: string; fields: Record<string, string | Buffer>; field: string; text: string }[] = [
      { name: 'a colour name', fields: { accent: 'red' }, field: 'accent', text: t('en', 'accentFormat') },
      {
        name: 'CSS injection in the colour',
        fields: { accent: '#000; } body { display:none' },
        field: 'accent',
        text: t('en', 'accentFormat'),
      },
      {
        name: 'a low-contrast colour',
        fields: { accent: '#ffd700' },
        field: 'accent',
        text: t('en', 'accentContrast', { ratio: formatRatio(accentContrast('#ffd700')), min: '4.5' }),
      },
      {
        name: 'a colour just below AA',
        fields: { accent: '#777777' },
        field: 'accent',
        text: t('en', 'accentContrast', { ratio: '4.40', min: '4.5' }), // 4.407…
      },
      {
        name: 'a javascript: destination',
        fields: { quick_exit: 'javascript:alert(1)' },
        field: 'quick_exit',
        text: t('en', 'quickExitScheme'),
      },
      {
        name: 'a plain-http destination',
        fields: { quick_exit: 'http://weather.example.net/' },
        field: 'quick_exit',
        text: t('en', 'quickExitScheme'),
      },
      {
        name: 'a destination with credentials',
        fields: { quick_exit: 'https://bank.example@evil.example/' },
        field: 'quick_exit',
        text: t('en', 'quickExitPlain'),
      },
      {
        name: 'this site as the destination',
        fields: { quick_exit: 'https://alongside.test/safety' },
        field: 'quick_exit',
        text: t('en', 'quickExitSameSite'),
      },
      { name: 'an empty name', fields: { name: '   ' }, field: 'name', text: t('en', 'nameMissing', { max: 80 }) },
      {
        name: 'a very long name',
        fields: { name: 'x'.repeat(81) },
        field: 'name',
        text: t('en', 'nameTooLong', { max: 80 }),
      },
      {
        name: 'an SVG with a script',
        fields: {
          logo: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>',
          ),
        },
        field: 'logo',
        text: t('en', 'logoActive'),
      },
      {
        name: 'an SVG with an event handler',
        fields: {
          logo: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
          ),
        },
        field: 'logo',
        text: t('en', 'logoActive'),
      },
      {
        name: 'an SVG with an entity',
        fields: {
          logo: Buffer.from(
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
          ),
        },
        field: 'logo',
        text: t('en', 'logoActive'),
      },
      {
        name: 'an SVG that loads another file',
        fields: {
          logo: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://evil.example/x.png" width="9" height="9"/></svg>',
          ),
        },
        field: 'logo',
        text: t('en', 'logoActive'),
      },
      {
        name: 'a huge file',
        fields: { logo: Buffer.alloc(600 * 1024, 0x41) },
        field: 'logo',
        text: t('en', 'logoTooLarge', { max: '512 KB' }),
      },
      {
        name: 'a GIF',
        fields: { logo: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;') },
        field: 'logo',
        text: t('en', 'logoType'),
      },
      {
        name: 'HTML as a logo',
        fields: { logo: Buffer.from('<html><script>alert(1)</script></html>') },
        field: 'logo',
        text: t('en', 'logoType'),
      },
      {
        name: 'a PNG signature on broken bytes',
        fields: {
          logo: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]),
        },
        field: 'logo',
        text: t('en', 'logoUnreadable'),
      },
    ];

    it('refuses each hostile value with a clear message and changes nothing', async () => {
      const before = await state();
      const home = (await t0.inject('/')).body;
      for (const c of hostile) {
        const res = await save({ ...VALID, ...c.fields });
        assert.equal(res.statusCode, 400, `${c.name}: refused`);
        assert.ok(says(res.body, c.text), `${c.name}: says “${c.text}”`);
        assert.match(res.body, new RegExp(`id="field-${c.field}-error"`), `${c.name}: beside the ${c.field} field`);
        assert.equal(await state(), before, `${c.name}: nothing changed`);
      }
      assert.equal((await t0.inject('/')).body, home, 'public pages unchanged');
    });
  });
}
