import { translate } from '../../src/core/i18n/index.ts';
import { msg } from '../../src/core/views/messages.ts';
import { createTestApp, type TestApp } from './app.ts';
import type { Dialect } from '../../src/core/db/schema.ts';
import './routes.ts';

/*
 * Shared by the hardening tests (test/hardening/): the app they attack — with every optional route
 * turned on, so the inventory is the whole site — and how to recognise the core's refusals.
 */

/** /metrics exists only with a token: set one so the inventory includes it. */
export const METRICS_TOKEN = 'hardening-metrics-token-0123456789';

export function createHardeningApp(dialect: Dialect): Promise<TestApp> {
  return createTestApp(dialect, { env: { METRICS_TOKEN } });
}

const text = (key: Parameters<typeof msg>[0]) => translate('en', msg(key));
const escaped = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Whether a page shows one of the core's messages (as text, HTML-escaped or not). */
export function shows(body: string, key: Parameters<typeof msg>[0]): boolean {
  const t = text(key);
  return body.includes(t) || body.includes(escaped(t));
}

/** `HEAD /x` is decided with its `GET /x` twin (Fastify adds one for every GET route). */
export const decisionKey = (key: string) => key.replace(/^HEAD /, 'GET ');

/** Lists of `METHOD /pattern` with one reason, as entries of an allowlist. */
export const because = (reason: string, keys: string[]): Record<string, string> =>
  Object.fromEntries(keys.map((key) => [key, reason]));
