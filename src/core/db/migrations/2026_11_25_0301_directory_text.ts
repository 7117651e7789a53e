import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';

/*
 * Directory full text, second shape: one plain table of searchable text per service in both
 * dialects (so an edit replaces a row by its key), indexed by FTS5 as external content on SQLite
 * and by a generated tsvector on PostgreSQL; plus the indexed words, for typo suggestions.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`drop table directory_vocab`.execute(db);
    await sql`drop table directory_fts`.execute(db);
    await sql`create table directory_text (service_id text primary key, body text not null)`.execute(db);
    await sql`create virtual table directory_fts using fts5(body, content = 'directory_text', content_rowid = 'rowid', tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
      db,
    );
    await sql`create trigger directory_text_ai after insert on directory_text begin
      insert into directory_fts(rowid, body) values (new.rowid, new.body); end`.execute(db);
    await sql`create trigger directory_text_ad after delete on directory_text begin
      insert into directory_fts(directory_fts, rowid, body) values ('delete', old.rowid, old.body); end`.execute(db);
    await sql`create trigger directory_text_au after update on directory_text begin
      insert into directory_fts(directory_fts, rowid, body) values ('delete', old.rowid, old.body);
      insert into directory_fts(rowid, body) values (new.rowid, new.body); end`.execute(db);
  }
  await sql`create table directory_words (word text primary key)`.execute(db);
}
