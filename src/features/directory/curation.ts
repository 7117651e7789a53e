import { recordAudit } from '../../core/audit/index.ts';
import { can, type Actor } from '../../core/auth/policy.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db, Dialect, Executor } from '../../core/db/schema.ts';
import {
  conflict,
  denied,
  invalid,
  invalidFields,
  notFound,
  ok,
  type FieldErrors,
  type Result,
} from '../../core/result.ts';
import { pageWindow, toPage } from '../../core/pagination.ts';
import { intSetting, isValidSetting, readSetting, writeSetting } from '../../core/settings/index.ts';
import { TAXONOMY_IDS, type Facet } from './hsds.ts';
import { diffInputs, type ListingInput } from './listing-model.ts';
import { loadListingForEdit, writeListing } from './listing-store.ts';
import { msg } from './messages.ts';
import * as repo from './repo.ts';
import { stableUuid } from './vocabulary.ts';

/*
 * Curators' work on the directory: listings created, edited and verified, suggestions approved,
 * merged or rejected, reports dealt with, and (admins) the vocabulary. Each change is one
 * transaction with its line in the audit log — who did what to which thing, never a reader's text —
 * and, for a listing, its entry in the listing's own history (what changed, from what, to what).
 */
export interface Curator extends Actor {
  displayName: string;
}

/** After how many months a listing is due for another check with the service. */
export const VERIFY_AFTER_MONTHS = intSetting('directory.verify_after_months', { defaultValue: 6, min: 1, max: 60 });

const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);
const listingSubject = (id: string) => `listing:${id}`;

async function audit(tx: Executor, clock: Clock, actor: Curator | null, action: string, subject: string, detail = '') {
  await recordAudit(tx, clock, { actorId: actor?.id ?? null, action, subject, detail });
}

async function pendingSuggestion(tx: Executor, id: number) {
  const s = await repo.findSuggestion(tx, id);
  if (!s) return notFound();
  if (s.status !== 'pending') return conflict(msg('suggestionDone'));
  return ok(s);
}

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
      const pending = await pendingSuggestion(tx, suggestionId);
      if (!pending.ok) return pending;
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
    await audit(tx, clock, actor, 'listing.create', listingSubject(created.id));
    if (suggestionId !== undefined) {
      await repo.setSuggestionStatus(tx, suggestionId, 'approved', created.id, actor.id, at);
      await audit(tx, clock, actor, 'suggestion.approve', `suggestion:${suggestionId}`, listingSubject(created.id));
    }
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
    if (!before) return notFound();
    const known = new Set(before.locations.map((l) => l.row.id));
    const named = new Set(
      [...input.locations.map((l) => l.id), ...(input.removedLocationIds ?? [])].filter((id): id is string => !!id),
    );
    if ([...named].some((id) => !known.has(id))) return conflict(msg('locationGone'));
    if ([...known].some((id) => !named.has(id))) return conflict(msg('locationUnshown'));
    const { slug, organization_id: organizationId } = before.listing.service;
    const diff = diffInputs(before.input, input);
    if (Object.keys(diff).length === 0) return ok({ id: serviceId, slug, changed: [] });
    await writeListing(tx, dialect, clock, input, { id: serviceId, slug, organizationId });
    await repo.recordChange(tx, {
      service_id: serviceId,
      user_id: actor.id,
      action: 'edited',
      detail: JSON.stringify(diff),
      created_at: clock.now().toISOString(),
    });
    // The audit log names the fields that changed, not what they hold.
    await audit(tx, clock, actor, 'listing.update', listingSubject(serviceId), Object.keys(diff).join(', '));
    if (before.input.status !== input.status)
      await audit(
        tx,
        clock,
        actor,
        'listing.status',
        listingSubject(serviceId),
        `${before.input.status} → ${input.status}`,
      );
    return ok({ id: serviceId, slug, changed: Object.keys(diff) });
  });
}

