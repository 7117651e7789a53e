import type { Clock } from '../clock.ts';
import type { Executor } from '../db/schema.ts';
import { pageWindow, toPage } from '../pagination.ts';
import {
  countAuditEntries,
  insertAuditEntry,
  listAuditActions,
  listAuditActors,
  listAuditEntries,
  type AuditFilter,
} from './repo.ts';

export type { AuditFilter } from './repo.ts';

/*
 * The audit log: who did what to which thing, and when — for staff actions only. It never holds
 * anything about readers (no pledge or comment text, no visitor data): `subject` names the thing
 * (`post:12`), `detail` is staff-facing context such as a title or a version.
 */
export interface AuditEntry {
  /** The staff member, or null for the system (an import run from the command line). */
  actorId: number | null;
  /** Dotted verb, e.g. `post.delete`, `comment.approve`, `listing.update`. */
  action: string;
  subject: string;
  detail?: string;
}

/** Records one entry; call it inside the transaction of the action it records. */
export async function recordAudit(db: Executor, clock: Clock, entry: AuditEntry): Promise<void> {
  await insertAuditEntry(db, {
    user_id: entry.actorId,
    action: entry.action,
    subject: entry.subject,
    detail: entry.detail ?? '',
    created_at: clock.now().toISOString(),
  });
}

export const AUDIT_PER_PAGE = 50;

/** The audit-log page's data: one page of entries under the filter, and the filter's choices. */
export async function auditLogPage(db: Executor, filter: AuditFilter, page: number) {
  const request = { page, perPage: AUDIT_PER_PAGE };
  const [items, total, actions, actors] = await Promise.all([
    listAuditEntries(db, filter, pageWindow(request)),
    countAuditEntries(db, filter),
    listAuditActions(db),
    listAuditActors(db),
  ]);
  return { page: toPage(items, total, request), actions, actors };
}
