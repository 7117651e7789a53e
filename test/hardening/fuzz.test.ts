import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../../src/core/http/plugin.tsx';
import type { TSchema } from 'typebox';
import { DIALECTS, type TestApp } from '../support/app.ts';
import { watchDatabase, type DbWatch } from '../support/db-watch.ts';
import { createHardeningApp } from '../support/hardening.ts';
import {
  fieldName,
  formValue,
  hostileBytes,
  hostileText,
  jsonBody,
  jsonText,
  deepJson,
  percentEncode,
  urlPiece,
  URL_BYTES,
} from '../support/hostile.ts';
import { isStateChanging, routeInventory, type InventoryRoute } from '../support/routes.ts';
import { buildWorld, fillPath, paramsFor, staffSession, type World } from '../support/world.ts';
import type { StaffSession } from '../support/staff.ts';

/*
 * Property-based fuzzing of every route Fastify knows (support/routes.ts): its path parameters, its
 * query and its body filled with hostile values (support/hostile.ts) — NUL, controls, bidi
 * overrides, lone surrogates, bytes that are not UTF-8 (raw in bodies, percent-escaped in URLs),
 * huge strings, JSON thousands of levels deep, arrays where one value is expected, numbers beyond
 * 2^53 — sent as a form, JSON, multipart (well-formed or not) or another content type, by a visitor
 * or (with a valid form token, so the input reaches the handler) by an admin. Whatever the input:
 * never a 5xx, never a stack trace or a file path in the answer, no error or stack trace in the
 * log, and a refused request (4xx) changes nothing in the database.
 * A few runs per route keep this to seconds per dialect; each run of the suite draws a new seed, so
 * the suite explores further over time. FUZZ_RUNS sets the runs per route (e.g. 100 for a deep run),
 * FUZZ_SEED replays a failure fast-check reported, FUZZ_ROUTES (a regular expression) fuzzes only
 * the routes it matches.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const ONLY = process.env.FUZZ_ROUTES === undefined ? undefined : new RegExp(process.env.FUZZ_ROUTES);

/** A stack frame, a source or dependency path, or a file URL: nothing of the server's insides may show. */
const LEAK = /\n\s*at\s[^\n]*:\d+:\d+|node_modules|\.(?:tsx?|[cm]?js):\d+|file:\/\/\/|\bError:\s/;

interface FuzzRequest {
  as: 'visitor' | 'admin';
  method: string;
  url: string;
  contentType?: string;
  payload?: Buffer;
}

const keysOf = (schema: TSchema | undefined) =>
  Object.keys((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});

function urlencoded(pairs: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of pairs)
    parts.push(Buffer.from(`${parts.length ? '&' : ''}${percentEncode(Buffer.from(name, 'utf8'))}=`), value);
  return Buffer.concat(parts);
}

