import type { Clock } from '../../core/clock.ts';
import { FormList, Id, Type, type Static } from '../../core/http/schemas.ts';
import type { FieldErrors } from '../../core/result.ts';
import { queryWords } from '../../core/search/words.ts';
import type { Db, Dialect } from '../../core/db/schema.ts';
import { describePlace, nearestPlace, placeById, resolvePlace, type Place } from './gazetteer.ts';
import { describeHours, isOpenAt } from './hours.ts';
import { FACETS, TAXONOMY_IDS, type Facet } from './hsds.ts';
import { WORLD_URI, areaUri } from './listing-model.ts';
import * as repo from './repo.ts';
import { msg } from './messages.ts';
import { Decimal } from './numbers.ts';
import * as searchRepo from './search-repo.ts';

/*
 * Directory search: keywords (full text), filters with counts, near a place or a point within a
 * radius (online and phone services covering that country are included and marked), open now.
 * Nothing about a search is stored: the query lives only in the URL the visitor submitted.
 */
export const RADII = [5, 10, 25, 50, 100, 250, 500] as const;
export const MAX_RADIUS_KM = 500;
export const DEFAULT_RADIUS_KM = 25;
export const PAGE_SIZE = 20;
/** Results are ranked, then capped: counts beyond this are shown as "more than". */
export const MAX_MATCHES = 5000;
const MAX_QUERY = 200;
const MAX_PAGE = 1000;
const FILTERS = [...FACETS, 'language'] as const;
/** Within a facet, "any of" the chosen terms, except approach where every chosen term must hold. */
export const FACET_MODE: Record<Facet, 'any' | 'all'> = {
  category: 'any',
  approach: 'all',
  population: 'any',
  delivery: 'any',
};

/** Most choices in one filter (the page has fewer terms than this in any list). */
const MAX_CHOICES = 20;
const Choices = Type.Optional(FormList(MAX_CHOICES, 100));

/**
 * The search page's address: one schema for every parameter (filters are repeated checkboxes, so
 * lists). Whether a filter value is a term of the vocabulary, a language code, a place or a point is
 * the search's own question, answered beside the field; so is whatever fails this schema (searchRefused).
 */
export const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: MAX_QUERY })),
  place: Type.Optional(Type.String({ maxLength: 1000 })),
  placeId: Type.Optional(Id),
  at: Type.Optional(Type.String({ maxLength: 100 })),
  radius: Type.Optional(Decimal({ min: 1, max: MAX_RADIUS_KM })),
  open: Type.Optional(Type.Enum(['1'])),
  sort: Type.Optional(Type.Enum(['relevance', 'distance'])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
  category: Choices,
  approach: Choices,
  population: Choices,
  delivery: Choices,
  language: Choices,
  /** The page's language; one this site does not have falls back to English. */
  lang: Type.Optional(Type.String({ maxLength: 10 })),
});
export type SearchQuery = Static<typeof SearchQuery>;

export interface SearchParams {
  q: string;
  filters: Record<Facet, string[]> & { language: string[] };
  place: string;
  placeId: number | null;
  at: string;
  radius: number;
  openNow: boolean;
  sort: 'relevance' | 'distance';
  page: number;
}
export interface ResultCard {
  card: searchRepo.CardRow;
  distanceKm: number | null;
  remote: boolean;
  openNow: boolean | null;
  hours: string[];
}
export interface FacetView {
  facet: Facet | 'language';
  options: { code: string; name: string; count: number; selected: boolean }[];
}
export interface SearchOutcome {
  params: SearchParams;
  errors: FieldErrors;
  placeChoices: Place[];
  /** Where the search is centred; a null label is the visitor's own location. */
  near: { label: string | null; lat: number; lon: number; country: string | null } | null;
  results: ResultCard[];
  total: number;
  capped: boolean;
  pageCount: number;
  facets: FacetView[];
  correctedQuery: string | null;
  searched: boolean;
  /** Other places of the name typed, when the search picked the far more populous one ("Not this London?"). */
  otherPlaces: Place[];
}

