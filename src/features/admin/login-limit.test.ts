import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, dumpDatabase, type TestApp } from '../../../test/support/app.ts';
import { TEST_PASSWORD, cookieFrom, csrfFrom } from '../../../test/support/staff.ts';
import { createAccountLoginLimit } from '../../core/auth/login-limit.ts';
import { createStaff, logIn } from '../../core/auth/service.ts';
import { ManualClock } from '../../core/clock.ts';
import { databaseGuardStore } from '../../core/guards/store.ts';
import { createClientKeyer } from '../../core/security/client-key.ts';

/*
 * The per-account login limit: an attacker rotating addresses (each under the per-client limit)
 * gets 10 guesses per account per 15 minutes, is then answered exactly like a wrong password, and
 * the account's owner is told how many attempts there were, once, after their next login.
 */
const OWNER = 'owner@staff.test';
const ADDRESSES = ['10.44.0.1', '10.44.0.2', '10.44.0.3'];

function login(t: TestApp, csrf: string, email: string, password: string, address: string) {
  return t.inject({
    method: 'POST',
    url: '/admin/login',
    payload: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
    remoteAddress: address,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}
/** The page's main content, without the form's hidden values and the typed e-mail. */
const answer = (body: string, email: string) =>
  /<main[^>]*>([\s\S]*)<\/main>/
    .exec(body)![1]!
    .replace(/value="[^"]*"/g, '')
    .replaceAll(email, 'E');

for (const dialect of DIALECTS) {
  describe(`per-account login limit (${dialect})`, () => {
    let t: TestApp;
    let csrf: string;
    before(async () => {
      t = await createTestApp(dialect);
      const created = await createStaff(t.db, t.clock, { email: OWNER, role: 'editor', password: TEST_PASSWORD });
      assert.ok(created.ok);
      csrf = csrfFrom((await t.inject('/admin/login')).body);
    });
    after(() => t.close());

    it('refuses the right password after 30 wrong ones from 3 addresses while the window lasts, then tells the owner once', async () => {
      const wrong: string[] = [];
      for (const address of ADDRESSES)
        for (let i = 0; i < 10; i++) {
          const res = await login(t, csrf, OWNER, `wrong guess ${address} ${i}`, address);
          assert.equal(res.statusCode, 401, 'each address stays within its own per-client limit');
          wrong.push(answer(res.body, OWNER));
        }
      assert.equal(new Set(wrong).size, 1, 'every refusal reads the same');

      // The right password, from a fourth address the per-client limit has never seen.
      const refused = await login(t, csrf, ` ${OWNER.toUpperCase()} `, TEST_PASSWORD, '10.44.0.4');
      assert.equal(refused.statusCode, 401);
      assert.equal(answer(refused.body, OWNER.toUpperCase()), wrong[0], 'the same answer as a wrong password');
      assert.equal(cookieFrom(refused.headers['set-cookie'], 'alongside_staff'), undefined);

      t.clock.advance(14 * 60_000);
      assert.equal((await login(t, csrf, OWNER, TEST_PASSWORD, '10.44.0.5')).statusCode, 401, 'still in the window');
      t.clock.advance(60_000 + 1000);
      const accepted = await login(t, csrf, OWNER, TEST_PASSWORD, '10.44.0.6');
      assert.equal(accepted.statusCode, 303, 'accepted once the window has passed');
      const cookie = `alongside_staff=${cookieFrom(accepted.headers['set-cookie'], 'alongside_staff')}`;

      const home = await t.inject({ url: '/admin', headers: { cookie } });
      assert.equal(home.statusCode, 200);
      // 30 wrong passwords and the 2 refused right ones: every attempt that did not log in.
      assert.match(home.body, /32 failed attempts to log into your account since your last login\./);
      const again = await t.inject({ url: '/admin', headers: { cookie } });
      assert.doesNotMatch(again.body, /failed attempts?/, 'shown once');

      const row = await t.db.selectFrom('users').selectAll().where('email', '=', OWNER).executeTakeFirstOrThrow();
      assert.equal(row.failed_logins, 0, 'reset at the successful login');
      assert.equal(row.failed_logins_notice, 0, 'cleared once shown');
      const dump = await dumpDatabase(t.db, t.dialect, { guards: true });
      for (const address of [...ADDRESSES, '10.44.0.4', '10.44.0.5', '10.44.0.6'])
        assert.ok(!dump.includes(address) && !t.logs().includes(address), `no trace of ${address}`);
    });

    it('counts a single failure and says so in the singular; a login with none shows nothing', async () => {
      assert.equal((await login(t, csrf, OWNER, 'one wrong guess', '10.44.1.1')).statusCode, 401);
      const ok = await login(t, csrf, OWNER, TEST_PASSWORD, '10.44.1.2');
      const cookie = `alongside_staff=${cookieFrom(ok.headers['set-cookie'], 'alongside_staff')}`;
      assert.match(
        (await t.inject({ url: '/admin', headers: { cookie } })).body,
        /1 failed attempt to log into your account since your last login\./,
      );
      const clean = await login(t, csrf, OWNER, TEST_PASSWORD, '10.44.1.3');
      const cleanCookie = `alongside_staff=${cookieFrom(clean.headers['set-cookie'], 'alongside_staff')}`;
      assert.doesNotMatch((await t.inject({ url: '/admin', headers: { cookie: cleanCookie } })).body, /failed attempt/);
    });

    it('counts unknown e-mails the same way, so the limit never tells which accounts exist', async () => {
      const clock = new ManualClock();
      const limit = createAccountLoginLimit({
        guards: databaseGuardStore(t.db, t.dialect, clock),
        keyOf: createClientKeyer(clock),
      });
      for (let i = 0; i < 10; i++) {
        const known = await logIn(t.db, clock, limit, OWNER, `wrong ${i}`);
        const unknown = await logIn(t.db, clock, limit, 'nobody@staff.test', `wrong ${i}`);
        assert.deepEqual(known, unknown);
      }
      assert.ok(await limit.isBlocked(OWNER));
      assert.ok(await limit.isBlocked(' Nobody@Staff.TEST'), 'keyed by the normalised e-mail');
      assert.ok(!(await limit.isBlocked('somebody-else@staff.test')));
      assert.equal((await logIn(t.db, clock, limit, OWNER, TEST_PASSWORD)).ok, false);
      clock.advance(15 * 60_000);
      assert.equal((await logIn(t.db, clock, limit, OWNER, TEST_PASSWORD)).ok, true);
    });
  });
}
