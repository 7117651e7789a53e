import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db, Dialect } from '../../src/core/db/schema.ts';

/*
 * "Nothing changed in the database" after each of thousands of refused requests, without reading
 * every table each time: a cheap change counter says whether any row was written since the last
 * look, and only then is the whole database read and compared with what it held before. SQLite
 * counts row changes on its one connection (`total_changes()`); PostgreSQL gets a row trigger on
 * every table that bumps a sequence (sequences ignore rollbacks, so a rolled-back write also
 * triggers the full comparison — which then finds nothing changed).
 */
export interface DbWatch {
  /**
   * After a request: when it was refused, fails naming every table that changed; either way what
   * the database holds now becomes the state the next refused request is compared with.
   */
  after(refused: boolean, label: string): Promise<void>;
}

async function tablesOf(db: Db, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(
            db,
          )
        ).rows;
  // The shared guards (core/guards) are meant to move on a refusal: a refused attempt still counts
  // toward its limit, a used challenge is claimed, the day's salt is made. Everything else must not.
  return rows
    .map((r) => r.name)
    .filter((name) => name !== 'guards')
    .sort();
}

/** Every table's rows, each table's rows sorted, so the order rows come back in does not count. */
async function contents(db: Db, tables: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const table of tables) {
    const rows = (await sql`select * from ${sql.table(table)}`.execute(db)).rows;
    out.set(table, JSON.stringify(rows.map((r) => JSON.stringify(r)).sort()));
  }
  return out;
}

async function installCounter(db: Db, dialect: Dialect, tables: string[]): Promise<() => Promise<string>> {
  if (dialect === 'sqlite') {
    return async () => String((await sql<{ n: number }>`select total_changes() as n`.execute(db)).rows[0]!.n);
  }
  await sql`create sequence if not exists hardening_changes`.execute(db);
  await sql`create or replace function hardening_bump() returns trigger language plpgsql as $$
    begin perform nextval('hardening_changes'); return null; end $$`.execute(db);
  for (const table of tables) {
    await sql`drop trigger if exists hardening_watch on ${sql.table(table)}`.execute(db);
    await sql`create trigger hardening_watch after insert or update or delete on ${sql.table(table)}
      for each row execute function hardening_bump()`.execute(db);
  }
  return async () =>
    String(
      (
        await sql<{ v: string }>`select last_value::text || ':' || is_called::text as v from hardening_changes`.execute(
          db,
        )
      ).rows[0]!.v,
    );
}

export async function watchDatabase(db: Db, dialect: Dialect): Promise<DbWatch> {
  const tables = await tablesOf(db, dialect);
  const counter = await installCounter(db, dialect, tables);
  let mark = await counter();
  let known = await contents(db, tables);
  return {
    async after(refused, label) {
      const now = await counter();
      if (now === mark) return;
      const current = await contents(db, tables);
      const changed = tables.filter((table) => current.get(table) !== known.get(table));
      mark = now;
      known = current;
      if (refused) assert.deepEqual(changed, [], `${label}: refused, yet the database changed`);
    },
  };
}
