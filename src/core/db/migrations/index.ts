import type { DialectMigration } from '../migrate.ts';
import * as core from './2026_11_25_0001_core.ts';

/*
 * Every migration, in the order it runs. Names sort by date; a feature adds its own file
 * (under its folder or here) and one line below. Never edit a migration that has shipped.
 */
export const migrations: Record<string, DialectMigration> = {
  '2026_11_25_0001_core': core,
};
