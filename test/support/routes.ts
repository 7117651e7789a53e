import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { ROLES, can, type Action } from '../../src/core/auth/policy.ts';
import type { Role } from '../../src/core/db/schema.ts';
import { isStaffGuard } from '../../src/core/http/guard.tsx';

/*
 * The route inventory, taken from Fastify itself: every route any plugin registers, with the staff
 * guard it carries (the action requireStaff checks), whether it opts out of the CSRF check, and its
 * schemas. Fastify announces each new instance on the `fastify.initialization` diagnostics channel
 * before any plugin runs, so an `onRoute` hook added there sees every route — importing this module
 * before an app is built is all a test needs. The hardening tests (test/hardening/) derive what each
 * route must do from this list, so a route added tomorrow is covered, or fails the test by name.
 */
export interface InventoryRoute {
  /** "POST /admin/posts/:id" — how tests name the route. */
  key: string;
  method: string;
  /** The full pattern, prefix included. */
  url: string;
  /** Every staff guard's action on the route (all must pass); empty when no guard protects it. */
  actions: Action[];
  /** false only when the route opts out of the CSRF check (`config: { csrf: false }`). */
  csrf: boolean;
  multipart: boolean;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
}

const inventories = new WeakMap<FastifyInstance, InventoryRoute[]>();

function record(list: InventoryRoute[], route: RouteOptions): void {
  const hooks = [route.preHandler ?? []].flat();
  const actions = hooks.filter(isStaffGuard).map((guard) => guard.action);
  const schema = (route.schema ?? {}) as { params?: TSchema; querystring?: TSchema; body?: TSchema };
  for (const method of [route.method].flat()) {
    list.push({
      key: `${method} ${route.url}`,
      method,
      url: route.url!,
      actions,
      csrf: route.config?.csrf !== false,
      multipart: route.config?.multipart === true,
      params: schema.params,
      querystring: schema.querystring,
      body: schema.body,
    });
  }
}

diagnostics.subscribe('fastify.initialization', (message) => {
  const { fastify } = message as { fastify: FastifyInstance };
  const list: InventoryRoute[] = [];
  inventories.set(fastify, list);
  fastify.addHook('onRoute', (route) => record(list, route));
});

/** Every route of the app, in registration order (HEAD routes Fastify adds for GET included). */
export function routeInventory(app: FastifyInstance): InventoryRoute[] {
  const list = inventories.get(app);
  if (!list) throw new Error('No route inventory: import test/support/routes.ts before the app is built.');
  return list;
}

/** Who may use the route, from policy.ts: every role that passes each of its guards. */
export function allowedRoles(route: InventoryRoute): Role[] {
  return ROLES.filter((role) => route.actions.every((action) => can({ id: 0, role }, action)));
}

/** Methods that change state: the CSRF check applies to these. */
export const isStateChanging = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);
