import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DIALECTS,
  assertNoClientTraces,
  createTestApp,
  dumpDatabase,
  type TestApp,
} from '../../../test/support/app.ts';
import { csrfFrom, loginAs, type StaffSession } from '../../../test/support/staff.ts';
import { seedDirectory } from './seed.ts';
import { reportOutdated, submitSuggestion } from './service.ts';

/*
 * Hostile input on every directory route — public pages, the curators' pages and the HSDS API: wrong
 * types, numbers beyond 2^31 or negative, several values where one is expected, over-long text, bytes
 * that are not UTF-8, NUL, bell and bidi controls. Each is refused with 400 — an HTML page for pages
 * (the search page itself, with the message beside the field, for a search address), `{ error,
 * statusCode }` JSON under /api — never a 500 or a stack trace, and the database stays exactly as it was.
 */
type Value = string | string[] | Buffer;
type Form = Record<string, Value>;

const RAW_FF = Buffer.from([0x62, 0xff]);
const common: Value[] = [['a', 'b'], RAW_FF, 'a\u0000b', 'a\u202Eb', 'a\u0007b'];
const hostile = {
  text: (max: number): Value[] => [...common, 'x'.repeat(max + 1)],
  choice: (): Value[] => [...common, 'bogus', ''],
};
/** Hostile query values for one parameter, percent-encoded as they appear in the address. */
const gateQuery = (name: string) => [`${name}=%FF`, `${name}=%00`, `${name}=%E2%80%AE`, `${name}=%1B`];
const once = (name: string) => `${name}=1&${name}=2`;
const numberQuery = (name: string) => [
  ...gateQuery(name),
  once(name),
  `${name}=abc`,
  `${name}=-1`,
  `${name}=0`,
  `${name}=1.5`,
  `${name}=99999999999`,
  `${name}=2147483648`,
];
const badIdSegments = ['abc', '0', '-1', '99999999999', '2147483648', '1.5', '%00', '%E2%80%AE', '%1B'];
const badTextSegments = ['%00', '%E2%80%AE', '%1B'];
const notUtf8Segments = ['%FF', '%C0%AF', 'x%FEy'];

interface RouteSpec {
  method: 'GET' | 'POST' | 'OPTIONS';
  path: string;
  params?: Record<string, { valid: string; kind: 'id' | 'text' }>;
  /** Hostile query strings for this route (the gate's are always tried too). */
  query?: string[];
  form?: { valid: Form; fields: Record<string, Value[]> };
  /** Which session sends it: none (a reader), a moderator, or an admin. */
  as?: 'moderator' | 'admin';
  api?: boolean;
}

interface Fixture {
  t: TestApp;
  moderator: StaffSession;
  admin: StaffSession;
  anonCsrf: string;
  listing: { id: string; slug: string };
  suggestion: number;
  report: number;
  term: string;
}

function encodeForm(fields: Form): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) {
      const encoded = Buffer.isBuffer(v) ? v : Buffer.from(encodeURIComponent(v));
      parts.push(Buffer.from(`${encodeURIComponent(name)}=`), encoded, Buffer.from('&'));
    }
  return Buffer.concat(parts);
}
const show = (v: Value) => (Buffer.isBuffer(v) ? `bytes ${v.toString('hex')}` : JSON.stringify(v).slice(0, 60));

