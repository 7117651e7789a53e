import type { Kysely } from 'kysely';

/**
 * Failed login attempts per staff account, for the notice its owner sees after the next login:
 * a count only — never an address, a user-agent or a time of day. `failed_logins` counts since the
 * last successful login; a successful login moves it into `failed_logins_notice`, which the staff
 * home shows once and clears.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds one column per ALTER TABLE.
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins_notice', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
