import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ROLES } from '../../src/core/auth/policy.ts';
import type { Role } from '../../src/core/db/schema.ts';
import { DIALECTS, type TestApp } from '../support/app.ts';
import { watchDatabase } from '../support/db-watch.ts';
import { because, createHardeningApp, decisionKey, shows } from '../support/hardening.ts';
import { allowedRoles, routeInventory, type InventoryRoute } from '../support/routes.ts';
import { browserRequest, buildWorld, staffSession, type World } from '../support/world.ts';

/*
 * Who may use each route, checked against the one table that decides it (core/auth/policy.ts).
 * The routes come from Fastify itself (support/routes.ts): each carries the action its staff guard
 * checks, or is listed below as open to everyone, with the reason. A route with neither fails the
 * first test by name, so a new route cannot ship without a decision. Then every route is requested
 * as every role and as an anonymous visitor, with a form token and a body that passes its schema
 * (so nothing but the guard can refuse it): the roles policy.ts allows are never refused by the
 * guard; any other role gets 403, a visitor the login page (GET) or 401; a refused request changes
 * nothing in the database; and no request, allowed or not, gets a server error.
 */
const PUBLIC: Record<string, string> = {
  ...because('files, health and the anti-spam challenge every reader’s page needs', [
    'GET /static/*',
    'GET /antispam/challenge',
    'GET /healthz',
  ]),
  ...because('the site’s identity every reader’s page shows: the accent stylesheet and the logo', [
    'GET /identity/:file',
  ]),
  ...because('protected by its own bearer token (METRICS_TOKEN), not a staff session', ['GET /metrics']),
  ...because('the way in and out of the staff area', [
    'GET /admin/login',
    'POST /admin/login',
    'POST /admin/logout',
    'GET /admin/login/code',
    'POST /admin/login/code',
  ]),
  ...because('a password-reset link an admin made: whoever holds the unguessable token sets that password, once', [
    'GET /admin/reset/:token',
    'POST /admin/reset/:token',
  ]),
  ...because('readers’ pages and feeds', [
    'GET /',
    'GET /safety',
    'GET /posts/:slug',
    'GET /tags',
    'GET /tags/:slug',
    'GET /authors/:slug',
    'GET /search',
    'GET /media/posts/:file',
    'GET /feed.xml',
    'GET /atom.xml',
    'GET /feed.json',
    'GET /tags/:slug/feed.xml',
    'GET /tags/:slug/atom.xml',
    'GET /tags/:slug/feed.json',
    'GET /authors/:slug/feed.xml',
    'GET /authors/:slug/atom.xml',
    'GET /authors/:slug/feed.json',
    'GET /sitemap.xml',
    'GET /robots.txt',
    'GET /comments.atom',
    'GET /posts/:slug/comments.atom',
    'GET /resources',
    'GET /resources/:slug',
    'GET /training',
    'GET /training/:course',
    'GET /training/:course/:lesson',
    'GET /certificates/:code',
    'GET /certificates/:code/pdf',
    'GET /certificates/:code/issued',
    'GET /campaigns',
    'GET /campaigns/:slug',
    'GET /campaigns/:slug/events.ics',
    'GET /campaigns/:slug/pledges.atom',
  ]),
  ...because('the public read APIs (JSON, CORS)', [
    'GET /api/posts',
    'GET /api/posts/:slug',
    'GET /api/tags',
    'GET /api/authors',
    'OPTIONS /api/hsds/*',
    'GET /api/hsds',
    'GET /api/hsds/services',
    'GET /api/hsds/services/:id',
    'GET /api/hsds/service_at_locations',
    'GET /api/hsds/service_at_locations/:id',
    'GET /api/hsds/organizations',
    'GET /api/hsds/organizations/:id',
    'GET /api/hsds/taxonomies',
    'GET /api/hsds/taxonomies/:id',
    'GET /api/hsds/taxonomy_terms',
    'GET /api/hsds/taxonomy_terms/:id',
  ]),
  ...because('readers write without an account: comments, pledges, suggestions, reports (moderated)', [
    'GET /posts/:slug/comments/new',
    'POST /posts/:slug/comments',
    'POST /campaigns/:slug/pledges',
    'POST /campaigns/:slug/pledges/:id/me-too',
    'GET /resources/suggest',
    'POST /resources/suggest',
    'POST /resources/:slug/report',
  ]),
  ...because('private links: whoever holds the unguessable token is its owner', [
    'GET /comments/:token',
    'POST /comments/:token/edit',
    'POST /comments/:token/delete',
    'GET /campaigns/pledges/:token',
    'POST /campaigns/pledges/:token',
    'POST /campaigns/pledges/:token/delete',
  ]),
  ...because('learners train without an account, under a progress code', [
    'GET /training/resume',
    'POST /training/resume',
    'POST /training/forget',
    'GET /training/code',
    'GET /training/my-code.txt',
    'POST /training/passphrase',
    'POST /training/:course/start',
    'POST /training/:course/certificate',
    'POST /training/:course/:lesson/quiz',
    'POST /training/:course/:lesson/complete',
  ]),
};

