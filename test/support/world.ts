import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ROLES } from '../../src/core/auth/policy.ts';
import { createStaff, logIn } from '../../src/core/auth/service.ts';
import { createAccountLoginLimit } from '../../src/core/auth/login-limit.ts';
import type { Role } from '../../src/core/db/schema.ts';
import { translate } from '../../src/core/i18n/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import type { TestApp } from './app.ts';
import { csrfFrom, postForm, TEST_PASSWORD, type StaffSession } from './staff.ts';
import type { InventoryRoute } from './routes.ts';

/*
 * A site with something behind every route, for the hardening tests (test/hardening/): the demo
 * content, a session of every role, and real ids, slugs and private-link tokens to put in every path
 * — so a request that should be refused would, if let through, reach a real row and change it.
 */
export interface World {
  t: TestApp;
  /** One logged-in session per role. */
  staff: Record<Role, StaffSession>;
  /** A second admin session: its form token is "another session's token". */
  otherAdmin: StaffSession;
  /** A form token for anonymous visitors. */
  anonCsrf: string;
  /** Path parameter values by name (see `pathFor`). */
  ids: Record<string, string>;
}

let counter = 0;
/** A session of the role, opened through the login service (the login form's rate limit is not what these tests are about). */
export async function staffSession(t: TestApp, role: Role): Promise<StaffSession> {
  const email = `${role}-${++counter}@world.test`;
  const created = await createStaff(t.db, t.clock, {
    email,
    role,
    password: TEST_PASSWORD,
    displayName: `World ${role}`,
  });
  assert.ok(created.ok, created.ok ? '' : translate('en', created.message));
  const opened = await logIn(
    t.db,
    t.clock,
    createAccountLoginLimit({ guards: t.app.deps.guards, keyOf: t.app.deps.clientKey }),
    email,
    TEST_PASSWORD,
  );
  assert.ok(opened.ok, `${role} logs in`);
  const cookie = `alongside_staff=${opened.value.token}`;
  const home = await t.inject({ url: '/admin', headers: { cookie } });
  assert.equal(home.statusCode, 200, `${role} reaches /admin`);
  return { cookie, csrf: csrfFrom(home.body), userId: created.value.id, email };
}

async function first<T>(rows: Promise<T | undefined>, what: string): Promise<T> {
  const row = await rows;
  assert.ok(row, `the world has ${what}`);
  return row;
}

/** The private link a submission's "thank you" page shows, as its token. */
function tokenFrom(html: string, base: string): string {
  const m = new RegExp(`${base}/([A-Za-z0-9_-]+)`).exec(html);
  assert.ok(m, `the page shows a private link under ${base}`);
  return m[1]!;
}

/** Rows readers sent (a comment, a pledge, a suggestion, a report), through the public forms. */
async function readerSubmissions(t: TestApp, anonCsrf: string, ids: Record<string, string>) {
  const form = (url: string, fields: Record<string, string | string[]>) =>
    postForm(t, url, { _csrf: anonCsrf, ...fields });
  const comment = await form(`/posts/${ids.postSlug}/comments`, {
    name: 'Reader (world)',
    body: 'A comment to aim at.',
  });
  assert.equal(comment.statusCode, 201, `a reader comments: ${comment.body.slice(0, 200)}`);
  ids.commentToken = tokenFrom(comment.body, '/comments');
  const pledge = await form(`/campaigns/${ids.campaignSlug}/pledges`, {
    action: 'A pledge to aim at.',
    days: ['1'],
    kind: 'organise',
    display_name: 'Reader (world)',
  });
  assert.equal(pledge.statusCode, 201, `a reader pledges: ${pledge.body.slice(0, 300)}`);
  ids.pledgeToken = tokenFrom(pledge.body, '/campaigns/pledges');
  const suggestion = await form('/resources/suggest', {
    name: 'A service to aim at',
    url: '',
    context: '',
    where: '',
    contact: '',
  });
  assert.ok(suggestion.statusCode < 400, `a reader suggests a service: ${suggestion.statusCode}`);
  const report = await form(`/resources/${ids.listingSlug}/report`, { message: 'The hours changed.' });
  assert.ok(report.statusCode < 400, `a reader reports a listing: ${report.statusCode}`);
}

