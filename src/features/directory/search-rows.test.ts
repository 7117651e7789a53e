import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import {
  DIALECTS,
  PROBE_IP,
  PROBE_UA,
  createTestApp,
  createTestDatabase,
  type TestApp,
} from '../../../test/support/app.ts';
import { loginAs, postForm } from '../../../test/support/staff.ts';
import type { Clock } from '../../core/clock.ts';
import { openDatabase } from '../../core/db/connect.ts';
import type { Db, Dialect } from '../../core/db/schema.ts';
import { translate } from '../../core/i18n/index.ts';
import { buildApp } from '../../server.ts';
import { FACETS, TAXONOMY_IDS, type Facet } from './hsds.ts';
import { importPackage } from './hsds-io.ts';
import type { ListingInput } from './listing-model.ts';
import { writeListing } from './listing-store.ts';
import { deleteService, loadTerms, reindex } from './repo.ts';
import { search } from './search.ts';
import { searchCandidates, type SearchSpec } from './search-repo.ts';
import { FACET_SEPARATOR } from './search-rows-repo.ts';
import { demoInput } from './seed.ts';
import { DEFAULT_TERMS } from './vocabulary.ts';

/*
 * The search rows (search-rows-repo.ts) are derived data: a search near a place reads them instead
 * of the directory's tables. Whatever writes the directory — a curator's edit, a new or deleted
 * listing, an HSDS import or sync, a place moved by any writer — they must say what the tables say
 * at once, and a search through them must give the tables' answer: the same services in the same
 * order at the same distances, so the same facet counts.
 */

/** What the rows must be, computed here from the tables: one per place of a service with a public point. */
/** A service's first place. */
const placeOf = (db: Db, serviceId: string) =>
  db
    .selectFrom('service_at_location')
    .select('location_id')
    .where('service_id', '=', serviceId)
    .executeTakeFirstOrThrow();

/** Writes a place's point straight into the table, as anything but Alongside's repo could: the trigger's case. */
const setPointInTable = (db: Db, locationId: string, lat: number | null, lon: number | null) =>
  db
    .updateTable('location')
    .set({ public_latitude: lat, public_longitude: lon })
    .where('id', '=', locationId)
    .execute();

async function expectedRows(db: Db) {
  const sal = await db.selectFrom('service_at_location').select(['service_id', 'location_id']).execute();
  const places = new Map(
    (await db.selectFrom('location').select(['id', 'public_latitude', 'public_longitude']).execute()).map((l) => [
      l.id,
      l,
    ]),
  );
  const keys = new Map<string, Set<string>>();
  const add = (id: string | null, key: string) => id && (keys.get(id) ?? keys.set(id, new Set()).get(id)!).add(key);
  for (const a of await db.selectFrom('attribute').select(['link_id', 'taxonomy_term_id']).execute())
    if (a.taxonomy_term_id !== null) add(a.link_id, `t${a.taxonomy_term_id}`);
  for (const l of await db.selectFrom('language').select(['service_id', 'code']).execute())
    if (l.code !== null) add(l.service_id, `l${l.code}`);
  return sal
    .flatMap((s) => {
      const p = s.location_id === null ? undefined : places.get(s.location_id);
      if (!s.service_id || !p || p.public_latitude === null || p.public_longitude === null) return [];
      const k = [...(keys.get(s.service_id) ?? [])].sort();
      return [[s.service_id, s.location_id, p.public_latitude, p.public_longitude, k.join(' ')].join('|')];
    })
    .sort();
}

