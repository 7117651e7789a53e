import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';
import { withId } from '../columns.ts';

/*
 * Comments (features/comments). Nothing here identifies a writer: a display name they chose
 * (or none), and a SHA-256 of their private-link token.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('comments'), dialect)
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('is_staff', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('staff_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('challenge_passed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('fingerprint', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('legacy_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('editable_until', 'text')
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    .addColumn('moderated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('edit_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('comments_post_legacy', ['post_id', 'legacy_id'])
    .execute();
  await db.schema
    .createIndex('comments_post_status')
    .on('comments')
    .columns(['post_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('comments_status_created').on('comments').columns(['status', 'created_at']).execute();
  await db.schema
    .createIndex('comments_status_changed')
    .on('comments')
    .columns(['status', 'status_changed_at'])
    .execute();
  await db.schema.createIndex('comments_parent').on('comments').column('parent_id').execute();
  await db.schema.createIndex('comments_post_fingerprint').on('comments').columns(['post_id', 'fingerprint']).execute();

  await withId(db.schema.createTable('comment_edits'), dialect)
    .addColumn('comment_id', 'integer', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('previous_display_name', 'text', (c) => c.notNull())
    .addColumn('previous_body_md', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('comment_edits_comment')
    .on('comment_edits')
    .columns(['comment_id', 'created_at'])
    .execute();
}