const unique = (list: string[] | undefined) => [...new Set((list ?? []).map((x) => x.trim()).filter(Boolean))];

/** The search's settings from its address: defaults filled in, text trimmed, repeated choices once. */
export function searchParams(query: SearchQuery): SearchParams {
  return {
    q: (query.q ?? '').trim(),
    filters: {
      category: unique(query.category),
      approach: unique(query.approach),
      population: unique(query.population),
      delivery: unique(query.delivery),
      language: unique(query.language),
    },
    place: (query.place ?? '').trim().slice(0, 200),
    placeId: query.placeId ?? null,
    at: (query.at ?? '').trim(),
    radius: query.radius ?? DEFAULT_RADIUS_KM,
    openNow: query.open === '1',
    sort: query.sort ?? 'relevance',
    page: query.page ?? 1,
  };
}

const emptyOutcome = (params: SearchParams, errors: FieldErrors = {}): SearchOutcome => ({
  params,
  errors,
  placeChoices: [],
  near: null,
  results: [],
  total: 0,
  capped: false,
  pageCount: 0,
  facets: [],
  correctedQuery: null,
  searched: false,
  otherPlaces: [],
});

/** The field a schema failure is about (its first error), with what to say there. */
function refusal(error: { instancePath: string; keyword: string } | undefined): FieldErrors {
  const field = error?.instancePath.split('/')[1] ?? '';
  if (field === 'q') return { q: msg('queryTooLong', { max: MAX_QUERY }) };
  if (field === 'radius') return { radius: msg('radiusRange', { max: MAX_RADIUS_KM }) };
  if (field === 'page') return { page: msg('pageMissing') };
  if (field === 'placeId') return { place: msg('placeNotListed') };
  if (field === 'sort') return { sort: msg('sortChoice') };
  if ((FILTERS as readonly string[]).includes(field) && error?.keyword === 'maxItems')
    return { [field]: msg('tooManyChoices', { max: MAX_CHOICES }) };
  return { _form: msg('badSearch') };
}

/** A search whose address failed the schema: no results, a message beside the field that was wrong. */
export function searchRefused(errors: { instancePath: string; keyword: string }[]): SearchOutcome {
  return emptyOutcome(searchParams({}), refusal(errors[0]));
}

function parseAt(at: string): { lat: number; lon: number } | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(at);
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return null;
  return { lat, lon };
}

function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The filters' term ids, each filter's own way of combining them; a code the vocabulary lacks is a field error. */
function termGroupsFor(params: SearchParams, terms: repo.TermRow[], errors: FieldErrors) {
  const groups: searchRepo.SearchSpec['termGroups'] = [];
  for (const f of FACETS) {
    const ids: string[] = [];
    for (const code of params.filters[f]) {
      const term = terms.find((t) => t.taxonomy_id === TAXONOMY_IDS[f] && t.code === code);
      if (!term) errors[f] = msg('unknownTerm', { facet: msg(f), code: code.slice(0, 40) });
      else ids.push(term.id);
    }
    groups.push({ ids, mode: FACET_MODE[f] });
  }
  if (params.filters.language.some((c) => !/^[a-z]{2,3}$/.test(c))) errors.language = msg('languageCode');
  return groups;
}

/** Where: coordinates from "use my location", a chosen place, or a typed place name (which may need a choice). */
function locate(params: SearchParams, outcome: SearchOutcome): void {
  const { errors } = outcome;
  if (params.at) {
    const point = parseAt(params.at);
    if (!point) errors.at = msg('badCoordinates');
    else outcome.near = { label: null, ...point, country: nearestPlace(point.lat, point.lon)?.country ?? null };
  } else if (params.placeId !== null) {
    const p = placeById(params.placeId);
    if (!p) errors.place = msg('placeNotListed');
    else outcome.near = { label: describePlace(p), lat: p.lat, lon: p.lon, country: p.country };
  } else if (params.place) {
    const r = resolvePlace(params.place, { preferLikely: true });
    if (r.kind === 'none') errors.place = msg('placeNotFound', { place: params.place.slice(0, 60) });
    else if (r.kind === 'ambiguous') outcome.placeChoices = r.choices;
    else {
      outcome.near = { label: describePlace(r.place), lat: r.place.lat, lon: r.place.lon, country: r.place.country };
      outcome.otherPlaces = r.others;
    }
  }
  if (params.sort === 'distance' && !outcome.near && !outcome.placeChoices.length && !errors.place && !errors.at)
    errors.sort = msg('distanceNeedsPlace');
}