function routes(f: Fixture): RouteSpec[] {
  const id = (v: number) => ({ valid: String(v), kind: 'id' as const });
  const text = (v: string) => ({ valid: v, kind: 'text' as const });
  const listingForm = {
    valid: {
      name: 'Hostile test listing',
      status: 'active',
      category: 'legal',
      loc0_city: 'Leeds',
      loc0_country: 'GB',
    },
    fields: {
      name: hostile.text(10_000),
      description: hostile.text(10_000),
      loc0_city: hostile.text(10_000),
      category: [RAW_FF, 'a\u0000b', 'x'.repeat(201), Array.from({ length: 201 }, () => 'legal')],
      // The editor's rows and lists (editor-rows.ts, editor-choices.ts) and its place buttons (place-finder.ts).
      hours0_days: [...common, 'XX', 'mo', 'MO,TU', Array.from({ length: 8 }, () => 'MO')],
      hours0_opens: [...common, '25:00', '9am', '09:60', 'x'.repeat(10_001)],
      loc0_hours0_closes: [...common, '12:00'],
      hours0_allDay: [...common, '1'],
      phone0_number: [...common, 'abc', '+1', '0', '+44 20 7946 0141'.repeat(3), 'x'.repeat(10_001)],
      phone0_type: [...common, 'fax', 'VOICE'],
      phone0_note: hostile.text(10_000),
      // "By appointment" and the dated changes (a row with a value but no first date is refused).
      byAppointment: common,
      exception0_from: [...common, '2026-02-30', '25/12/2026', '2026-12-25T00:00', 'x'.repeat(10_001)],
      exception0_to: [...common, '2026-12-24'],
      exception0_kind: [...common, 'open', 'HOURS'],
      exception0_opens: [...common, '12:00', '25:00'],
      exception0_closes: [...common, '12:00'],
      exception0_note: hostile.text(10_000),
      languages: [...common, 'english', 'x1', Array.from({ length: 201 }, () => 'en')],
      areas: [...common, 'ZZZ', 'france', Array.from({ length: 301 }, () => 'GB')],
      timezone: [...common, 'Mars/Olympus', 'x'.repeat(10_001)],
      findPlace: common,
      usePlace: common,
      nudge: common,
      loc0_pick: common,
      loc0_lookup: hostile.text(10_000),
    },
  };
  const lang = ['lang=en&lang=fr', `lang=${'x'.repeat(11)}`];
  const suggest = { name: 'A service', url: '', context: '', where: '', contact: '' };
  const moderator = 'moderator' as const;
  return [
    // ── readers ──
    {
      method: 'GET',
      path: '/resources',
      query: [
        ...lang,
        `q=${'x'.repeat(201)}`,
        once('q'),
        ...numberQuery('radius').filter((q) => !q.endsWith('=1.5')),
        'radius=1e9',
        'radius=Infinity',
        ...numberQuery('page'),
        ...numberQuery('placeId'),
        'sort=bogus',
        once('sort'),
        'open=2',
        once('open'),
        `category=${'x'.repeat(101)}`,
        Array.from({ length: 21 }, (_, i) => `approach=t${i}`).join('&'),
        `place=${'x'.repeat(1001)}`,
        `at=${'1'.repeat(101)}`,
      ],
    },
    { method: 'GET', path: '/resources/suggest', query: lang },
    {
      method: 'POST',
      path: '/resources/suggest',
      query: lang,
      form: {
        valid: suggest,
        fields: Object.fromEntries(Object.keys(suggest).map((k) => [k, hostile.text(5000)])),
      },
    },
    { method: 'GET', path: '/resources/:slug', params: { slug: text(f.listing.slug) }, query: lang },
    {
      method: 'POST',
      path: '/resources/:slug/report',
      params: { slug: text(f.listing.slug) },
      query: lang,
      form: { valid: { message: 'Closed on Mondays now.' }, fields: { message: hostile.text(10_000) } },
    },
    // ── curators ──
    { method: 'GET', path: '/admin/resources', query: ['done=bogus', once('done')], as: moderator },
    { method: 'POST', path: '/admin/resources/reports/:id/resolve', params: { id: id(f.report) }, as: moderator },
    { method: 'GET', path: '/admin/resources/new', as: moderator },
    { method: 'POST', path: '/admin/resources/new', form: listingForm, as: moderator },
    { method: 'GET', path: '/admin/resources/:id/edit', params: { id: text(f.listing.id) }, as: moderator },
    {
      method: 'POST',
      path: '/admin/resources/:id/edit',
      params: { id: text(f.listing.id) },
      form: listingForm,
      as: moderator,
    },
    {
      method: 'POST',
      path: '/admin/resources/:id/verify',
      params: { id: text(f.listing.id) },
      form: { valid: { back: 'verification' }, fields: { back: hostile.choice() } },
      as: moderator,
    },
    { method: 'GET', path: '/admin/resources/suggestions/:id', params: { id: id(f.suggestion) }, as: moderator },
    {
      method: 'POST',
      path: '/admin/resources/suggestions/:id/approve',
      params: { id: id(f.suggestion) },
      form: listingForm,
      as: moderator,
    },
    {
      method: 'POST',
      path: '/admin/resources/suggestions/:id/merge',
      params: { id: id(f.suggestion) },
      form: { valid: { target: f.listing.slug }, fields: { target: hostile.text(200) } },
      as: moderator,
    },
    {
      method: 'POST',
      path: '/admin/resources/suggestions/:id/reject',
      params: { id: id(f.suggestion) },
      as: moderator,
    },
    { method: 'GET', path: '/admin/resources/verification', as: moderator },
    {
      method: 'POST',
      path: '/admin/resources/verification',
      form: { valid: { months: '12' }, fields: { months: [...hostile.text(20), 'abc', '-1', '0', '99999999999'] } },
      as: moderator,
    },
    // ── admins ──
    { method: 'GET', path: '/admin/resources/taxonomy', as: 'admin' },
    {
      method: 'POST',
      path: '/admin/resources/taxonomy',
      form: {
        valid: { facet: 'approach', code: 'hostile-test', name: 'Hostile test', description: '' },
        fields: {
          facet: hostile.choice(),
          code: hostile.text(200),
          name: hostile.text(1000),
          description: hostile.text(2000),
        },
      },
      as: 'admin',
    },
    {
      method: 'POST',
      path: '/admin/resources/taxonomy/:id',
      params: { id: text(f.term) },
      form: {
        valid: { name: 'Renamed by a hostile test', description: '' },
        fields: { name: hostile.text(1000), description: hostile.text(2000) },
      },
      as: 'admin',
    },
    // ── the HSDS API ──
    ...apiRoutes(f),
  ];
}

