import type { Db } from '../../core/db/schema.ts';
import { crisisAreas, crisisLines, type CrisisLineRow } from './crisis-repo.ts';
import { WORLD_URI, areaCode, areaUri } from './listing-model.ts';

/*
 * "Talk to someone now" on the home page: crisis lines (listings in the crisis-line category)
 * covering the region the reader chose, plus those answering worldwide. The choice travels in the
 * address (?region=gb) only: nothing is stored.
 */
export const MAX_CRISIS_LINES = 4;

export interface CrisisView {
  /** The region chosen (lower-case ISO 3166 code), or null: worldwide lines only. */
  region: string | null;
  lines: CrisisLineRow[];
  /** Regions some crisis line covers, lower-case codes, for the chooser. */
  regions: string[];
}

/** A region as the address gives it: two letters, or nothing. */
export function regionOf(value: unknown): string | null {
  return typeof value === 'string' && /^[a-z]{2}$/i.test(value.trim()) ? value.trim().toLowerCase() : null;
}

export async function crisisView(db: Db, region: string | null): Promise<CrisisView> {
  // The region's own lines first (a local number before a worldwide chat), then the worldwide ones.
  const [local, world, areas] = await Promise.all([
    region ? crisisLines(db, [areaUri(region)], MAX_CRISIS_LINES) : Promise.resolve([]),
    crisisLines(db, [WORLD_URI], MAX_CRISIS_LINES),
    crisisAreas(db),
  ]);
  const seen = new Set<string>();
  const lines = [...local, ...world].filter((l) => !seen.has(l.id) && !!seen.add(l.id)).slice(0, MAX_CRISIS_LINES);
  const regions = areas
    .map((uri) => areaCode(uri))
    .filter((code): code is string => !!code && code !== 'world')
    .map((code) => code.toLowerCase());
  return { region, lines, regions: [...new Set(regions)].sort() };
}
