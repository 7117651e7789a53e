import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, PROBE_IP, PROBE_UA, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import type { Clock } from '../../core/clock.ts';
import { openDatabase } from '../../core/db/connect.ts';
import { buildApp } from '../../server.ts';
import { FACETS, TAXONOMY_IDS } from './hsds.ts';
import { writeListing } from './listing-store.ts';
import { search, type SearchOutcome, type SearchQuery } from './search.ts';
import { cachedVocabulary } from './search-vocabulary.ts';
import { demoInput, seedDirectory } from './seed.ts';
import { DEFAULT_TERMS } from './vocabulary.ts';

/*
 * The search page keeps the vocabulary (filter terms, synonyms) in memory between changes. Its
 * answers must be the uncached search's: same results in the same order, same counts, same filter
 * labels, after any edit of the vocabulary made through the app — at once, on this instance and
 * on another instance of the same PostgreSQL database.
 */

/** What a reader sees of an outcome: results in order, counts, filters with counts, corrections. */
const seen = (o: SearchOutcome) => ({
  ids: o.results.map((r) => r.card.id),
  total: o.total,
  pageCount: o.pageCount,
  facets: o.facets,
  correctedQuery: o.correctedQuery,
  errors: Object.keys(o.errors),
  near: o.near,
});

const WORDS = [
  '',
  'lawyer',
  'lawyers',
  'clinic',
  'drop-in',
  'shelter',
  'refuge',
  'zzalpha',
  'zzbeta',
  'avocat',
  'legl',
];
const SYNONYMS = ['zzalpha', 'zzbeta', 'lawyer', 'refuge', 'clinic', 'shelter'];

const queryArb: fc.Arbitrary<SearchQuery> = fc.record(
  {
    q: fc.constantFrom(...WORDS),
    category: fc.subarray(DEFAULT_TERMS.category.map((t) => t[0]).concat(['zz1', 'zz2']), { maxLength: 2 }),
    approach: fc.subarray(
      DEFAULT_TERMS.approach.map((t) => t[0]),
      { maxLength: 1 },
    ),
    place: fc.constantFrom('London', 'Toronto', 'Bangkok', 'São Paulo'),
    radius: fc.constantFrom(25, 500),
    sort: fc.constantFrom('relevance' as const, 'distance' as const),
  },
  { requiredKeys: ['q'] },
);

/** A change to the vocabulary, made through the admin pages as an admin would. */
type Edit =
  | { kind: 'synonyms'; term: number; words: string[] }
  | { kind: 'rename'; term: number; name: string }
  | { kind: 'add'; facet: (typeof FACETS)[number]; n: number };
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('synonyms' as const),
    term: fc.nat(40),
    words: fc.subarray(SYNONYMS, { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('rename' as const),
    term: fc.nat(40),
    name: fc.constantFrom('Zz renamed', 'Aa first'),
  }),
  fc.record({ kind: fc.constant('add' as const), facet: fc.constantFrom(...FACETS), n: fc.constantFrom(1, 2) }),
);