function apiRoutes(f: Fixture): RouteSpec[] {
  const listing = [...numberQuery('page'), ...numberQuery('per_page'), 'per_page=101', 'format=xml', once('format')];
  const flag = (name: string) => [`${name}=yes`, `${name}=2`, once(name)];
  const textParam = (name: string, max: number) => [...gateQuery(name), once(name), `${name}=${'x'.repeat(max + 1)}`];
  const serviceFilters = [
    ...textParam('search', 200),
    ...textParam('taxonomy_id', 100),
    ...textParam('taxonomy_term_id', 100),
    ...textParam('organization_id', 100),
    'modified_after=2026-02-30',
    'modified_after=tomorrow',
    once('modified_after'),
    'postcode=%3Cscript%3E',
    `postcode=${'A'.repeat(17)}`,
    once('postcode'),
    'postcode=E1&proximity=1e9',
    'postcode=E1&proximity=-5',
    'postcode=E1&proximity=0x10',
    'proximity=1000',
  ];
  const record = (path: string, valid: string): RouteSpec => ({
    method: 'GET',
    path,
    params: { id: { valid, kind: 'text' } },
    api: true,
  });
  return [
    { method: 'GET', path: '/api/hsds', api: true },
    { method: 'OPTIONS', path: '/api/hsds/services', api: true },
    {
      method: 'GET',
      path: '/api/hsds/services',
      query: [...listing, ...serviceFilters, ...flag('minimal'), ...flag('full'), 'minimal=true&full=true'],
      api: true,
    },
    record('/api/hsds/services/:id', f.listing.id),
    {
      method: 'GET',
      path: '/api/hsds/service_at_locations',
      query: [...listing, ...serviceFilters, ...textParam('service_id', 100), ...flag('full')],
      api: true,
    },
    record('/api/hsds/service_at_locations/:id', 'nope'),
    {
      method: 'GET',
      path: '/api/hsds/organizations',
      query: [...listing, ...textParam('search', 200), ...flag('full'), ...flag('full_service')],
      api: true,
    },
    { ...record('/api/hsds/organizations/:id', 'nope'), query: flag('full_service') },
    { method: 'GET', path: '/api/hsds/taxonomies', query: [...listing, ...textParam('search', 200)], api: true },
    record('/api/hsds/taxonomies/:id', 'nope'),
    {
      method: 'GET',
      path: '/api/hsds/taxonomy_terms',
      query: [...listing, ...textParam('parent_id', 100), ...flag('top_only'), 'top_only=true&parent_id=x'],
      api: true,
    },
    record('/api/hsds/taxonomy_terms/:id', f.term),
  ];
}

interface Variant {
  label: string;
  url: string;
  body?: Form;
  /** Refused by Fastify's router before any route: 400 FST_ERR_BAD_URL (not UTF-8) or 414 (over 100 characters). */
  router?: 'bad-url' | 'too-long';
}

