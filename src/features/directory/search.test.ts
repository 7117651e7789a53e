import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { distanceKm, resolvePlace } from './gazetteer.ts';
import { isOpenAt } from './hours.ts';
import { FACETS } from './hsds.ts';
import type { ListingInput } from './listing-model.ts';
import { writeListing } from './listing-store.ts';
import { boundingBox } from './geo.ts';
import { deleteService } from './repo.ts';
import { search, type SearchQuery } from './search.ts';
import { demoInput, seedDirectory } from './seed.ts';

const names = (o: Awaited<ReturnType<typeof search>>) => o.results.map((r) => r.card.name);
const LONDON_GB = 2643743;

function point(name: string, lat: number, lon: number, extra: Partial<ListingInput> = {}): ListingInput {
  return demoInput({
    name,
    terms: { category: ['health'] },
    location: { city: 'Nowhere', country: 'XX', latitude: lat, longitude: lon },
    ...extra,
  } as never);
}

describe('opening hours', () => {
  const weekday = {
    freq: 'WEEKLY',
    byday: 'MO,TU,WE,TH,FR',
    opens_at: '09:00',
    closes_at: '17:00',
    timezone: null,
    timezone_name: 'America/Toronto',
  };
  it('is computed in the service time zone', () => {
    // Wednesday 2026-11-25 15:00 UTC is 10:00 in Toronto: open; 23:00 UTC is 18:00 there: closed.
    assert.equal(isOpenAt([weekday], new Date('2026-11-25T15:00:00Z')), true);
    assert.equal(isOpenAt([weekday], new Date('2026-11-25T23:00:00Z')), false);
    // Saturday 02:00 UTC is still Friday 21:00 in Toronto, after closing.
    assert.equal(isOpenAt([weekday], new Date('2026-11-28T02:00:00Z')), false);
  });
  it('handles sessions that run past midnight', () => {
    const night = {
      freq: 'WEEKLY',
      byday: 'FR,SA',
      opens_at: '21:00',
      closes_at: '03:00',
      timezone: null,
      timezone_name: 'Europe/London',
    };
    assert.equal(isOpenAt([night], new Date('2026-11-28T02:00:00Z')), true, 'Saturday 02:00 continues Friday night');
    assert.equal(
      isOpenAt([night], new Date('2026-11-30T02:00:00Z')),
      false,
      'Monday 02:00 follows Sunday, which is not listed',
    );
    assert.equal(
      isOpenAt([night], new Date('2026-11-26T02:00:00Z')),
      false,
      'Thursday 02:00 follows Wednesday, not listed',
    );
    assert.equal(isOpenAt([night], new Date('2026-11-29T02:30:00Z')), true, 'Sunday 02:30 continues Saturday night');
    assert.equal(isOpenAt([night], new Date('2026-11-29T03:00:00Z')), false, 'closed at 03:00');
  });
  it('follows daylight saving and fixed UTC offsets', () => {
    const london = {
      freq: 'WEEKLY',
      byday: 'MO',
      opens_at: '09:00',
      closes_at: '10:00',
      timezone: null,
      timezone_name: 'Europe/London',
    };
    assert.equal(isOpenAt([london], new Date('2026-07-06T08:30:00Z')), true, 'BST: 09:30 local');
    assert.equal(isOpenAt([london], new Date('2026-12-07T08:30:00Z')), false, 'GMT: 08:30 local');
    const offset = {
      freq: 'WEEKLY',
      byday: 'MO',
      opens_at: '09:00',
      closes_at: '10:00',
      timezone: -5,
      timezone_name: null,
    };
    assert.equal(isOpenAt([offset], new Date('2026-12-07T14:30:00Z')), true);
    assert.equal(isOpenAt([], new Date()), null, 'no hours: unknown');
  });
});

