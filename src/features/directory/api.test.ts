import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { distanceKm } from './gazetteer.ts';
import { TAXONOMY_IDS } from './hsds.ts';
import { seedDirectory } from './seed.ts';
import { pageProblems, problems, type OfficialSchema } from './testdata/official-schemas.ts';

/*
 * The read-only HSDS API against the Open Referral API reference (schema/openapi.json, branch 3.0):
 * every list parameter, the Page object, ndjson output, postcode/proximity, and what must never leak —
 * a confidential location's street, postal code and exact coordinates.
 */
/** Each list's items as schema/openapi.json gives them (the taxonomies' schemas are not compiled upstream). */
const LIST_ITEM: Record<(typeof LISTS)[number], OfficialSchema> = {
  services: 'compiled/service_list.json',
  organizations: 'compiled/organization_list.json',
  service_at_locations: 'compiled/service_at_location_list.json',
  taxonomies: 'taxonomy.json',
  taxonomy_terms: 'taxonomy_term.json',
};

const SECRET = /Hidden Street|M1 0ZZ|53\.4794|-2\.2453/;
const LISTS = ['services', 'organizations', 'service_at_locations', 'taxonomies', 'taxonomy_terms'] as const;
const valid = (schema: OfficialSchema, value: unknown, what: string) =>
  assert.deepEqual(problems(schema, value), [], `${what} against ${schema}`);
type Item = Record<string, unknown> & { id: string; name?: string };