/** Small typos: each unknown word swapped for the closest indexed word, or null when nothing changed. */
async function correctedWords(db: Db, words: string[]): Promise<string[] | null> {
  const known = await searchRepo.knownWords(db, words);
  let changed = false;
  const fixed: string[] = [];
  for (const w of words) {
    if (known.has(w) || w.length < 4) {
      fixed.push(w);
      continue;
    }
    const max = w.length > 7 ? 2 : 1;
    let best: string | null = null;
    let bestD = max + 1;
    for (const v of await searchRepo.wordsLike(db, w, max)) {
      const d = editDistance(w, v, max);
      if (d < bestD) {
        bestD = d;
        best = v;
      }
    }
    if (best) changed = true;
    fixed.push(best ?? w);
  }
  return changed ? fixed : null;
}

/**
 * Where a search reads the vocabulary: the filter terms, and the synonyms of some words (each word
 * with the name of a term it is a synonym of). `vocabularyFrom` reads the database every time;
 * the search page keeps them in memory between changes (search-vocabulary.ts).
 */
export interface VocabularySource {
  terms(): Promise<repo.TermRow[]>;
  synonyms(words: string[]): Promise<{ word: string; name: string }[]>;
}
export const vocabularyFrom = (db: Db): VocabularySource => ({
  terms: () => repo.loadTerms(db),
  synonyms: (words) => searchRepo.synonymTerms(db, words),
});

/**
 * What each query word also means: the names of the terms it is a synonym of ("lawyer" → "Legal"),
 * whatever the language of the synonym. A plural finds its singular's synonyms ("clinics" → "clinic").
 */
async function synonymsOf(vocabulary: VocabularySource, words: string[]): Promise<Record<string, string[]>> {
  const singular = (w: string) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w);
  const rows = await vocabulary.synonyms([...new Set(words.flatMap((w) => [w, singular(w)]))]);
  const out: Record<string, string[]> = {};
  for (const w of words) {
    const names = rows.filter((r) => r.word === w || r.word === singular(w)).map((r) => r.name);
    if (names.length) out[w] = [...new Set(names)];
  }
  return out;
}

/** Matching services, best first; a search that finds nothing is tried once more with its typos corrected. */
async function findCandidates(
  db: Db,
  dialect: Dialect,
  vocabulary: VocabularySource,
  params: SearchParams,
  outcome: SearchOutcome,
  groups: searchRepo.SearchSpec['termGroups'],
) {
  const near = outcome.near;
  const spec = async (words: string[]): Promise<searchRepo.SearchSpec> => ({
    words,
    alternatives: await synonymsOf(vocabulary, words),
    termGroups: groups,
    languages: params.filters.language,
    near: near
      ? {
          lat: near.lat,
          lon: near.lon,
          radiusKm: params.radius,
          areaUris: near.country ? [areaUri(near.country), WORLD_URI] : [WORLD_URI],
        }
      : undefined,
    limit: MAX_MATCHES,
  });
  const words = queryWords(params.q);
  const candidates = await searchRepo.searchCandidates(db, dialect, await spec(words));
  if (candidates.length > 0 || words.length === 0) return { candidates, words };
  const fixed = await correctedWords(db, words);
  const retry = fixed ? await searchRepo.searchCandidates(db, dialect, await spec(fixed)) : [];
  if (!fixed || retry.length === 0) return { candidates, words };
  outcome.correctedQuery = fixed.join(' ');
  return { candidates: retry, words: fixed };
}

