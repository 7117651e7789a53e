import type { Clock } from '../core/clock.ts';
import { valueOf } from '../core/result.ts';
import type { SeedContext, Seeder } from '../core/seed.ts';
import type { Db } from '../core/db/schema.ts';
import { countUsers } from '../core/auth/repo.ts';
import { createStaff } from '../core/auth/service.ts';
import { seedDirectory } from '../features/directory/seed.ts';
import { seedPosts } from '../features/posts/seed.ts';
import { seedComments } from '../features/comments/seed.ts';
import { seedCampaigns } from '../features/campaigns/seed.ts';
import { seedTraining } from '../features/training/seed.ts';

/*
 * Demo content, written for Alongside. Every organisation in it is fictional and marked as demo:
 * real-looking contact details for a real agency could send someone in danger to the wrong place.
 * Each feature adds one seeder below; seeders run in order and receive the demo authors.
 */
const seeders: Seeder[] = [
  seedDirectory,
  // features add their seeders here
  seedPosts,
  seedComments,
  seedCampaigns,
  seedTraining,
];

export interface SeedResult {
  seeded: boolean;
  adminEmail?: string;
  adminPassword?: string;
}

/** Seeds an empty database (no staff accounts yet); leaves a used one untouched. */
export async function seedDemo(db: Db, clock: Clock): Promise<SeedResult> {
  if ((await countUsers(db)) > 0) return { seeded: false };
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
  return { seeded: true, adminEmail: 'admin@alongside.invalid', adminPassword: admin.generatedPassword };
}
