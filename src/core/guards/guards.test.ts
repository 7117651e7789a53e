import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../../test/support/app.ts';
import { ManualClock } from '../clock.ts';
import { createClientKeyer } from '../security/client-key.ts';
import { databaseGuardStore } from './store.ts';

/* The shared guard store on both dialects: atomic under concurrency, expiring on the app clock. */

for (const dialect of DIALECTS) {
  describe(`shared guard store (${dialect})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(dialect);
    });
    after(() => database.destroy());
    const fresh = () => {
      const clock = new ManualClock(new Date('2026-11-29T12:00:00Z'));
      return { clock, store: databaseGuardStore(database.db, dialect, clock) };
    };

    it('counts 200 concurrent hits one by one: exactly 10 see a count within a limit of 10', async () => {
      const { store } = fresh();
      const counts = await Promise.all(Array.from({ length: 200 }, () => store.hit('burst', 60_000)));
      assert.deepEqual(
        counts.map((c) => c.count).sort((a, b) => a - b),
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      assert.equal(counts.filter((c) => c.count <= 10).length, 10);
    });

    it('starts a window at the first hit and a new one once it has ended', async () => {
      const { clock, store } = fresh();
      assert.deepEqual(await store.hit('w', 60_000), { count: 1, resetAt: clock.now().getTime() + 60_000 });
      clock.advance(59_999);
      assert.equal((await store.hit('w', 60_000)).count, 2);
      assert.equal(await store.peek('w'), 2);
      clock.advance(1);
      assert.equal(await store.peek('w'), 0, 'the window is over');
      assert.equal((await store.hit('w', 60_000)).count, 1);
      await store.release('w');
      assert.equal(await store.peek('w'), 0, 'a released attempt is given back');
      clock.advance(60_000);
      await store.release('w');
      assert.equal((await store.hit('w', 60_000)).count, 1, 'a release without a live window gives nothing');
    });

    it('claims a key once until it expires, also when claimed concurrently', async () => {
      const { clock, store } = fresh();
      const until = clock.now().getTime() + 1000;
      const claims = await Promise.all(Array.from({ length: 50 }, () => store.claim('challenge:x', until)));
      assert.equal(claims.filter(Boolean).length, 1);
      clock.advance(1000);
      assert.equal(await store.claim('challenge:x', clock.now().getTime() + 1000), true, 'free again once expired');
    });

    it('admits exactly `max` under a prefix, whatever the concurrency, counting only live buckets', async () => {
      const { clock, store } = fresh();
      const at = clock.now().getTime();
      const first = await Promise.all(Array.from({ length: 100 }, () => store.admitUnder('c:', '1', at + 60_000, 30)));
      assert.equal(first.filter(Boolean).length, 30);
      assert.equal(await store.admitUnder('c:', '2', at + 120_000, 30), false, 'another bucket shares the ceiling');
      assert.equal(await store.admitUnder('d:', '1', at + 60_000, 30), true, 'another prefix does not');
      clock.advance(60_000);
      const later = await Promise.all(Array.from({ length: 50 }, () => store.admitUnder('c:', '2', at + 120_000, 30)));
      assert.equal(later.filter(Boolean).length, 30, 'the first bucket expired');
    });

    it('keeps one value per key for every caller until it expires, and sweeps what has expired', async () => {
      const { clock, store } = fresh();
      const until = clock.now().getTime() + 1000;
      const values = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.keep('salt:k', until, () => `v${i}`)),
      );
      assert.equal(new Set(values).size, 1);
      clock.advance(1000);
      assert.equal(await store.keep('salt:k', until + 1000, () => 'next'), 'next');
      clock.advance(1000);
      await store.hit('other', 60_000);
      assert.equal(await store.sweep('salt:'), 1, 'only the expired salt under the prefix');
      const left = await database.db.selectFrom('guards').select('key').where('key', '=', 'salt:k').execute();
      assert.deepEqual(left, []);
      clock.advance(10 * 60_000);
      assert.ok((await store.sweep()) >= 1);
      assert.equal(await store.peek('other'), 0);
    });

    it('shares the daily salt between keyers on one database and deletes it when the day ends', async () => {
      const { clock, store } = fresh();
      const a = createClientKeyer(clock, store);
      const b = createClientKeyer(clock, databaseGuardStore(database.db, dialect, clock));
      assert.equal(await a('192.0.2.1'), await b('192.0.2.1'));
      assert.notEqual(await a('192.0.2.1'), await a('192.0.2.2'));
      const today = await a('192.0.2.1');
      const salts = () =>
        database.db.selectFrom('guards').select(['key', 'value']).where('key', 'like', 'salt:2026%').execute();
      assert.deepEqual(
        (await salts()).map((r) => r.key),
        ['salt:2026-11-29'],
      );
      clock.set('2026-11-30T00:00:00Z');
      assert.notEqual(await a('192.0.2.1'), today, 'a new day, a new salt');
      assert.deepEqual(
        (await salts()).map((r) => r.key),
        ['salt:2026-11-30'],
        "yesterday's salt is gone as soon as today's is made",
      );
      assert.equal(await b('192.0.2.1'), await a('192.0.2.1'));
      const lone = createClientKeyer(clock);
      assert.notEqual(await lone('192.0.2.1'), await a('192.0.2.1'), 'a lone process keeps its own salt in memory');
    });
  });
}