/** The rows there are (on SQLite, checked to be in the R*Tree too). */
async function actualRows(db: Db, dialect: Dialect) {
  const rows = (
    await sql<{
      id: number;
      service_id: string;
      location_id: string;
      lat: number;
      lon: number;
      facets: string;
    }>`select id, service_id, location_id, lat, lon, facets from directory_search`.execute(db)
  ).rows;
  if (dialect === 'sqlite') {
    const near = (
      await sql<{ id: number; service_id: string; lat: number; lon: number; facets: string }>`
        select id, service_id, lat, lon, facets from directory_near`.execute(db)
    ).rows;
    const of = (r: { id: number; service_id: string; lat: number; lon: number; facets: string }) =>
      [Number(r.id), r.service_id, r.lat, r.lon, r.facets].join('|');
    assert.deepEqual(near.map(of).sort(), rows.map(of).sort(), 'the R*Tree holds the same rows');
  }
  return rows
    .map((r) => {
      const keys = r.facets.split(FACET_SEPARATOR).filter(Boolean).sort();
      assert.ok(r.facets.startsWith(FACET_SEPARATOR) && r.facets.endsWith(FACET_SEPARATOR));
      return [r.service_id, r.location_id, Number(r.lat), Number(r.lon), keys.join(' ')].join('|');
    })
    .sort();
}

async function assertRowsCurrent(db: Db, dialect: Dialect, why: string) {
  assert.deepEqual(await actualRows(db, dialect), await expectedRows(db), why);
}

/** A search near a point through the rows and through the tables: the same answer (so the same facet counts). */
async function assertSameSearch(db: Db, dialect: Dialect, spec: SearchSpec, why: string) {
  const rows = await searchCandidates(db, dialect, spec);
  const tables = await searchCandidates(db, dialect, { ...spec, fromTables: true });
  assert.deepEqual(rows, tables, why);
  return rows;
}

const CODES: Record<Facet, string[]> = Object.fromEntries(
  FACETS.map((f) => [f, DEFAULT_TERMS[f].map((t) => t[0])]),
) as Record<Facet, string[]>;
const LANGUAGES = ['en', 'fr', 'es', 'pt'];

function listing(name: string, places: { lat: number; lon: number }[], terms: Partial<Record<Facet, string[]>>) {
  const input = demoInput({ name, terms } as never);
  return {
    ...input,
    languages: [],
    locations: places.map((p) => ({
      ...demoInput({
        name,
        terms,
        location: { city: 'Nowhere', country: 'XX', latitude: p.lat, longitude: p.lon },
      } as never).locations[0]!,
    })),
  } satisfies ListingInput;
}

/** Term ids by facet and code, for specs. */
async function termIds(db: Db) {
  const terms = await loadTerms(db);
  return (facet: Facet, code: string) =>
    terms.find((t) => t.taxonomy_id === TAXONOMY_IDS[facet] && t.code === code)!.id;
}

