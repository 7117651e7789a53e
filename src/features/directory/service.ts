import { can, type Actor } from '../../core/auth/policy.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, Dialect } from '../../core/db/schema.ts';
import { conflict, denied, invalid, notFound, ok, type Result } from '../../core/result.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { TAXONOMY_IDS, type Facet } from './hsds.ts';
import { diffInputs, loadListingForEdit, writeListing, type ListingInput } from './listing.ts';
import { t, type MessageKey } from './messages.ts';
import * as repo from './repo.ts';
import { stableUuid } from './vocabulary.ts';

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
 * curators' queue; nothing about the person suggesting is kept. Messages are in the reader's language.
 */
export async function submitSuggestion(
  db: Db,
  clock: Clock,
  input: SuggestionInput,
  locale: Locale = 'en',
): Promise<Result<{ id: number }>> {
  const say = (key: MessageKey, params?: Record<string, string | number>) => t(locale, key, params);
  const name = (input.name ?? '').trim();
  const rawUrl = (input.url ?? '').trim();
  const context = (input.context ?? '').trim();
  const where = (input.where ?? '').trim();
  const contact = (input.contact ?? '').trim();
  const fields: Record<string, string> = {};
  if (!name && !rawUrl) fields.name = say('suggestNeedName');
  if (name.length > LIMITS.name) fields.name = say('suggestNameTooLong', { max: LIMITS.name });
  let link: { url: string; domain: string } | null = null;
  if (rawUrl) {
    link =
      rawUrl.length > LIMITS.url ? null : parseLink(/^[a-z][a-z0-9+.-]*:/i.test(rawUrl) ? rawUrl : `https://${rawUrl}`);
    if (!link) fields.url = say('suggestBadUrl');
  }
  if (context.length > LIMITS.context) fields.context = say('suggestContextTooLong', { max: LIMITS.context });
  if (where.length > LIMITS.where) fields.where = say('suggestWhereTooLong', { max: LIMITS.where });
  if (contact.length > LIMITS.contact) fields.contact = say('suggestContactTooLong', { max: LIMITS.contact });
  if (input.source !== 'form' && input.source !== 'comment') fields._form = say('suggestBadSource');
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

/** A reader says a listing is out of date: the note goes to the curators, nothing about the reader is kept. Messages are in the reader's language. */
export async function reportOutdated(
  db: Db,
  clock: Clock,
  serviceId: string,
  message: string,
  locale: Locale = 'en',
): Promise<Result<null>> {
  const text = message.trim();
  if (!text) return invalid(t(locale, 'reportEmpty'), 'message');
  if (text.length > REPORT_MAX) return invalid(t(locale, 'reportTooLong', { max: REPORT_MAX }), 'message');
  await repo.insertReport(db, { service_id: serviceId, message: text, created_at: clock.now().toISOString() });
  return ok(null);
}

// ── curation ──
export interface Curator extends Actor {
  displayName: string;
}
const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

/** A new listing (from scratch or from a suggestion), with its creation in the history. */
export async function createListing(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  actor: Curator,
  input: ListingInput,
  suggestionId?: number,
): Promise<Result<{ id: string; slug: string }>> {
  if (!can(actor, 'resources.curate')) return denied();
  return db.transaction().execute(async (tx) => {
    if (suggestionId !== undefined) {
      const s = await repo.findSuggestion(tx, suggestionId);
      if (!s) return notFound('suggestion');
      if (s.status !== 'pending') return conflict('This suggestion has already been dealt with.');
    }
    // A new listing's locations are all new, whatever ids a form may carry.
    const fresh: ListingInput = {
      ...input,
      locations: input.locations.map(({ id: _, ...l }) => l),
      removedLocationIds: [],
    };
    const created = await writeListing(tx, dialect, clock, fresh);
    const at = clock.now().toISOString();
    await repo.recordChange(tx, {
      service_id: created.id,
      user_id: actor.id,
      action: suggestionId ? `created from suggestion #${suggestionId}` : 'created',
      detail: JSON.stringify(diffInputs(null, fresh)),
      created_at: at,
    });
    if (suggestionId !== undefined)
      await repo.setSuggestionStatus(tx, suggestionId, 'approved', created.id, actor.id, at);
    return ok(created);
  });
}

/**
 * Saves a curator's edit and records which fields changed, from what, to what (per location). The form
 * names every location it shows: one missing from it that was not ticked for removal means the listing
 * changed since the editor opened, and nothing is saved.
 */
export async function updateListing(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  actor: Curator,
  serviceId: string,
  input: ListingInput,
): Promise<Result<{ id: string; slug: string; changed: string[] }>> {
  if (!can(actor, 'resources.curate')) return denied();
  return db.transaction().execute(async (tx) => {
    const before = await loadListingForEdit(tx, serviceId);
    if (!before) return notFound('listing');
    const known = new Set(before.locations.map((l) => l.row.id));
    const named = new Set(
      [...input.locations.map((l) => l.id), ...(input.removedLocationIds ?? [])].filter((id): id is string => !!id),
    );
    if ([...named].some((id) => !known.has(id)))
      return conflict(
        'A location in the form is no longer part of this listing: someone may have removed it. Reload the editor and make your changes again.',
      );
    if ([...known].some((id) => !named.has(id)))
      return conflict(
        'This listing has a location the form does not show: someone may have added it. Reload the editor and make your changes again.',
      );
    const diff = diffInputs(before.input, input);
    if (Object.keys(diff).length === 0) return ok({ id: serviceId, slug: before.listing.service.slug, changed: [] });
    await writeListing(tx, dialect, clock, input, {
      id: serviceId,
      slug: before.listing.service.slug,
      organizationId: before.listing.service.organization_id,
    });
    await repo.recordChange(tx, {
      service_id: serviceId,
      user_id: actor.id,
      action: 'edited',
      detail: JSON.stringify(diff),
      created_at: clock.now().toISOString(),
    });
    return ok({ id: serviceId, slug: before.listing.service.slug, changed: Object.keys(diff) });
  });
}

/** A curator checked the listing with the service: today's date and their name become its trust line. */
export async function verifyListing(db: Db, clock: Clock, actor: Curator, serviceId: string): Promise<Result<null>> {
  if (!can(actor, 'resources.curate')) return denied();
  return db.transaction().execute(async (tx) => {
    const s = await repo.serviceById(tx, serviceId);
    if (!s) return notFound('listing');
    const date = today(clock);
    await repo.updateService(tx, serviceId, {
      assured_date: date,
      verified_by: actor.displayName,
      last_modified: clock.now().toISOString(),
    });
    await repo.recordChange(tx, {
      service_id: serviceId,
      user_id: actor.id,
      action: 'verified',
      detail: JSON.stringify({ assured_date: [s.assured_date ?? '', date] }),
      created_at: clock.now().toISOString(),
    });
    return ok(null);
  });
}

/** The suggestion describes a service already listed: keep the listing, fill its website if it had none. */
export async function mergeSuggestion(
  db: Db,
  clock: Clock,
  actor: Curator,
  suggestionId: number,
  targetSlug: string,
): Promise<Result<{ slug: string }>> {
  if (!can(actor, 'resources.curate')) return denied();
  return db.transaction().execute(async (tx) => {
    const s = await repo.findSuggestion(tx, suggestionId);
    if (!s) return notFound('suggestion');
    if (s.status !== 'pending') return conflict('This suggestion has already been dealt with.');
    const target = await repo.serviceBySlug(tx, targetSlug.trim());
    if (!target) return invalid('Choose an existing listing to merge into.', 'target');
    const service = (await repo.serviceById(tx, target.id))!;
    const at = clock.now().toISOString();
    const detail: Record<string, [string, string]> = { suggestion: ['', `#${s.id} ${s.name} ${s.url}`.trim()] };
    if (!service.url && s.url) {
      await repo.updateService(tx, target.id, { url: s.url, last_modified: at });
      detail.url = ['', s.url];
    }
    await repo.setSuggestionStatus(tx, suggestionId, 'merged', target.id, actor.id, at);
    await repo.recordChange(tx, {
      service_id: target.id,
      user_id: actor.id,
      action: `merged suggestion #${s.id}`,
      detail: JSON.stringify(detail),
      created_at: at,
    });
    return ok({ slug: service.slug });
  });
}

export async function rejectSuggestion(
  db: Db,
  clock: Clock,
  actor: Curator,
  suggestionId: number,
): Promise<Result<null>> {
  if (!can(actor, 'resources.curate')) return denied();
  const s = await repo.findSuggestion(db, suggestionId);
  if (!s) return notFound('suggestion');
  if (s.status !== 'pending') return conflict('This suggestion has already been dealt with.');
  await repo.setSuggestionStatus(db, suggestionId, 'rejected', null, actor.id, clock.now().toISOString());
  return ok(null);
}

export async function resolveReport(db: Db, clock: Clock, actor: Curator, reportId: number): Promise<Result<null>> {
  if (!can(actor, 'resources.curate')) return denied();
  return (await repo.resolveReport(db, reportId, actor.id, clock.now().toISOString()))
    ? ok(null)
    : notFound('open report');
}

/** Possible duplicates of a suggestion: same website, same phone number, or a similar name. */
export async function duplicateHints(db: Db, s: { name: string; domain: string; contact_text: string }) {
  const phoneDigits = (s.contact_text.match(/\+?[\d\s().-]{6,}/g) ?? []).map((x) => x.replace(/\D/g, ''));
  const nameWords = s.name
    .toLowerCase()
    .replace(/\(demo\)/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4 && !STOPWORDS.has(w));
  return repo.duplicateCandidates(db, { domain: s.domain, phoneDigits, nameWords });
}
const STOPWORDS = new Set([
  'with',
  'from',
  'support',
  'service',
  'services',
  'centre',
  'center',
  'project',
  'network',
  'line',
  'group',
  'house',
]);

export const DEFAULT_VERIFY_MONTHS = 6;
const VERIFY_SETTING = 'directory.verify_after_months';
export async function verifyAfterMonths(db: Db): Promise<number> {
  const v = Number(await repo.getSetting(db, VERIFY_SETTING));
  return Number.isInteger(v) && v >= 1 && v <= 60 ? v : DEFAULT_VERIFY_MONTHS;
}
export async function setVerifyAfterMonths(db: Db, actor: Curator, months: number): Promise<Result<null>> {
  if (!can(actor, 'resources.curate')) return denied();
  if (!Number.isInteger(months) || months < 1 || months > 60)
    return invalid('Choose between 1 and 60 months.', 'months');
  await repo.putSetting(db, VERIFY_SETTING, String(months));
  return ok(null);
}
/** Listings last verified more than `months` ago, or never. */
export async function verificationQueue(db: Db, clock: Clock, months: number) {
  const d = clock.now();
  const cutoff = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, d.getUTCDate()))
    .toISOString()
    .slice(0, 10);
  return { cutoff, rows: await repo.needingVerification(db, cutoff) };
}

