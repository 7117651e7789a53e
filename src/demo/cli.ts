import { UsageError, type Command } from '../core/cli/command.ts';
import { systemClock } from '../core/clock.ts';
import { withMigratedDatabase } from '../core/db/migrate.ts';
import { demoSummary } from '../core/demo/notice.ts';
import { hasDemoContent } from '../core/demo/repo.ts';
import { removeDemo } from './remove.ts';

export const DEMO_USAGE = `  demo remove                delete the demo content (listings, posts, comments, courses, campaigns and
                             what hangs off them, and the demo editor) and nothing else`;

/** `alongside demo remove` */
export const demoCommands: Record<string, Command> = {
  async demo(args, config) {
    if (args.length !== 1 || args[0] !== 'remove') throw new UsageError('demo takes one action: alongside demo remove');
    return withMigratedDatabase(config.database, async ({ db, dialect }) => {
      if (!(await hasDemoContent(db))) {
        console.log('This database holds no demo content: nothing was removed.');
        return 0;
      }
      const removed = await removeDemo(db, dialect, systemClock);
      const extra = [
        removed.organization ? `${removed.organization} organisation(s)` : '',
        removed.tag ? `${removed.tag} tag(s)` : '',
        removed.user ? `${removed.user} demo staff account(s)` : '',
      ].filter(Boolean);
      console.log(
        `Removed the demo content: ${[demoSummary(removed) || 'nothing left of it', ...extra].join(', ')}. Nothing else was changed.`,
      );
      if (dialect === 'sqlite')
        console.log('If the site is running, restart it so that pages it has cached stop showing the demo content.');
      return 0;
    });
  },
};
