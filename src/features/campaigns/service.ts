/*
 * The campaigns feature's services, one module per job — the public board (board-service.ts),
 * pledges with their private links, moderation and retention (pledge-service.ts), and staff
 * authoring of campaigns and events (authoring-service.ts) — gathered here as the feature's one
 * entry for other features, tests and tools.
 */
export * from './board-service.ts';
export * from './pledge-service.ts';
export * from './authoring-service.ts';
export type { Campaign, CampaignEvent } from './repo.ts';
export type { BoardFilter, Pledge, PublicPledge } from './pledge-repo.ts';
