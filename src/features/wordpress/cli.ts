import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { systemClock } from '../../core/clock.ts';
import { withMigratedDatabase } from '../../core/db/migrate.ts';
import { printDemoNotice } from '../../core/demo/notice.ts';
import { translate } from '../../core/i18n/index.ts';
import type { ImportReport } from './import.ts';

export const IMPORT_USAGE = `  import-wordpress FILE.xml [--pages import|skip] [--uploads DIR]
                             import a WordPress export (WXR): posts, tags and categories,
                             authors (as disabled editor accounts), dates and approved comments;
                             pages are skipped unless --pages import; re-running adds nothing twice;
                             --uploads DIR: a copy of wp-content/uploads, whose images posts use
                             are copied onto the site (otherwise they are listed as left behind)`;

/** `alongside import-wordpress FILE.xml [--pages import|skip] [--uploads DIR]` */
export async function importWordPressCommand(args: string[], config: Config): Promise<number> {
  let values: { pages?: string; uploads?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { pages: { type: 'string' }, uploads: { type: 'string' } },
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
  // As bytes: the import finds and names any that are not UTF-8 (reading as text would hide them).
  let xml: Buffer;
  try {
    xml = fs.readFileSync(file);
  } catch (err) {
    console.error(
      `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`,
    );
    return 1;
  }
  return withMigratedDatabase(config.database, async (handle) => {
    await printDemoNotice(handle.db);
    const { importWordPress } = await import('./import.ts');
    const uploads = values.uploads ? { dir: values.uploads } : undefined;
    const result = await importWordPress(handle.db, systemClock, xml, { pages, uploads });
    if (!result.ok) {
      console.error(translate('en', result.message));
      return 1;
    }
    printReport(result.value, pages, !!uploads);
    return 0;
  });
}

function printReport(r: ImportReport, pages: string, uploads: boolean): void {
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
  for (const h of r.heldBack)
    console.log(
      `"${h.title}" was ${h.reason === 'password' ? 'password-protected' : 'private'} on WordPress: imported as a draft (/posts/${h.slug} is not public).`,
    );
  for (const p of r.childPages)
    console.log(`Child page "${p.title}" is at /posts/${p.slug} (its parents' slugs first).`);
  for (const s of r.shortcodesRemoved) console.log(`Removed the shortcode ${s.shortcode} from "${s.title}".`);
  if (r.imagesCopied) console.log(`Copied ${r.imagesCopied} image(s) from the uploads folder onto the site.`);
  for (const i of r.imagesLeftBehind) console.log(`Image left on the old site, used by "${i.title}": ${i.url}`);
  if (r.imagesLeftBehind.length && !uploads)
    console.log('Give a copy of the old wp-content/uploads folder with --uploads DIR to copy these images.');
  if (r.authors) console.log('Imported authors cannot log in until an admin enables their accounts.');
}
