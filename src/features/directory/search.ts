import type { Clock } from '../../core/clock.ts';
import type { Db, Dialect } from '../../core/db/schema.ts';
import { countryName, describePlace, nearestPlace, placeById, resolvePlace, type Place } from './gazetteer.ts';
import { describeHours, isOpenAt } from './hours.ts';
import { FACETS, TAXONOMY_IDS, type Facet } from './hsds.ts';
import { WORLD_URI, areaUri } from './listing.ts';
import * as repo from './repo.ts';
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
/** Within a facet, "any of" the chosen terms, except approach where every chosen term must hold. */
export const FACET_MODE: Record<Facet, 'any' | 'all'> = {
  category: 'any',
  approach: 'all',
  population: 'any',
  delivery: 'any',
};

export type RawQuery = Record<string, unknown>;
export interface SearchParams {
  q: string;
  filters: Record<Facet, string[]> & { language: string[] };
  place: string;
  placeId: string;
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
  errors: Record<string, string>;
  placeChoices: Place[];
  near: { label: string; lat: number; lon: number; country: string | null } | null;
  results: ResultCard[];
  total: number;
  capped: boolean;
  pageCount: number;
  facets: FacetView[];
  correctedQuery: string | null;
  searched: boolean;
}

const one = (v: unknown): string =>
  (Array.isArray(v) ? String(v[0] ?? '') : v === undefined || v === null ? '' : String(v)).trim();
const many = (v: unknown): string[] => [
  ...new Set(
    (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]).map((x) => String(x).trim()).filter(Boolean),
  ),
];

export function parseParams(raw: RawQuery): { params: SearchParams; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const q = one(raw.q);
  if (q.length > MAX_QUERY) errors.q = `Keep the search under ${MAX_QUERY} characters.`;
  const radiusText = one(raw.radius);
  let radius = radiusText === '' ? DEFAULT_RADIUS_KM : Number(radiusText);
  if (!Number.isFinite(radius) || radius < 1 || radius > MAX_RADIUS_KM) {
    errors.radius = `Choose a distance between 1 and ${MAX_RADIUS_KM} km.`;
    radius = DEFAULT_RADIUS_KM;
  }
  const pageText = one(raw.page);
  let page = pageText === '' ? 1 : Number(pageText);
  if (!Number.isInteger(page) || page < 1 || page > 1000) {
    errors.page = 'That page does not exist.';
    page = 1;
  }
  const sortText = one(raw.sort);
  if (sortText && sortText !== 'relevance' && sortText !== 'distance') errors.sort = 'Sort by relevance or distance.';
  const filters = Object.fromEntries(
    [...FACETS, 'language'].map((f) => [f, many(raw[f]).slice(0, 20)]),
  ) as SearchParams['filters'];
  const place = one(raw.place).slice(0, 200);
  const placeId = one(raw.placeId);
  const at = one(raw.at);
  return {
    params: {
      q: q.slice(0, MAX_QUERY),
      filters,
      place,
      placeId,
      at,
      radius,
      openNow: one(raw.open) === '1',
      sort: sortText === 'distance' ? 'distance' : 'relevance',
      page,
    },
    errors,
  };
}

/** Plain words from a query: letters and digits only, so no query syntax reaches the full-text engine. */
export function queryWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
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

