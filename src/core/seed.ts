import type { Clock } from './clock.ts';
import type { Db } from './db/schema.ts';

/*
 * What every feature's demo seeder receives (src/demo/seed.ts runs them in order): the database,
 * the clock, and the demo authors to sign posts and courses with.
 */
export interface DemoAuthors {
  adminId: number;
  editorId: number;
}

export interface SeedContext {
  db: Db;
  clock: Clock;
  authors: DemoAuthors;
}

export type Seeder = (ctx: SeedContext) => Promise<void>;
