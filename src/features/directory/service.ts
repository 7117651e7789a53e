import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import { invalid, invalidFields, notFound, ok, type FieldErrors, type Result } from '../../core/result.ts';
import { checkUrl } from '../../core/text/urls.ts';
import type { Listing } from './listing-model.ts';
import { listingBySlug } from './listing-store.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';

/*
 * What readers do with the directory (suggest a resource, report outdated information, open a
 * listing), and what other features use: campaigns check place names against the gazetteer, and
 * comments turn a link into a suggestion. Nothing about the person is kept.
 */

/** The offline gazetteer, for other features that check a place name (campaign pledges). */
export { mostPopulousNamed } from './gazetteer.ts';

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
export const REPORT_MAX = 2000;

/** Only http(s) links to a named site become suggestions (core/text/urls.ts); the domain helps moderators spot duplicates. */
export function parseLink(raw: string): { url: string; domain: string } | null {
  const checked = checkUrl(raw, { publicHost: true });
  if (!checked.ok) return null;
  const host = new URL(checked.url).hostname.toLowerCase();
  return { url: checked.url, domain: host.replace(/^www\./, '') };
}

/** A suggestion's link: a web address, with https:// assumed when the scheme is left out. */
function suggestedLink(rawUrl: string) {
  if (rawUrl.length > LIMITS.url) return null;
  return parseLink(/^[a-z][a-z0-9+.-]*:/i.test(rawUrl) ? rawUrl : `https://${rawUrl}`);
}

/**
 * A resource someone suggests (through the public form, or a link found in a comment) joins the
 * curators' queue; nothing about the person suggesting is kept.
 */
export async function submitSuggestion(db: Db, clock: Clock, input: SuggestionInput): Promise<Result<{ id: number }>> {
  const clean = (v: string | undefined) => (v ?? '').trim();
  const [name, rawUrl, context] = [clean(input.name), clean(input.url), clean(input.context)];
  const [where, contact] = [clean(input.where), clean(input.contact)];
  const fields: FieldErrors = {};
  if (!name && !rawUrl) fields.name = msg('suggestNeedName');
  if (name.length > LIMITS.name) fields.name = msg('suggestNameTooLong', { max: LIMITS.name });
  const link = rawUrl ? suggestedLink(rawUrl) : null;
  if (rawUrl && !link) fields.url = msg('suggestBadUrl');
  if (context.length > LIMITS.context) fields.context = msg('suggestContextTooLong', { max: LIMITS.context });
  if (where.length > LIMITS.where) fields.where = msg('suggestWhereTooLong', { max: LIMITS.where });
  if (contact.length > LIMITS.contact) fields.contact = msg('suggestContactTooLong', { max: LIMITS.contact });
  if (input.source !== 'form' && input.source !== 'comment') fields._form = msg('suggestBadSource');
  if (Object.keys(fields).length > 0) return invalidFields(fields);
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

/** A listing as the public page shows it, by its address name. */
export async function publicListing(db: Db, slug: string): Promise<Result<Listing>> {
  const listing = await listingBySlug(db, slug);
  return listing ? ok(listing) : notFound();
}

/** A reader says a listing is out of date: the note goes to the curators, nothing about the reader is kept. */
export async function reportOutdated(db: Db, clock: Clock, serviceId: string, message: string): Promise<Result<null>> {
  const text = message.trim();
  if (!text) return invalid(msg('reportEmpty'), 'message');
  if (text.length > REPORT_MAX) return invalid(msg('reportTooLong', { max: REPORT_MAX }), 'message');
  await repo.insertReport(db, { service_id: serviceId, message: text, created_at: clock.now().toISOString() });
  return ok(null);
}

/** Listing pages for the sitemap: open listings without a confidential location (see repo.sitemapListings). */
export async function sitemapListings(db: Db): Promise<{ path: string; lastmod?: string }[]> {
  return (await repo.sitemapListings(db)).map((l) => ({
    path: `/resources/${encodeURIComponent(l.slug)}`,
    lastmod: l.last_modified ?? undefined,
  }));
}