/** A curator checked the listing with the service: today's date and their name become its trust line. */
export async function verifyListing(db: Db, clock: Clock, actor: Curator, serviceId: string): Promise<Result<null>> {
  if (!can(actor, 'resources.curate')) return denied();
  return db.transaction().execute(async (tx) => {
    const s = await repo.serviceById(tx, serviceId);
    if (!s) return notFound();
    const date = today(clock);
    const at = clock.now().toISOString();
    await repo.updateService(tx, serviceId, { assured_date: date, verified_by: actor.displayName, last_modified: at });
    await repo.recordChange(tx, {
      service_id: serviceId,
      user_id: actor.id,
      action: 'verified',
      detail: JSON.stringify({ assured_date: [s.assured_date ?? '', date] }),
      created_at: at,
    });
    await audit(tx, clock, actor, 'listing.verify', listingSubject(serviceId), date);
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
    const pending = await pendingSuggestion(tx, suggestionId);
    if (!pending.ok) return pending;
    const s = pending.value;
    const target = await repo.serviceBySlug(tx, targetSlug.trim());
    const service = target && (await repo.serviceById(tx, target.id));
    if (!service) return invalid(msg('mergeTarget'), 'target');
    const at = clock.now().toISOString();
    const detail: Record<string, [string, string]> = { suggestion: ['', `#${s.id} ${s.name} ${s.url}`.trim()] };
    if (!service.url && s.url) {
      await repo.updateService(tx, service.id, { url: s.url, last_modified: at });
      detail.url = ['', s.url];
    }
    await repo.setSuggestionStatus(tx, suggestionId, 'merged', service.id, actor.id, at);
    await repo.recordChange(tx, {
      service_id: service.id,
      user_id: actor.id,
      action: `merged suggestion #${s.id}`,
      detail: JSON.stringify(detail),
      created_at: at,
    });
    await audit(tx, clock, actor, 'suggestion.merge', `suggestion:${s.id}`, listingSubject(service.id));
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
  return db.transaction().execute(async (tx) => {
    const pending = await pendingSuggestion(tx, suggestionId);
    if (!pending.ok) return pending;
    await repo.setSuggestionStatus(tx, suggestionId, 'rejected', null, actor.id, clock.now().toISOString());
    await audit(tx, clock, actor, 'suggestion.reject', `suggestion:${suggestionId}`);
    return ok(null);
  });
}

export async function resolveReport(db: Db, clock: Clock, actor: Curator, reportId: number): Promise<Result<null>> {
  if (!can(actor, 'resources.curate')) return denied();
  return db.transaction().execute(async (tx) => {
    if (!(await repo.resolveReport(tx, reportId, actor.id, clock.now().toISOString()))) return notFound();
    await audit(tx, clock, actor, 'report.resolve', `report:${reportId}`);
    return ok(null);
  });
}

/** Possible duplicates of a suggestion: same website, same phone number, or a similar name. */
export async function duplicateHints(db: Executor, s: { name: string; domain: string; contact_text: string }) {
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

// ── verification ──
export function verifyAfterMonths(db: Executor): Promise<number> {
  return readSetting(db, VERIFY_AFTER_MONTHS);
}

/** Staff type the number of months: anything but a whole number in range is a field error. */
export async function setVerifyAfterMonths(db: Db, clock: Clock, actor: Curator, text: string): Promise<Result<null>> {
  if (!can(actor, 'resources.curate')) return denied();
  const months = /^\s*\d{1,3}\s*$/.test(text) ? Number(text) : NaN;
  if (!isValidSetting(VERIFY_AFTER_MONTHS, months)) return invalid(msg('verifyMonths', { min: 1, max: 60 }), 'months');
  return db.transaction().execute(async (tx) => {
    const before = await readSetting(tx, VERIFY_AFTER_MONTHS);
    await writeSetting(tx, VERIFY_AFTER_MONTHS, months);
    await audit(tx, clock, actor, 'setting.change', `setting:${VERIFY_AFTER_MONTHS.key}`, `${before} → ${months}`);
    return ok(null);
  });
}

/** Listings last verified more than `months` ago, or never. */
export async function verificationQueue(db: Executor, clock: Clock, months: number) {
  const d = clock.now();
  const cutoff = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, d.getUTCDate()))
    .toISOString()
    .slice(0, 10);
  return { cutoff, rows: await repo.needingVerification(db, cutoff) };
}

// ── vocabulary (admins) ──
export async function addTerm(
  db: Db,
  clock: Clock,
  actor: Curator,
  facet: Facet,
  input: { code: string; name: string; description: string },
): Promise<Result<null>> {
  if (!can(actor, 'taxonomy.manage')) return denied();
  const code = input.code.trim().toLowerCase();
  const name = input.name.trim();
  const fields: FieldErrors = {};
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(code)) fields.code = msg('termCode');
  if (!name || name.length > 100) fields.name = msg('termName');
  const terms = await repo.loadTerms(db);
  if (terms.some((t) => t.taxonomy_id === TAXONOMY_IDS[facet] && t.code === code)) fields.code = msg('termCodeTaken');
  if (Object.keys(fields).length) return invalidFields(fields);
  const id = stableUuid(`${facet}:${code}`);
  const description = input.description.trim() || name;
  return db.transaction().execute(async (tx) => {
    await repo.insertRows(tx, 'taxonomy_term', [
      { id, code, name, description, taxonomy_id: TAXONOMY_IDS[facet], language: 'en' },
    ]);
    await audit(tx, clock, actor, 'taxonomy.add', `term:${id}`, `${facet}:${code}`);
    return ok(null);
  });
}

