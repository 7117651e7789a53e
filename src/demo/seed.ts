import type { Clock } from '../core/clock.ts';
import { valueOf } from '../core/result.ts';
import type { SeedContext, Seeder } from '../core/seed.ts';
import type { Db } from '../core/db/schema.ts';
import { countUsers } from '../core/auth/repo.ts';
import { migrations } from '../core/db/migrations/index.ts';
import { DEMO_ENTITIES, idsOf, markDemo, type DemoEntity } from '../core/demo/repo.ts';
import { createStaff } from '../core/auth/service.ts';
import { seedDirectory } from '../features/directory/seed.ts';
import { seedPosts } from '../features/posts/seed.ts';
import { seedComments } from '../features/comments/seed.ts';
import { seedCampaigns } from '../features/campaigns/seed.ts';
import { seedTraining } from '../features/training/seed.ts';
import { seedIdentity } from '../core/identity/demo.ts';

/*
 * Demo content, written for Alongside. Every organisation in it is fictional and marked as demo:
 * real-looking contact details for a real agency could send someone in danger to the wrong place.
 * Each feature adds one seeder below; seeders run in order and receive the demo authors.
 *
 * Every row the seeders add is recorded in `demo_content` (core/demo/repo.ts), found as the ids
 * that were not there before they ran: `alongside demo remove` deletes exactly those, so demo
 * content never has to be told from real data by its name.
 */
const seeders: Seeder[] = [
  seedDirectory,
  // features add their seeders here
  seedPosts,
  seedComments,
  seedCampaigns,
  seedTraining,
  // A fictional organisation's name, logo and colour (core/identity).
  seedIdentity,
];

export interface SeedResult {
  seeded: boolean;
  adminEmail?: string;
  adminPassword?: string;
}

/** Every id of every entity that can be demo content, as it stands. */
async function snapshot(db: Db): Promise<Map<DemoEntity, Set<string>>> {
  return new Map(await Promise.all(DEMO_ENTITIES.map(async (e) => [e, await idsOf(db, e)] as const)));
}

/** Seeds a database with no staff accounts yet (leaves any other untouched) and marks what it added as demo. */
export async function seedDemo(db: Db, clock: Clock): Promise<SeedResult> {
  if ((await countUsers(db)) > 0) return { seeded: false };
  const before = await snapshot(db);
  const admin = valueOf(
    await createStaff(db, clock, {
      email: 'admin@alongside.invalid',
      role: 'admin',
      displayName: 'Site admin',
    }),
  );
  // The demo editor has no usable password: it exists to sign the demo posts.
  const editor = valueOf(
    await createStaff(db, clock, {
      email: 'editor@alongside.invalid',
      role: 'editor',
      displayName: 'Rosa Amari',
    }),
  );
  const ctx: SeedContext = { db, clock, authors: { adminId: admin.id, editorId: editor.id } };
  for (const seed of seeders) await seed(ctx);
  const after = await snapshot(db);
  const now = clock.now().toISOString();
  for (const entity of DEMO_ENTITIES) {
    const added = [...after.get(entity)!].filter((id) => !before.get(entity)!.has(id));
    // The admin account is the operator's own login, not demo content; the demo editor is.
    await markDemo(db, entity, entity === 'user' ? added.filter((id) => id !== String(admin.id)) : added, now);
  }
  return { seeded: true, adminEmail: 'admin@alongside.invalid', adminPassword: admin.generatedPassword };
}

/**
 * Whether this run of the migrations created the database: only then does `serve` add demo
 * content. A database that an import (or `migrate`) created first is real data, staff or not.
 */
export function createdByMigrations(applied: readonly string[]): boolean {
  return applied.includes(Object.keys(migrations)[0]!);
}
