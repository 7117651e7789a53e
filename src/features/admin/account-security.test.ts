import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { DIALECTS, createTestApp, dumpDatabase, type TestApp } from '../../../test/support/app.ts';
import { TEST_PASSWORD, cookieFrom, csrfFrom, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { createStaff } from '../../core/auth/service.ts';
import type { Role } from '../../core/db/schema.ts';
import { passwordProblem } from '../../core/auth/password-rules.ts';
import { describeDevice } from '../../core/auth/device.ts';
import { totpCodeAt } from '../../core/auth/totp.ts';

/*
 * Accounts that resist a targeted attack, over HTTP on both dialects: the TOTP second factor
 * (enrolment, code, recovery code, wrong and replayed codes), admin-made reset links (single use,
 * 24 hours, sessions ended), the session list with "sign out everywhere", the requirement of a
 * second factor, the audit-log page — and the per-account login limit across both login steps.
 */
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const NEW_PASSWORD = 'lantern orchard fiddle quietly';

let address = 0;
/** A fresh client address per login, so the per-client rate limit never decides these tests. */
const nextAddress = () => `10.55.${Math.floor(++address / 200)}.${address % 200}`;

function form(t: TestApp, url: string, fields: Record<string, string>, cookie?: string, ua?: string) {
  return t.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    remoteAddress: nextAddress(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
      ...(ua ? { 'user-agent': ua } : {}),
    },
  });
}

/** The password step: the challenge cookie (second factor on) or the session cookie. */
async function passwordStep(t: TestApp, email: string, password = TEST_PASSWORD, ua?: string) {
  const csrf = csrfFrom((await t.inject('/admin/login')).body);
  const res = await form(t, '/admin/login', { email, password, _csrf: csrf }, undefined, ua);
  return {
    res,
    challenge: cookieFrom(res.headers['set-cookie'], 'alongside_login'),
    session: cookieFrom(res.headers['set-cookie'], 'alongside_staff'),
  };
}

async function codeStep(t: TestApp, challenge: string, code: string) {
  const cookie = `alongside_login=${challenge}`;
  const page = await t.inject({ url: '/admin/login/code', headers: { cookie } });
  const csrf = page.statusCode === 200 ? csrfFrom(page.body) : csrfFrom((await t.inject('/admin/login')).body);
  const res = await form(t, '/admin/login/code', { code, _csrf: csrf }, cookie);
  return { res, session: cookieFrom(res.headers['set-cookie'], 'alongside_staff') };
}

/** Turns the second factor on for a logged-in session; returns the secret and the recovery codes. */
async function enrol(t: TestApp, s: StaffSession) {
  const page = await t.inject({ url: '/admin/account/two-factor', headers: { cookie: s.cookie } });
  assert.equal(page.statusCode, 200);
  const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(page.body)?.[1];
  assert.ok(secret, 'the page shows the key to type');
  assert.match(
    page.body,
    /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/,
    'the QR code is an inline SVG image',
  );
  const wrong = await postForm(t, '/admin/account/two-factor', { code: '000000' }, s);
  assert.equal(wrong.statusCode, 400, 'a wrong code does not turn the factor on');
  const res = await postForm(t, '/admin/account/two-factor', { code: await totpCodeAt(secret, t.clock.now()) }, s);
  assert.equal(res.statusCode, 200);
  const codes = [...res.body.matchAll(/<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/g)].map(
    (m) => m[1]!,
  );
  assert.equal(codes.length, 10, 'ten recovery codes, shown once');
  return { secret, codes };
}

let counter = 0;
/** A staff member logged in through the login form, each from an address of its own (the per-client limit is not tested here). */
async function loginAs(t: TestApp, role: Role): Promise<StaffSession> {
  const email = `${role}-${++counter}@security.test`;
  const created = await createStaff(t.db, t.clock, { email, role, password: TEST_PASSWORD });
  assert.ok(created.ok);
  const { session } = await passwordStep(t, email);
  assert.ok(session, `${role} logs in`);
  const cookie = `alongside_staff=${session}`;
  const home = await t.inject({ url: '/admin', headers: { cookie } });
  return { cookie, csrf: csrfFrom(home.body), userId: created.value.id, email };
}

