import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { distanceKm } from './geo.ts';
import type { ListingInput } from './listing-model.ts';
import { writeListing } from './listing-store.ts';
import { PAGE_SIZE, RADII, search } from './search.ts';
import { demoInput } from './seed.ts';

/*
 * A search near a point against the plain definition, computed here over every listing: the
 * services with a location within the radius, nearest first, each at its distance. The SQL reads
 * the spatial index, checks the radius on each location before looking up its services, and
 * groups by service; whatever it does to be cheap, the answer must be this one.
 */
const CENTRE = { lat: 10, lon: 10 };
const COUNT = 60;

/** Deterministic pseudo-random numbers, so every run places the same listings. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function place(name: string, lat: number, lon: number): ListingInput {
  return demoInput({
    name,
    terms: { category: ['health'] },
    location: { city: 'Nowhere', country: 'XX', latitude: lat, longitude: lon },
  } as never);
}

for (const dialect of DIALECTS) {
  describe(`search near a point, against every listing's distance (${dialect})`, () => {
    let t: TestApp;
    const listings: { id: string; lat: number; lon: number }[] = [];
    before(async () => {
      t = await createTestApp(dialect);
      const r = rng(7);
      for (let i = 0; i < COUNT; i++) {
        // Spread over some 500 km, denser near the centre, as towns are.
        const spread = r() < 0.5 ? 0.5 : 3;
        const lat = Number((CENTRE.lat + (r() - 0.5) * spread).toFixed(5));
        const lon = Number((CENTRE.lon + (r() - 0.5) * spread).toFixed(5));
        const written = await writeListing(t.db, dialect, t.clock, place(`Point ${i} (test)`, lat, lon));
        listings.push({ id: written.id, lat, lon });
      }
    });
    after(() => t.close());

    it('finds exactly the listings within the radius, nearest first, at their distances', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.double({ min: -1.5, max: 1.5, noNaN: true }),
          fc.double({ min: -1.5, max: 1.5, noNaN: true }),
          fc.constantFrom(...RADII),
          async (dLat, dLon, radius) => {
            const lat = Number((CENTRE.lat + dLat).toFixed(4));
            const lon = Number((CENTRE.lon + dLon).toFixed(4));
            const expected = listings
              .map((l) => ({ id: l.id, d: distanceKm(lat, lon, l.lat, l.lon) }))
              // A listing a hair from the edge may fall either side in another formula's rounding.
              .filter((l) => Math.abs(l.d - radius) > 1e-6)
              .filter((l) => l.d <= radius)
              .sort((a, b) => a.d - b.d);
            const outcome = await search(t.db, dialect, t.clock, { at: `${lat},${lon}`, radius, sort: 'distance' });
            const found = outcome.results.filter((x) => !x.remote);
            assert.equal(outcome.total, expected.length, `${lat},${lon} within ${radius} km`);
            assert.deepEqual(
              found.map((x) => x.card.id),
              expected.slice(0, PAGE_SIZE).map((l) => l.id),
            );
            found.forEach((x, i) => assert.ok(Math.abs(x.distanceKm! - expected[i]!.d) < 1e-6, 'distance'));
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}