function variants(spec: RouteSpec): Variant[] {
  const params = spec.params ?? {};
  const fill = (values: Record<string, string>) => spec.path.replace(/:(\w+)/g, (_m, name: string) => values[name]!);
  const validParams = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.valid]));
  const url = fill(validParams);
  const body = spec.form?.valid ?? (spec.method === 'POST' ? {} : undefined);
  const out: Variant[] = [];
  for (const [name, param] of Object.entries(params)) {
    for (const bad of param.kind === 'id' ? badIdSegments : badTextSegments)
      out.push({ label: `path ${name}=${bad}`, url: fill({ ...validParams, [name]: bad }), body });
    for (const bad of notUtf8Segments)
      out.push({ label: `path ${name}=${bad}`, url: fill({ ...validParams, [name]: bad }), body, router: 'bad-url' });
    out.push({
      label: `path ${name} over-long`,
      url: fill({ ...validParams, [name]: 'x'.repeat(101) }),
      body,
      router: 'too-long',
    });
  }
  for (const q of [...gateQuery('x'), ...(spec.query ?? [])])
    out.push({ label: `query ${q.slice(0, 50)}`, url: `${url}?${q}`, body });
  if (spec.form)
    for (const [name, values] of Object.entries(spec.form.fields))
      for (const v of values)
        out.push({ label: `field ${name}=${show(v)}`, url, body: { ...spec.form.valid, [name]: v } });
  else if (spec.method === 'POST')
    for (const v of [RAW_FF, 'a\u0000b', 'a\u202Eb']) out.push({ label: `body x=${show(v)}`, url, body: { x: v } });
  return out;
}

let requestNo = 0;
const addresses: string[] = [];