const PUBLISHED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'published');
/** A copy of the published test package with `edit` applied to its files' text. */
function editedPackage(edits: [file: string, from: string | RegExp, to: string][]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-rows-'));
  for (const f of fs.readdirSync(PUBLISHED)) fs.copyFileSync(path.join(PUBLISHED, f), path.join(dir, f));
  for (const [file, from, to] of edits) {
    const full = path.join(dir, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = before.replace(from, to);
    assert.notEqual(after, before, `${file}: ${String(from)} is in the package`);
    fs.writeFileSync(full, after);
  }
  return dir;
}

for (const dialect of DIALECTS) {
  describe(`search rows follow every write (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('a new listing, an edit of its terms, languages and places, a deleted listing: at once', async () => {
      const id = await termIds(t.db);
      const near = (lat: number, lon: number, extra: Partial<SearchSpec> = {}): SearchSpec => ({
        words: [],
        termGroups: [],
        languages: [],
        near: { lat, lon, radiusKm: 10, areaUris: [] },
        limit: 100,
        ...extra,
      });
      const written = await writeListing(
        t.db,
        dialect,
        t.clock,
        listing('Rows A (test)', [{ lat: 40, lon: 40 }], { category: ['health'] }),
      );
      await assertRowsCurrent(t.db, dialect, 'a new listing');
      const health = { termGroups: [{ ids: [id('category', 'health')], mode: 'any' as const }] };
      assert.deepEqual(
        (await assertSameSearch(t.db, dialect, near(40, 40, health), 'new')).map((c) => c.id),
        [written.id],
      );
      const orgId = (
        await t.db
          .selectFrom('service')
          .select('organization_id')
          .where('id', '=', written.id)
          .executeTakeFirstOrThrow()
      ).organization_id;
      const edited = {
        ...listing(
          'Rows A (test)',
          [
            { lat: 41, lon: 41 },
            { lat: 42, lon: 42 },
          ],
          { category: ['legal'], approach: ['peer-led'] },
        ),
        languages: ['fr'],
      };
      await writeListing(t.db, dialect, t.clock, edited, { id: written.id, slug: written.slug, organizationId: orgId });
      await assertRowsCurrent(t.db, dialect, 'an edited listing');
      assert.deepEqual(await assertSameSearch(t.db, dialect, near(40, 40), 'moved away'), []);
      assert.deepEqual(await assertSameSearch(t.db, dialect, near(41, 41, health), 'not health any more'), []);
      const legalFr = {
        termGroups: [{ ids: [id('category', 'legal')], mode: 'any' as const }],
        languages: ['fr'],
      };
      for (const [lat, lon] of [
        [41, 41],
        [42, 42],
      ])
        assert.deepEqual(
          (await assertSameSearch(t.db, dialect, near(lat!, lon!, legalFr), 'legal, in French')).map((c) => c.id),
          [written.id],
        );
      // A place's point written by anyone (here straight into the table) moves its rows by trigger.
      const place = await placeOf(t.db, written.id);
      await setPointInTable(t.db, place.location_id, 43, 43);
      await assertRowsCurrent(t.db, dialect, 'a point changed in the table');
      await setPointInTable(t.db, place.location_id, null, null);
      await assertRowsCurrent(t.db, dialect, 'a point removed in the table');
      // Another listing shares its other place: deleting this one leaves the place, not this one's rows.
      const other = await writeListing(t.db, dialect, t.clock, listing('Rows A2 (test)', [], { category: ['legal'] }));
      const shared = await t.db
        .selectFrom('service_at_location')
        .select('location_id')
        .where('service_id', '=', written.id)
        .where('location_id', '!=', place.location_id)
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('service_at_location')
        .values({ id: crypto.randomUUID(), service_id: other.id, location_id: shared.location_id, description: null })
        .execute();
      await reindex(t.db, dialect, [other.id]);
      await assertRowsCurrent(t.db, dialect, 'a shared place');
      await deleteService(t.db, dialect, written.id);
      await assertRowsCurrent(t.db, dialect, 'a deleted listing');
      for (const [lat, lon] of [
        [41, 41],
        [42, 42],
      ]) {
        const found = (await assertSameSearch(t.db, dialect, near(lat!, lon!), 'deleted')).map((c) => c.id);
        assert.ok(!found.includes(written.id), 'the deleted listing is not found');
        assert.ok(found.every((x) => x === other.id));
      }
    });

    it('an HSDS import into an empty directory', async () => {
      const d = await createTestDatabase(dialect);
      try {
        const result = await importPackage(d.db, dialect, t.clock, PUBLISHED);
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
        assert.ok((await expectedRows(d.db)).length > 0);
        await assertRowsCurrent(d.db, dialect, 'a fresh import');
      } finally {
        await d.destroy();
      }
    });

    it('an HSDS import, a sync that changes languages, terms and a place, and one that removes a listing', async () => {
      const run = async (dir: string, removeMissing = false) => {
        const result = await importPackage(t.db, dialect, t.clock, dir, { removeMissing });
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
      };
      await run(PUBLISHED);
      await assertRowsCurrent(t.db, dialect, 'a fresh import');
      await run(
        editedPackage([
          ['service.csv', '2026-09-01T10:00:00.000Z', '2026-12-01T00:00:00.000Z'],
          ['language.csv', ',Polish,pl,', ',Portuguese,pt,'],
          ['location.csv', '53.4084,-2.9916', '53.5000,-2.5000'],
          [
            'attribute.csv',
            'b0000000-0000-4000-8000-000000000002,service_type',
            'b0000000-0000-4000-8000-000000000001,service_type',
          ],
        ]),
      );
      await assertRowsCurrent(t.db, dialect, 'a sync');
      const pt: SearchSpec = {
        words: [],
        termGroups: [],
        languages: ['pt'],
        near: { lat: 53.5, lon: -2.5, radiusKm: 5, areaUris: [] },
        limit: 100,
      };
      assert.deepEqual(
        (await assertSameSearch(t.db, dialect, pt, 'the synced language and place')).map((c) => c.id),
        ['1c000000-0000-4000-8000-000000000001'],
      );
      await run(editedPackage([['service.csv', /\n1c000000-0000-4000-8000-000000000002,[^\n]*/, '']]), true);
      await assertRowsCurrent(t.db, dialect, 'a sync that retires a listing');
    });

    it('a new term and a renamed one, made through the admin pages, filter the rows at once', async () => {
      const admin = await loginAs(t, 'admin');
      const add = { facet: 'category', code: 'zz-rows', name: 'Zz rows term', description: '' };
      const added = await postForm(t, '/admin/resources/taxonomy', add, admin);
      assert.equal(added.statusCode, 303, added.body.slice(0, 300));
      const written = await writeListing(
        t.db,
        dialect,
        t.clock,
        listing('Rows B (test)', [{ lat: -30, lon: -30 }], { category: ['zz-rows'] }),
      );
      const termId = (await termIds(t.db))('category', 'zz-rows');
      const renamed = { name: 'Zz rows renamed', description: '' };
      assert.equal((await postForm(t, `/admin/resources/taxonomy/${termId}`, renamed, admin)).statusCode, 303);
      await assertRowsCurrent(t.db, dialect, 'a renamed term');
      const res = await t.inject(`/resources?at=-30,-30&radius=5&category=zz-rows`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Rows B \(test\)/);
      assert.match(res.body, /Zz rows renamed/);
      assert.deepEqual(
        (
          await assertSameSearch(
            t.db,
            dialect,
            {
              words: [],
              termGroups: [{ ids: [termId], mode: 'all' }],
              languages: [],
              near: { lat: -30, lon: -30, radiusKm: 5, areaUris: [] },
              limit: 10,
            },
            'the new term',
          )
        ).map((c) => c.id),
        [written.id],
      );
    });
  });

  describe(`search rows against the tables, random directories and searches (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('gives the same services, order, distances and counts as the tables', async () => {
      const id = await termIds(t.db);
      const pick = (r: () => number, list: string[]) => list.filter(() => r() < 0.35);
      let seed = 11;
      const r = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
      for (let i = 0; i < 40; i++) {
        const places = Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({
          lat: Number((r() * 2 - 1).toFixed(4)),
          lon: Number((r() * 2 - 1).toFixed(4)),
        }));
        const terms = Object.fromEntries(FACETS.map((f) => [f, pick(r, CODES[f])]));
        const words = ['clinic', 'outreach', 'legal'].filter(() => r() < 0.5);
        await writeListing(t.db, dialect, t.clock, {
          ...listing(`Random ${i} ${words.join(' ')} (test)`, places, terms),
          languages: pick(r, LANGUAGES),
        });
      }
      await assertRowsCurrent(t.db, dialect, 'after 40 listings');
      const groupArb = (facet: Facet) =>
        fc.record({
          // Mostly no filter on a facet, so the others decide often enough to tell a wrong one.
          ids: fc
            .oneof(
              { arbitrary: fc.constant<string[]>([]), weight: 2 },
              { arbitrary: fc.subarray(CODES[facet], { minLength: 1, maxLength: 3 }), weight: 1 },
            )
            .map((codes) => codes.map((c) => id(facet, c))),
          mode: fc.constantFrom('any' as const, 'all' as const),
        });
      await fc.assert(
        fc.asyncProperty(
          // Points as a reader's device gives them (a few decimals).
          fc.integer({ min: -12000, max: 12000 }).map((n) => n / 10000),
          fc.integer({ min: -12000, max: 12000 }).map((n) => n / 10000),
          fc.constantFrom(5, 25, 50, 100, 250),
          fc.tuple(...FACETS.map(groupArb)),
          fc.oneof(fc.constant<string[]>([]), fc.subarray(LANGUAGES, { minLength: 1, maxLength: 2 })),
          fc.subarray(['clinic', 'outreach'], { maxLength: 1 }),
          async (lat, lon, radiusKm, termGroups, languages, words) => {
            await assertSameSearch(
              t.db,
              dialect,
              { words, termGroups, languages, near: { lat, lon, radiusKm, areaUris: [] }, limit: 5000 },
              `${lat},${lon} within ${radiusKm} km`,
            );
          },
        ),
        { numRuns: 100 },
      );
    });
  });
}