async function termIds(t: TestApp): Promise<string[]> {
  const rows = await t.db
    .selectFrom('taxonomy_term')
    .select('id')
    .where('taxonomy_id', 'in', Object.values(TAXONOMY_IDS))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

async function applyEdit(t: TestApp, admin: StaffSession, edit: Edit): Promise<void> {
  const ids = await termIds(t);
  const id = ids[edit.kind === 'add' ? 0 : edit.term % ids.length]!;
  const res =
    edit.kind === 'synonyms'
      ? await postForm(t, `/admin/resources/taxonomy/${id}/synonyms`, { en: edit.words.join(', '), fr: '' }, admin)
      : edit.kind === 'rename'
        ? await postForm(t, `/admin/resources/taxonomy/${id}`, { name: edit.name, description: '' }, admin)
        : await postForm(
            t,
            '/admin/resources/taxonomy',
            { facet: edit.facet, code: `zz${edit.n}`, name: `Zz term ${edit.n}`, description: '' },
            admin,
          );
  // Adding a code the facet already has is refused (400): the vocabulary stays as it was, also fine.
  assert.ok([303, 400].includes(res.statusCode), `${JSON.stringify(edit)}: ${res.statusCode}`);
}

for (const dialect of DIALECTS) {
  describe(`the search's cached vocabulary (${dialect})`, () => {
    let t: TestApp;
    let admin: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      admin = await loginAs(t, 'admin');
    });
    after(() => t.close());

    it('answers every search as the uncached search does, after any vocabulary edit, at once', async () => {
      const cached = cachedVocabulary(t.db, t.app.deps.pageCache, t.clock);
      const same = async (query: SearchQuery, label: string) => {
        const fresh = seen(await search(t.db, dialect, t.clock, query));
        assert.deepEqual(seen(await search(t.db, dialect, t.clock, query, cached)), fresh, label);
      };
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(fc.option(editArb, { nil: undefined }), fc.array(queryArb, { minLength: 1, maxLength: 3 })),
            {
              minLength: 1,
              maxLength: 3,
            },
          ),
          async (steps) => {
            for (const [edit, queries] of steps) {
              if (edit) await applyEdit(t, admin, edit);
              for (const q of queries) await same(q, `${JSON.stringify(edit)} then ${JSON.stringify(q)}`);
            }
          },
        ),
        { numRuns: 20 },
      );
    });

    it('reads the vocabulary once between changes, and again after a change', async () => {
      let loads = 0;
      // Kysely keeps private fields: its methods run on the real instance.
      const counting = new Proxy(t.db, {
        get(target, prop) {
          if (prop === 'selectFrom') loads++;
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const cached = cachedVocabulary(counting, t.app.deps.pageCache, t.clock);
      const query = { q: 'lawyer', place: 'London' };
      await search(t.db, dialect, t.clock, query, cached);
      const first = loads;
      assert.ok(first > 0, 'the first search reads the vocabulary');
      for (let i = 0; i < 5; i++) await search(t.db, dialect, t.clock, query, cached);
      assert.equal(loads, first, 'later searches read it from memory');
      await t.app.deps.pageCache.invalidate('posts' as never);
      await search(t.db, dialect, t.clock, query, cached);
      assert.equal(loads, first, 'a change elsewhere on the site keeps it');
      await applyEdit(t, admin, { kind: 'synonyms', term: 3, words: ['zzgamma'] });
      await search(t.db, dialect, t.clock, query, cached);
      assert.equal(loads, 2 * first, 'a vocabulary change makes the next search read it again');
      t.clock.advance(61_000);
      await search(t.db, dialect, t.clock, query, cached);
      assert.equal(loads, 3 * first, 'and so does its age, for writes made outside the app');
    });
  });
}

/** Another instance of the app on the same database, as a second `alongside serve` would be. */
async function secondInstance(t: TestApp): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const handle = openDatabase({ dialect: 'postgres', url: t.database.url }, { poolSize: 2 });
  const app = await buildApp({ config: t.config, handle, clock: t.clock as Clock, logStream: new PassThrough() });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

describe('two instances on one PostgreSQL database', () => {
  let t: TestApp;
  let b: Awaited<ReturnType<typeof secondInstance>>;
  before(async () => {
    t = await createTestApp('postgres');
    await seedDirectory({ db: t.db, clock: t.clock });
    b = await secondInstance(t);
  });
  after(async () => {
    await b.close();
    await t.close();
  });
  const onB = async (url: string) => {
    const res = await b.app.inject({ url, remoteAddress: PROBE_IP, headers: { 'user-agent': PROBE_UA } });
    assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
    return res.body;
  };

  it('sees a synonym, a renamed term and a new listing made through the other instance at once', async () => {
    // Instance B has the vocabulary in memory before the changes.
    assert.doesNotMatch(await onB('/resources?q=zzdelta'), /Safe Harbour House/);
    assert.doesNotMatch(await onB('/resources?q=drop-in'), /Zz renamed housing/);
    const admin = await loginAs(t, 'admin');
    const page = await t.inject({ url: '/admin/resources/taxonomy', headers: { cookie: admin.cookie } });
    const housing =
      /action="\/admin\/resources\/taxonomy\/([0-9a-f-]+)\/synonyms"(?:(?!<\/form>)[^])*English synonyms of Housing/.exec(
        page.body,
      )![1]!;
    const synonyms = `/admin/resources/taxonomy/${housing}/synonyms`;
    assert.equal((await postForm(t, synonyms, { en: 'zzdelta', fr: '' }, admin)).statusCode, 303);
    assert.match(await onB('/resources?q=zzdelta'), /Safe Harbour House/, 'the new synonym finds Housing listings');
    const rename = { name: 'Zz renamed housing', description: '' };
    assert.equal((await postForm(t, `/admin/resources/taxonomy/${housing}`, rename, admin)).statusCode, 303);
    assert.match(await onB('/resources?q=drop-in'), /Zz renamed housing/, 'the filter shows the new name');
    await writeListing(
      t.db,
      'postgres',
      t.clock,
      demoInput({ name: 'Zz New Listing', terms: { category: ['health'] } } as never),
    );
    assert.match(await onB('/resources?q=zz+new+listing'), /Zz New Listing/);
  });
});
