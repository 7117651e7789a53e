import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { systemClock } from './core/clock.ts';
import { strictArgs, UsageError, type Command } from './core/cli/command.ts';
import { translate } from './core/i18n/index.ts';
import { openDatabase } from './core/db/connect.ts';
import { migrateToLatest, withMigratedDatabase } from './core/db/migrate.ts';
import { createStaff } from './core/auth/service.ts';
import { seedDemo } from './demo/seed.ts';
import { buildApp } from './server.ts';
import { directoryCommands } from './features/directory/cli.ts';
import { COMMENTS_USAGE, commentCommands } from './features/comments/cli.ts';
import { IMPORT_USAGE, importWordPressCommand } from './features/posts/cli.ts';

const USAGE = `Usage: alongside <command> [options]

Commands:
  serve                      migrate, add demo content to an empty database, and serve the site
  migrate                    apply pending database migrations
  seed-demo                  add demo content (only to a database with no staff accounts)
  create-user --email E --role admin|editor|moderator|trainer [--name "Display name"]
                             create a staff account; the password comes from ALONGSIDE_PASSWORD
                             or is generated and printed once
  backup --out FILE          write a consistent copy of the SQLite database while it runs
  export-hsds DIR            write the resource directory as an HSDS data package (CSV + datapackage.json)
  import-hsds DIR            read an HSDS data package into the resource directory
${IMPORT_USAGE}
${COMMENTS_USAGE}
  help, --help               show this help

Configuration comes from environment variables: PORT, HOST, DATA_DIR, DATABASE_URL,
PUBLIC_URL, QUICK_EXIT_URL, LOG_LEVEL, ALONGSIDE_SECRET (see README.md).`;

/**
 * What an operator reads at start: where the site is and on which database, then either the
 * one-time admin login (first start) or how to create an admin. Request lines are debug-level,
 * so nothing follows this block at the default level until something fails.
 */
function startBanner(opts: {
  where: string;
  config: Config;
  ms: number;
  seeded: { seeded: boolean; adminEmail?: string; adminPassword?: string };
}): string {
  const { where, config, seeded } = opts;
  const database = config.database.dialect === 'sqlite' ? `SQLite ${config.database.file}` : 'PostgreSQL';
  const lines = [
    '',
    `Alongside is serving ${where}  (public address ${config.publicUrl})`,
    `  database: ${database}; ready in ${Math.round(opts.ms)} ms`,
    '',
  ];
  if (seeded.seeded) {
    lines.push(
      'Demo content was added, and a staff admin account was created for you:',
      `  e-mail:   ${seeded.adminEmail}`,
      `  password: ${seeded.adminPassword}`,
      `This password is shown only once and stored only as a hash. Log in at ${config.publicUrl}/admin/login`,
    );
  } else {
    lines.push(
      `Staff log in at ${config.publicUrl}/admin/login. To add an admin (the password is printed once):`,
      '  npx alongside create-user --email you@example.org --role admin',
    );
  }
  return lines.join('\n') + '\n';
}

const commands: Record<string, Command> = {
  ...directoryCommands,
  ...commentCommands,
  'import-wordpress': importWordPressCommand,
  async serve(args, config) {
    strictArgs(args, {});
    const started = performance.now();
    const handle = openDatabase(config.database);
    await migrateToLatest(handle.db, handle.dialect);
    const seeded = await seedDemo(handle.db, systemClock);
    const app = await buildApp({ config, handle });
    const close = async () => {
      await app.close();
      await handle.close();
      process.exit(0);
    };
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
    await app.listen({ port: config.port, host: config.host });
    const where = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    console.log(startBanner({ where, config, ms: performance.now() - started, seeded }));
    return new Promise<number>(() => {});
  },

  async migrate(args, config) {
    strictArgs(args, {});
    const handle = openDatabase(config.database);
    try {
      const applied = await migrateToLatest(handle.db, handle.dialect);
      console.log(
        applied.length
          ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
          : 'The database is up to date.',
      );
      return 0;
    } finally {
      await handle.close();
    }
  },

  async 'seed-demo'(args, config) {
    strictArgs(args, {});
    return withMigratedDatabase(config.database, async ({ db }) => {
      const result = await seedDemo(db, systemClock);
      if (!result.seeded) {
        console.log('The database already has staff accounts, so no demo content was added.');
        return 0;
      }
      console.log(`Demo content added. Admin login: ${result.adminEmail} / ${result.adminPassword} (shown once).`);
      return 0;
    });
  },

  async 'create-user'(args, config) {
    const opts = strictArgs(args, { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } });
    const { email, role, name } = opts;
    if (!email || !role) throw new UsageError('create-user needs --email and --role.');
    return withMigratedDatabase(config.database, async ({ db }) => {
      const password = process.env.ALONGSIDE_PASSWORD || undefined;
      const result = await createStaff(db, systemClock, { email, role, password, displayName: name });
      if (!result.ok) {
        console.error(translate('en', result.message));
        return 1;
      }
      console.log(`Created ${role} account ${email.trim().toLowerCase()}.`);
      if (result.value.generatedPassword)
        console.log(`Password (shown once, stored only as a hash): ${result.value.generatedPassword}`);
      return 0;
    });
  },

  async backup(args, config) {
    const opts = strictArgs(args, { out: { type: 'string' } });
    if (!opts.out) throw new UsageError('backup needs --out FILE.');
    if (config.database.dialect === 'postgres') {
      console.error(
        'This site runs on PostgreSQL: back it up with pg_dump, for example  pg_dump --format=custom "$DATABASE_URL" > alongside.dump',
      );
      return 1;
    }
    const out = path.resolve(opts.out);
    if (fs.existsSync(out)) {
      console.error(`${out} already exists; choose a new file name so no backup is overwritten.`);
      return 1;
    }
    const handle = openDatabase(config.database);
    try {
      // SQLite's online backup API copies a consistent snapshot while the site keeps serving.
      await handle.sqlite!.backup(out);
      console.log(`Backup written to ${out}`);
      return 0;
    } finally {
      await handle.close();
    }
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  try {
    return await command(args, loadConfig());
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 78;
    }
    const message = err instanceof Error ? err.message : String(err);
    console.error(`alongside ${name} failed: ${message}`);
    return 1;
  }
}
