import { recordAudit } from '../core/audit/index.ts';
import { appendInvalidation } from '../core/cache/repo.ts';
import { cacheTags } from '../core/cache/tags.ts';
import type { Clock } from '../core/clock.ts';
import type { Db, Dialect } from '../core/db/schema.ts';
import { demoIds, forgetDemoMarks, type DemoEntity } from '../core/demo/repo.ts';
import { removeDemoIdentity } from '../core/identity/demo.ts';
import { deleteService, rebuildWords } from '../features/directory/repo.ts';
import { deletePost } from '../features/posts/repo.ts';
import * as repo from './repo.ts';

/*
 * `alongside demo remove`: deletes every row marked as demo (core/demo/repo.ts) and what hangs off
 * it — a demo post's comments, tags no real post uses, a demo listing's locations, phones and
 * hours, a demo course's lessons and certificates, a demo campaign's events and pledges — in one
 * transaction, and nothing else. A listing or post is deleted by its feature's own deletion, so
 * whatever a feature hangs off it later goes with it.
 */
export type DemoRemoval = Record<DemoEntity, number>;

const numbers = (ids: string[]) => ids.map(Number).filter(Number.isSafeInteger);

export async function removeDemo(db: Db, dialect: Dialect, clock: Clock): Promise<DemoRemoval> {
  return db.transaction().execute(async (tx) => {
    const ids = async (e: DemoEntity) => demoIds(tx, e);
    const comment = await repo.deleteComments(tx, numbers(await ids('comment')));
    const posts = await repo.existingPosts(tx, numbers(await ids('post')));
    for (const id of posts) await deletePost(tx, id);
    const tag = await repo.deleteUnusedTags(tx, numbers(await ids('tag')));
    const services = await repo.existingServices(tx, await ids('service'));
    for (const id of services) await deleteService(tx, dialect, id);
    await repo.deleteListingTraces(tx, services);
    if (services.length) await rebuildWords(tx);
    const organization = await repo.deleteUnusedOrganizations(tx, await ids('organization'));
    const course = await repo.deleteCourses(tx, numbers(await ids('course')));
    const campaign = await repo.deleteCampaigns(tx, numbers(await ids('campaign')));
    const user = await repo.deleteUsersWithoutPosts(tx, numbers(await ids('user')));
    await forgetDemoMarks(tx);
    const identity = await removeDemoIdentity(tx);
    const removed: DemoRemoval = {
      post: posts.length,
      comment,
      tag,
      service: services.length,
      organization,
      course,
      campaign,
      user,
    };
    const detail = Object.entries(removed)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    await recordAudit(tx, clock, {
      actorId: null,
      action: 'demo.remove',
      subject: 'demo',
      detail: identity ? `${detail}, identity` : detail,
    });
    // Instances sharing a PostgreSQL database drop every cached page on their next request.
    await appendInvalidation(tx, cacheTags.all, clock.now().toISOString());
    return removed;
  });
}