/** One request, each from its own loopback address so per-client rate limits never answer first. */
function send(f: Fixture, spec: RouteSpec, v: Variant) {
  const n = ++requestNo;
  const remoteAddress = `127.99.${n >> 8}.${n & 255}`;
  addresses.push(remoteAddress);
  const session = spec.as === 'admin' ? f.admin : spec.as === 'moderator' ? f.moderator : undefined;
  const headers: Record<string, string> = session ? { cookie: session.cookie } : {};
  if (spec.method !== 'POST') return f.t.inject({ method: spec.method, url: v.url, remoteAddress, headers });
  return f.t.inject({
    method: 'POST',
    url: v.url,
    remoteAddress,
    payload: encodeForm({ _csrf: session?.csrf ?? f.anonCsrf, ...v.body }),
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const STACK = /\bat \S+ \(|\.tsx?:\d+|node_modules|Error:/;

function assertRefused(label: string, spec: RouteSpec, v: Variant, res: Awaited<ReturnType<TestApp['inject']>>) {
  if (v.router) {
    assert.equal(res.statusCode, v.router === 'bad-url' ? 400 : 414, label);
    assert.doesNotMatch(res.body, /\bat \S+ \(|\.tsx?:\d+|node_modules/, `${label}: no stack trace`);
    return;
  }
  assert.equal(res.statusCode, 400, `${label}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  assert.doesNotMatch(res.body, STACK, `${label}: no stack trace`);
  if (spec.api) {
    assert.match(String(res.headers['content-type']), /^application\/json/, label);
    const json = res.json() as { error: unknown; statusCode: unknown };
    assert.deepEqual(Object.keys(json).sort(), ['error', 'statusCode'], label);
    assert.equal(typeof json.error, 'string', label);
    assert.equal(json.statusCode, 400, label);
  } else {
    assert.match(String(res.headers['content-type']), /^text\/html/, label);
    assert.match(res.body, /<h1|<h2 id="error-summary-title">/, label);
  }
}

for (const dialect of DIALECTS) {
  describe(`hostile input on directory routes (${dialect})`, () => {
    let f: Fixture;
    before(async () => {
      const t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      const service = await t.db
        .selectFrom('service')
        .select(['id', 'slug'])
        .where('slug', '=', 'red-umbrella-drop-in')
        .executeTakeFirstOrThrow();
      const suggestion = await submitSuggestion(t.db, t.clock, { name: 'Pending (hostile test)', source: 'form' });
      assert.ok(suggestion.ok);
      assert.ok((await reportOutdated(t.db, t.clock, service.id, 'New hours.')).ok);
      const report = await t.db.selectFrom('directory_reports').select('id').executeTakeFirstOrThrow();
      const term = await t.db
        .selectFrom('taxonomy_term')
        .select('id')
        .where('code', '=', 'legal')
        .executeTakeFirstOrThrow();
      f = {
        t,
        moderator: await loginAs(t, 'moderator'),
        admin: await loginAs(t, 'admin'),
        anonCsrf: csrfFrom((await t.inject('/resources/suggest')).body),
        listing: service,
        suggestion: suggestion.value.id,
        report: report.id,
        term: term.id,
      };
    });
    after(() => f.t.close());

    it('answers every hostile value on every route with 400 and changes nothing', async () => {
      let count = 0;
      const before = await dumpDatabase(f.t.db, dialect);
      for (const spec of routes(f)) {
        for (const v of variants(spec)) {
          const res = await send(f, spec, v);
          assertRefused(`${spec.method} ${spec.path} ${v.label}`, spec, v, res);
          count++;
        }
      }
      assert.equal(await dumpDatabase(f.t.db, dialect), before, 'nothing changed');
      assert.ok(count > 500, `many cases ran (${count})`);
      await assertNoClientTraces(f.t.db, dialect, f.t.logs(), addresses.slice(-count));
    });

    it('names the field in what it refuses: the search field, the API parameter, the form field with bad bytes', async () => {
      const search = await f.t.inject('/resources?radius=abc&place=Leeds');
      assert.equal(search.statusCode, 400);
      assert.match(search.body, /<a href="#field-radius">Choose a distance between 1 and 500 km\.<\/a>/);
      const fr = await f.t.inject('/resources?lang=fr&page=0');
      assert.match(fr.body, /Cette page n’existe pas\./);
      const api = await f.t.inject('/api/hsds/services?per_page=1e3');
      assert.deepEqual(api.json(), { error: 'per_page must be a whole number from 1 to 100.', statusCode: 400 });
      const twice = await f.t.inject('/api/hsds/organizations?search=a&search=b');
      assert.equal(twice.json().error, 'search must be given once.');
      const bytes = await send(
        f,
        { method: 'POST', path: '/resources/suggest' },
        { label: 'bytes', url: '/resources/suggest', body: { name: RAW_FF } },
      );
      assert.equal(bytes.statusCode, 400);
      assert.match(bytes.body, /The field “name” contains characters that could not be read/);
    });

    it('answers a place button naming no location, direction or place with the form again, saving nothing', async () => {
      const before = await dumpDatabase(f.t.db, dialect);
      const valid = {
        name: 'Hostile test listing',
        status: 'active',
        loc0_id: '',
        loc0_city: 'Leeds',
        loc0_country: 'GB',
      };
      const post = (body: Form) =>
        send(
          f,
          { method: 'POST', path: '/admin/resources/new', as: 'moderator' },
          { label: '', url: '/admin/resources/new', body },
        );
      for (const body of [
        { ...valid, findPlace: '9999', loc0_lookup: 'Leeds' },
        { ...valid, findPlace: '0', loc0_lookup: '<script>alert(1)</script>' },
        { ...valid, nudge: '0:up', loc0_latitude: '53.8', loc0_longitude: '-1.55' },
        { ...valid, nudge: '0:n', loc0_latitude: '95', loc0_longitude: 'abc' },
        { ...valid, usePlace: '0', loc0_pick: '99999999999' },
        { ...valid, usePlace: '0', loc0_pick: '-1' },
      ]) {
        const res = await post(body);
        assert.equal(res.statusCode, 200, JSON.stringify(body));
        assert.match(res.body, /<h1>New listing<\/h1>/);
        assert.doesNotMatch(res.body, /<script>alert/, 'the typed name is escaped');
      }
      const nowhere = await post({ ...valid, findPlace: '0', loc0_lookup: 'Nowhereville Zzyzx' });
      assert.match(
        nowhere.body,
        /<a href="#field-loc0_lookup">Location 1: no place called “Nowhereville Zzyzx” was found\./,
      );
      const moved = await post({ ...valid, nudge: '0:n', loc0_latitude: '90', loc0_longitude: '180' });
      assert.match(moved.body, /name="loc0_latitude"[^>]*value="90"/, 'never past the pole');
      const east = await post({ ...valid, nudge: '0:e', loc0_latitude: '0', loc0_longitude: '180' });
      assert.match(east.body, /name="loc0_longitude"[^>]*value="-179.995"/, 'across the date line');
      assert.equal(await dumpDatabase(f.t.db, dialect), before, 'nothing saved');
    });

    it('still answers the valid form of each kind of request', async () => {
      assert.equal(
        (await f.t.inject('/resources?q=drop-in&category=legal&radius=25&page=1&sort=relevance')).statusCode,
        200,
      );
      assert.equal((await f.t.inject('/api/hsds/services?page=1&per_page=5&full=1')).statusCode, 200);
      assert.equal((await f.t.inject(`/resources/${f.listing.slug}?lang=fr`)).statusCode, 200);
      const staffPage = await f.t.inject({
        url: '/admin/resources?done=merged',
        headers: { cookie: f.moderator.cookie },
      });
      assert.equal(staffPage.statusCode, 200);
      assert.match(staffPage.body, /Suggestion merged\./);
    });
  });
}
