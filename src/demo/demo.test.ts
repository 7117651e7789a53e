import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/app.ts';
import { ManualClock } from '../core/clock.ts';
import { createStaff } from '../core/auth/service.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { openDatabase } from '../core/db/connect.ts';
import type { Db, Dialect } from '../core/db/schema.ts';
import { demoContentNotice } from '../core/demo/notice.ts';
import { demoCounts, hasDemoContent } from '../core/demo/repo.ts';
import { valueOf } from '../core/result.ts';
import { readSetting } from '../core/settings/index.ts';
import { identitySetting, logoSetting } from '../core/identity/settings.ts';
import * as campaignRepo from '../features/campaigns/repo.ts';
import * as commentRepo from '../features/comments/repo.ts';
import { demoInput, DEMO_LISTINGS } from '../features/directory/seed.ts';
import { writeListing } from '../features/directory/listing-store.ts';
import { savePost, type PostInput } from '../features/posts/service.ts';
import * as authoring from '../features/training/authoring.ts';
import { removeDemo } from './remove.ts';
import { createdByMigrations, seedDemo } from './seed.ts';

/*
 * Demo content is marked when it is written and removed by that mark alone. The strongest check
 * of "every demo row and nothing else": a database that had the demo and real content, after
 * `removeDemo`, holds as many rows in every table as a database that only ever had the real content.
 */

/** Tables whose row counts say nothing about content (logs, bookkeeping, full-text index internals). */
const SKIP =
  /^(audit_log|cache_invalidations|demo_content|kysely_migration.*|sqlite_.*|.*_fts_(data|idx|content|docsize|config)|directory_vocab)$/;

async function rowCounts(db: Db, dialect: Dialect): Promise<Record<string, number>> {
  const names =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db)
        ).rows;
  const out: Record<string, number> = {};
  for (const { name } of names.sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.test(name)) continue;
    const r = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    out[name] = Number(r.rows[0]!.n);
  }
  return out;
}

/** What an organisation adds of its own: it shares a demo tag and a demo organisation on purpose. */
async function addRealContent(db: Db, dialect: Dialect, clock: ManualClock, adminId: number) {
  const admin = { id: adminId, role: 'admin' as const };
  const post: PostInput = {
    title: 'Our own news',
    slug: 'our-own-news',
    excerpt: 'Real.',
    body_md: 'Written by the organisation.',
    content_note: '',
    language: 'en',
    tags: 'Housing, Our own tag', // "Housing" is a demo tag too: it must stay
    publish_at: '',
    translation_of: '',
    cover_alt: '',
  };
  const saved = valueOf(await savePost(db, clock, admin, undefined, post, 'publish'));
  const postId = (saved as { id: number }).id;
  const now = clock.now().toISOString();
  await commentRepo.insertComment(db, {
    post_id: postId,
    parent_id: null,
    display_name: 'A reader',
    body_md: 'A real comment.',
    status: 'approved',
    is_staff: 0,
    staff_user_id: null,
    challenge_passed: 1,
    token_hash: null,
    fingerprint: 'real-comment',
    legacy_id: null,
    created_at: now,
    updated_at: now,
    editable_until: null,
    status_changed_at: now,
    moderated_by: null,
    edit_count: 0,
  });
  // A real listing filed under an organisation the demo also uses: the organisation stays.
  const listing = demoInput({ ...DEMO_LISTINGS[0]!, name: 'Real drop-in', url: 'https://real.example.org' });
  await writeListing(db, dialect, clock, listing);
  const campaignId = await campaignRepo.insertCampaign(db, {
    slug: 'real-campaign',
    title: 'Real campaign',
    description: '',
    tag_slug: '',
    time_zone: 'Europe/Paris',
    starts_on: '2027-03-01',
    ends_on: '2027-03-08',
    is_board_open: 1,
    created_at: now,
    updated_at: now,
  });
  await campaignRepo.insertEvent(db, {
    campaign_id: campaignId,
    title: 'Real event',
    description: '',
    starts_at: '2027-03-02T18:00:00Z',
    ends_at: '2027-03-02T20:00:00Z',
    place: '',
    link: '',
    created_at: now,
  });
  valueOf(
    await authoring.createCourse({ db, clock }, admin, {
      slug: 'real-course',
      title: 'Real course',
      summary: 'Ours.',
      audience: 'Volunteers',
      language: 'en',
      minutes: '10',
    }),
  );
}