/** Builds the world on a fresh test app. */
export async function buildWorld(t: TestApp): Promise<World> {
  await seedDemo(t.db, t.clock);
  const db = t.db;
  const staff = {} as Record<Role, StaffSession>;
  for (const role of ROLES) staff[role] = await staffSession(t, role);
  const otherAdmin = await staffSession(t, 'admin');
  const victim = await createStaff(db, t.clock, {
    email: 'victim@world.test',
    role: 'editor',
    password: TEST_PASSWORD,
  });
  assert.ok(victim.ok);
  const post = await first(
    db
      .selectFrom('posts')
      .innerJoin('users', 'users.id', 'posts.author_id')
      .where('posts.status', '=', 'published')
      .select(['posts.id', 'posts.slug', 'users.slug as author'])
      .orderBy('posts.id')
      .executeTakeFirst(),
    'a published post',
  );
  const revision = await first(
    db.selectFrom('post_revisions').where('post_id', '=', post.id).select('id').executeTakeFirst(),
    'a revision',
  );
  const tag = await first(db.selectFrom('tags').select('slug').orderBy('id').executeTakeFirst(), 'a tag');
  const comment = await first(db.selectFrom('comments').select('id').orderBy('id').executeTakeFirst(), 'a comment');
  const service = await first(
    db.selectFrom('service').select(['id', 'slug']).orderBy('slug').executeTakeFirst(),
    'a listing',
  );
  const org = await first(
    db.selectFrom('organization').select('id').orderBy('id').executeTakeFirst(),
    'an organisation',
  );
  const sal = await first(
    db.selectFrom('service_at_location').select('id').orderBy('id').executeTakeFirst(),
    'a service at a location',
  );
  const taxonomy = await first(db.selectFrom('taxonomy').select('id').orderBy('id').executeTakeFirst(), 'a taxonomy');
  const term = await first(
    db.selectFrom('taxonomy_term').select('id').orderBy('id').executeTakeFirst(),
    'a taxonomy term',
  );
  const course = await first(
    db.selectFrom('training_courses').select(['id', 'slug']).orderBy('id').executeTakeFirst(),
    'a course',
  );
  const module = await first(
    db.selectFrom('training_modules').where('course_id', '=', course.id).select('id').orderBy('id').executeTakeFirst(),
    'a module',
  );
  const lesson = await first(
    db
      .selectFrom('training_lessons')
      .where('module_id', '=', module.id)
      .select(['id', 'slug'])
      .orderBy('id')
      .executeTakeFirst(),
    'a lesson',
  );
  const question = await first(
    db.selectFrom('training_questions').select('id').orderBy('id').executeTakeFirst(),
    'a question',
  );
  const campaign = await first(
    db.selectFrom('campaigns').select(['id', 'slug']).orderBy('id').executeTakeFirst(),
    'a campaign',
  );
  const event = await first(
    db.selectFrom('campaign_events').where('campaign_id', '=', campaign.id).select('id').executeTakeFirst(),
    'an event',
  );
  const pledge = await first(
    db
      .selectFrom('campaign_pledges')
      .where('campaign_id', '=', campaign.id)
      .where('status', '=', 'approved')
      .select('id')
      .executeTakeFirst(),
    'an approved pledge',
  );
  const ids: Record<string, string> = {
    victimUserId: String(victim.value.id),
    postId: String(post.id),
    postSlug: post.slug,
    authorSlug: post.author,
    revisionId: String(revision.id),
    tagSlug: tag.slug,
    commentId: String(comment.id),
    serviceId: service.id,
    listingSlug: service.slug,
    organizationId: org.id,
    serviceAtLocationId: sal.id,
    taxonomyId: taxonomy.id,
    termId: term.id,
    courseId: String(course.id),
    courseSlug: course.slug,
    moduleId: String(module.id),
    lessonId: String(lesson.id),
    lessonSlug: lesson.slug,
    questionId: String(question.id),
    campaignId: String(campaign.id),
    campaignSlug: campaign.slug,
    eventId: String(event.id),
    pledgeId: String(pledge.id),
  };
  const anonCsrf = csrfFrom((await t.inject('/admin/login')).body);
  await readerSubmissions(t, anonCsrf, ids);
  ids.suggestionId = String(
    (await first(db.selectFrom('resource_suggestions').select('id').executeTakeFirst(), 'a suggestion')).id,
  );
  ids.reportId = String(
    (await first(db.selectFrom('directory_reports').select('id').executeTakeFirst(), 'a report')).id,
  );
  return { t, staff, otherAdmin, anonCsrf, ids };
}

/**
 * Which world value fills a path parameter: the first rule whose pattern matches the route and
 * whose name is the parameter's. A parameter no rule knows gets a value its schema accepts.
 */