export async function search(db: Db, dialect: Dialect, clock: Clock, raw: RawQuery): Promise<SearchOutcome> {
  const { params, errors } = parseParams(raw);
  const terms = await repo.loadTerms(db);
  const outcome: SearchOutcome = {
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
  };
  const termGroups: searchRepo.SearchSpec['termGroups'] = [];
  for (const f of FACETS) {
    const ids: string[] = [];
    for (const code of params.filters[f]) {
      const term = terms.find((t) => t.taxonomy_id === TAXONOMY_IDS[f] && t.code === code);
      if (!term) errors[f] = `There is no ${f} called "${code.slice(0, 40)}".`;
      else ids.push(term.id);
    }
    termGroups.push({ ids, mode: FACET_MODE[f] });
  }
  if (params.filters.language.some((c) => !/^[a-z]{2,3}$/.test(c)))
    errors.language = 'Languages are chosen by their two- or three-letter code.';

  // Where: a chosen place, a typed place name, or coordinates from "use my location".
  if (params.at) {
    const point = parseAt(params.at);
    if (!point)
      errors.at = 'Those coordinates are not valid: latitude runs from -90 to 90 and longitude from -180 to 180.';
    else {
      const country = nearestPlace(point.lat, point.lon)?.country ?? null;
      outcome.near = { label: 'your location', ...point, country };
    }
  } else if (params.placeId) {
    const p = /^\d{1,10}$/.test(params.placeId) ? placeById(Number(params.placeId)) : undefined;
    if (!p) errors.place = 'That place is not in the list. Type the name of a town or city.';
    else outcome.near = { label: describePlace(p), lat: p.lat, lon: p.lon, country: p.country };
  } else if (params.place) {
    const r = resolvePlace(params.place);
    if (r.kind === 'none')
      errors.place = `We could not find "${params.place.slice(0, 60)}". Try the name of a nearby town or city.`;
    else if (r.kind === 'ambiguous') outcome.placeChoices = r.choices;
    else outcome.near = { label: describePlace(r.place), lat: r.place.lat, lon: r.place.lon, country: r.place.country };
  }
  if (params.sort === 'distance' && !outcome.near && !outcome.placeChoices.length && !errors.place && !errors.at)
    errors.sort = 'Sorting by distance needs a place.';
  if (Object.keys(errors).length > 0 || outcome.placeChoices.length > 0) return outcome;

  outcome.searched = true;
  let words = queryWords(params.q);
  const spec = (w: string[]): searchRepo.SearchSpec => ({
    words: w,
    termGroups,
    languages: params.filters.language,
    near: outcome.near
      ? {
          lat: outcome.near.lat,
          lon: outcome.near.lon,
          radiusKm: params.radius,
          areaUris: outcome.near.country ? [areaUri(outcome.near.country), WORLD_URI] : [WORLD_URI],
        }
      : undefined,
    limit: MAX_MATCHES,
  });
  let candidates = await searchRepo.searchCandidates(db, dialect, spec(words));
  if (candidates.length === 0 && words.length > 0) {
    // Small typos: swap unknown words for the closest indexed word and say so.
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
    if (changed) {
      const retry = await searchRepo.searchCandidates(db, dialect, spec(fixed));
      if (retry.length) {
        candidates = retry;
        words = fixed;
        outcome.correctedQuery = fixed.join(' ');
      }
    }
  }

  const now = clock.now();
  if (params.openNow) {
    const listings = await loadSchedulesOnly(
      db,
      candidates.map((c) => c.id),
    );
    candidates = candidates.filter((c) => isOpenAt(listings.get(c.id) ?? [], now) === true);
  }
  if (params.sort === 'distance' || (!words.length && outcome.near)) {
    candidates.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity));
  }
  outcome.capped = candidates.length >= MAX_MATCHES;
  outcome.total = candidates.length;
  outcome.pageCount = Math.max(1, Math.ceil(candidates.length / PAGE_SIZE));
  const pageRows = candidates.slice((params.page - 1) * PAGE_SIZE, params.page * PAGE_SIZE);
  const cards = new Map(
    (
      await searchRepo.resultCards(
        db,
        dialect,
        pageRows.map((c) => c.id),
      )
    ).map((card) => [card.id, card]),
  );
  outcome.results = pageRows.flatMap((c) => {
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

  const counts = await searchRepo.facetCounts(
    db,
    candidates.map((c) => c.id),
  );
  outcome.facets = FACETS.map((f) => ({
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
  outcome.facets.push({
    facet: 'language',
    options: langs.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
  });
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

export { countryName };
