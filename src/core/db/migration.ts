import type { Kysely } from 'kysely';
import type { Dialect } from './schema.ts';

/**
 * A migration receives the dialect so the few dialect-specific statements (full text) stay beside
 * the portable ones. It takes `Kysely<any>`: a migration describes tables as they were when it was
 * written, not as schema.ts says today.
 */
export type DialectMigration = {
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
  down?(db: Kysely<any>, dialect: Dialect): Promise<void>;
};
