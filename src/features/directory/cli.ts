import path from 'node:path';
import { UsageError, type Command } from '../../core/cli/command.ts';
import { systemClock } from '../../core/clock.ts';
import { withMigratedDatabase } from '../../core/db/migrate.ts';
import { printDemoNotice } from '../../core/demo/notice.ts';
import { translate } from '../../core/i18n/index.ts';
import type { SyncReport } from './hsds-sync.ts';
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
    const flags = ['--skip-invalid', '--remove-missing'];
    const dir = folderArgument(
      'import-hsds',
      args.filter((a) => !flags.includes(a)),
    );
    const options = { skipInvalid: args.includes('--skip-invalid'), removeMissing: args.includes('--remove-missing') };
    const { importPackage } = await import('./hsds-io.ts');
    return withMigratedDatabase(config.database, async (handle) => {
      await printDemoNotice(handle.db);
      const started = performance.now();
      const result = await importPackage(handle.db, handle.dialect, systemClock, path.resolve(dir), options);
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
      console.log(syncSummary(r.sync));
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

/** The records a sync added, updated, left and retired; every conflict and retired listing by id and name. */
function syncSummary(s: SyncReport): string {
  const lines = [
    `Records: ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.older} older than the directory's (kept), ${s.conflicts.length} conflicts, ${s.retired.length} retired.`,
  ];
  if (s.conflicts.length)
    lines.push(
      `Conflicts (edited here since they were imported, or never imported here; kept as they are):`,
      ...s.conflicts.map((c) => `  ${c.table} ${c.id} ${JSON.stringify(c.name)}`),
    );
  if (s.retired.length)
    lines.push(
      'Retired (no longer in the package; now inactive):',
      ...s.retired.map((x) => `  ${x.id} ${JSON.stringify(x.name)}`),
    );
  return lines.join('\n');
}
