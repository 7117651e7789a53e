import { safeNext } from './routes.tsx';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { can } from '../../core/auth/policy.ts';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TEST_PASSWORD, cookieFrom, csrfFrom, loginAs, postForm } from '../../../test/support/staff.ts';

for (const dialect of DIALECTS) {
  describe(`staff accounts (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('logs in with the right password, sets an HttpOnly SameSite=Lax session cookie, and shows the staff home', async () => {
      const s = await loginAs(t, 'editor');
      const home = await t.inject({ url: '/admin', headers: { cookie: s.cookie } });
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /role <strong>editor<\/strong>/);
      assert.equal(home.headers['cache-control'], 'no-store');
      const stored = await t.db.selectFrom('sessions').selectAll().execute();
      assert.ok(stored.length >= 1);
      assert.ok(
        stored.every((row) => !s.cookie.includes(row.token_hash)),
        'only a hash of the token is stored',
      );
    });

    it('marks the cookie HttpOnly and SameSite=Lax', async () => {
      await loginAs(t, 'moderator', 'cookie-check@staff.test').catch(() => {});
      const form = await t.inject('/admin/login');
      const res = await postForm(t, '/admin/login', {
        email: 'cookie-check@staff.test',
        password: TEST_PASSWORD,
        _csrf: csrfFrom(form.body),
      });
      const header = String(res.headers['set-cookie']);
      assert.match(header, /HttpOnly/);
      assert.match(header, /SameSite=Lax/);
      assert.doesNotMatch(header, /Secure/, 'no Secure flag on a plain-http PUBLIC_URL');
    });

    it('gives the same answer for an unknown e-mail and a wrong password', async () => {
      await loginAs(t, 'trainer', 'known@staff.test');
      const form = await t.inject('/admin/login');
      const csrf = csrfFrom(form.body);
      const unknown = await postForm(t, '/admin/login', {
        email: 'nobody@staff.test',
        password: 'whatever-password',
        _csrf: csrf,
      });
      const wrong = await postForm(t, '/admin/login', {
        email: 'known@staff.test',
        password: 'wrong-password!!',
        _csrf: csrf,
      });
      assert.equal(unknown.statusCode, 401);
      assert.equal(wrong.statusCode, 401);
      const message = (body: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(body)![1]!.replace(/value="[^"]*"/g, '');
      assert.equal(
        message(unknown.body).replace('nobody@staff.test', 'X'),
        message(wrong.body).replace('known@staff.test', 'X'),
      );
      assert.equal(cookieFrom(unknown.headers['set-cookie'], 'alongside_staff'), undefined);
    });

    it('refuses a login form without a valid CSRF token, and one posted from another site', async () => {
      const missing = await postForm(t, '/admin/login', { email: 'a@b.c', password: 'x' });
      assert.equal(missing.statusCode, 403);
      const form = await t.inject('/admin/login');
      const crossSite = await t.inject({
        method: 'POST',
        url: '/admin/login',
        payload: `email=a%40b.c&password=x&_csrf=${encodeURIComponent(csrfFrom(form.body))}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
        },
      });
      assert.equal(crossSite.statusCode, 403);
      assert.match(crossSite.body, /another site/);
    });

    it('logs out and revokes the session server-side', async () => {
      const s = await loginAs(t, 'admin');
      const out = await postForm(t, '/admin/logout', {}, s);
      assert.equal(out.statusCode, 303);
      const again = await t.inject({ url: '/admin', headers: { cookie: s.cookie } });
      assert.equal(again.statusCode, 303);
      assert.match(String(again.headers.location), /^\/admin\/login/);
    });

    it('sends anonymous visitors of /admin to the login page', async () => {
      const res = await t.inject('/admin');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin/login?next=%2Fadmin');
    });

    it('does not redirect to another site after login', async () => {
      const res = await t.inject('/admin/login?next=//evil.example/');
      assert.match(res.body, /name="next" value="\/admin"/);
    });

    it('keeps only paths of this site as the place to go after login', () => {
      const site = 'https://alongside.test';
      for (const hostile of [
        '//evil.example/x',
        '/\\evil.example/x',
        '/\t/evil.example/x',
        '/\n/evil.example',
        'https://evil.example/',
        'javascript:alert(1)',
        '',
        undefined,
        '/' + 'a'.repeat(600),
      ]) {
        assert.equal(safeNext(hostile, site), '/admin', JSON.stringify(hostile));
      }
      assert.equal(safeNext('/admin/posts?page=2#top', site), '/admin/posts?page=2#top');
      assert.equal(safeNext('/admin/../safety', site), '/safety');
    });

    it('rate-limits login attempts', async () => {
      const limited = await createTestApp(dialect);
      try {
        const form = await limited.inject('/admin/login');
        const csrf = csrfFrom(form.body);
        const codes: number[] = [];
        for (let i = 0; i < 12; i++) {
          codes.push(
            (await postForm(limited, '/admin/login', { email: 'x@y.z', password: 'nope-nope-nope', _csrf: csrf }))
              .statusCode,
          );
        }
        assert.deepEqual(codes.slice(0, 10), Array(10).fill(401));
        assert.equal(codes[10], 429);
        const page = await postForm(limited, '/admin/login', { email: 'x@y.z', password: 'nope', _csrf: csrf });
        assert.match(page.body, /Please slow down/);
      } finally {
        await limited.close();
      }
    });
  });
}