/** A refusal that is the route's own answer to what it was sent, not the guard's. */
const OWN_REFUSALS: Record<string, { status: number; reason: string }> = {
  'POST /admin/login': { status: 401, reason: 'wrong credentials (the test sends an empty e-mail and password)' },
  'GET /metrics': { status: 401, reason: 'no bearer token: the test sends a staff session, which does not count here' },
  'HEAD /metrics': { status: 401, reason: 'no bearer token' },
  'GET /admin/login/code': { status: 303, reason: 'no pending login (no password step first): back to the login page' },
  'POST /admin/login/code': { status: 401, reason: 'no pending login: the code step refuses' },
};

/** Requests that end the session they are sent with: each gets a session of its own. */
const ENDS_SESSION = new Set(['POST /admin/logout', 'POST /admin/account/sessions/end-all']);

type Actor = Role | 'anonymous';

/** What the guard answers when it refuses, by who is asking and how. */
function guardRefused(res: LightMyRequestResponse, actor: Actor, method: string): boolean {
  // A HEAD answer has no body to read the message in: its status must do.
  const says = (key: 'roleDenied' | 'sessionEnded') => method === 'HEAD' || shows(res.body, key);
  if (actor !== 'anonymous') return res.statusCode === 403 && says('roleDenied');
  if (method === 'GET') return res.statusCode === 303 && String(res.headers.location).startsWith('/admin/login?next=');
  return res.statusCode === 401 && says('sessionEnded');
}

for (const dialect of DIALECTS) {
  describe(`every route × every role, from policy.ts (${dialect})`, () => {
    let t: TestApp;
    let world: World;
    let routes: InventoryRoute[];

    before(async () => {
      t = await createHardeningApp(dialect);
      routes = routeInventory(t.app);
      world = await buildWorld(t);
    });
    after(() => t.close());

    it('gives every route a staff guard or a reason to be public', () => {
      const undecided = routes.filter((r) => r.actions.length === 0 && !(decisionKey(r.key) in PUBLIC));
      assert.deepEqual(
        undecided.map((r) => r.key),
        [],
        'routes without a staff guard and not listed as public in test/hardening/access.test.ts',
      );
      const both = routes.filter((r) => r.actions.length > 0 && decisionKey(r.key) in PUBLIC);
      assert.deepEqual(
        both.map((r) => r.key),
        [],
        'guarded routes also listed as public',
      );
      const keys = new Set(routes.map((r) => r.key));
      const stale = Object.keys(PUBLIC).filter((key) => !keys.has(key));
      assert.deepEqual(stale, [], 'public entries that match no route');
      assert.ok(routes.filter((r) => r.actions.length > 0).length >= 70, 'the staff area is in the inventory');
    });

    it('lets each role do exactly what policy.ts allows, and a refusal changes nothing', async () => {
      const watch = await watchDatabase(t.db, dialect);
      const problems: string[] = [];
      let requests = 0;
      const keys = new Set(routes.map((r) => r.key));
      // Fastify's HEAD twin of a GET route runs the same hooks: its guard was checked above, one request is enough.
      for (const route of routes.filter((r) => !(r.method === 'HEAD' && keys.has(decisionKey(r.key))))) {
        const allowed: Actor[] = decisionKey(route.key) in PUBLIC ? [...ROLES, 'anonymous'] : allowedRoles(route);
        for (const actor of [...ROLES, 'anonymous'] as Actor[]) {
          const session =
            actor === 'anonymous'
              ? undefined
              : ENDS_SESSION.has(route.key)
                ? await staffSession(t, actor)
                : world.staff[actor];
          await watch.after(false, `${route.key}: a session of its own`);
          const res = await t.inject(
            browserRequest(route, world, { cookie: session?.cookie, csrf: session?.csrf ?? world.anonCsrf }),
          );
          requests++;
          const label = `${route.key} as ${actor} → ${res.statusCode}`;
          const refusedByGuard = guardRefused(res, actor, route.method);
          if (res.statusCode >= 500) problems.push(`${label}: a server error`);
          if (allowed.includes(actor)) {
            const own = OWN_REFUSALS[route.key]?.status === res.statusCode;
            const refused = refusedByGuard || [401, 403].includes(res.statusCode);
            if (refused && !own) problems.push(`${label}: refused, but policy.ts allows it`);
            await watch.after(false, label);
          } else {
            if (!refusedByGuard) problems.push(`${label}: policy.ts refuses it, but the guard did not`);
            await watch.after(true, label);
          }
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(requests > 5 * 120, `every route was requested by every actor (${requests} requests)`);
    });
  });
}