const sessionsOf = async (t: TestApp, userId: number) =>
  Number(
    (
      await t.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n,
  );

const reaches = async (t: TestApp, cookie: string, url = '/admin') =>
  (await t.inject({ url, headers: { cookie } })).statusCode === 200;

for (const dialect of DIALECTS) {
  describe(`accounts that resist a targeted attack (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('enrols a second factor, then logs in only with a fresh code: wrong and replayed codes are refused', async () => {
      const s = await loginAs(t, 'editor');
      const { secret, codes } = await enrol(t, s);
      const dump = await dumpDatabase(t.db, dialect, { guards: true });
      for (const code of codes) {
        for (const form of [code, code.replace(/-/g, ''), code.toUpperCase()])
          assert.ok(!dump.includes(form), 'recovery codes are stored only as hashes');
      }
      const stored = await t.db
        .selectFrom('recovery_codes')
        .select('code_hash')
        .where('user_id', '=', s.userId)
        .execute();
      assert.equal(stored.length, 10);

      const first = await passwordStep(t, s.email);
      assert.equal(first.res.statusCode, 303);
      assert.match(String(first.res.headers.location), /^\/admin\/login\/code/);
      assert.equal(first.session, undefined, 'a right password alone opens no session');
      assert.ok(first.challenge);

      const wrong = await codeStep(t, first.challenge, '123456');
      assert.equal(wrong.res.statusCode, 401);
      assert.equal(wrong.session, undefined);
      // The code of the step enrolment used, still on the clock: a replay.
      const replay = await codeStep(t, first.challenge, await totpCodeAt(secret, t.clock.now()));
      assert.equal(replay.res.statusCode, 401, 'a code of an already used time step is refused');
      t.clock.advance(30_000);
      const fresh = await totpCodeAt(secret, t.clock.now());
      const right = await codeStep(t, first.challenge, fresh);
      assert.equal(right.res.statusCode, 303);
      assert.ok(right.session && (await reaches(t, `alongside_staff=${right.session}`)));

      const second = await passwordStep(t, s.email);
      const again = await codeStep(t, second.challenge!, fresh);
      assert.equal(again.res.statusCode, 401, 'the same code cannot open a second session');
      const spent = await codeStep(t, first.challenge, fresh);
      assert.equal(spent.res.statusCode, 401, 'a challenge that succeeded is gone');
    });

    it('lets a recovery code in once, and ends a pending login after five wrong codes', async () => {
      const s = await loginAs(t, 'moderator');
      const { secret, codes } = await enrol(t, s);
      const first = await passwordStep(t, s.email);
      const recovered = await codeStep(t, first.challenge!, ` ${codes[3]!.toUpperCase()} `);
      assert.equal(recovered.res.statusCode, 303, 'a recovery code works (case and spaces do not matter)');
      assert.ok(recovered.session);
      const second = await passwordStep(t, s.email);
      const reused = await codeStep(t, second.challenge!, codes[3]!);
      assert.equal(reused.res.statusCode, 401, 'a recovery code works once');
      const left = await t.inject({
        url: '/admin/account/two-factor',
        headers: { cookie: `alongside_staff=${recovered.session}` },
      });
      assert.match(left.body, /9 unused recovery codes/);

      for (let i = 0; i < 4; i++) assert.equal((await codeStep(t, second.challenge!, `00000${i}`)).res.statusCode, 401);
      t.clock.advance(30_000);
      const late = await codeStep(t, second.challenge!, await totpCodeAt(secret, t.clock.now()));
      assert.equal(late.res.statusCode, 401, 'after five wrong codes even the right one is refused');
      assert.equal(late.session, undefined);
    });

    it('keeps the per-account login limit across both steps: wrong codes count like wrong passwords', async () => {
      const s = await loginAs(t, 'trainer');
      await enrol(t, s);
      for (let round = 0; round < 2; round++) {
        const step = await passwordStep(t, s.email);
        for (let i = 0; i < 5; i++) await codeStep(t, step.challenge!, `11111${i}`);
      }
      const blocked = await passwordStep(t, s.email);
      assert.equal(blocked.res.statusCode, 401, 'after ten wrong codes the right password is refused too');
      assert.equal(blocked.challenge, undefined);
    });

    it('makes a single-use reset link that ends every session, and lets it expire after 24 hours', async () => {
      const admin = await loginAs(t, 'admin');
      const target = await loginAs(t, 'editor');
      const second = await passwordStep(t, target.email, TEST_PASSWORD, SAFARI_IOS);
      assert.ok(second.session);
      assert.equal(await sessionsOf(t, target.userId), 2);

      const made = await postForm(t, `/admin/users/${target.userId}/reset-link`, {}, admin);
      assert.equal(made.statusCode, 201);
      const token = /\/admin\/reset\/([A-Za-z0-9_-]+)/.exec(made.body)?.[1];
      assert.ok(token);
      assert.ok(
        !(await dumpDatabase(t.db, dialect, { guards: true })).includes(token),
        'only the link’s hash is stored',
      );

      const page = await t.inject(`/admin/reset/${token}`);
      assert.equal(page.statusCode, 200);
      const csrf = csrfFrom(page.body);
      const common = await form(t, `/admin/reset/${token}`, {
        password: 'password1234',
        confirm: 'password1234',
        _csrf: csrf,
      });
      assert.equal(common.statusCode, 400, 'a common password is refused');
      assert.equal(await sessionsOf(t, target.userId), 2, 'a refused reset changes nothing');
      const done = await form(t, `/admin/reset/${token}`, {
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
        _csrf: csrf,
      });
      assert.equal(done.statusCode, 200);
      assert.equal(await sessionsOf(t, target.userId), 0, 'every session of the account ended');
      assert.ok(!(await reaches(t, target.cookie)));
      const reused = await form(t, `/admin/reset/${token}`, {
        password: `${NEW_PASSWORD} x`,
        confirm: `${NEW_PASSWORD} x`,
        _csrf: csrf,
      });
      assert.equal(reused.statusCode, 404, 'the link works once');
      assert.equal((await passwordStep(t, target.email, NEW_PASSWORD)).res.statusCode, 303, 'the new password logs in');
      assert.equal((await passwordStep(t, target.email, `${NEW_PASSWORD} x`)).res.statusCode, 401);

      const later = await postForm(t, `/admin/users/${target.userId}/reset-link`, {}, admin);
      const token2 = /\/admin\/reset\/([A-Za-z0-9_-]+)/.exec(later.body)![1]!;
      const csrf2 = csrfFrom((await t.inject(`/admin/reset/${token2}`)).body);
      t.clock.advance(24 * 60 * 60 * 1000);
      assert.equal((await t.inject(`/admin/reset/${token2}`)).statusCode, 404, 'expired after 24 hours');
      const late = await form(t, `/admin/reset/${token2}`, {
        password: `${NEW_PASSWORD} 2`,
        confirm: `${NEW_PASSWORD} 2`,
        _csrf: csrf2,
      });
      assert.equal(late.statusCode, 404);
      assert.equal(
        (await passwordStep(t, target.email, NEW_PASSWORD)).res.statusCode,
        303,
        'the password is unchanged',
      );
    });

    it('lists the account’s sessions as coarse devices and signs out everywhere', async () => {
      const s = await loginAs(t, 'moderator');
      const firefox = await passwordStep(t, s.email, TEST_PASSWORD, FIREFOX_LINUX);
      const safari = await passwordStep(t, s.email, TEST_PASSWORD, SAFARI_IOS);
      const cookie = `alongside_staff=${firefox.session}`;
      const page = await t.inject({ url: '/admin/account/sessions', headers: { cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Firefox on Linux/);
      assert.match(page.body, /Safari on iOS/);
      const devices = await t.db.selectFrom('sessions').select('device').where('user_id', '=', s.userId).execute();
      assert.deepEqual(devices.map((d) => d.device).sort(), [
        'Firefox on Linux',
        'Safari on iOS',
        'Unknown browser on an unknown system',
      ]);
      const dump = await dumpDatabase(t.db, dialect, { guards: true });
      for (const needle of ['Gecko/20100101', 'Firefox/128', 'iPhone OS 17_5', 'AppleWebKit'])
        assert.ok(!dump.includes(needle), needle);

      const end = await postForm(
        t,
        '/admin/account/sessions/end-all',
        { _csrf: csrfFrom(page.body) },
        { ...s, cookie },
      );
      assert.equal(end.statusCode, 303);
      assert.equal(await sessionsOf(t, s.userId), 0);
      for (const c of [cookie, `alongside_staff=${safari.session}`, s.cookie]) assert.ok(!(await reaches(t, c)));
    });

    it('sends staff without a second factor to enrolment once an admin requires it', async () => {
      const admin = await loginAs(t, 'admin');
      await enrol(t, admin);
      const editor = await loginAs(t, 'editor');
      assert.ok(await reaches(t, editor.cookie));
      assert.equal((await postForm(t, '/admin/users/security', { required: '1' }, editor)).statusCode, 403);
      assert.equal((await postForm(t, '/admin/users/security', { required: '1' }, admin)).statusCode, 303);
      const home = await t.inject({ url: '/admin/posts', headers: { cookie: editor.cookie } });
      assert.equal(home.statusCode, 303);
      assert.equal(home.headers.location, '/admin/account/two-factor');
      assert.equal(
        (await postForm(t, '/admin/account', { current: TEST_PASSWORD, next: NEW_PASSWORD }, editor)).statusCode,
        303,
      );
      const enrolPage = await t.inject({ url: '/admin/account/two-factor', headers: { cookie: editor.cookie } });
      assert.equal(enrolPage.statusCode, 200);
      await enrol(t, editor);
      assert.ok(await reaches(t, editor.cookie, '/admin/posts'), 'enrolled: the staff area opens');
      assert.equal((await postForm(t, '/admin/users/security', {}, admin)).statusCode, 303);
      assert.ok(await reaches(t, (await loginAs(t, 'moderator')).cookie), 'no longer required: no enrolment first');
    });

    it('defaults new staff to the least powerful role and says what each role may do', async () => {
      const admin = await loginAs(t, 'admin');
      const page = await t.inject({ url: '/admin/users', headers: { cookie: admin.cookie } });
      assert.match(page.body, /<option value="trainer" selected/);
      assert.doesNotMatch(page.body, /<option value="admin" selected/);
      assert.match(page.body, /<dt>trainer<\/dt><dd>[^<]*Write and publish training courses/);
      assert.match(page.body, /<dt>admin<\/dt><dd>[^<]*Manage staff accounts/);
    });

    it('shows admins the audit log, filtered by person and action, and no one else', async () => {
      const admin = await loginAs(t, 'admin');
      const editor = await loginAs(t, 'editor');
      assert.equal((await t.inject({ url: '/admin/audit', headers: { cookie: editor.cookie } })).statusCode, 403);
      const all = await t.inject({ url: '/admin/audit', headers: { cookie: admin.cookie } });
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /user\.totp\.enable/);
      assert.match(all.body, /user\.reset-link/);
      const byAction = await t.inject({
        url: '/admin/audit?action=user.reset-link&person=',
        headers: { cookie: admin.cookie },
      });
      assert.equal(byAction.statusCode, 200);
      assert.doesNotMatch(byAction.body, /<code>user\.totp\.enable<\/code>/);
      assert.match(byAction.body, /<code>user\.reset-link<\/code>/);
      const byPerson = await t.inject({
        url: `/admin/audit?person=${editor.userId}`,
        headers: { cookie: admin.cookie },
      });
      assert.equal(byPerson.statusCode, 200);
      assert.doesNotMatch(byPerson.body, /<td><code>/, 'the editor did nothing yet');
      const bad = await t.inject({ url: '/admin/audit?person=x%3Cscript', headers: { cookie: admin.cookie } });
      assert.equal(bad.statusCode, 400);
      const rows = await sql<{ n: number }>`select count(*) as n from audit_log`.execute(t.db);
      assert.ok(Number(rows.rows[0]!.n) > 5);
    });
  });
}

describe('password rules (NIST 800-63B) and device labels', () => {
  it('asks for length and refuses common, repetitive, sequential and self-referring passwords, with no composition rules', () => {
    assert.deepEqual(passwordProblem('elevenchars'), passwordProblem('short'), 'under 12 is refused');
    assert.ok(passwordProblem('elevenchars')?.key === 'auth.newPasswordTooShort');
    assert.equal(passwordProblem('lantern orchard fiddle'), undefined, 'lower-case words, no digit or symbol: fine');
    assert.equal(passwordProblem('ñandú café 🌻 lumière'), undefined);
    for (const common of [
      'password1234',
      'Password1234',
      'QWERTYUIOPASDF',
      'correct horse battery staple',
      'aaaaaaaaaaaaaaa',
      'abcdefghijklmn',
      '9876543210987',
    ])
      assert.equal(passwordProblem(common)?.key, 'auth.passwordCommon', common);
    assert.equal(passwordProblem('maria.lopez!!', { email: 'maria.lopez@example.org' })?.key, 'auth.passwordContext');
    assert.equal(passwordProblem('x'.repeat(1025))?.key, 'auth.passwordTooLong');
  });
  it('keeps only a coarse browser-on-system label', () => {
    assert.equal(describeDevice(FIREFOX_LINUX), 'Firefox on Linux');
    assert.equal(describeDevice(SAFARI_IOS), 'Safari on iOS');
    assert.equal(
      describeDevice(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0',
      ),
      'Edge on Windows',
    );
    assert.equal(describeDevice(undefined), 'Unknown browser on an unknown system');
  });
});