describe('policy', () => {
  it('decides each action in one place', () => {
    assert.ok(can({ id: 1, role: 'admin' }, 'users.manage'));
    assert.ok(!can({ id: 1, role: 'editor' }, 'users.manage'));
    assert.ok(can({ id: 1, role: 'moderator' }, 'comments.moderate'));
    assert.ok(!can({ id: 1, role: 'editor' }, 'comments.moderate'));
    assert.ok(can({ id: 1, role: 'trainer' }, 'training.author'));
    assert.ok(!can(null, 'admin.enter'));
  });
});

for (const dialect of DIALECTS) {
  describe(`staff account management (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('lets an admin add staff with a generated password shown once, and refuses others with 403', async () => {
      const admin = await loginAs(t, 'admin');
      const res = await postForm(
        t,
        '/admin/users',
        { email: 'new.editor@staff.test', role: 'editor', name: 'New Editor' },
        admin,
      );
      assert.equal(res.statusCode, 201);
      const password = /Its password is <code>([^<]+)<\/code>/.exec(res.body)?.[1];
      assert.ok(password);
      const list = await t.inject({ url: '/admin/users', headers: { cookie: admin.cookie } });
      assert.match(list.body, /new.editor@staff.test/);
      assert.doesNotMatch(list.body, new RegExp(password));
      const editor = await loginAs(t, 'editor');
      const denied = await t.inject({ url: '/admin/users', headers: { cookie: editor.cookie } });
      assert.equal(denied.statusCode, 403);
      assert.match(denied.body, /Your role does not allow this/);
      const deniedPost = await postForm(t, '/admin/users', { email: 'x@staff.test', role: 'admin' }, editor);
      assert.equal(deniedPost.statusCode, 403);
      assert.equal(
        await t.db.selectFrom('users').select('id').where('email', '=', 'x@staff.test').executeTakeFirst(),
        undefined,
      );
    });

    it('keeps the typed values and changes nothing on a bad role', async () => {
      const admin = await loginAs(t, 'admin');
      const res = await postForm(t, '/admin/users', { email: 'typed@staff.test', role: 'overlord' }, admin);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /value="typed@staff.test"/);
      assert.equal(
        await t.db.selectFrom('users').select('id').where('email', '=', 'typed@staff.test').executeTakeFirst(),
        undefined,
      );
    });

    it('disabling an account ends its sessions at once; an admin cannot disable themselves', async () => {
      const admin = await loginAs(t, 'admin');
      const mod = await loginAs(t, 'moderator');
      assert.equal((await postForm(t, `/admin/users/${mod.userId}/disable`, {}, admin)).statusCode, 303);
      assert.equal((await t.inject({ url: '/admin', headers: { cookie: mod.cookie } })).statusCode, 303);
      const self = await postForm(t, `/admin/users/${admin.userId}/disable`, {}, admin);
      assert.equal(self.statusCode, 400);
      assert.match(self.body, /cannot disable your own account/);
    });

    it('ends all sessions of a user', async () => {
      const admin = await loginAs(t, 'admin');
      const trainer = await loginAs(t, 'trainer');
      await postForm(t, `/admin/users/${trainer.userId}/revoke-sessions`, {}, admin);
      assert.equal((await t.inject({ url: '/admin', headers: { cookie: trainer.cookie } })).statusCode, 303);
      assert.equal((await t.inject({ url: '/admin', headers: { cookie: admin.cookie } })).statusCode, 200);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`changing one's password (${dialect})`, () => {
    it('needs the current password, then ends every other session', async () => {
      const t = await createTestApp(dialect);
      try {
        const first = await loginAs(t, 'editor', 'pw@staff.test');
        const form = await t.inject('/admin/login');
        const second = await postForm(t, '/admin/login', {
          email: 'pw@staff.test',
          password: TEST_PASSWORD,
          _csrf: csrfFrom(form.body),
        });
        const secondCookie = `alongside_staff=${cookieFrom(second.headers['set-cookie'], 'alongside_staff')}`;
        const wrong = await postForm(
          t,
          '/admin/account',
          { current: 'not it at all', next: 'a brand new password' },
          first,
        );
        assert.equal(wrong.statusCode, 400);
        assert.match(wrong.body, /current password is not right/);
        const short = await postForm(t, '/admin/account', { current: TEST_PASSWORD, next: 'short' }, first);
        assert.equal(short.statusCode, 400);
        const ok = await postForm(t, '/admin/account', { current: TEST_PASSWORD, next: 'a brand new password' }, first);
        assert.equal(ok.statusCode, 200);
        assert.equal(
          (await t.inject({ url: '/admin', headers: { cookie: first.cookie } })).statusCode,
          200,
          'this session stays',
        );
        assert.equal(
          (await t.inject({ url: '/admin', headers: { cookie: secondCookie } })).statusCode,
          303,
          'the other session ended',
        );
        const relogin = await postForm(t, '/admin/login', {
          email: 'pw@staff.test',
          password: 'a brand new password',
          _csrf: csrfFrom(form.body),
        });
        assert.equal(relogin.statusCode, 303);
      } finally {
        await t.close();
      }
    });
  });
}
