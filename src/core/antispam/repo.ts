import type { Executor } from '../db/schema.ts';

/* SQL for the shared anti-spam pieces: used proof-of-work challenges (replay protection). */

/** Records a challenge as used; false when it was already there (a replay). */
export async function markChallengeUsed(db: Executor, hash: string, expiresAt: string): Promise<boolean> {
  const result = await db
    .insertInto('antispam_used_challenges')
    .values({ challenge_hash: hash, expires_at: expiresAt })
    .onConflict((oc) => oc.column('challenge_hash').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function deleteExpiredChallenges(db: Executor, nowIso: string): Promise<number> {
  const result = await db.deleteFrom('antispam_used_challenges').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}
