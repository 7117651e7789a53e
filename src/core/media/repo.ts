import type { Executor, MediaFilesTable } from '../db/schema.ts';

/* SQL for `media_files`. The rules (names, types, caching) are in ./index.ts. */

export async function insertMediaFile(db: Executor, row: MediaFilesTable): Promise<void> {
  await db.insertInto('media_files').values(row).execute();
}

/** Two instances starting together may move the same file: the second insert is a no-op. */
export async function insertMediaFileIfAbsent(db: Executor, row: MediaFilesTable): Promise<void> {
  await db
    .insertInto('media_files')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

export async function mediaFileByName(db: Executor, name: string) {
  return db
    .selectFrom('media_files')
    .select(['content_type', 'bytes', 'size', 'sha256'])
    .where('name', '=', name)
    .executeTakeFirst();
}

/** The ETag alone, so a revalidation reads no bytes. */
export async function mediaTagByName(db: Executor, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('media_files').select('sha256').where('name', '=', name).executeTakeFirst();
  return row?.sha256;
}

export async function deleteMediaFile(db: Executor, name: string): Promise<void> {
  await db.deleteFrom('media_files').where('name', '=', name).execute();
}

/** Names under a folder ("posts/": no LIKE wildcards) stored before a moment. */
export async function mediaNamesStoredBefore(db: Executor, folder: string, beforeIso: string): Promise<string[]> {
  const rows = await db
    .selectFrom('media_files')
    .select('name')
    .where('name', 'like', `${folder}%`)
    .where('created_at', '<', beforeIso)
    .execute();
  return rows.map((r) => r.name);
}
