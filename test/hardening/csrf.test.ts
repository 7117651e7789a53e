import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { DIALECTS, type TestApp } from '../support/app.ts';
import { watchDatabase } from '../support/db-watch.ts';
import { because, createHardeningApp, shows } from '../support/hardening.ts';
import { allowedRoles, isStateChanging, routeInventory, type InventoryRoute } from '../support/routes.ts';
import type { StaffSession } from '../support/staff.ts';
import { browserRequest, buildWorld, staffSession, type World } from '../support/world.ts';

/*
 * Forged requests, on every state-changing route Fastify knows (support/routes.ts): each is sent
 * by someone who may use the route, with a body that passes its schema — but without a form token,
 * with another session's token, or from another site (Sec-Fetch-Site, or an Origin header for
 * browsers that send no Sec-Fetch-Site). Every one is refused with 403 and changes nothing; the same
 * request with its own token from this site is not refused, so the 403s are the check's doing.
 * Routes may opt out of the check (`config: { csrf: false }`) only when listed below, with why.
 */
const OPT_OUTS: Record<string, string> = {
  ...because('read-only JSON API with CORS: no state changes, no cookies read, nothing to forge', [
    'GET /api/posts',
    'HEAD /api/posts',
    'GET /api/posts/:slug',
    'HEAD /api/posts/:slug',
    'GET /api/tags',
    'HEAD /api/tags',
    'GET /api/authors',
    'HEAD /api/authors',
    'OPTIONS /api/hsds/*',
    'GET /api/hsds',
    'HEAD /api/hsds',
    'GET /api/hsds/services',
    'HEAD /api/hsds/services',
    'GET /api/hsds/services/:id',
    'HEAD /api/hsds/services/:id',
    'GET /api/hsds/service_at_locations',
    'HEAD /api/hsds/service_at_locations',
    'GET /api/hsds/service_at_locations/:id',
    'HEAD /api/hsds/service_at_locations/:id',
    'GET /api/hsds/organizations',
    'HEAD /api/hsds/organizations',
    'GET /api/hsds/organizations/:id',
    'HEAD /api/hsds/organizations/:id',
    'GET /api/hsds/taxonomies',
    'HEAD /api/hsds/taxonomies',
    'GET /api/hsds/taxonomies/:id',
    'HEAD /api/hsds/taxonomies/:id',
    'GET /api/hsds/taxonomy_terms',
    'HEAD /api/hsds/taxonomy_terms',
    'GET /api/hsds/taxonomy_terms/:id',
    'HEAD /api/hsds/taxonomy_terms/:id',
  ]),
  ...because('the proof-of-work challenge: fetched by script before a form is sent, changes nothing', [
    'GET /antispam/challenge',
    'HEAD /antispam/challenge',
  ]),
  ...because('scraped with a bearer token by a metrics collector, never by a browser; read-only', [
    'GET /metrics',
    'HEAD /metrics',
  ]),
};

/** Requests that end the session they are sent with: each gets a session of its own. */
const ENDS_SESSION = new Set(['POST /admin/logout', 'POST /admin/account/sessions/end-all']);

for (const dialect of DIALECTS) {
  describe(`forged requests on every state-changing route (${dialect})`, () => {
    let t: TestApp;
    let world: World;
    let routes: InventoryRoute[];

    before(async () => {
      t = await createHardeningApp(dialect);
      routes = routeInventory(t.app);
      world = await buildWorld(t);
    });
    after(() => t.close());

    it('lets only the listed routes opt out of the check, and none of them changes state', () => {
      const optedOut = routes.filter((r) => !r.csrf);
      assert.deepEqual(
        optedOut.filter((r) => !(r.key in OPT_OUTS)).map((r) => r.key),
        [],
        'routes with `csrf: false` not listed (with a reason) in test/hardening/csrf.test.ts',
      );
      assert.deepEqual(
        optedOut.filter((r) => isStateChanging(r.method)).map((r) => r.key),
        [],
        'state-changing routes that skip the CSRF check',
      );
      const keys = new Set(optedOut.map((r) => r.key));
      assert.deepEqual(
        Object.keys(OPT_OUTS).filter((k) => !keys.has(k)),
        [],
        'opt-outs that match no opted-out route',
      );
    });

    it('refuses every forged request with 403 and changes nothing', async () => {
      const watch = await watchDatabase(t.db, dialect);
      const problems: string[] = [];
      const targets = routes.filter((r) => isStateChanging(r.method));
      assert.ok(targets.length >= 60, `the inventory has the state-changing routes (${targets.length})`);
      let forged = 0;
      for (const route of targets) {
        // Someone who may use the route: an allowed role for staff routes, a visitor for public ones.
        const role = route.actions.length ? allowedRoles(route)[0]! : undefined;
        const own: StaffSession | undefined =
          role && ENDS_SESSION.has(route.key) ? await staffSession(t, role) : role ? world.staff[role] : undefined;
        const session = own ?? (ENDS_SESSION.has(route.key) ? await staffSession(t, 'admin') : undefined);
        await watch.after(false, `${route.key}: a session of its own`);
        const cookie = session?.cookie;
        const token = session?.csrf ?? world.anonCsrf;
        const staffToken = world.otherAdmin.csrf;
        const forgeries: [string, InjectOptions][] = [
          ['without a token', browserRequest(route, world, { cookie })],
          ['with an empty token', browserRequest(route, world, { cookie, csrf: '' })],
          ['with a made-up token', browserRequest(route, world, { cookie, csrf: token.slice(0, -4) + 'AAAA' })],
          [
            'with another session’s token',
            browserRequest(route, world, { cookie, csrf: session ? staffToken : world.staff.editor.csrf }),
          ],
          ...(session
            ? ([['with a visitor’s token', browserRequest(route, world, { cookie, csrf: world.anonCsrf })]] as [
                string,
                InjectOptions,
              ][])
            : []),
          ...['cross-site', 'same-site'].map(
            (site) =>
              [
                `from another site (Sec-Fetch-Site: ${site})`,
                browserRequest(route, world, { cookie, csrf: token, headers: { 'sec-fetch-site': site } }),
              ] as [string, InjectOptions],
          ),
          [
            'from another site (Origin, no Sec-Fetch-Site)',
            browserRequest(route, world, { cookie, csrf: token, headers: { origin: 'https://evil.example' } }),
          ],
        ];
        for (const [how, request] of forgeries) {
          const res = await t.inject(request);
          forged++;
          const label = `${route.key} ${how} → ${res.statusCode}`;
          const refused = res.statusCode === 403 && (shows(res.body, 'formExpired') || shows(res.body, 'crossSite'));
          if (!refused) problems.push(`${label}: not refused by the CSRF check`);
          await watch.after(true, label);
        }
        // The control: the same request, with its own token, from this site, is not refused.
        const genuine = await t.inject(
          browserRequest(route, world, { cookie, csrf: token, headers: { 'sec-fetch-site': 'same-origin' } }),
        );
        if (genuine.statusCode === 403) problems.push(`${route.key} with its own token → 403: the control was refused`);
        await watch.after(false, `${route.key} with its own token`);
      }
      assert.deepEqual(problems, []);
      assert.ok(forged >= 60 * 7, `forged requests sent: ${forged}`);
    });
  });
}