export async function renameTerm(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  actor: Curator,
  termId: string,
  input: { name: string; description: string },
): Promise<Result<null>> {
  if (!can(actor, 'taxonomy.manage')) return denied();
  const name = input.name.trim();
  if (!name || name.length > 100) return invalid(msg('termName'), 'name');
  return db.transaction().execute(async (tx) => {
    const updated = await repo.updateTerm(tx, termId, { name, description: input.description.trim() || name });
    if (!updated) return notFound();
    await repo.reindex(tx, dialect, await repo.servicesWithTerm(tx, termId));
    await audit(tx, clock, actor, 'taxonomy.rename', `term:${termId}`, name);
    return ok(null);
  });
}

// ── what the staff pages show ──
/** Suggestions per page of the curators' home. */
export const SUGGESTIONS_PAGE_SIZE = 50;

/**
 * The curators' home: one page of the suggestions waiting (with possible duplicates; a page past
 * the end is empty), open reports, how many listings are due, every listing.
 */
export async function curationOverview(db: Db, clock: Clock, suggestionsPage = 1) {
  const request = { page: suggestionsPage, perPage: SUGGESTIONS_PAGE_SIZE };
  const items = [];
  for (const s of await repo.pendingSuggestions(db, pageWindow(request)))
    items.push({ s, duplicates: await duplicateHints(db, s) });
  const suggestions = toPage(items, (await repo.countWaiting(db)).suggestions, request);
  const months = await verifyAfterMonths(db);
  const due = await verificationQueue(db, clock, months);
  const reports = await repo.openReports(db);
  return { suggestions, reports, dueCount: due.rows.length, months, listings: await repo.listServices(db) };
}

/** Work waiting for curators, counted for /metrics: suggestions, open reports, listings due for verification. */
export async function waitingWork(db: Db, clock: Clock) {
  const { suggestions, reports } = await repo.countWaiting(db);
  const due = await verificationQueue(db, clock, await verifyAfterMonths(db));
  return { suggestions, reports, due: due.rows.length };
}

/** A suggestion with its possible duplicates, for review; null when there is none with that id. */
export async function suggestionForReview(db: Db, id: number) {
  const s = await repo.findSuggestion(db, id);
  return s ? { s, duplicates: await duplicateHints(db, s) } : null;
}

/** A listing as the editor shows it, with its history; null when there is none with that id. */
export async function listingForEditor(db: Db, id: string) {
  const loaded = await loadListingForEdit(db, id);
  return loaded ? { ...loaded, history: await repo.changesFor(db, id) } : null;
}

/** The directory's own terms, by name (the editor's checkboxes, the vocabulary page, the form's checks). */
export const vocabulary = (db: Executor) => repo.loadTerms(db);

/** When suggestions or reports arrived, or listings were verified, since a moment (the dashboard's trends). */
export const directoryTimesSince = (db: Db, what: 'suggestions' | 'reports' | 'verifications', sinceIso: string) =>
  repo.timesSince(db, what, sinceIso);
