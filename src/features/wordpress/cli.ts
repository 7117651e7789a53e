import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { systemClock } from '../../core/clock.ts';
import { withMigratedDatabase } from '../../core/db/migrate.ts';
import { printDemoNotice } from '../../core/demo/notice.ts';
import { translate } from '../../core/i18n/index.ts';

export const IMPORT_USAGE = `  import-wordpress FILE.xml [--pages import|skip]
                             import a WordPress export (WXR): posts, tags and categories,
                             authors (as disabled editor accounts), dates and approved comments;
                             pages are skipped unless --pages import; re-running adds nothing twice`;

/** `alongside import-wordpress FILE.xml [--pages import|skip]` */
export async function importWordPressCommand(args: string[], config: Config): Promise<number> {
  let values: { pages?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { pages: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\nUsage:\n${IMPORT_USAGE}`);
    return 2;
  }
  const pages = values.pages ?? 'skip';
  if (positionals.length !== 1 || (pages !== 'import' && pages !== 'skip')) {
    console.error(`Usage:\n${IMPORT_USAGE}`);
    return 2;
  }
  const file = positionals[0]!;
  let xml: string;
  try {
    xml = fs.readFileSync(file, 'utf8');
  } catch (err) {
    console.error(
      `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`,
    );
    return 1;
  }
  return withMigratedDatabase(config.database, async (handle) => {
    await printDemoNotice(handle.db);
    const { importWordPress } = await import('./import.ts');
    const result = await importWordPress(handle.db, systemClock, xml, { pages });
    if (!result.ok) {
      console.error(translate('en', result.message));
      return 1;
    }
    const r = result.value;
    console.log(
      `Imported ${r.posts} post(s), ${r.authors} new author(s), ${r.tags} new tag(s) and ${r.comments} approved comment(s).`,
    );
    if (pages === 'skip')
      console.log(`Skipped ${r.pagesSkipped} WordPress page(s) (use --pages import to import them as posts).`);
    else console.log(`Imported ${r.pagesImported} WordPress page(s) as posts.`);
    if (r.alreadyImported) console.log(`${r.alreadyImported} item(s) were imported before and were left as they are.`);
    for (const s of r.renamedSlugs) console.log(`Slug "${s.from}" was taken; used "${s.to}".`);
    for (const s of r.skippedOther) console.log(`Skipped "${s.title}" (${s.reason}).`);
    if (r.commentsSkipped)
      console.log(`Left out ${r.commentsSkipped} comment(s) that were not approved, or were pingbacks/trackbacks.`);
    if (r.authors) console.log('Imported authors cannot log in until an admin enables their accounts.');
    return 0;
  });
}
