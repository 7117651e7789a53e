import fs from 'node:fs';
import { createRequire } from 'node:module';

/*
 * Country borders and coastlines for the listing editor's small map, offline: Natural Earth's
 * 1:50 million countries as the world-atlas package ships them (TopoJSON, public domain data, ISC
 * package). Every arc of the topology is one stretch of border or coast, drawn once. Read on the
 * first map a curator opens and kept (about 1 MB as typed arrays); readers never load it.
 */
const require = createRequire(import.meta.url);

interface Topology {
  transform: { scale: [number, number]; translate: [number, number] };
  arcs: [number, number][][];
}

export interface Arc {
  /** lon, lat, lon, lat, … */
  points: Float64Array | Float32Array;
  west: number;
  east: number;
  south: number;
  north: number;
}

export interface Box {
  west: number;
  east: number;
  south: number;
  north: number;
}

let arcs: Arc[] | undefined;

/** An arc of the given points, with its bounding box. */
export function arcOf(points: Float64Array | Float32Array): Arc {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    west = Math.min(west, points[i]!);
    east = Math.max(east, points[i]!);
    south = Math.min(south, points[i + 1]!);
    north = Math.max(north, points[i + 1]!);
  }
  return { points, west, east, south, north };
}

/** Decodes the quantized, delta-encoded arcs of the topology (TopoJSON specification §2.1.5). */
function decode(topology: Topology): Arc[] {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return topology.arcs.map((encoded) => {
    const points = new Float64Array(encoded.length * 2);
    let x = 0;
    let y = 0;
    encoded.forEach(([dx, dy], i) => {
      x += dx;
      y += dy;
      points[i * 2] = x * sx + tx;
      points[i * 2 + 1] = y * sy + ty;
    });
    return arcOf(points);
  });
}

function loadArcs(): Arc[] {
  arcs ??= decode(JSON.parse(fs.readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology);
  return arcs;
}

const inside = (box: Box, lon: number, lat: number) =>
  lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;

/**
 * The stretches of border and coast that cross the box, as lists of [lon, lat]: each run of points
 * inside it, with the point before and after so that lines reach the edge (the map clips them).
 */
export function outlinesWithin(box: Box): [number, number][][] {
  return linesWithin(loadArcs(), box);
}

/** The runs of the arcs that cross the box, as outlinesWithin gives them (shared with region-outlines.ts). */
export function linesWithin(arcs: Arc[], box: Box): [number, number][][] {
  const lines: [number, number][][] = [];
  for (const arc of arcs) {
    if (arc.east < box.west || arc.west > box.east || arc.north < box.south || arc.south > box.north) continue;
    const { points } = arc;
    const count = points.length / 2;
    const at = (i: number): [number, number] => [points[i * 2]!, points[i * 2 + 1]!];
    let run: [number, number][] | undefined;
    for (let i = 0; i < count; i++) {
      const [lon, lat] = at(i);
      if (inside(box, lon, lat)) {
        if (!run) run = i > 0 ? [at(i - 1)] : [];
        run.push([lon, lat]);
      } else if (run) {
        run.push([lon, lat]);
        lines.push(run);
        run = undefined;
      } else if (i > 0 && crosses(box, at(i - 1), [lon, lat])) {
        // A long straight segment that passes through the box with both ends outside it.
        lines.push([at(i - 1), [lon, lat]]);
      }
    }
    if (run && run.length > 1) lines.push(run);
  }
  return lines;
}

/** Whether the segment from a to b passes through the box (Liang–Barsky clipping). */
function crosses(box: Box, a: [number, number], b: [number, number]): boolean {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, a[0] - box.west],
    [dx, box.east - a[0]],
    [-dy, a[1] - box.south],
    [dy, box.north - a[1]],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}
