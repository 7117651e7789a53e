import type { Insertable } from 'kysely';
import type { Executor, ResourceSuggestionsTable } from '../../core/db/schema.ts';

export async function insertSuggestion(db: Executor, row: Insertable<ResourceSuggestionsTable>): Promise<number> {
  const r = await db.insertInto('resource_suggestions').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}
