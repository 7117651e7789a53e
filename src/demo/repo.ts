import type { Executor } from '../core/db/schema.ts';

/*
 * The deletions `alongside demo remove` needs beyond the features' own (a post's and a listing's
 * deletion are theirs: see remove.ts). Each takes the demo ids and returns how many rows went.
 */
const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);

/** Comments (their replies and edits go by foreign key). */
export async function deleteComments(db: Executor, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  return count(await db.deleteFrom('comments').where('id', 'in', ids).executeTakeFirstOrThrow());
}

/** Which of these posts exist (an editor may have deleted some). */
export async function existingPosts(db: Executor, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  return (await db.selectFrom('posts').select('id').where('id', 'in', ids).execute()).map((r) => r.id);
}

/** Demo tags that no post uses any more: a tag a real post took up stays. */
export async function deleteUnusedTags(db: Executor, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .deleteFrom('tags')
    .where('id', 'in', ids)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('post_tags').select('post_id').whereRef('tag_id', '=', 'tags.id'))))
    .executeTakeFirstOrThrow();
  return count(r);
}

/** Campaigns with their days, events and pledges (by foreign key). */
export async function deleteCampaigns(db: Executor, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  return count(await db.deleteFrom('campaigns').where('id', 'in', ids).executeTakeFirstOrThrow());
}

/** Courses with their modules, lessons, questions, versions, enrolments and certificates (by foreign key). */
export async function deleteCourses(db: Executor, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  return count(await db.deleteFrom('training_courses').where('id', 'in', ids).executeTakeFirstOrThrow());
}

/** Which of these services exist (a curator may have deleted some). */
export async function existingServices(db: Executor, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return (await db.selectFrom('service').select('id').where('id', 'in', ids).execute()).map((r) => r.id);
}

/** Readers' reports and the change history of deleted listings; a suggestion that became one forgets it. */
export async function deleteListingTraces(db: Executor, serviceIds: string[]): Promise<void> {
  if (!serviceIds.length) return;
  await db.deleteFrom('directory_reports').where('service_id', 'in', serviceIds).execute();
  await db.deleteFrom('directory_changes').where('service_id', 'in', serviceIds).execute();
  await db
    .updateTable('resource_suggestions')
    .set({ service_id: null })
    .where('service_id', 'in', serviceIds)
    .execute();
}

/** Demo organisations no service or location refers to any more (a real listing may have been filed under one). */
export async function deleteUnusedOrganizations(db: Executor, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .deleteFrom('organization')
    .where('id', 'in', ids)
    .where((eb) =>
      eb.and([
        eb.not(eb.exists(eb.selectFrom('service').select('id').whereRef('organization_id', '=', 'organization.id'))),
        eb.not(eb.exists(eb.selectFrom('location').select('id').whereRef('organization_id', '=', 'organization.id'))),
      ]),
    )
    .executeTakeFirstOrThrow();
  return count(r);
}

/** Demo staff accounts (the demo editor) that sign no post any more; their sessions go by foreign key. */
export async function deleteUsersWithoutPosts(db: Executor, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .deleteFrom('users')
    .where('id', 'in', ids)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('posts').select('id').whereRef('author_id', '=', 'users.id'))))
    .executeTakeFirstOrThrow();
  return count(r);
}