const PARAM_RULES: [RegExp, string, string][] = [
  [/^\/admin\/users\//, 'id', 'victimUserId'],
  [/^\/admin\/posts\//, 'id', 'postId'],
  [/^\/admin\/posts\//, 'rev', 'revisionId'],
  [/^\/admin\/comments\/posts\//, 'id', 'postId'],
  [/^\/admin\/comments\//, 'id', 'commentId'],
  [/^\/admin\/resources\/suggestions\//, 'id', 'suggestionId'],
  [/^\/admin\/resources\/reports\//, 'id', 'reportId'],
  [/^\/admin\/resources\/taxonomy\//, 'id', 'termId'],
  [/^\/admin\/resources\//, 'id', 'serviceId'],
  [/^\/admin\/training\//, 'id', 'courseId'],
  [/^\/admin\/training\//, 'mid', 'moduleId'],
  [/^\/admin\/training\//, 'lid', 'lessonId'],
  [/^\/admin\/training\//, 'qid', 'questionId'],
  [/^\/admin\/training\//, 'lesson', 'lessonSlug'],
  [/^\/admin\/campaigns\//, 'id', 'campaignId'],
  [/^\/admin\/campaigns\//, 'eventId', 'eventId'],
  [/^\/admin\/campaigns\//, 'pledgeId', 'pledgeId'],
  [/^\/api\/hsds\/services\//, 'id', 'serviceId'],
  [/^\/api\/hsds\/service_at_locations\//, 'id', 'serviceAtLocationId'],
  [/^\/api\/hsds\/organizations\//, 'id', 'organizationId'],
  [/^\/api\/hsds\/taxonomies\//, 'id', 'taxonomyId'],
  [/^\/api\/hsds\/taxonomy_terms\//, 'id', 'termId'],
  [/^\/(api\/)?posts\//, 'slug', 'postSlug'],
  [/^\/tags\//, 'slug', 'tagSlug'],
  [/^\/authors\//, 'slug', 'authorSlug'],
  [/^\/resources\//, 'slug', 'listingSlug'],
  [/^\/campaigns\/pledges\//, 'token', 'pledgeToken'],
  [/^\/campaigns\//, 'slug', 'campaignSlug'],
  [/^\/campaigns\//, 'id', 'pledgeId'],
  [/^\/comments\//, 'token', 'commentToken'],
  [/^\/training\//, 'course', 'courseSlug'],
  [/^\/training\//, 'lesson', 'lessonSlug'],
];

/** A value the schema accepts, as text: what fills a parameter, a query or a field no rule knows. */
function placeholder(schema: TSchema | undefined): string | string[] | undefined {
  if (!schema) return 'x';
  const value = Value.Create(schema) as unknown;
  if (Array.isArray(value)) return value.map(String);
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  const text = String(value);
  return text.trim() === '' && (schema as { minLength?: number }).minLength ? 'x' : text;
}

/** The parameter values a request to the route uses. */
export function paramsFor(route: InventoryRoute, world: World): Record<string, string> {
  const names = [...route.url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((m) => m[1] ?? '*');
  const props = (route.params as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {};
  const out: Record<string, string> = {};
  for (const name of names) {
    const rule = PARAM_RULES.find(([pattern, param]) => param === name && pattern.test(route.url));
    const known = rule ? world.ids[rule[2]] : undefined;
    out[name] = known ?? String(placeholder(props[name]) ?? 'x');
  }
  if (route.url === '/static/*') out['*'] = 'quick-exit.js';
  return out;
}

/** The route's pattern with its parameters filled (each already percent-encoded, or raw when `encoded`). */
export function fillPath(url: string, values: Record<string, string>, encoded = false): string {
  return url.replace(/:([A-Za-z0-9_]+)|\*/g, (_m, name: string | undefined) => {
    const v = values[name ?? '*'] ?? 'x';
    return encoded ? v : name === undefined ? v : encodeURIComponent(v);
  });
}

export const pathFor = (route: InventoryRoute, world: World) => fillPath(route.url, paramsFor(route, world));

/** Form fields that pass the route's body schema (whatever the service then says about them). */
export function validFields(route: InventoryRoute): Record<string, string | string[]> {
  const props = (route.body as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {};
  const required = new Set((route.body as { required?: string[] } | undefined)?.required ?? []);
  const out: Record<string, string | string[]> = {};
  for (const [name, schema] of Object.entries(props)) {
    if (!required.has(name)) continue;
    const value = placeholder(schema);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** One multipart/form-data body (the publishing editor's form). */
export function multipartBody(fields: Record<string, string | string[] | Buffer>): { payload: Buffer; type: string } {
  const boundary = `----world${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value])
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
        Buffer.isBuffer(v) ? v : Buffer.from(v),
        Buffer.from('\r\n'),
      );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** A urlencoded body; Buffer values go in as raw bytes. */
export function formBody(fields: Record<string, string | string[] | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value])
      parts.push(
        Buffer.from(`${parts.length ? '&' : ''}${encodeURIComponent(name)}=`),
        Buffer.isBuffer(v) ? v : Buffer.from(encodeURIComponent(v)),
      );
  return Buffer.concat(parts);
}

/**
 * The request a browser would send to the route: its path filled from the world, a body that
 * passes the schema (multipart where the route takes it) with the given form token, and the
 * session's cookie.
 */
export function browserRequest(
  route: InventoryRoute,
  world: World,
  opts: { cookie?: string; csrf?: string; headers?: Record<string, string> } = {},
): InjectOptions {
  const headers: Record<string, string> = { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers };
  const url = pathFor(route, world);
  if (route.method === 'GET' || route.method === 'HEAD' || route.method === 'OPTIONS')
    return { method: route.method, url, headers };
  const fields: Record<string, string | string[]> = { ...validFields(route) };
  if (opts.csrf !== undefined) fields._csrf = opts.csrf;
  if (route.multipart) {
    const { payload, type } = multipartBody(fields);
    return { method: route.method as 'POST', url, payload, headers: { ...headers, 'content-type': type } };
  }
  return {
    method: route.method as 'POST',
    url,
    payload: formBody(fields),
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
  };
}
