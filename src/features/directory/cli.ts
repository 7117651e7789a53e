import path from 'node:path';
import { UsageError, type Command } from '../../core/cli/command.ts';
import { systemClock } from '../../core/clock.ts';
import { withMigratedDatabase } from '../../core/db/migrate.ts';
import { printDemoNotice } from '../../core/demo/notice.ts';
import { translate } from '../../core/i18n/index.ts';
import { placeIndexFile, sharedPlaceCacheDir, writePlaceIndex } from './place-index-build.ts';

/** The one argument both commands take: a folder (a mistake is a usage error: the command line prints the usage, exit 2). */
function folderArgument(command: string, args: string[]): string {
  const [dir, ...rest] = args;
  if (!dir || dir.startsWith('-') || rest.length > 0)
    throw new UsageError(`${command} takes one folder: alongside ${command} DIR`);
  return dir;
}

/** `alongside export-hsds DIR` and `alongside import-hsds DIR`: HSDS tabular data packages. */
export const directoryCommands: Record<string, Command> = {
  /** Builds the offline place index (npm ci does, through `prepare`; the server does when it is missing). */
  async 'build-place-index'(args) {
    const [file, ...rest] = args;
    if (rest.length > 0 || file?.startsWith('-')) throw new UsageError('build-place-index takes at most one file.');
    const target = file ?? placeIndexFile(sharedPlaceCacheDir());
    writePlaceIndex(target);
    console.log(`Wrote the place index to ${target}.`);
    return 0;
  },
  async 'export-hsds'(args, config) {
    const dir = folderArgument('export-hsds', args);
    const { exportPackage } = await import('./hsds-io.ts');
    return withMigratedDatabase(config.database, async (handle) => {
      const report = await exportPackage(handle.db, path.resolve(dir));
      console.log(
        `Wrote an HSDS data package to ${path.resolve(dir)}: ${Object.entries(report.counts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}.`,
      );
      console.log('Confidential locations are exported by area only (column x-confidential).');
      if (report.leftOut.length)
        console.log(`Rows left out (a field HSDS requires is empty):\n  ${report.leftOut.join('\n  ')}`);
      return 0;
    });
  },
  async 'import-hsds'(args, config) {
    const skipInvalid = args.includes('--skip-invalid');
    const dir = folderArgument(
      'import-hsds',
      args.filter((a) => a !== '--skip-invalid'),
    );
    const { importPackage } = await import('./hsds-io.ts');
    return withMigratedDatabase(config.database, async (handle) => {
      await printDemoNotice(handle.db);
      const started = performance.now();
      const result = await importPackage(handle.db, handle.dialect, systemClock, path.resolve(dir), { skipInvalid });
      if (!result.ok) {
        console.error(translate('en', result.message));
        return 1;
      }
      const r = result.value;
      console.log(
        `Imported in ${((performance.now() - started) / 1000).toFixed(1)} s: ${Object.entries(r.counts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}.`,
      );
      if (r.skipped.length)
        console.log(`Rows left out (${r.skipped.length}):\n  ${r.skipped.map((m) => translate('en', m)).join('\n  ')}`);
      if (r.ignoredColumns.length)
        console.log(
          `Columns not used: ${r.ignoredColumns.slice(0, 20).join(', ')}${r.ignoredColumns.length > 20 ? '…' : ''}`,
        );
      return 0;
    });
  },
};
