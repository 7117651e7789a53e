import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStaff } from '../../core/auth/service.ts';
import {
  DIALECTS,
  assertNoClientTraces,
  createTestApp,
  dumpDatabase,
  type TestApp,
} from '../../../test/support/app.ts';
import { cookieFrom, csrfFrom, loginAs, type StaffSession } from '../../../test/support/staff.ts';
import { seedTraining } from './seed.ts';

/*
 * Hostile input on every training route: wrong types, numbers beyond 2^31 or negative, several
 * values where one is expected, over-long text, bytes that are not UTF-8, NUL and bidi controls.
 * Each gets the 400 page (these are all HTML routes; training has no /api), never a 500 or a
 * stack trace, and the database is exactly as it was.
 */
const COURSE = 'supporting-not-rescuing';

/** A form value: text (percent-encoded when sent), several values under one name, or raw bytes. */
type Value = string | string[] | Buffer;
type Form = Record<string, Value>;

/** Hostile values for a form field, by what the field is. */
const RAW_FF = Buffer.from([0x62, 0xff]);
const common: Value[] = [['a', 'b'], RAW_FF, 'a\u0000b', 'a\u202Eb', 'a\u0007b'];
const hostile = {
  text: (max: number): Value[] => [...common, 'x'.repeat(max + 1)],
  int: (): Value[] => [...common, 'abc', '-1', '99999999999', '2147483648', '1.5', ''],
  choice: (): Value[] => [...common, 'bogus', ''],
};
/** Hostile path segments, already percent-encoded as they appear in the URL. */
const badIdSegments = ['abc', '0', '-1', '99999999999', '2147483648', '1.5', '%00', '%E2%80%AE', '%1B'];
const badTextSegments = ['%00', '%E2%80%AE', '%1B'];
/** Path segments that are not UTF-8: Fastify's router refuses the URL itself (see `assertBadUrl`). */
const notUtf8Segments = ['%FF', '%C0%AF', 'x%FEy'];
/** Hostile query values (percent-encoded), for a route that reads `name`. */
const badQuery = (name: string, kind: 'slug' | 'int') => [
  `${name}=%FF`,
  `${name}=%00`,
  `${name}=%E2%80%AE`,
  `${name}=1&${name}=2`,
  ...(kind === 'slug'
    ? [`${name}=BAD%21`, `${name}=${'x'.repeat(81)}`]
    : [`${name}=abc`, `${name}=-1`, `${name}=99999999999`]),
];
/** For routes that read no query or body: the input gate still refuses what is not clean text. */
const gateQueries = ['x=%FF', 'x=%00', 'x=%E2%80%AE', 'x=%1B'];
const gateBodies: Form[] = [{ x: RAW_FF }, { x: 'a\u0000b' }, { x: 'a\u202Eb' }];

function encodeForm(fields: Form): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      const encoded = Buffer.isBuffer(v) ? v : Buffer.from(encodeURIComponent(v));
      parts.push(Buffer.from(`${encodeURIComponent(name)}=`), encoded, Buffer.from('&'));
    }
  }
  return Buffer.concat(parts);
}

const show = (v: Value) => (Buffer.isBuffer(v) ? `bytes ${v.toString('hex')}` : JSON.stringify(v).slice(0, 60));

interface Fixture {
  t: TestApp;
  trainer: StaffSession;
  anonCsrf: string;
  learnerCookie: string;
  ids: { course: number; module: number; lesson: number; question: number; revision: number };
}

let requestNo = 0;
const addresses: string[] = [];

