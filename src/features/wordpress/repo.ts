import type { Executor } from '../../core/db/schema.ts';

/*
 * The importer's own SQL: authors of imported posts become staff accounts (core's users table).
 * Posts and comments are stored through the publishing and comments services.
 */

export async function findUserIdByEmail(db: Executor, email: string): Promise<number | undefined> {
  return (await db.selectFrom('users').where('email', '=', email).select('id').executeTakeFirst())?.id;
}

/** An imported author: a disabled editor account (an admin enables it to let the person log in). */
export async function insertImportedAuthor(
  db: Executor,
  values: { email: string; display_name: string; slug: string; password_hash: string; created_at: string },
): Promise<number> {
  let slug = values.slug;
  for (let n = 2; await db.selectFrom('users').where('slug', '=', slug).select('id').executeTakeFirst(); n++)
    slug = `${values.slug}-${n}`;
  const row = await db
    .insertInto('users')
    .values({ ...values, slug, role: 'editor', bio: '', is_disabled: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
