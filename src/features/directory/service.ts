import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import * as repo from './repo.ts';

export interface SuggestionInput {
  name?: string;
  url?: string;
  context?: string;
  where?: string;
  contact?: string;
  source: 'form' | 'comment';
  sourceCommentId?: number;
}

const LIMITS = { name: 200, url: 500, context: 2000, where: 200, contact: 200 } as const;

/** Only http(s) links become suggestions; the domain helps moderators spot duplicates. */
export function parseLink(raw: string): { url: string; domain: string } | null {
  try {
    const u = new URL(raw.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (!u.hostname.includes('.')) return null;
    return { url: u.href, domain: u.hostname.toLowerCase().replace(/^www\./, '') };
  } catch {
    return null;
  }
}

/**
 * A resource someone suggests (through the public form, or a link found in a comment) joins the
 * curators' queue; nothing about the person suggesting is kept.
 */
export async function submitSuggestion(db: Db, clock: Clock, input: SuggestionInput): Promise<Result<{ id: number }>> {
  const name = (input.name ?? '').trim();
  const rawUrl = (input.url ?? '').trim();
  const context = (input.context ?? '').trim();
  const where = (input.where ?? '').trim();
  const contact = (input.contact ?? '').trim();
  const fields: Record<string, string> = {};
  if (!name && !rawUrl) fields.name = 'Give the name of the service or a link to it.';
  if (name.length > LIMITS.name) fields.name = `Keep the name under ${LIMITS.name} characters.`;
  let link: { url: string; domain: string } | null = null;
  if (rawUrl) {
    link = rawUrl.length > LIMITS.url ? null : parseLink(/^[a-z][a-z0-9+.-]*:/i.test(rawUrl) ? rawUrl : `https://${rawUrl}`);
    if (!link) fields.url = 'Enter a web address such as https://example.org, or leave it empty.';
  }
  if (context.length > LIMITS.context) fields.context = `Keep the description under ${LIMITS.context} characters.`;
  if (where.length > LIMITS.where) fields.where = `Keep the place under ${LIMITS.where} characters.`;
  if (contact.length > LIMITS.contact) fields.contact = `Keep the contact details under ${LIMITS.contact} characters.`;
  if (input.source !== 'form' && input.source !== 'comment') fields._form = 'Unknown suggestion source.';
  if (Object.keys(fields).length > 0) {
    return { ok: false, kind: 'invalid', message: Object.values(fields)[0]!, fields };
  }
  const id = await repo.insertSuggestion(db, {
    name: name || link!.domain,
    url: link?.url ?? '',
    domain: link?.domain ?? '',
    context,
    where_text: where,
    contact_text: contact,
    source: input.source,
    source_comment_id: input.sourceCommentId ?? null,
    status: 'pending',
    service_id: null,
    created_at: clock.now().toISOString(),
    reviewed_at: null,
    reviewed_by: null,
  });
  return ok({ id });
}

/** A reader says a listing is out of date: the note goes to the curators, nothing about the reader is kept. */
export async function reportOutdated(db: Db, clock: Clock, serviceId: string, message: string): Promise<Result<null>> {
  const text = message.trim();
  if (!text) return invalid('Say what has changed, for example new opening hours or a closed service.', 'message');
  if (text.length > 2000) return invalid('Keep the report under 2000 characters.', 'message');
  await repo.insertReport(db, { service_id: serviceId, message: text, created_at: clock.now().toISOString() });
  return ok(null);
}