/** Sends one request; each from its own loopback address so per-client rate limits never answer first. */
async function send(f: Fixture, method: 'GET' | 'POST', url: string, body: Form | undefined, staff: boolean) {
  const n = ++requestNo;
  const remoteAddress = `127.88.${n >> 8}.${n & 255}`;
  addresses.push(remoteAddress);
  const cookie = staff ? f.trainer.cookie : f.learnerCookie;
  if (method === 'GET') return f.t.inject({ method, url, remoteAddress, headers: { cookie } });
  const csrf = staff ? f.trainer.csrf : f.anonCsrf;
  return f.t.inject({
    method,
    url,
    remoteAddress,
    payload: encodeForm({ _csrf: csrf, ...body }),
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
}

function assertRefused(label: string, res: Awaited<ReturnType<TestApp['inject']>>) {
  assert.equal(res.statusCode, 400, `${label}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  assert.match(String(res.headers['content-type']), /^text\/html/, label);
  assert.match(res.body, /<h1>Something in that request was not right<\/h1>/, label);
  assert.doesNotMatch(res.body, /\bat \S+ \(|\.tsx?:\d+|node_modules|Error:/, `${label}: no stack trace`);
}

/**
 * Some paths never reach a route: Fastify's router refuses them site-wide, before any plugin
 * runs — 400 for a segment that is not UTF-8, 414 for a segment over 100 characters — and the
 * app answers with its own 400 page (`frameworkErrors` in server.ts). Nothing stored, no stack trace.
 */
const ROUTER_REFUSALS = {
  'bad-url': { status: 400 },
  'too-long': { status: 414 },
} as const;

function assertRouterRefused(
  kind: keyof typeof ROUTER_REFUSALS,
  label: string,
  res: Awaited<ReturnType<TestApp['inject']>>,
) {
  const { status } = ROUTER_REFUSALS[kind];
  assert.equal(res.statusCode, status, label);
  assert.match(String(res.headers['content-type']), /^text\/html/, label);
  assert.match(res.body, /The request could not be understood/, label);
  assert.doesNotMatch(res.body, /\bat \S+ \(|\.tsx?:\d+|node_modules/, `${label}: no stack trace`);
}

/** A route, its valid path and form, and what in them to make hostile. */
interface RouteSpec {
  method: 'GET' | 'POST';
  /** Path with `:name` segments. */
  path: string;
  params: Record<string, { valid: string; kind: 'id' | 'text' }>;
  query?: { name: string; kind: 'slug' | 'int' };
  form?: { valid: Form; fields: Record<string, Value[]> };
  staff?: boolean;
}

function routes(f: Fixture): RouteSpec[] {
  const { course, module, lesson, question, revision } = f.ids;
  const rev = String(revision);
  const id = (v: number) => ({ valid: String(v), kind: 'id' as const });
  const slug = (v: string) => ({ valid: v, kind: 'text' as const });
  const courseForm = { title: 'T', slug: 'a-course', summary: '', audience: '', language: 'en', minutes: '10' };
  const courseFields = {
    title: hostile.text(10_000),
    slug: hostile.text(10_000),
    summary: hostile.text(10_000),
    audience: hostile.text(10_000),
    language: hostile.text(10_000),
    minutes: hostile.text(10_000),
  };
  const revisionOnly = { valid: { revision: rev }, fields: { revision: hostile.int() } };
  const question_ = {
    valid: { kind: 'single', prompt: 'Q?', options: '* a | b\n- c | d', revision: rev },
    fields: {
      kind: hostile.choice(),
      prompt: hostile.text(10_000),
      options: hostile.text(50_000),
      revision: hostile.int(),
    },
  };
  return [
    // ── learners ──
    { method: 'GET', path: '/training', params: {} },
    { method: 'GET', path: '/training/resume', params: {} },
    {
      method: 'POST',
      path: '/training/resume',
      params: {},
      form: {
        valid: { code: 'maple-river-lamp-otter-seed', passphrase: '' },
        fields: { code: hostile.text(300), passphrase: hostile.text(300) },
      },
    },
    { method: 'POST', path: '/training/forget', params: {} },
    { method: 'GET', path: '/training/code', params: {}, query: { name: 'course', kind: 'slug' } },
    { method: 'GET', path: '/training/my-code.txt', params: {} },
    {
      method: 'POST',
      path: '/training/passphrase',
      params: {},
      form: {
        valid: { passphrase: 'a long enough passphrase', course: COURSE },
        fields: { passphrase: hostile.text(1000), course: [...hostile.text(80), 'BAD!'] },
      },
    },
    { method: 'GET', path: '/training/:course', params: { course: slug(COURSE) } },
    { method: 'POST', path: '/training/:course/start', params: { course: slug(COURSE) } },
    {
      method: 'POST',
      path: '/training/:course/certificate',
      params: { course: slug(COURSE) },
      form: { valid: { name: 'Sam Okafor' }, fields: { name: hostile.text(2000) } },
    },
    {
      method: 'GET',
      path: '/training/:course/:lesson',
      params: { course: slug(COURSE), lesson: slug('why-not-rescue') },
    },
    {
      method: 'POST',
      path: '/training/:course/:lesson/quiz',
      params: { course: slug(COURSE), lesson: slug('why-not-rescue') },
      form: {
        valid: { [`q_q${question}`]: '0' },
        fields: { [`q_q${question}`]: [RAW_FF, 'a\u0000b', 'a\u202Eb', '1234', Array(21).fill('0')] },
      },
    },
    {
      method: 'POST',
      path: '/training/:course/:lesson/complete',
      params: { course: slug(COURSE), lesson: slug('why-not-rescue') },
    },
    { method: 'GET', path: '/certificates/:code', params: { code: slug('AAAA-BBBB-CCCC') } },
    { method: 'GET', path: '/certificates/:code/pdf', params: { code: slug('AAAA-BBBB-CCCC') } },
    { method: 'GET', path: '/certificates/:code/issued', params: { code: slug('AAAA-BBBB-CCCC') } },
    // ── trainers ──
    { method: 'GET', path: '/admin/training', params: {}, staff: true },
    {
      method: 'POST',
      path: '/admin/training',
      params: {},
      form: { valid: courseForm, fields: courseFields },
      staff: true,
    },
    {
      method: 'GET',
      path: '/admin/training/:id',
      params: { id: id(course) },
      query: { name: 'published', kind: 'int' },
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id',
      params: { id: id(course) },
      form: {
        valid: { ...courseForm, revision: rev },
        fields: { ...courseFields, revision: hostile.int(), publish: hostile.choice() },
      },
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/publish',
      params: { id: id(course) },
      form: revisionOnly,
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/unpublish',
      params: { id: id(course) },
      form: revisionOnly,
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/modules',
      params: { id: id(course) },
      form: { valid: { title: 'M', revision: rev }, fields: { title: hostile.text(10_000), revision: hostile.int() } },
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/modules/:mid',
      params: { id: id(course), mid: id(module) },
      form: { valid: { title: 'M', revision: rev }, fields: { title: hostile.text(10_000), revision: hostile.int() } },
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/modules/:mid/delete',
      params: { id: id(course), mid: id(module) },
      form: revisionOnly,
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/move',
      params: { id: id(course) },
      form: {
        valid: { kind: 'lesson', id: String(lesson), direction: '1', back: `/admin/training/${course}`, revision: rev },
        fields: {
          kind: hostile.choice(),
          id: hostile.int(),
          direction: [...hostile.choice(), '2', '-2'],
          back: hostile.text(300),
          revision: hostile.int(),
        },
      },
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/modules/:mid/lessons',
      params: { id: id(course), mid: id(module) },
      form: {
        valid: { title: 'L', slug: 'l-new', revision: rev },
        fields: { title: hostile.text(10_000), slug: hostile.text(10_000), revision: hostile.int() },
      },
      staff: true,
    },
    {
      method: 'GET',
      path: '/admin/training/:id/lessons/:lid',
      params: { id: id(course), lid: id(lesson) },
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/lessons/:lid',
      params: { id: id(course), lid: id(lesson) },
      form: {
        valid: { title: 'L', slug: 'why-not-rescue', body: 'Text', passMark: '70', required: '1', revision: rev },
        fields: {
          title: hostile.text(10_000),
          slug: hostile.text(10_000),
          body: hostile.text(200_000),
          passMark: hostile.text(10_000),
          required: hostile.text(10),
          publish: hostile.choice(),
          revision: hostile.int(),
        },
      },
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/lessons/:lid/delete',
      params: { id: id(course), lid: id(lesson) },
      form: revisionOnly,
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/lessons/:lid/questions',
      params: { id: id(course), lid: id(lesson) },
      form: question_,
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/questions/:qid',
      params: { id: id(course), qid: id(question) },
      form: question_,
      staff: true,
    },
    {
      method: 'POST',
      path: '/admin/training/:id/questions/:qid/delete',
      params: { id: id(course), qid: id(question) },
      form: revisionOnly,
      staff: true,
    },
    { method: 'GET', path: '/admin/training/:id/preview', params: { id: id(course) }, staff: true },
    {
      method: 'GET',
      path: '/admin/training/:id/preview/:lesson',
      params: { id: id(course), lesson: slug('why-not-rescue') },
      staff: true,
    },
    { method: 'GET', path: '/admin/training/:id/stats', params: { id: id(course) }, staff: true },
    {
      method: 'POST',
      path: '/admin/training/certificates/:code/revoke',
      params: { code: slug('AAAA-BBBB-CCCC') },
      form: {
        valid: { reason: 'Issued in error', course: String(course) },
        fields: { reason: hostile.text(2000), course: hostile.int() },
      },
      staff: true,
    },
  ];
}

/** Every hostile variant of a route: one bad thing at a time, the rest valid. */
interface Variant {
  label: string;
  url: string;
  body?: Form;
  /** What the router refuses before any route (see ROUTER_REFUSALS). */
  router?: keyof typeof ROUTER_REFUSALS;
}

function variants(spec: RouteSpec): Variant[] {
  const fill = (params: Record<string, string>) => spec.path.replace(/:(\w+)/g, (_m, name: string) => params[name]!);
  const validParams = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.valid]));
  const url = fill(validParams);
  const body = spec.form?.valid ?? (spec.method === 'POST' ? {} : undefined);
  const out: Variant[] = [];
  for (const [name, param] of Object.entries(spec.params)) {
    for (const bad of param.kind === 'id' ? badIdSegments : badTextSegments)
      out.push({ label: `path ${name}=${bad}`, url: fill({ ...validParams, [name]: bad }), body });
    for (const bad of notUtf8Segments)
      out.push({ label: `path ${name}=${bad}`, url: fill({ ...validParams, [name]: bad }), body, router: 'bad-url' });
    const long = fill({ ...validParams, [name]: 'x'.repeat(101) });
    out.push({ label: `path ${name} over-long`, url: long, body, router: 'too-long' });
  }
  const queries = spec.query ? badQuery(spec.query.name, spec.query.kind) : gateQueries;
  for (const q of queries) out.push({ label: `query ${q.slice(0, 40)}`, url: `${url}?${q}`, body });
  if (spec.method === 'POST') {
    if (spec.form) {
      for (const [name, values] of Object.entries(spec.form.fields))
        for (const v of values)
          out.push({ label: `field ${name}=${show(v)}`, url, body: { ...spec.form.valid, [name]: v } });
    } else for (const b of gateBodies) out.push({ label: `body ${show(Object.values(b)[0]!)}`, url, body: b });
  }
  return out;
}

async function seed(t: TestApp) {
  const admin = await createStaff(t.db, t.clock, { email: 'seed@staff.test', role: 'admin', displayName: 'Seed' });
  assert.ok(admin.ok);
  await seedTraining({ db: t.db, clock: t.clock, authors: { adminId: admin.value.id, editorId: admin.value.id } });
}

for (const dialect of DIALECTS) {
  describe(`hostile input on training routes (${dialect})`, () => {
    let f: Fixture;
    before(async () => {
      const t = await createTestApp(dialect);
      await seed(t);
      const trainer = await loginAs(t, 'trainer');
      const coursePage = await t.inject(`/training/${COURSE}`);
      const anonCsrf = csrfFrom(coursePage.body);
      const start = await t.inject({
        method: 'POST',
        url: `/training/${COURSE}/start`,
        payload: `_csrf=${encodeURIComponent(anonCsrf)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const code = cookieFrom(start.headers['set-cookie'], 'alongside_training');
      assert.ok(code);
      const course = await t.db.selectFrom('training_courses').selectAll().executeTakeFirstOrThrow();
      const lesson = await t.db
        .selectFrom('training_lessons')
        .selectAll()
        .where('slug', '=', 'why-not-rescue')
        .executeTakeFirstOrThrow();
      const question = await t.db
        .selectFrom('training_questions')
        .select('id')
        .where('lesson_id', '=', lesson.id)
        .where('kind', '=', 'single')
        .executeTakeFirstOrThrow();
      f = {
        t,
        trainer,
        anonCsrf,
        learnerCookie: `alongside_training=${code}`,
        ids: {
          course: course.id,
          module: lesson.module_id,
          lesson: lesson.id,
          question: question.id,
          revision: course.revision,
        },
      };
    });
    after(() => f.t.close());

    it('answers every hostile value on every route with a 400 page and changes nothing', async () => {
      let count = 0;
      for (const spec of routes(f)) {
        const before = await dumpDatabase(f.t.db, dialect);
        for (const v of variants(spec)) {
          const label = `${spec.method} ${spec.path} ${v.label}`;
          const res = await send(f, spec.method, v.url, v.body, !!spec.staff);
          if (v.router) assertRouterRefused(v.router, label, res);
          else assertRefused(label, res);
          count++;
        }
        assert.equal(await dumpDatabase(f.t.db, dialect), before, `${spec.method} ${spec.path} changed nothing`);
      }
      assert.ok(count > 400, `many cases ran (${count})`);
      // The extra client addresses reached neither the database nor the logs either.
      await assertNoClientTraces(f.t.db, dialect, f.t.logs(), addresses.slice(-count));
    });

    it('refuses a quiz form with too many fields, and names the field whose bytes are not UTF-8', async () => {
      const fields: Form = {};
      for (let i = 0; i < 201; i++) fields[`q_q${i}`] = '0';
      const before = await dumpDatabase(f.t.db, dialect);
      const url = `/training/${COURSE}/why-not-rescue/quiz`;
      assertRefused('too many fields', await send(f, 'POST', url, fields, false));
      const named = await send(f, 'POST', '/training/resume', { code: RAW_FF }, false);
      assertRefused('invalid UTF-8', named);
      assert.match(named.body, /The field “code” contains characters that could not be read/);
      assert.equal(await dumpDatabase(f.t.db, dialect), before);
    });

    it('still answers the valid form of each route (the hostile cases were refused for their value alone)', async () => {
      const ok = await send(
        f,
        'POST',
        `/training/${COURSE}/why-not-rescue/quiz`,
        { [`q_q${f.ids.question}`]: '0' },
        false,
      );
      assert.equal(ok.statusCode, 200);
      const page = await send(f, 'GET', `/admin/training/${f.ids.course}?published=1`, undefined, true);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Published version 1\./);
      const code = await send(f, 'GET', `/training/code?course=${COURSE}`, undefined, false);
      assert.equal(code.statusCode, 200);
      assert.match(code.body, new RegExp(`href="/training/${COURSE}"`));
    });
  });
}