for (const dialect of DIALECTS) {
  describe(`demo content (${dialect})`, () => {
    let withDemo: TestDatabase;
    let realOnly: TestDatabase;
    const clock = new ManualClock();
    before(async () => {
      [withDemo, realOnly] = await Promise.all([createTestDatabase(dialect), createTestDatabase(dialect)]);
    });
    after(async () => {
      await Promise.all([withDemo.destroy(), realOnly.destroy()]);
    });

    it('marks every row the seeder adds, and none of the operator’s admin account', async () => {
      const seeded = await seedDemo(withDemo.db, clock);
      assert.ok(seeded.seeded);
      const counts = await demoCounts(withDemo.db);
      assert.equal(counts.service, DEMO_LISTINGS.length);
      assert.ok(counts.post! >= 3 && counts.comment! >= 3 && counts.tag! >= 1, JSON.stringify(counts));
      assert.equal(counts.course, 1);
      assert.equal(counts.campaign, 1);
      assert.equal(counts.user, 1, 'the demo editor only');
      const admin = await withDemo.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow();
      const adminMark = await withDemo.db
        .selectFrom('demo_content')
        .select('entity_id')
        .where('entity', '=', 'user')
        .where('entity_id', '=', String(admin.id))
        .executeTakeFirst();
      assert.equal(adminMark, undefined);
      const identity = await readSetting(withDemo.db, identitySetting);
      assert.ok(identity.demo && identity.name.endsWith('(demo)'), 'a fictional identity, marked as demo');
      assert.notEqual(await readSetting(withDemo.db, logoSetting), '', 'with a logo');
      const notice = await demoContentNotice(withDemo.db);
      assert.match(
        notice ?? '',
        /still holds the demo content \(14 listings, \d+ posts, \d+ comments, 1 course, 1 campaign\)/,
      );
      assert.match(notice ?? '', /npx alongside demo remove/);
    });

    it('removes every demo row and what hangs off it, and nothing else', async () => {
      const admin = await withDemo.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow();
      await addRealContent(withDemo.db, dialect, clock, admin.id);
      const realAdmin = valueOf(
        await createStaff(realOnly.db, clock, { email: 'admin@alongside.invalid', role: 'admin' }),
      );
      await addRealContent(realOnly.db, dialect, clock, realAdmin.id);

      const removed = await removeDemo(withDemo.db, dialect, clock);
      assert.equal(removed.service, DEMO_LISTINGS.length);
      assert.equal(removed.campaign, 1);
      assert.equal(removed.course, 1);
      assert.equal(removed.user, 1);
      assert.equal(await hasDemoContent(withDemo.db), false);
      assert.equal(await demoContentNotice(withDemo.db), undefined);
      assert.equal((await readSetting(withDemo.db, identitySetting)).name, 'Alongside', 'the demo identity is gone');

      assert.deepEqual(await rowCounts(withDemo.db, dialect), await rowCounts(realOnly.db, dialect));
      const names = async (db: Db) => ({
        services: (await db.selectFrom('service').select('name').orderBy('name').execute()).map((r) => r.name),
        organizations: (await db.selectFrom('organization').select('name').orderBy('name').execute()).map(
          (r) => r.name,
        ),
        posts: (await db.selectFrom('posts').select('slug').orderBy('slug').execute()).map((r) => r.slug),
        tags: (await db.selectFrom('tags').select('slug').orderBy('slug').execute()).map((r) => r.slug),
        comments: (await db.selectFrom('comments').select('body_md').orderBy('body_md').execute()).map(
          (r) => r.body_md,
        ),
        campaigns: (await db.selectFrom('campaigns').select('slug').orderBy('slug').execute()).map((r) => r.slug),
        courses: (await db.selectFrom('training_courses').select('slug').orderBy('slug').execute()).map((r) => r.slug),
        users: (await db.selectFrom('users').select('email').orderBy('email').execute()).map((r) => r.email),
      });
      assert.deepEqual(await names(withDemo.db), await names(realOnly.db));
      const audit = await withDemo.db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('action', '=', 'demo.remove')
        .execute();
      assert.equal(audit.length, 1);

      const again = await removeDemo(withDemo.db, dialect, clock);
      assert.ok(
        Object.values(again).every((n) => n === 0),
        'a second run removes nothing',
      );
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`demo content added to a database that holds real listings already (${dialect})`, () => {
    it('marks only what the seeder added: removing it keeps the listings that were there', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const clock = new ManualClock();
        const real = demoInput({ ...DEMO_LISTINGS[1]!, name: 'Imported listing', organizationName: 'Partner' });
        const { id } = await writeListing(database.db, dialect, clock, real);
        assert.ok((await seedDemo(database.db, clock)).seeded, 'no staff account yet: `seed-demo` may add it');
        await removeDemo(database.db, dialect, clock);
        const left = await database.db.selectFrom('service').select(['id', 'name']).execute();
        assert.deepEqual(left, [{ id, name: 'Imported listing' }]);
        assert.equal((await database.db.selectFrom('organization').select('name').execute()).length, 1);
      } finally {
        await database.destroy();
      }
    });
  });
}

describe('demo content at first start (sqlite)', () => {
  it('is for a database the migrations create now, not one an import created first', async () => {
    const first = await createTestDatabase('sqlite');
    try {
      // createTestDatabase has migrated it already: this run applies nothing, as for a database an import created.
      assert.equal(createdByMigrations(await migrateToLatest(first.db, 'sqlite')), false);
      const fresh = openDatabase({ dialect: 'sqlite', file: `${first.dataDir}/fresh.sqlite` });
      try {
        assert.equal(createdByMigrations(await migrateToLatest(fresh.db, 'sqlite')), true);
        assert.equal(createdByMigrations(await migrateToLatest(fresh.db, 'sqlite')), false);
      } finally {
        await fresh.close();
      }
    } finally {
      await first.destroy();
    }
  });
});
