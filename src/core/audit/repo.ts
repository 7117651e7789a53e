import type { Executor } from '../db/schema.ts';

/* SQL for the audit log: one row per staff action. */

export async function insertAuditEntry(
  db: Executor,
  row: { user_id: number | null; action: string; subject: string; detail: string; created_at: string },
): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}
