import type { Generated, Kysely, Selectable, Transaction } from 'kysely';

/*
 * The one typed description of the database. Every feature adds its tables in its own
 * section below; repos derive row types with Selectable/Insertable/Updateable.
 *
 * Conventions that keep one set of queries valid on SQLite and PostgreSQL:
 * - times are ISO-8601 UTC strings (text), so they sort and compare the same everywhere;
 * - booleans are integers 0/1;
 * - ids are integer identities unless a spec (HSDS) asks for text ids.
 */

// ── core ────────────────────────────────────────────────────────────────────
export type Role = 'admin' | 'editor' | 'moderator' | 'trainer';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  /** Public author slug (author pages). */
  slug: string;
  role: Role;
  password_hash: string;
  bio: string;
  is_disabled: Generated<number>;
  created_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token: a leaked table cannot be replayed as cookies. */
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  user_id: number | null;
  action: string;
  subject: string;
  detail: string;
  created_at: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  // ── posts (publishing) ──
  // ── comments ──
  // ── directory ──
  // ── training ──
  // ── campaigns ──
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repos accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type User = Selectable<UsersTable>;
export type Dialect = 'sqlite' | 'postgres';