describe('geometry', () => {
  it('resolves ambiguous names with a choice and narrows by country or region', () => {
    const london = resolvePlace('London');
    assert.equal(london.kind, 'ambiguous');
    assert.ok(
      london.kind === 'ambiguous' &&
        london.choices.some((c) => c.country === 'CA') &&
        london.choices.some((c) => c.country === 'GB'),
    );
    const ontario = resolvePlace('London, Ontario');
    assert.ok(ontario.kind === 'found' && ontario.place.country === 'CA');
    assert.equal(resolvePlace('Qwxzzyv').kind, 'none');
  });
  it('builds a bounding box that wraps the date line and opens at the poles', () => {
    const east = boundingBox(0, 179.9, 50);
    assert.ok(east.lon?.wraps, 'wraps east of 180');
    const pole = boundingBox(89.8, 0, 50);
    assert.equal(pole.lon, null, 'all longitudes near the pole');
    assert.ok(Math.abs(distanceKm(0, 179.95, 0, -179.95) - 11.1) < 0.2);
  });
});

for (const dialect of DIALECTS) {
  describe(`directory search (${dialect})`, () => {
    let t: TestApp;
    const run = (q: SearchQuery) => search(t.db, dialect, t.clock, q);
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      for (const [name, lat, lon] of [
        ['Dateline East (test)', 0.0, 179.95],
        ['Dateline West (test)', 0.0, -179.95],
        ['Polar A (test)', 89.9, 0],
        ['Polar B (test)', 89.9, 180],
        ['Polar Far (test)', 88.0, 90],
      ] as const)
        await writeListing(t.db, dialect, t.clock, point(name, lat, lon));
    });
    after(() => t.close());

    it('finds by keyword with English stemming and ranks', async () => {
      const r = await run({ q: 'clinics' });
      assert.ok(names(r).includes('Toronto Peer Legal Clinic (demo)'));
      const dropIn = await run({ q: 'drop-in sexual health' });
      assert.equal(names(dropIn)[0], 'Red Umbrella Drop-in (demo)');
    });

    it('tolerates a small typo and says what it searched for', async () => {
      const r = await run({ q: 'outreech' });
      assert.ok(r.correctedQuery);
      assert.ok(names(r).some((n) => n.includes('Outreach')));
    });

    it('combines filters: any-of within a category, all-of within approach, and across facets', async () => {
      const legal = await run({ category: ['legal'] });
      assert.deepEqual(
        names(legal).sort(),
        ['Rede Direitos São Paulo (demo)', 'Toronto Peer Legal Clinic (demo)', 'Écoute Travail du Sexe (demo)'].sort(),
      );
      const legalOrHousing = await run({ category: ['legal', 'housing'] });
      assert.equal(legalOrHousing.total, 4);
      const strict = await run({ category: ['legal'], approach: ['no-police', 'migrant-inclusive'] });
      assert.deepEqual(
        names(strict).sort(),
        ['Toronto Peer Legal Clinic (demo)', 'Écoute Travail du Sexe (demo)'].sort(),
      );
      const spanish = await run({ category: ['legal'], language: ['es'] });
      assert.deepEqual(
        names(spanish).sort(),
        ['Rede Direitos São Paulo (demo)', 'Écoute Travail du Sexe (demo)'].sort(),
      );
      // Counts are of the current results.
      const approach = legal.facets.find((f) => f.facet === 'approach')!;
      assert.equal(approach.options.find((o) => o.code === 'no-police')!.count, 2);
      assert.ok(FACETS.every((f) => legal.facets.some((x) => x.facet === f)));
    });

    it('keeps the spatial index current when a listing moves, its point changes or it is removed', async () => {
      const near = async (at: string) =>
        (await run({ at, radius: 5 })).results.filter((r) => !r.remote).map((r) => r.card.name);
      const first = await writeListing(t.db, dialect, t.clock, point('Mover (test)', 10, 10));
      assert.deepEqual(await near('10,10'), ['Mover (test)']);
      const orgId = (
        await t.db.selectFrom('service').select('organization_id').where('id', '=', first.id).executeTakeFirstOrThrow()
      ).organization_id;
      await writeListing(t.db, dialect, t.clock, point('Mover (test)', 20, 20), {
        id: first.id,
        slug: first.slug,
        organizationId: orgId,
      });
      assert.deepEqual(await near('10,10'), [], 'gone from the old place');
      assert.deepEqual(await near('20,20'), ['Mover (test)'], 'found at the new place');
      const sal = await t.db
        .selectFrom('service_at_location')
        .select('location_id')
        .where('service_id', '=', first.id)
        .executeTakeFirstOrThrow();
      await t.db
        .updateTable('location')
        .set({ public_latitude: 30, public_longitude: 30 })
        .where('id', '=', sal.location_id)
        .execute();
      assert.deepEqual(await near('20,20'), [], 'an updated point leaves its old place');
      assert.deepEqual(await near('30,30'), ['Mover (test)']);
      await deleteService(t.db, dialect, first.id);
      assert.deepEqual(await near('30,30'), [], 'a removed listing is not found');
    });

    it('asks which Springfield, picks London, England at once, and searches near the chosen one with remote services marked', async () => {
      const ambiguous = await run({ place: 'Springfield' });
      assert.ok(ambiguous.placeChoices.length >= 2);
      assert.equal(ambiguous.results.length, 0);
      // London, England is over ten times as populous as any other London: searched at once, the others offered.
      const likely = await run({ place: 'London' });
      assert.equal(likely.placeChoices.length, 0);
      assert.match(likely.near?.label ?? '', /England/);
      assert.ok(likely.otherPlaces.some((p) => p.country === 'CA'));
      const uk = await run({ place: 'London', placeId: LONDON_GB, radius: 25 });
      const local = uk.results.filter((r) => !r.remote).map((r) => r.card.name);
      assert.deepEqual(local, ['Red Umbrella Drop-in (demo)']);
      const red = uk.results.find((r) => r.card.name.startsWith('Red Umbrella'))!;
      assert.ok(red.distanceKm! > 3 && red.distanceKm! < 8, `distance ${red.distanceKm}`);
      const remote = uk.results
        .filter((r) => r.remote)
        .map((r) => r.card.name)
        .sort();
      assert.deepEqual(remote, ['Nightline for Sex Workers (demo)', 'Worldwide Peer Chat (demo)']);
      assert.ok(!names(uk).includes('Trafficking Support Line USA (demo)'), 'a US-only line does not cover London');
      const ontario = await run({ place: 'London, Ontario', radius: 10 });
      assert.deepEqual(
        ontario.results.filter((r) => !r.remote).map((r) => r.card.name),
        ['Forest City Outreach (demo)'],
      );
    });

    it('measures a confidential location from its area centre, never its address', async () => {
      const r = await run({ at: '53.48,-2.24', radius: 5 });
      const shelter = r.results.find((x) => x.card.name.startsWith('Safe Harbour'));
      assert.ok(shelter, names(r).join());
      const loc = shelter.card.places[0]!;
      assert.notEqual(loc.public_latitude, 53.4794);
      assert.ok(distanceKm(53.48, -2.24, loc.public_latitude!, loc.public_longitude!) - shelter.distanceKm! < 0.01);
    });

    it('finds neighbours across the date line and near the pole', async () => {
      const east = await run({ at: '0,179.99', radius: 50 });
      assert.deepEqual(
        east.results
          .filter((r) => !r.remote)
          .map((r) => r.card.name)
          .sort(),
        ['Dateline East (test)', 'Dateline West (test)'],
      );
      const west = await run({ at: '0,-179.99', radius: 5 });
      assert.deepEqual(
        west.results.filter((r) => !r.remote).map((r) => r.card.name),
        ['Dateline West (test)'],
      );
      const pole = await run({ at: '89.95,45', radius: 50 });
      assert.deepEqual(
        pole.results
          .filter((r) => !r.remote)
          .map((r) => r.card.name)
          .sort(),
        ['Polar A (test)', 'Polar B (test)'],
      );
      const far = await run({ at: '89.95,45', radius: 300 });
      assert.ok(names(far).includes('Polar Far (test)'));
    });

    it('keeps only services open now, in their own time zones', async () => {
      // Wednesday 2026-11-25 13:00 UTC: London drop-in (12–18 Mon/Wed/Fri) open; Paris (Tue/Thu) closed.
      t.clock.set('2026-11-25T13:00:00Z');
      const open = await run({ open: '1', category: ['sex-work-support'] });
      assert.ok(names(open).includes('Red Umbrella Drop-in (demo)'));
      assert.ok(!names(open).includes('Écoute Travail du Sexe (demo)'));
      assert.ok(names(open).includes('Worldwide Peer Chat (demo)'), 'open round the clock');
      // Saturday 2026-11-28 01:30 UTC = Friday 20:30 in Toronto; Forest City opens 21:00 Fri: closed. At 02:30 UTC it is open.
      t.clock.set('2026-11-28T01:30:00Z');
      assert.ok(!names(await run({ open: '1', q: 'outreach' })).includes('Forest City Outreach (demo)'));
      t.clock.set('2026-11-28T02:30:00Z');
      assert.ok(names(await run({ open: '1', q: 'outreach' })).includes('Forest City Outreach (demo)'));
      t.clock.set('2026-11-25T12:00:00Z');
    });

    it('refuses bad input with a message instead of failing', async () => {
      // What the address's schema cannot say: terms of the vocabulary, language codes, points on Earth.
      const refused: [SearchQuery, string][] = [
        [{ at: '95,10' }, 'at'],
        [{ at: 'abc' }, 'at'],
        [{ category: ['nope'] }, 'category'],
        [{ language: ['english!'] }, 'language'],
        [{ placeId: 999_999_999 }, 'place'],
        [{ sort: 'distance' }, 'sort'],
      ];
      for (const [q, field] of refused) {
        const r = await run(q);
        assert.ok(r.errors[field], `${JSON.stringify(q)} → ${field}`);
        assert.equal(r.results.length, 0);
      }
      const weird = await run({ q: '" OR 1=1 -- NEAR( * ^' });
      assert.deepEqual(weird.errors, {});
      // What the schema refuses still gets the search page, with the message beside the field.
      for (const [query, field, text] of [
        ['radius=1000&place=Paris', 'radius', /between 1 and 500 km/],
        [`q=${'x'.repeat(201)}`, 'q', /Keep the search under 200 characters/],
        ['placeId=12ab', 'place', /That place is not in the list/],
        ['page=-1', 'page', /That page does not exist/],
        ['sort=nearest', 'sort', /Sort by relevance or distance/],
        [`category=${Array.from({ length: 21 }, (_, i) => `c${i}`).join('&category=')}`, 'category', /at most 20/],
      ] as const) {
        const res = await t.inject(`/resources?${query}`);
        assert.equal(res.statusCode, 400, query);
        assert.match(res.body, new RegExp(`<a href="#field-${field}">`), query);
        assert.match(res.body, text, query);
        assert.doesNotMatch(res.body, /class="card result"/, query);
      }
    });

    it('serves the search page without JavaScript, with 400 for bad input and 404 for unknown listings', async () => {
      const page = await t.inject('/resources?q=drop-in&category=health');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Red Umbrella Drop-in \(demo\)/);
      assert.match(page.body, /name="category" value="legal"/);
      assert.equal(page.headers['set-cookie'], undefined);
      const bad = await t.inject('/resources?radius=9999&place=Paris');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /between 1 and 500 km/);
      const choice = await t.inject('/resources?place=London');
      assert.match(choice.body, /Not this London\?/);
      assert.match(choice.body, /placeId=6058560/);
      assert.match((await t.inject('/resources?place=Springfield')).body, /Which Springfield do you mean/);
      assert.equal((await t.inject('/resources/no-such-listing')).statusCode, 404);
      const chars = await t.inject('/resources?q=%00%FF%FE&at=1e999,2');
      assert.equal(chars.statusCode, 400);
    });

    it('shows a listing with contact details, and a confidential one by area only', async () => {
      const red = await t.inject('/resources/red-umbrella-drop-in');
      assert.equal(red.statusCode, 200);
      assert.match(red.body, /tel:\+442079460101/);
      assert.match(red.body, /1 Example Yard/);
      const safe = await t.inject('/resources/safe-harbour-house');
      assert.equal(safe.statusCode, 200);
      assert.match(safe.body, /Greater Manchester/);
      assert.doesNotMatch(safe.body, /Hidden Street|M1 0ZZ|53\.4794/);
    });

    it('shows on each result card its area, distance, hours, open now, approach and verification — never a confidential address', async () => {
      t.clock.set('2026-11-25T13:00:00Z'); // a Wednesday, 13:00 in London
      const res = await t.inject('/resources?q=drop-in&place=London%2C+GB&radius=10');
      assert.equal(res.statusCode, 200);
      const red =
        /<li class="card result">(?:(?!<\/li>\s*<li class="card result">).)*?Red Umbrella Drop-in(?:.|\n)*?<\/p>\s*<\/li>/s.exec(
          res.body,
        )?.[0] ?? '';
      assert.match(red, /London, United Kingdom · [\d.]+ km/);
      assert.match(red, /Open now/);
      assert.match(red, /Mon, Wed, Fri 12:00–18:00/);
      for (const badge of ['Sex-worker-led', 'Drop-in', 'Anonymous'])
        assert.match(red, new RegExp(`<li class="badge">${badge}`, 'i'));
      assert.match(red, /Last verified .*\(Demo curator\)/);
      const near = await t.inject('/resources?place=Manchester%2C+GB&radius=25&category=trafficking-support');
      assert.match(near.body, /Safe Harbour House \(demo\)/);
      assert.match(near.body, /Greater Manchester, United Kingdom/);
      assert.doesNotMatch(near.body, /Hidden Street|M1 0ZZ|53\.4794|-2\.2453/);
      t.clock.set('2026-11-25T12:00:00Z');
    });

    it('keeps a French search in French: its forms, result links and pages carry lang=fr', async () => {
      const fr = await t.inject('/resources?lang=fr&q=drop-in&place=London%2C+GB&radius=500');
      assert.equal(fr.statusCode, 200);
      assert.match(fr.body, /<html lang="fr"/);
      const forms =
        fr.body.match(
          /<form method="get" action="\/resources#answer"[^>]*>\s*<input type="hidden" name="lang" value="fr"\/>/g,
        ) ?? [];
      assert.equal(forms.length, 2, 'the search box and the filters both keep the language');
      assert.match(fr.body, /<a href="\/resources\/red-umbrella-drop-in\?lang=fr">Red Umbrella Drop-in \(demo\)<\/a>/);
      const located = await t.inject('/resources?lang=fr&at=51.52,-0.07');
      assert.match(
        located.body,
        /Recherche autour de votre position \(51\.52,-0\.07\)\. <a href="\/resources\?lang=fr">L’oublier<\/a>/,
      );
      const en = await t.inject('/resources?q=drop-in');
      assert.doesNotMatch(en.body, /name="lang"|red-umbrella-drop-in\?lang/);
      assert.match(
        en.body,
        /<a href="\/resources\?q=drop-in&amp;lang=fr" hreflang="fr" lang="fr">Français<\/a>/,
        'the switch keeps the search',
      );
    });

    it('puts a directory search box on the home page', async () => {
      const home = await t.inject('/');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /<form method="get" action="\/resources#answer"[^>]*role="search"/);
    });

    it('never caches or logs a search with coordinates', async () => {
      const res = await t.inject('/resources?at=51.52,-0.07&radius=10');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.doesNotMatch(t.logs(), /51\.52/);
    });
  });
}
