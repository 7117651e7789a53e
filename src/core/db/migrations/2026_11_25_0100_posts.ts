import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';
import { withId } from '../columns.ts';

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('posts'), dialect)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body_md', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('translation_group', 'integer')
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('published_at', 'text')
    .addColumn('cover_image', 'text')
    .addColumn('cover_alt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cover_width', 'integer')
    .addColumn('cover_height', 'integer')
    .addColumn('comments_closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('posts_status_published').on('posts').columns(['status', 'published_at']).execute();
  await db.schema.createIndex('posts_author').on('posts').columns(['author_id', 'published_at']).execute();
  await db.schema.createIndex('posts_translation_group').on('posts').column('translation_group').execute();

  await db.schema
    .createTable('post_slugs_old')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('tags'), dialect)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('post_tags')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('post_tags_pk', ['post_id', 'tag_id'])
    .execute();
  await db.schema.createIndex('post_tags_tag').on('post_tags').columns(['tag_id', 'post_id']).execute();

  await withId(db.schema.createTable('post_revisions'), dialect)
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changed', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('excerpt', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('content_note', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('post_revisions_post').on('post_revisions').columns(['post_id', 'id']).execute();

  // Full-text search over title, excerpt and body, English stemming, kept in step by the database itself.
  if (dialect === 'postgres') {
    await sql`alter table posts add column search tsvector generated always as (
      setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
      setweight(to_tsvector('english', coalesce(excerpt, '')), 'B') ||
      setweight(to_tsvector('english', coalesce(body_md, '')), 'C')) stored`.execute(db);
    await sql`create index posts_search on posts using gin (search)`.execute(db);
  } else {
    await sql`create virtual table posts_fts using fts5(title, excerpt, body, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
      db,
    );
    await sql`create trigger posts_fts_insert after insert on posts begin
      insert into posts_fts(rowid, title, excerpt, body) values (new.id, new.title, new.excerpt, new.body_md);
    end`.execute(db);
    await sql`create trigger posts_fts_update after update of title, excerpt, body_md on posts begin
      delete from posts_fts where rowid = old.id;
      insert into posts_fts(rowid, title, excerpt, body) values (new.id, new.title, new.excerpt, new.body_md);
    end`.execute(db);
    await sql`create trigger posts_fts_delete after delete on posts begin
      delete from posts_fts where rowid = old.id;
    end`.execute(db);
  }
}
