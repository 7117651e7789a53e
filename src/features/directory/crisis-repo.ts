import type { Executor } from '../../core/db/schema.ts';
import { TAXONOMY_IDS } from './hsds.ts';

/*
 * Crisis lines for the home page: active listings in the "crisis-line" category, by the areas they
 * cover (a country's URI or worldwide), with their phone numbers.
 */
export const CRISIS_CODE = 'crisis-line';

export interface CrisisLineRow {
  id: string;
  slug: string;
  name: string;
  url: string | null;
  phones: { number: string; type: string | null }[];
}

const crisisServices = (db: Executor) =>
  db
    .selectFrom('service as s')
    .innerJoin('attribute as a', (j) => j.onRef('a.link_id', '=', 's.id').on('a.link_entity', '=', 'service'))
    .innerJoin('taxonomy_term as t', 't.id', 'a.taxonomy_term_id')
    .where('t.taxonomy_id', '=', TAXONOMY_IDS.category)
    .where('t.code', '=', CRISIS_CODE)
    .where('s.status', '=', 'active');

/** Crisis lines covering any of `areaUris`, by name, at most `limit`. */
export async function crisisLines(db: Executor, areaUris: string[], limit: number): Promise<CrisisLineRow[]> {
  if (areaUris.length === 0) return [];
  const services = await crisisServices(db)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('service_area as sa')
          .select('sa.id')
          .whereRef('sa.service_id', '=', 's.id')
          .where('sa.uri', 'in', areaUris),
      ),
    )
    .select(['s.id', 's.slug', 's.name', 's.url'])
    .distinct()
    .orderBy('s.name')
    .limit(limit)
    .execute();
  if (services.length === 0) return [];
  const phones = await db
    .selectFrom('phone')
    .select(['service_id', 'number', 'type'])
    .where(
      'service_id',
      'in',
      services.map((s) => s.id),
    )
    .orderBy('number')
    .execute();
  return services.map((s) => ({
    id: s.id,
    slug: s.slug,
    name: s.name,
    url: s.url,
    phones: phones.filter((p) => p.service_id === s.id).map((p) => ({ number: p.number, type: p.type })),
  }));
}

/** The areas crisis lines cover (URIs), for the reader's "where are you?" choice. */
export async function crisisAreas(db: Executor): Promise<string[]> {
  const rows = await crisisServices(db)
    .innerJoin('service_area as sa', 'sa.service_id', 's.id')
    .select('sa.uri')
    .distinct()
    .execute();
  return rows.map((r) => r.uri).filter((u): u is string => !!u);
}