describe('search rows seen from a second instance on the same PostgreSQL database', () => {
  let t: TestApp;
  let b: { inject(url: string): Promise<string>; close(): Promise<void> };
  before(async () => {
    t = await createTestApp('postgres');
    const handle = openDatabase({ dialect: 'postgres', url: t.database.url }, { poolSize: 2 });
    const app = await buildApp({ config: t.config, handle, clock: t.clock as Clock, logStream: new PassThrough() });
    await app.ready();
    b = {
      async inject(url) {
        const res = await app.inject({ url, remoteAddress: PROBE_IP, headers: { 'user-agent': PROBE_UA } });
        assert.equal(res.statusCode, 200, res.body.slice(0, 300));
        return res.body;
      },
      async close() {
        await app.close();
        await handle.close();
      },
    };
  });
  after(async () => {
    await b.close();
    await t.close();
  });

  it('finds a listing added, moved and deleted through the first instance at once', async () => {
    const url = (at: string) => `/resources?at=${at}&radius=5&category=health`;
    assert.doesNotMatch(await b.inject(url('60,60')), /Rows C/);
    const written = await writeListing(
      t.db,
      'postgres',
      t.clock,
      listing('Rows C (test)', [{ lat: 60, lon: 60 }], { category: ['health'] }),
    );
    assert.match(await b.inject(url('60,60')), /Rows C \(test\)/, 'a new listing');
    await setPointInTable(t.db, (await placeOf(t.db, written.id)).location_id, 61, 61);
    assert.doesNotMatch(await b.inject(url('60,60')), /Rows C/, 'moved away');
    assert.match(await b.inject(url('61,61')), /Rows C \(test\)/, 'found at its new point');
    await deleteService(t.db, 'postgres', written.id);
    assert.doesNotMatch(await b.inject(url('61,61')), /Rows C/, 'deleted');
  });
});

