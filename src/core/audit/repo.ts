import type { Executor } from '../db/schema.ts';

/* SQL for the audit log: one row per staff action. */

export async function insertAuditEntry(
  db: Executor,
  row: { user_id: number | null; action: string; subject: string; detail: string; created_at: string },
): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditFilter {
  userId?: number;
  action?: string;
}

function filtered(db: Executor, filter: AuditFilter) {
  let q = db.selectFrom('audit_log').leftJoin('users', 'users.id', 'audit_log.user_id');
  if (filter.userId !== undefined) q = q.where('audit_log.user_id', '=', filter.userId);
  if (filter.action !== undefined) q = q.where('audit_log.action', '=', filter.action);
  return q;
}

/** One page of entries, newest first, with who did each (null: the system, or a deleted account). */
export const listAuditEntries = (db: Executor, filter: AuditFilter, window: { limit: number; offset: number }) =>
  filtered(db, filter)
    .select([
      'audit_log.id',
      'audit_log.action',
      'audit_log.subject',
      'audit_log.detail',
      'audit_log.created_at',
      'users.display_name',
      'users.email',
    ])
    .orderBy('audit_log.created_at', 'desc')
    .orderBy('audit_log.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();

export const countAuditEntries = async (db: Executor, filter: AuditFilter) =>
  Number(
    (
      await filtered(db, filter)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The actions that occur in the log, for the filter's list. */
export const listAuditActions = async (db: Executor) =>
  (await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute()).map((r) => r.action);

/** The people who appear in the log, for the filter's list. */
export const listAuditActors = (db: Executor) =>
  db
    .selectFrom('users')
    .select(['id', 'display_name', 'email'])
    .where((eb) =>
      eb.exists(eb.selectFrom('audit_log').select('audit_log.id').whereRef('audit_log.user_id', '=', 'users.id')),
    )
    .orderBy('email')
    .execute();
