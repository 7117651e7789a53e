import { strictArgs, type Command } from '../../core/cli/command.ts';
import { systemClock } from '../../core/clock.ts';
import { withMigratedDatabase } from '../../core/db/migrate.ts';
import { loadCommentSettings, purgeRejectedComments } from './service.ts';

export const COMMENTS_USAGE =
  '  purge-comments             delete rejected and spam comments older than the configured period (the server also does this hourly)';

/** `alongside purge-comments`: the retention rule, on demand (e.g. from cron when the site is not running). */
export const commentCommands: Record<string, Command> = {
  async 'purge-comments'(args, config) {
    strictArgs(args, {});
    return withMigratedDatabase(config.database, async (handle) => {
      const { purgeDays } = await loadCommentSettings(handle.db);
      const count = await purgeRejectedComments(handle.db, systemClock, purgeDays);
      console.log(`Deleted ${count} rejected or spam comment${count === 1 ? '' : 's'} older than ${purgeDays} days.`);
      return 0;
    });
  },
};
