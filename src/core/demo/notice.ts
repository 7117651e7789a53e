import type { Executor } from '../db/schema.ts';
import { demoCounts, type DemoEntity } from './repo.ts';

/*
 * What an importer prints while the demo content is still in the database: imported listings and
 * posts would otherwise sit among fictional "(demo)" ones, in the directory, its API and exports.
 */
export const DEMO_REMOVE_COMMAND = 'npx alongside demo remove';

/** What people call each kind of demo row, in the order a summary lists them (the rest go unnamed). */
const NAMES: Partial<Record<DemoEntity, [string, string]>> = {
  service: ['listing', 'listings'],
  post: ['post', 'posts'],
  comment: ['comment', 'comments'],
  course: ['course', 'courses'],
  campaign: ['campaign', 'campaigns'],
};

/** "14 listings, 5 posts, 1 campaign" for the kinds named above that have any rows. */
export function demoSummary(counts: Partial<Record<DemoEntity, number>>): string {
  return Object.entries(NAMES)
    .filter(([entity]) => (counts[entity as DemoEntity] ?? 0) > 0)
    .map(([entity, [one, many]]) => {
      const n = counts[entity as DemoEntity]!;
      return `${n} ${n === 1 ? one : many}`;
    })
    .join(', ');
}

/** The notice, or undefined when no demo content is left. */
export async function demoContentNotice(db: Executor): Promise<string | undefined> {
  const counts = await demoCounts(db);
  if (!Object.values(counts).some((n) => n > 0)) return undefined;
  const what = demoSummary(counts);
  return (
    `Note: this database still holds the demo content${what ? ` (${what})` : ''}, and what you import will sit beside it.\n` +
    `  Remove it with \`${DEMO_REMOVE_COMMAND}\`: it deletes the demo rows and nothing else.`
  );
}

/** Prints the notice when there is one: one call at the start of an import command. */
export async function printDemoNotice(db: Executor, print: (line: string) => void = console.log): Promise<void> {
  const notice = await demoContentNotice(db);
  if (notice) print(notice);
}
