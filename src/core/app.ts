import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { Config } from '../config.ts';
import type { Action } from './auth/policy.ts';
import type { PageCache } from './cache/page-cache.ts';
import type { CacheTag } from './cache/tags.ts';
import type { Clock } from './clock.ts';
import type { DbHandle } from './db/connect.ts';
import type { Db, Dialect } from './db/schema.ts';
import type { GuardStore } from './guards/store.ts';
import type { IdentityStore } from './identity/store.ts';
import type { Jobs } from './jobs.ts';
import type { ClientKeyer } from './security/client-key.ts';
import type { PageContext } from './views/context.ts';

/*
 * What the composition root (server.ts) hands every feature plugin: dependencies passed in, no
 * module-level singletons, and a registry through which one feature adds to another's pages
 * (comments under a post, sections on the home page) without either importing the other.
 */
export interface AppDeps {
  config: Config;
  db: Db;
  dialect: Dialect;
  handle: DbHandle;
  clock: Clock;
  secret: string;
  /** Turns a client address into a daily-rotating HMAC for rate limits (security/client-key.ts). */
  clientKey: ClientKeyer;
  /** Every limit, attempt counter and replay set, shared by all workers and instances (guards/store.ts). */
  guards: GuardStore;
  /** True when other processes may share the database (workers, or PostgreSQL): caches and salts are shared then. */
  sharedDatabase: boolean;
  /** Anonymous pages rendered once and kept until a write invalidates their tags. */
  pageCache: PageCache;
  /** Sections features add to the home page and links they add to the staff home. */
  registry: Registry;
  /** Background jobs (retention purges): started with the app, stopped when it closes. */
  jobs: Jobs;
  /** The organisation's name, tagline, logo, accent and quick-exit destination, as pages show them. */
  identity: IdentityStore;
}

export interface HomeSection {
  /** Lower comes first: help first 0 (before the introduction), campaign banner 10, posts 20, training 40. */
  order: number;
  render(ctx: PageContext, visit?: HomeVisit): Promise<VNode | null>;
}

/** What the home route read from its request, checked by its schema, for the sections. */
export interface HomeVisit {
  /** `?page=` of the latest posts. */
  page?: number;
  /** `?region=` for the crisis lines, as typed (the directory decides what it names). */
  region?: string;
  /** The request itself, so that a section can shorten the page's cache lifetime. */
  req: FastifyRequest;
}

export interface AdminLink {
  href: string;
  label: string;
  description: string;
  action: Action;
}

/** Rendered under a post's body (comments add their thread and form here). */
export interface PostFooter {
  order: number;
  render(post: { id: number; slug: string; language: string }, ctx: PageContext): Promise<VNode | null>;
}

/** A list of work waiting for staff (pending comments, pledges, suggestions…), counted for /metrics. */
export interface QueueGauge {
  name: string;
  count(): Promise<number>;
  /** Shown on the staff dashboard to those whose role may `action`, linking to the queue (else /metrics only). */
  dashboard?: { label: string; href: string; action: Action };
  /** A line on the dashboard's trend chart: when each event it counts happened since a moment (ISO times). */
  trend?: { label: string; times(sinceIso: string): Promise<string[]> };
}

/** Public pages a feature adds to /sitemap.xml (directory listings, campaigns). */
export interface SitemapSection {
  /** The page-cache tags of what it lists: the cached sitemap is dropped when one changes. */
  tags: CacheTag[];
  /** Site paths ("/resources/slug"), with when each last changed (ISO date or date-time) when known. */
  entries(): Promise<{ path: string; lastmod?: string }[]>;
}

export interface Registry {
  homeSections: HomeSection[];
  adminLinks: AdminLink[];
  postFooters: PostFooter[];
  queues: QueueGauge[];
  sitemap: SitemapSection[];
}

export function emptyRegistry(): Registry {
  return { homeSections: [], adminLinks: [], postFooters: [], queues: [], sitemap: [] };
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}