function multipart(parts: [string, Buffer, string | null][], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const [name, value, filename] of parts) {
    const file = filename === null ? '' : `; filename="${filename}"\r\nContent-Type: image/jpeg`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file}\r\n\r\n`), value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Multipart bodies a parser must survive: no boundary, a wrong one, cut short, headers without end. */
const brokenMultipart = fc.constantFrom<[string, string]>(
  ['multipart/form-data', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'],
  ['multipart/form-data; boundary=x', '--y\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--y--\r\n'],
  ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb'],
  ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data\r\n\r\nb\r\n--x--\r\n'],
  ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"'],
  ['multipart/form-data; boundary=x', '--x\r\n\r\n\r\n--x--'],
  ['multipart/form-data; boundary=x', ''],
  ['multipart/form-data; boundary=x', 'garbage'],
  ['multipart/form-data; boundary=', '--\r\n\r\n'],
  ['multipart/form-data; boundary="unterminated', '--unterminated\r\n'],
  [
    'multipart/form-data; boundary=x',
    `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${'b'.repeat(2_000_000)}\r\n--x--\r\n`,
  ],
);

/** One hostile request to the route, as `as` (the admin's form token is valid, so input reaches the handler). */
function requestFor(route: InventoryRoute, world: World, tokens: { visitor: string; admin: () => string }) {
  const params = paramsFor(route, world);
  const paramArb = fc.record(
    Object.fromEntries(
      Object.entries(params).map(([name, valid]) => [
        name,
        fc.oneof({ weight: 1, arbitrary: fc.constant(encodeURIComponent(valid)) }, { weight: 3, arbitrary: urlPiece }),
      ]),
    ),
  );
  const queryArb = fc
    .array(fc.tuple(fieldName(keysOf(route.querystring)), urlPiece), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${percentEncode(Buffer.from(k, 'utf8'))}=${v}`).join('&'))
    // A request line over Node's 16 KB limit never reaches the app: cut there (a broken escape at the cut is hostile too).
    .map((query) => query.slice(0, URL_BYTES));
  const as = fc.constantFrom<FuzzRequest['as']>(
    ...(route.actions.length ? (['admin'] as const) : (['visitor', 'admin'] as const)),
  );
  const fields = keysOf(route.body);
  const bodyArb = (token: string): fc.Arbitrary<Pick<FuzzRequest, 'contentType' | 'payload'>> =>
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.array(fc.tuple(fieldName(fields), formValue), { maxLength: 8 }).map((pairs) => ({
          contentType: 'application/x-www-form-urlencoded',
          payload: urlencoded([['_csrf', Buffer.from(encodeURIComponent(token))], ...pairs]),
        })),
      },
      {
        weight: 2,
        arbitrary: jsonBody(fields, { _csrf: token }).map((text) => ({
          contentType: 'application/json',
          payload: Buffer.from(text),
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .oneof(jsonText, deepJson)
          .map((text) => ({ contentType: 'application/json', payload: Buffer.from(text) })),
      },
      {
        weight: route.multipart ? 4 : 1,
        arbitrary: fc
          .array(
            fc.tuple(
              fieldName([...fields, 'cover']),
              formValue,
              fc.option(hostileText.map((s) => s.replace(/["\r\n]/g, ''))),
            ),
            {
              maxLength: 6,
            },
          )
          .map((parts) => ({
            contentType: 'multipart/form-data; boundary=fuzzboundary',
            payload: multipart([['_csrf', Buffer.from(token), null], ...parts], 'fuzzboundary'),
          })),
      },
      {
        weight: 1,
        arbitrary: brokenMultipart.map(([contentType, body]) => ({ contentType, payload: Buffer.from(body) })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom(
              'text/plain',
              'application/octet-stream',
              'application/xml',
              'application/x-www-form-urlencoded; charset=iso-8859-1',
              'application/json; charset=utf-16',
              'application/x-www-form-urlencoded; boundary=x',
              'multipart/mixed; boundary=x',
              '*/*',
              'x',
            ),
            fc.oneof(hostileBytes, formValue),
          )
          .map(([contentType, payload]) => ({ contentType, payload })),
      },
    );
  return fc.tuple(as, paramArb, queryArb).chain(([who, values, query]) => {
    const url = fillPath(route.url, values, true) + (query ? `?${query}` : '');
    const base = { as: who, method: route.method, url };
    if (!isStateChanging(route.method)) return fc.constant<FuzzRequest>(base);
    return bodyArb(who === 'admin' ? tokens.admin() : tokens.visitor).map((body): FuzzRequest => ({
      ...base,
      ...body,
    }));
  });
}

for (const dialect of DIALECTS) {
  describe(`hostile input to every route, property-based (${dialect})`, () => {
    let t: TestApp;
    let world: World;
    let watch: DbWatch;
    let admin: StaffSession;
    const statuses = new Map<number, number>();

    before(async () => {
      t = await createHardeningApp(dialect);
      world = await buildWorld(t);
      admin = world.staff.admin;
      watch = await watchDatabase(t.db, dialect);
    });
    after(async () => {
      const counts = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      console.log(
        `# fuzz (${dialect}): ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests: ${counts.join(' ')}`,
      );
      await t.close();
    });

    /**
     * A request that logs the admin out (or revokes its sessions) must not blind the rest: once an
     * admin request is answered as if by a visitor, or clears the session cookie, log in again
     * before the next route.
     */
    let adminLost = false;
    let sent = 0;
    async function keepAdmin() {
      if (!adminLost) return;
      admin = await staffSession(t, 'admin');
      adminLost = false;
      await watch.after(false, 'a new admin session');
    }
    const endsSession = (res: LightMyRequestResponse) =>
      res.statusCode === 401 ||
      String(res.headers.location ?? '').startsWith('/admin/login') ||
      String(res.headers['set-cookie'] ?? '').includes(`${SESSION_COOKIE}=;`);

    async function send(request: FuzzRequest) {
      const options: InjectOptions = {
        // Each from its own address (documentation range), so the per-client rate limits do not stop the fuzzing.
        remoteAddress: `198.51.100.${++sent % 250}`,
        method: request.method as 'GET',
        url: request.url,
        headers: {
          ...(request.as === 'admin' ? { cookie: admin.cookie } : {}),
          ...(request.contentType ? { 'content-type': request.contentType } : {}),
        },
        ...(request.payload ? { payload: request.payload } : {}),
      };
      const logged = t.logs().length;
      const res = await t.inject(options);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (request.as === 'admin' && endsSession(res)) adminLost = true;
      const label = `${request.method} ${request.url.slice(0, 200)} as ${request.as} → ${res.statusCode}`;
      assert.ok(res.statusCode < 500, `${label}: ${res.body.slice(0, 300)}`);
      assert.doesNotMatch(res.body, LEAK, `${label}: the answer shows the server's insides`);
      assert.ok(!res.body.includes(process.cwd()) && !res.body.includes(t.database.dataDir), `${label}: a file path`);
      const log = t.logs().slice(logged);
      assert.doesNotMatch(
        log,
        /"level":(?:50|60)|"stack"/,
        `${label}: the log has an error or a stack trace: ${log.slice(0, 300)}`,
      );
      await watch.after(res.statusCode >= 400, label);
    }

    it('fuzzes every route: never a 5xx or a stack trace, and a refusal changes nothing', async () => {
      const routes = routeInventory(t.app).filter((r) => r.method !== 'HEAD');
      assert.ok(routes.length >= 150, `the inventory has every route (${routes.length})`);
      const chosen = ONLY ? routes.filter((r) => ONLY.test(r.key)) : routes;
      const tokens = { visitor: world.anonCsrf, admin: () => admin.csrf };
      const failures: string[] = [];
      for (const route of chosen) {
        await keepAdmin();
        // Every route is fuzzed even after one fails, so the report names them all.
        const details = await fc.check(fc.asyncProperty(requestFor(route, world, tokens), send), {
          numRuns: RUNS,
          ...(SEED === undefined ? {} : { seed: SEED }),
        });
        if (details.failed) {
          const error =
            details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
          failures.push(`${route.key}: ${error}\n${fc.defaultReportMessage(details)}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