describe('PostgreSQL stops planning the search near a place after its first runs on a connection', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('postgres');
  });
  after(() => t.close());

  it('runs its queries as named statements whose generic plan is reused after five planned runs', async () => {
    // One connection, so the statements listed are the ones the searches used.
    const handle = openDatabase({ dialect: 'postgres', url: t.database.url }, { poolSize: 1 });
    try {
      // PostgreSQL plans a named statement for its first five runs, then keeps its generic plan.
      const places = Array.from({ length: 8 }, (_, i) => [10 + i, 10 + i] as const);
      for (const [lat, lon] of places)
        await search(handle.db, 'postgres', t.clock, {
          at: `${lat},${lon}`,
          radius: 25,
          q: 'clinic',
          category: ['health'],
        });
      const statements = (
        await sql<{ statement: string; generic_plans: number; custom_plans: number }>`
          select statement, generic_plans, custom_plans from pg_prepared_statements`.execute(handle.db)
      ).rows;
      const near = statements.find((s) => s.statement.includes('directory_search r'));
      assert.ok(
        near,
        `the query near a place is prepared: ${statements.map((s) => s.statement.slice(0, 60)).join(' | ')}`,
      );
      assert.deepEqual(
        [Number(near.generic_plans), Number(near.custom_plans)],
        [3, 5],
        'planned for five runs, then the generic plan reused',
      );
    } finally {
      await handle.close();
    }
  });
});