// ── vocabulary (admins) ──
export async function addTerm(
  db: Db,
  actor: Curator,
  facet: Facet,
  input: { code: string; name: string; description: string },
): Promise<Result<null>> {
  if (!can(actor, 'taxonomy.manage')) return denied();
  const code = input.code.trim().toLowerCase();
  const name = input.name.trim();
  const fields: Record<string, string> = {};
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(code))
    fields.code = 'Use lower-case letters, digits and dashes for the code (it appears in search addresses).';
  if (!name || name.length > 100) fields.name = 'Give the term a name under 100 characters.';
  const terms = await repo.loadTerms(db);
  if (terms.some((t) => t.taxonomy_id === TAXONOMY_IDS[facet] && t.code === code))
    fields.code = 'That code is already used in this list.';
  if (Object.keys(fields).length) return { ok: false, kind: 'invalid', message: Object.values(fields)[0]!, fields };
  await repo.insertRows(db, 'taxonomy_term', [
    {
      id: stableUuid(`${facet}:${code}`),
      code,
      name,
      description: input.description.trim() || name,
      taxonomy_id: TAXONOMY_IDS[facet],
      language: 'en',
    },
  ]);
  return ok(null);
}
export async function renameTerm(
  db: Db,
  dialect: Dialect,
  actor: Curator,
  termId: string,
  input: { name: string; description: string },
): Promise<Result<null>> {
  if (!can(actor, 'taxonomy.manage')) return denied();
  const name = input.name.trim();
  if (!name || name.length > 100) return invalid('Give the term a name under 100 characters.', 'name');
  const updated = await repo.updateTerm(db, termId, { name, description: input.description.trim() || name });
  if (!updated) return notFound('term');
  await repo.reindex(db, dialect, await repo.servicesWithTerm(db, termId));
  return ok(null);
}