/** Each filter's choices with how many of the results carry them. */
async function facetViews(
  db: Db,
  dialect: Dialect,
  params: SearchParams,
  terms: repo.TermRow[],
  ids: string[],
): Promise<FacetView[]> {
  const counts = await searchRepo.facetCounts(db, dialect, ids);
  const facets: FacetView[] = FACETS.map((f) => ({
    facet: f,
    options: terms
      .filter((t) => t.taxonomy_id === TAXONOMY_IDS[f] && t.code)
      .map((t) => ({
        code: t.code!,
        name: t.name,
        count: counts.terms.get(t.id) ?? 0,
        selected: params.filters[f].includes(t.code!),
      })),
  }));
  const langs = [...counts.languages.entries()].map(([code, v]) => ({
    code,
    name: v.name,
    count: v.n,
    selected: params.filters.language.includes(code),
  }));
  for (const code of params.filters.language)
    if (!counts.languages.has(code)) langs.push({ code, name: code, count: 0, selected: true });
  facets.push({ facet: 'language', options: langs.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)) });
  return facets;
}

/** One page of result cards, in the candidates' order. */
async function resultPage(
  db: Db,
  dialect: Dialect,
  pageRows: searchRepo.Candidate[],
  now: Date,
): Promise<ResultCard[]> {
  const cards = new Map(
    (
      await searchRepo.resultCards(
        db,
        dialect,
        pageRows.map((c) => c.id),
      )
    ).map((card) => [card.id, card]),
  );
  return pageRows.flatMap((c) => {
    const card = cards.get(c.id);
    if (!card) return [];
    return [
      {
        card,
        distanceKm: c.distance,
        remote: c.remote === 1 && c.distance === null,
        openNow: isOpenAt(card.schedules, now),
        hours: describeHours(card.schedules),
      },
    ];
  });
}

/** A search from its (schema-checked) address: what the vocabulary, the places and the index say. */
export async function search(
  db: Db,
  dialect: Dialect,
  clock: Clock,
  query: SearchQuery,
  vocabulary: VocabularySource = vocabularyFrom(db),
): Promise<SearchOutcome> {
  const params = searchParams(query);
  const outcome = emptyOutcome(params);
  const terms = await vocabulary.terms();
  const groups = termGroupsFor(params, terms, outcome.errors);
  locate(params, outcome);
  if (Object.keys(outcome.errors).length > 0 || outcome.placeChoices.length > 0) return outcome;

  outcome.searched = true;
  const found = await findCandidates(db, dialect, vocabulary, params, outcome, groups);
  let candidates = found.candidates;
  const now = clock.now();
  if (params.openNow) {
    const schedules = await loadSchedulesOnly(
      db,
      candidates.map((c) => c.id),
    );
    candidates = candidates.filter((c) => isOpenAt(schedules.get(c.id) ?? [], now) === true);
  }
  if (params.sort === 'distance' || (!found.words.length && outcome.near)) {
    candidates.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity));
  }
  outcome.capped = candidates.length >= MAX_MATCHES;
  outcome.total = candidates.length;
  outcome.pageCount = Math.max(1, Math.ceil(candidates.length / PAGE_SIZE));
  const pageRows = candidates.slice((params.page - 1) * PAGE_SIZE, params.page * PAGE_SIZE);
  outcome.results = await resultPage(db, dialect, pageRows, now);
  outcome.facets = await facetViews(
    db,
    dialect,
    params,
    terms,
    candidates.map((c) => c.id),
  );
  return outcome;
}

async function loadSchedulesOnly(db: Db, ids: string[]) {
  const out = new Map<string, repo.ScheduleRow[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const locs = await repo.locationsFor(db, chunk);
    const rows = await repo.schedulesFor(
      db,
      chunk,
      locs.map((l) => l.id),
    );
    for (const id of chunk) {
      const mine = new Set(locs.filter((l) => l.service_id === id).map((l) => l.id));
      out.set(
        id,
        rows.filter(
          (s) => s.service_id === id || (s.service_id === null && s.location_id !== null && mine.has(s.location_id)),
        ),
      );
    }
  }
  return out;
}
