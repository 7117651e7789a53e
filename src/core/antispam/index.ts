/*
 * Shared anti-spam without surveillance: nothing here stores or logs anything about a client.
 * Comments and campaign pledges use the same pieces:
 * - honeypot.ts      a hidden field bots fill in
 * - challenge.ts     ALTCHA proof of work with replay protection (plugin.ts serves the widget)
 * - ../limits.ts     shared limits (core/guards) keyed by deps.clientKey (salted, rotating daily)
 * - duplicates.ts    recent-text fingerprints in memory
 * - blocked-words.ts admin-configured list in `settings`
 * - text.ts          UTF-8/control-character validation, normalisation, link counting
 * - private-link.ts  long random tokens shown once; only SHA-256 stored
 * - verdict.ts       the one decision over those signals, with one catalog of refusals (messages.ts)
 * - ceiling.ts       the site-wide ceiling on submissions without a proof of work, applied after the verdict
 */
export * from './text.ts';
export * from './honeypot.ts';
export * from './challenge.ts';
export * from '../limits.ts';
export * from './duplicates.ts';
export * from './blocked-words.ts';
export * from './private-link.ts';
export * from './verdict.ts';
export * from './ceiling.ts';