for (const dialect of DIALECTS) {
  describe(`HSDS API (${dialect})`, () => {
    let t: TestApp;
    const get = async (url: string) => {
      const r = await t.inject(url);
      assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 300)}`);
      return r.json() as { total_items: number; total_pages: number; contents: Item[] } & Record<string, unknown>;
    };
    const names = (body: { contents: Item[] }) => body.contents.map((s) => s.name);
    const serviceId = async (name: string) =>
      (await t.db.selectFrom('service').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const termId = async (code: string) =>
      (
        await t.db
          .selectFrom('taxonomy_term')
          .select('id')
          .where('code', '=', code)
          .where('taxonomy_id', '=', TAXONOMY_IDS.category)
          .executeTakeFirstOrThrow()
      ).id;
    const salOf = async (name: string) =>
      await t.db
        .selectFrom('service_at_location')
        .select(['id', 'location_id'])
        .where('service_id', '=', await serviceId(name))
        .executeTakeFirstOrThrow();
    const orgOf = async (name: string) =>
      (await t.db.selectFrom('service').select('organization_id').where('name', '=', name).executeTakeFirstOrThrow())
        .organization_id;

    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
    });
    after(() => t.close());

    it('describes itself at / with the fields of the reference and allows reads from any origin', async () => {
      const r = await t.inject('/api/hsds/');
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['access-control-allow-origin'], '*');
      const meta = r.json();
      assert.equal(meta.version, '3.0');
      assert.match(meta.openapi_url, /^https:\/\/.+openapi\.json$/);
      assert.match(meta.profile, /^https?:\/\//);
      assert.equal(typeof meta.description, 'string');
      assert.equal(meta.publisher.name, 'Alongside');
      assert.match(meta.publisher.website, /\/resources$/);
      assert.ok(Array.isArray(meta.publisher.additional_websites));
      const pre = await t.inject({
        method: 'OPTIONS',
        url: '/api/hsds/services',
        headers: { origin: 'https://elsewhere.example.org', 'access-control-request-method': 'GET' },
      });
      assert.equal(pre.statusCode, 204);
      assert.equal(pre.headers['access-control-allow-origin'], '*');
      assert.doesNotMatch(String(pre.headers['access-control-allow-methods']), /POST|PUT|DELETE/);
    });

    it('pages through every list with a correct Page object, and gives an empty page past the end', async () => {
      for (const list of LISTS) {
        const all = await get(`/api/hsds/${list}?per_page=100`);
        const total = all.total_items;
        assert.ok(total >= 3, list);
        assert.equal(all.contents.length, total, `${list}: one page holds everything`);
        const perPage = 3;
        const pages = Math.ceil(total / perPage);
        const seen: string[] = [];
        for (let page = 1; page <= pages; page++) {
          const body = await get(`/api/hsds/${list}?per_page=${perPage}&page=${page}`);
          assert.deepEqual(pageProblems(LIST_ITEM[list], body), [], `${list} page ${page}`);
          assert.deepEqual(
            {
              total_items: body.total_items,
              total_pages: body.total_pages,
              page_number: body.page_number,
              size: body.size,
              first_page: body.first_page,
              last_page: body.last_page,
              empty: body.empty,
            },
            {
              total_items: total,
              total_pages: pages,
              page_number: page,
              size: Math.min(perPage, total - (page - 1) * perPage),
              first_page: page === 1,
              last_page: page === pages,
              empty: false,
            },
            `${list} page ${page}`,
          );
          seen.push(...body.contents.map((c) => c.id));
        }
        assert.deepEqual(
          [...seen].sort(),
          all.contents.map((c) => c.id).sort(),
          `${list}: the pages hold every item once`,
        );
        const past = await get(`/api/hsds/${list}?per_page=${perPage}&page=${pages + 1}`);
        assert.deepEqual(
          {
            size: past.size,
            empty: past.empty,
            first_page: past.first_page,
            last_page: past.last_page,
            contents: past.contents,
            total_items: past.total_items,
          },
          { size: 0, empty: true, first_page: false, last_page: true, contents: [], total_items: total },
          list,
        );
      }
      const none = await get('/api/hsds/services?search=zzqxjw');
      assert.deepEqual(
        {
          total_items: none.total_items,
          total_pages: none.total_pages,
          empty: none.empty,
          first_page: none.first_page,
          last_page: none.last_page,
        },
        { total_items: 0, total_pages: 0, empty: true, first_page: true, last_page: true },
      );
    });

    it('answers every endpoint, list and item, at every variant, valid against the official schemas', async () => {
      // A record with every optional field empty, so that "left out, never null" is checked too.
      const bare = crypto.randomUUID();
      const org = await orgOf('Safe Harbour House (demo)');
      await t.db
        .insertInto('service')
        .values({
          id: bare,
          organization_id: org,
          name: 'Bare',
          status: 'active',
          slug: `bare-${bare}`,
          created_at: '2024-01-01T00:00:00.000Z',
        })
        .execute();
      const lists: [string, OfficialSchema, OfficialSchema][] = [
        ['services', 'compiled/service_list.json', 'compiled/service.json'],
        ['services?minimal=true', 'compiled/service_list.json', 'compiled/service.json'],
        ['services?full=true', 'compiled/service.json', 'compiled/service.json'],
        ['service_at_locations', 'compiled/service_at_location_list.json', 'compiled/service_at_location.json'],
        ['service_at_locations?full=true', 'compiled/service_at_location.json', 'compiled/service_at_location.json'],
        ['organizations', 'compiled/organization_list.json', 'compiled/organization.json'],
        ['organizations?full=true', 'compiled/organization.json', 'compiled/organization.json'],
        ['organizations?full_service=true', 'compiled/organization.json', 'compiled/organization.json'],
        ['taxonomies', 'taxonomy.json', 'taxonomy.json'],
        ['taxonomy_terms', 'taxonomy_term.json', 'taxonomy_term.json'],
      ];
      let checked = 0;
      for (const [list, itemSchema, recordSchema] of lists) {
        const [route, query = ''] = list.split('?');
        const sep = query ? `&${query}` : '';
        const body = await get(`/api/hsds/${route}?per_page=100${sep}`);
        assert.ok(body.contents.length > 0, list);
        assert.deepEqual(pageProblems(itemSchema, body), [], list);
        assert.doesNotMatch(JSON.stringify(body), /:null[,}\]]/, `${list}: no field is null`);
        // ndjson: every result, each line valid.
        const nd = await t.inject(`/api/hsds/${route}?format=ndjson${sep}`);
        const lines = nd.body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown);
        assert.equal(lines.length, body.total_items, `${list} ndjson`);
        for (const line of lines) valid(itemSchema, line, `${list} ndjson`);
        // Each record by id (organizations also with full_service).
        for (const item of body.contents) {
          for (const q of route === 'organizations' ? ['', '?full_service=true'] : ['']) {
            const one = await t.inject(`/api/hsds/${route}/${item.id}${q}`);
            assert.equal(one.statusCode, 200, `${route}/${item.id}${q}`);
            assert.doesNotMatch(one.body, /:null[,}\]]/, `${route}/${item.id}${q}: no field is null`);
            valid(recordSchema, one.json(), `${route}/${item.id}${q}`);
            checked++;
          }
        }
      }
      assert.ok(checked > 40, `${checked} records checked`);
      const listed = await get(`/api/hsds/services?organization_id=${org}&per_page=100`);
      assert.deepEqual(
        Object.keys(listed.contents.find((c) => c.id === bare)!).sort(),
        ['id', 'name', 'organization', 'organization_id', 'status'],
        'empty fields are left out',
      );
      await t.db.deleteFrom('service').where('id', '=', bare).execute();
    });

    it('lists services with one-to-one fields, minimal ids or fully nested records', async () => {
      const listed = await get('/api/hsds/services?search=trafficking');
      assert.ok(names(listed).includes('Safe Harbour House (demo)'));
      const one = listed.contents[0]!;
      assert.equal(typeof (one.organization as Item).name, 'string');
      assert.equal(one.service_at_locations, undefined, 'lists hold one-to-one fields only');
      const minimal = await get('/api/hsds/services?search=trafficking&minimal=true');
      assert.deepEqual(
        minimal.contents.map((c) => Object.keys(c).sort()),
        // The reference's "id and modified date", with the fields compiled/service_list.json requires.
        minimal.contents.map(() => ['id', 'last_modified', 'name', 'status']),
      );
      assert.deepEqual(
        minimal.contents.map((c) => c.id),
        listed.contents.map((c) => c.id),
      );
      const full = await get('/api/hsds/services?search=trafficking&full=true');
      for (const s of full.contents) valid('compiled/service.json', s, s.id);
      assert.doesNotMatch(JSON.stringify(full), SECRET);
    });

    it('filters services by taxonomy term, taxonomy, organization and modification date, combined with AND', async () => {
      const legal = await termId('legal');
      assert.equal((await get(`/api/hsds/services?taxonomy_term_id=${legal}`)).total_items, 3);
      // A taxonomy of its own, with one term given to one service.
      const taxonomyId = crypto.randomUUID();
      const ownTerm = crypto.randomUUID();
      await t.db
        .insertInto('taxonomy')
        .values({ id: taxonomyId, name: 'Test taxonomy', description: 'For the API test' })
        .execute();
      await t.db
        .insertInto('taxonomy_term')
        .values({ id: ownTerm, name: 'Tagged', description: '', taxonomy_id: taxonomyId, code: 'tagged' })
        .execute();
      const red = await serviceId('Red Umbrella Drop-in (demo)');
      await t.db
        .insertInto('attribute')
        .values({ id: crypto.randomUUID(), link_id: red, link_entity: 'service', taxonomy_term_id: ownTerm })
        .execute();
      assert.deepEqual(names(await get(`/api/hsds/services?taxonomy_id=${taxonomyId}`)), [
        'Red Umbrella Drop-in (demo)',
      ]);
      assert.equal(
        (await get(`/api/hsds/services?taxonomy_id=${TAXONOMY_IDS.category}`)).total_items,
        (await get('/api/hsds/services')).total_items,
      );

      const harbourOrg = await orgOf('Safe Harbour House (demo)');
      assert.deepEqual(names(await get(`/api/hsds/services?organization_id=${harbourOrg}`)), [
        'Safe Harbour House (demo)',
      ]);
      assert.equal(
        (await get(`/api/hsds/services?organization_id=${harbourOrg}&taxonomy_term_id=${legal}`)).total_items,
        0,
        'AND, not OR',
      );
      assert.equal((await get(`/api/hsds/services?organization_id=${harbourOrg}&search=trafficking`)).total_items, 1);

      await t.db
        .updateTable('service')
        .set({ last_modified: '2030-01-01T00:00:00.000Z' })
        .where('id', '=', red)
        .execute();
      for (const [after, expected] of [
        ['2029-12-31', 1],
        ['2030-01-01T00:00:00Z', 1],
        ['2030-01-01T01:00:00+01:00', 1],
        ['2030-01-01T00:00:00.001Z', 0],
        ['2030-01-01T00:00', 1],
      ] as const) {
        const body = await get(`/api/hsds/services?modified_after=${encodeURIComponent(after)}`);
        assert.equal(body.total_items, expected, after);
      }
      assert.deepEqual(names(await get('/api/hsds/services?modified_after=2029-12-31&search=drop')), [
        'Red Umbrella Drop-in (demo)',
      ]);
    });

    it('lists services at locations with their location and service, under the same filters', async () => {
      const list = await get('/api/hsds/service_at_locations?per_page=100');
      const item = list.contents[0]!;
      // (Its empty description is left out, never null.)
      assert.deepEqual(Object.keys(item).sort(), ['id', 'location', 'location_id', 'service', 'service_id']);
      assert.equal(typeof (item.location as Item).location_type, 'string');
      assert.equal(typeof ((item.service as Item).organization as Item).name, 'string');
      assert.equal((item.location as Item).addresses, undefined, 'one-to-one fields only');

      const harbour = await salOf('Safe Harbour House (demo)');
      const ids = async (q: string) => (await get(`/api/hsds/service_at_locations?${q}`)).contents.map((c) => c.id);
      assert.ok((await ids('search=trafficking')).includes(harbour.id));
      assert.ok(!(await ids('search=sydney')).includes(harbour.id));
      const legal = await termId('legal');
      const legalSals = await ids(`taxonomy_term_id=${legal}`);
      assert.ok(legalSals.length >= 1 && !legalSals.includes(harbour.id));
      assert.deepEqual(await ids(`organization_id=${await orgOf('Safe Harbour House (demo)')}`), [harbour.id]);
      assert.deepEqual(
        await ids(`taxonomy_id=${TAXONOMY_IDS.approach}&service_id=${await serviceId('Safe Harbour House (demo)')}`),
        [harbour.id],
      );
      assert.equal((await ids('modified_after=2100-01-01')).length, 0);

      const full = await get(
        `/api/hsds/service_at_locations?organization_id=${await orgOf('Safe Harbour House (demo)')}&full=true`,
      );
      const nested = full.contents[0]!;
      assert.ok(Array.isArray((nested.location as Item).addresses));
      valid('compiled/service.json', nested.service, 'nested service');
      const one = await t.inject(`/api/hsds/service_at_locations/${harbour.id}`);
      assert.equal(one.statusCode, 200);
      for (const body of [JSON.stringify(list), JSON.stringify(full), one.body]) assert.doesNotMatch(body, SECRET);
      assert.equal((nested.location as Item).name, 'Greater Manchester');
    });

    it('finds places by postcode offline and never matches a confidential address', async () => {
      const red = await salOf('Red Umbrella Drop-in (demo)');
      // Case and spaces do not matter.
      for (const code of ['E1 0AA', 'e10aa', ' e1  0aa ']) {
        const body = await get(`/api/hsds/service_at_locations?postcode=${encodeURIComponent(code)}`);
        assert.deepEqual(
          body.contents.map((c) => c.id),
          [red.id],
          code,
        );
      }
      // Services: the one at that postcode, and those whose service area covers its country (or the world).
      const services = names(await get('/api/hsds/services?postcode=E1%200AA&per_page=100')).sort();
      assert.deepEqual(services, [
        'Nightline for Sex Workers (demo)',
        'Red Umbrella Drop-in (demo)',
        'Worldwide Peer Chat (demo)',
      ]);
      // The safe house's real postcode finds nothing about it.
      for (const url of [
        '/api/hsds/service_at_locations?postcode=M1%200ZZ',
        '/api/hsds/service_at_locations?postcode=M10ZZ&proximity=500000',
        '/api/hsds/services?postcode=m1%200zz&per_page=100',
        '/api/hsds/services?postcode=M1%200ZZ&proximity=100000',
      ]) {
        const body = await get(url);
        assert.ok(!names(body).includes('Safe Harbour House (demo)'), url);
        assert.ok(
          !body.contents.some(
            (c) => c.service_id === red.id || (c.service as Item | undefined)?.name === 'Safe Harbour House (demo)',
          ),
          url,
        );
        assert.doesNotMatch(JSON.stringify(body), SECRET, url);
      }
      assert.equal((await get('/api/hsds/service_at_locations?postcode=M1%200ZZ')).total_items, 0);
    });

    it("measures proximity in metres from the postcode, and from a confidential location's area centre only", async () => {
      const loc = await t.db
        .selectFrom('location')
        .selectAll()
        .where('id', '=', (await salOf('Safe Harbour House (demo)')).location_id)
        .executeTakeFirstOrThrow();
      const publicKm = distanceKm(51.5155, -0.0707, loc.public_latitude!, loc.public_longitude!);
      const exactKm = distanceKm(51.5155, -0.0707, 53.4794, -2.2453);
      assert.ok(Math.abs(exactKm - publicKm) > 0.1, 'the test tells the two apart');
      const within = Math.round(publicKm * 1000 + 50);
      const short = Math.round(publicKm * 1000 - 50);

      const near = await get(`/api/hsds/services?postcode=E1%200AA&proximity=${within}`);
      assert.deepEqual(
        names(near),
        ['Red Umbrella Drop-in (demo)', 'Safe Harbour House (demo)'],
        'nearest first; area-wide services need a distance too',
      );
      assert.deepEqual(names(await get(`/api/hsds/services?postcode=E1%200AA&proximity=${short}`)), [
        'Red Umbrella Drop-in (demo)',
      ]);
      assert.deepEqual(names(await get('/api/hsds/services?postcode=E1%200AA&proximity=10.5')), [
        'Red Umbrella Drop-in (demo)',
      ]);
      const sals = await get(`/api/hsds/service_at_locations?postcode=E1%200AA&proximity=${within}&full=true`);
      assert.deepEqual(
        sals.contents.map((c) => (c.service as Item).name),
        ['Red Umbrella Drop-in (demo)', 'Safe Harbour House (demo)'],
      );
      const shown = sals.contents[1]!.location as Item;
      assert.equal(shown.latitude, loc.public_latitude);
      assert.equal(shown.longitude, loc.public_longitude);
      const fullServices = await get(`/api/hsds/services?postcode=E1%200AA&proximity=${within}&full=true`);
      for (const body of [near, sals, fullServices]) assert.doesNotMatch(JSON.stringify(body), SECRET);
      // Combined with the other filters.
      assert.deepEqual(
        names(await get(`/api/hsds/services?postcode=E1%200AA&proximity=${within}&search=trafficking`)),
        ['Safe Harbour House (demo)'],
      );
    });

    it('streams every result as newline-delimited JSON with format=ndjson, without pagination', async () => {
      for (const list of LISTS) {
        const paged = await get(`/api/hsds/${list}?per_page=100`);
        const r = await t.inject(`/api/hsds/${list}?format=ndjson&per_page=2&page=3`);
        assert.equal(r.statusCode, 200, list);
        assert.match(String(r.headers['content-type']), /^application\/x-ndjson/);
        assert.equal(r.headers['access-control-allow-origin'], '*');
        const lines = r.body.split('\n');
        assert.equal(lines.pop(), '', 'ends with a newline');
        assert.deepEqual(
          lines.map((l) => (JSON.parse(l) as Item).id),
          paged.contents.map((c) => c.id),
          list,
        );
      }
      const minimal = (await t.inject('/api/hsds/services?format=ndjson&minimal=true&postcode=E1%200AA')).body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(minimal.length, 3);
      assert.deepEqual(Object.keys(minimal[0]).sort(), ['id', 'last_modified', 'name', 'status']);
      const full = await t.inject('/api/hsds/service_at_locations?format=ndjson&full=true');
      assert.doesNotMatch(full.body, SECRET);
      assert.equal((await t.inject('/api/hsds/services?format=ndjson&search=zzqxjw')).body, '');
      // More than one batch, ending exactly on a batch boundary.
      const taxonomyId = crypto.randomUUID();
      await t.db.insertInto('taxonomy').values({ id: taxonomyId, name: 'Large', description: 'Many terms' }).execute();
      const rows = Array.from({ length: 1000 }, (_, i) => ({
        id: crypto.randomUUID(),
        name: `Term ${i}`,
        description: '',
        taxonomy_id: taxonomyId,
      }));
      for (let i = 0; i < rows.length; i += 250)
        await t.db
          .insertInto('taxonomy_term')
          .values(rows.slice(i, i + 250))
          .execute();
      const big = (await t.inject(`/api/hsds/taxonomy_terms?format=ndjson&taxonomy_id=${taxonomyId}`)).body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Item).id);
      assert.equal(big.length, 1000);
      assert.equal(new Set(big).size, 1000);
      await t.db.deleteFrom('taxonomy_term').where('taxonomy_id', '=', taxonomyId).execute();
      await t.db.deleteFrom('taxonomy').where('id', '=', taxonomyId).execute();
    });

    it('lists organizations plain or fully nested, filtered by search and taxonomy', async () => {
      const plain = await get('/api/hsds/organizations?per_page=100');
      assert.ok(plain.contents.every((o) => o.services === undefined && typeof o.name === 'string'));
      const harbourOrg = await orgOf('Safe Harbour House (demo)');
      const full = await get('/api/hsds/organizations?per_page=100&full=true');
      const harbour = full.contents.find((o) => o.id === harbourOrg)!;
      const [service] = harbour.services as Item[];
      assert.equal(service!.name, 'Safe Harbour House (demo)');
      assert.equal(service!.service_at_locations, undefined, 'services hold one-to-one fields unless full_service');
      assert.equal((harbour.locations as Item[])[0]!.name, 'Greater Manchester');
      const fullService = await get('/api/hsds/organizations?per_page=100&full_service=true');
      const nestedService = (fullService.contents.find((o) => o.id === harbourOrg)!.services as Item[])[0]!;
      valid('compiled/service.json', nestedService, 'nested service');

      const one = await t.inject(`/api/hsds/organizations/${harbourOrg}`);
      assert.equal((one.json().services as Item[])[0]!.service_at_locations, undefined);
      const oneFull = await t.inject(`/api/hsds/organizations/${harbourOrg}?full_service=true`);
      assert.equal(((oneFull.json().services as Item[])[0]!.service_at_locations as Item[]).length, 1);
      for (const body of [JSON.stringify(full), JSON.stringify(fullService), one.body, oneFull.body])
        assert.doesNotMatch(body, SECRET);

      assert.deepEqual(names(await get('/api/hsds/organizations?search=HARBOUR')).sort(), [
        'Harbour City Project (demo)',
        'Safe Harbour Trust (demo)',
      ]);
      const legal = await termId('legal');
      const legalOrgs = await get(`/api/hsds/organizations?taxonomy_term_id=${legal}`);
      const legalServiceOrgs = (await get(`/api/hsds/services?taxonomy_term_id=${legal}`)).contents.map(
        (s) => s.organization_id,
      );
      assert.deepEqual(legalOrgs.contents.map((o) => o.id).sort(), [...new Set(legalServiceOrgs)].sort());
      // An attribute on the organization itself counts too.
      const orgTerm = crypto.randomUUID();
      await t.db
        .insertInto('taxonomy_term')
        .values({
          id: orgTerm,
          name: 'Registered charity',
          description: '',
          taxonomy_id: TAXONOMY_IDS.category,
          code: 'charity-test',
        })
        .execute();
      await t.db
        .insertInto('attribute')
        .values({
          id: crypto.randomUUID(),
          link_id: harbourOrg,
          link_entity: 'organization',
          taxonomy_term_id: orgTerm,
        })
        .execute();
      assert.deepEqual(
        (await get(`/api/hsds/organizations?taxonomy_term_id=${orgTerm}`)).contents.map((o) => o.id),
        [harbourOrg],
      );
      assert.equal((await get(`/api/hsds/organizations?taxonomy_term_id=${orgTerm}&search=nightline`)).total_items, 0);
      assert.ok((await get(`/api/hsds/organizations?taxonomy_id=${TAXONOMY_IDS.category}`)).total_items >= 10);
    });

    it('lists taxonomy terms by taxonomy, parent and top level, and taxonomies by search', async () => {
      const legal = await termId('legal');
      const child = crypto.randomUUID();
      await t.db
        .insertInto('taxonomy_term')
        .values({
          id: child,
          name: 'Criminal defence',
          description: '',
          taxonomy_id: TAXONOMY_IDS.category,
          parent_id: legal,
          code: 'criminal-defence',
        })
        .execute();
      const category = await get(`/api/hsds/taxonomy_terms?taxonomy_id=${TAXONOMY_IDS.category}&per_page=100`);
      assert.ok(category.contents.every((c) => c.taxonomy_id === TAXONOMY_IDS.category));
      assert.ok(category.contents.some((c) => c.id === child));
      const top = await get(`/api/hsds/taxonomy_terms?taxonomy_id=${TAXONOMY_IDS.category}&top_only=true&per_page=100`);
      assert.equal(top.total_items, category.total_items - 1);
      assert.ok(
        top.contents.every((c) => !('parent_id' in c)),
        'a top term has no parent_id (left out, never null)',
      );
      assert.deepEqual(
        (await get(`/api/hsds/taxonomy_terms?parent_id=${legal}`)).contents.map((c) => c.id),
        [child],
      );
      assert.deepEqual(names(await get('/api/hsds/taxonomy_terms?search=DEFENCE')), ['Criminal defence']);
      const taxonomies = await get('/api/hsds/taxonomies?per_page=100');
      const approach = taxonomies.contents.find((x) => x.id === TAXONOMY_IDS.approach)!;
      assert.deepEqual(
        (
          await get(`/api/hsds/taxonomies?search=${encodeURIComponent(String(approach.name).toUpperCase())}`)
        ).contents.map((x) => x.id),
        [TAXONOMY_IDS.approach],
      );
      assert.equal((await t.inject(`/api/hsds/taxonomy_terms/${child}`)).json().parent_id, legal);
    });

    it('answers malformed or hostile parameters with a 400 JSON message, never a 500', async () => {
      const bad = [
        'services?page=0',
        'services?page=-1',
        'services?page=1.5',
        'services?page=abc',
        'services?page=1e3',
        'services?page=0x10',
        'services?page=99999999999999999999',
        'services?per_page=0',
        'services?per_page=101',
        'services?page=1&page=2',
        'organizations?per_page=%20',
        `services?search=${'a'.repeat(201)}`,
        'services?search=a&search=b',
        'services?taxonomy_id=%00',
        'services?organization_id=a%0Ab',
        `services?taxonomy_term_id=${'x'.repeat(101)}`,
        'services?modified_after=yesterday',
        'services?modified_after=2026-02-30',
        'services?modified_after=2026-01-01T25:00:00Z',
        'services?modified_after=1',
        'services?minimal=maybe',
        'services?full=yes',
        'services?minimal=true&full=true',
        'services?format=xml',
        'taxonomies?format=NDJSON',
        'services?proximity=1000',
        'services?postcode=E1%200AA&proximity=abc',
        'services?postcode=E1%200AA&proximity=-5',
        'services?postcode=E1%200AA&proximity=0',
        'services?postcode=E1%200AA&proximity=1e9',
        'services?postcode=E1%200AA&proximity=500001',
        'services?postcode=%3Cscript%3E',
        `services?postcode=${'A'.repeat(17)}`,
        "service_at_locations?postcode=E1'%20OR%201=1",
        'service_at_locations?postcode=%00',
        'service_at_locations?full=2',
        'taxonomy_terms?top_only=yes',
        'taxonomy_terms?top_only=true&parent_id=x',
        'organizations?full_service=please',
        'organizations?search=%00',
        'taxonomies?page=abc',
      ];
      for (const url of bad) {
        const r = await t.inject(`/api/hsds/${url}`);
        assert.equal(r.statusCode, 400, `${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        assert.match(String(r.headers['content-type']), /application\/json/, url);
        assert.equal(typeof r.json().error, 'string', url);
        assert.equal(r.json().statusCode, 400, url);
        // The message names the parameter that is wrong (the last one in each address here).
        const name = [...new URLSearchParams(url.slice(url.indexOf('?'))).keys()].at(-1)!;
        assert.ok(r.json().error.includes(name), `${url}: ${r.json().error}`);
        assert.equal(r.headers['access-control-allow-origin'], '*', url);
      }
      // Query syntax of the search engines and LIKE wildcards are plain text here.
      for (const url of [
        'services?search=%22',
        'services?search=NEAR(a%20b)',
        'services?search=*',
        'services?search=a%20OR%20b%20-c',
        'organizations?search=%25',
        'organizations?search=_',
        'taxonomy_terms?search=%5C',
        'services?postcode=ZZ9%209ZZ&proximity=1000',
        'services?unknown=1',
        'services?page=100000',
      ]) {
        const r = await t.inject(`/api/hsds/${url}`);
        assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 200)}`);
      }
      assert.equal(
        (await get('/api/hsds/organizations?search=%25')).total_items,
        (await get('/api/hsds/organizations')).total_items,
        '% is not a wildcard',
      );
      // Fastify refuses a path parameter over 100 characters itself (414).
      assert.equal((await t.inject(`/api/hsds/services/${'x'.repeat(101)}`)).statusCode, 414);
      for (const url of ['services/nope', `services/${'x'.repeat(100)}`, 'taxonomies/nope', 'taxonomy_terms/nope']) {
        const r = await t.inject(`/api/hsds/${url}`);
        assert.equal(r.statusCode, 404, url);
        assert.equal(r.json().error, 'Not found');
      }
      // Control characters in the path are refused before any route runs (the input gate), naming the parameter.
      for (const url of ['services/%00', 'organizations/%00', 'service_at_locations/a%0Ab', 'taxonomy_terms/%7F']) {
        const r = await t.inject(`/api/hsds/${url}`);
        assert.equal(r.statusCode, 400, url);
        assert.deepEqual(Object.keys(r.json()).sort(), ['error', 'statusCode'], url);
        assert.match(r.json().error, /“id”.*control/, url);
        assert.equal(r.headers['access-control-allow-origin'], '*', url);
      }
    });

    it('falls back to the exact postal code when the postcode cannot be placed', async () => {
      const paris = await salOf('Écoute Travail du Sexe (demo)');
      const coords = await t.db
        .selectFrom('location')
        .select(['latitude', 'longitude', 'public_latitude', 'public_longitude'])
        .where('id', '=', paris.location_id)
        .executeTakeFirstOrThrow();
      assert.equal(
        (await get('/api/hsds/service_at_locations?postcode=75010&proximity=1000')).contents[0]?.id,
        paris.id,
      );
      await t.db
        .updateTable('location')
        .set({ latitude: null, longitude: null, public_latitude: null, public_longitude: null })
        .where('id', '=', paris.location_id)
        .execute();
      try {
        const body = await get('/api/hsds/service_at_locations?postcode=75010&proximity=1000');
        assert.deepEqual(
          body.contents.map((c) => c.id),
          [paris.id],
          'no coordinates for 75010: matched by its postal code',
        );
        assert.equal((await get('/api/hsds/service_at_locations?postcode=ZZ9%209ZZ&proximity=1000')).total_items, 0);
      } finally {
        await t.db.updateTable('location').set(coords).where('id', '=', paris.location_id).execute();
      }
    });
  });
}
