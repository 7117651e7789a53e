import cluster from 'node:cluster';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { systemClock } from './core/clock.ts';
import { strictArgs, UsageError, type Command } from './core/cli/command.ts';
import { parseWorkers, runPrimary } from './core/cli/workers.ts';
import { loadOrCreateSecret } from './core/security/secrets.ts';
import { translate } from './core/i18n/index.ts';
import { openDatabase, type DbHandle } from './core/db/connect.ts';
import { migrateToLatest, withMigratedDatabase } from './core/db/migrate.ts';
import type { Db } from './core/db/schema.ts';
import { moveDiskUploads } from './core/media/index.ts';
import { createStaff } from './core/auth/service.ts';
import { BackupError, PASSPHRASE_ENV } from './core/backup/manifest.ts';
import { DEMO_USAGE, demoCommands } from './demo/cli.ts';
import { createdByMigrations, seedDemo } from './demo/seed.ts';
import { directoryCommands } from './features/directory/cli.ts';
import { COMMENTS_USAGE, commentCommands } from './features/comments/cli.ts';
import { IMPORT_USAGE, importWordPressCommand } from './features/wordpress/cli.ts';

const USAGE = `Usage: alongside <command> [options]

Commands:
  serve [--workers N|auto]   migrate, add demo content to a brand-new database, and serve the site
                             (--workers: N processes sharing the port, auto = one per core; default 1)
  migrate                    apply pending database migrations
  seed-demo                  add demo content (only to a database with no staff accounts)
${DEMO_USAGE}
  create-user --email E --role admin|editor|moderator|trainer [--name "Display name"]
                             create a staff account; the password comes from ALONGSIDE_PASSWORD
                             or is generated and printed once
  backup --out FILE [--encrypt]
                             write one archive (tar.gz) with the database (SQLite online backup, or
                             pg_dump), the uploads and secret.key, and a manifest of checksums, while
                             the site runs; never overwrites FILE. --encrypt: age, with the passphrase
                             from ${PASSPHRASE_ENV} or asked on the terminal
  restore FILE [--check]     restore such an archive into an empty data folder or empty database
                             (never over existing data), after checking every checksum, then migrate;
                             --check only verifies the archive
  export-hsds DIR            write the resource directory as an HSDS data package (CSV + datapackage.json)
  import-hsds DIR [--skip-invalid] [--remove-missing]
                             read an HSDS data package into the resource directory
                             (--skip-invalid: import every valid row, list the others); records
                             already here are synced (newer last_modified wins, curator edits are
                             kept and listed as conflicts); --remove-missing: set inactive the
                             listings the package no longer holds
  build-place-index [FILE]   build the offline place index (npm ci does; the server does when it is missing)
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
  workers: number;
}): string {
  const { where, config, seeded } = opts;
  const database = config.database.dialect === 'sqlite' ? `SQLite ${config.database.file}` : 'PostgreSQL';
  const processes = opts.workers > 1 ? `; ${opts.workers} worker processes` : '';
  const lines = [
    '',
    `Alongside is serving ${where}  (public address ${config.publicUrl})`,
    `  database: ${database}${processes}; ready in ${Math.round(opts.ms)} ms`,
    '',
  ];
  if (seeded.seeded) {
    lines.push(
      'Demo content was added, and a staff admin account was created for you:',
      `  e-mail:   ${seeded.adminEmail}`,
      `  password: ${seeded.adminPassword}`,
      `This password is shown only once and stored only as a hash. Log in at ${config.publicUrl}/admin/login`,
      'Before adding real data, remove the demo content with: npx alongside demo remove',
    );
  } else {
    lines.push(
      `Staff log in at ${config.publicUrl}/admin/login. To add an admin (the password is printed once):`,
      '  npx alongside create-user --email you@example.org --role admin',
    );
  }
  return lines.join('\n') + '\n';
}

/** Uploads live in the database; files an older version left in DATA_DIR/uploads travel beside it until `serve` moves them. */
const olderUploads = (n: number) => (n ? `, ${n} older file(s) from the uploads folder` : '');

/** Images an older version wrote under DATA_DIR/uploads go into the database, once, before serving. */
async function moveOlderUploads(db: Db, dataDir: string): Promise<void> {
  const { moved, leftOnDisk } = await moveDiskUploads(db, systemClock, dataDir);
  if (moved) console.log(`Moved ${moved} uploaded file(s) from ${path.join(dataDir, 'uploads')} into the database.`);
  for (const name of leftOnDisk)
    console.error(`Left ${name} in the uploads folder: it is not an image this site serves.`);
}

/** After SIGTERM, requests still running after this are cut and the process exits 1. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * One serving process (alone, or a cluster worker): builds the app and listens. SIGTERM or SIGINT
 * (or, in a worker, losing its primary) closes the server to new connections, lets the requests in
 * hand finish (Fastify's close), runs the app's close hooks, closes the database and exits 0.
 */
async function serveOneProcess(config: Config, opened?: DbHandle, banner?: () => string): Promise<number> {
  const handle = opened ?? openDatabase(config.database);
  const { buildApp } = await import('./server.ts');
  const app = await buildApp({ config, handle });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  if (cluster.isWorker) process.once('disconnect', close);
  await app.listen({ port: config.port, host: config.host });
  if (banner) console.log(banner());
  return new Promise<number>(() => {});
}

const commands: Record<string, Command> = {
  ...directoryCommands,
  ...commentCommands,
  ...demoCommands,
  'import-wordpress': importWordPressCommand,
  async serve(args, config) {
    const workers = parseWorkers(strictArgs(args, { workers: { type: 'string' } }).workers);
    const started = performance.now();
    // A worker finds the database migrated by its primary: it only builds the app and listens.
    if (cluster.isWorker) return serveOneProcess(config);
    const handle = openDatabase(config.database);
    const applied = await migrateToLatest(handle.db, handle.dialect);
    // Demo content only at the first start of a brand-new database, never beside imported data.
    const seeded = createdByMigrations(applied) ? await seedDemo(handle.db, systemClock) : { seeded: false };
    await moveOlderUploads(handle.db, config.dataDir);
    const where = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    const banner = () => startBanner({ where, config, ms: performance.now() - started, seeded, workers });
    if (workers === 1) return serveOneProcess(config, handle, banner);
    await handle.close();
    // Made once here, so the workers never race to create secret.key (they would sign apart).
    loadOrCreateSecret(config.dataDir, config.secret);
    const primary = runPrimary({ workers, log: (line) => console.error(line), stopTimeoutMs: STOP_TIMEOUT_MS });
    await primary.ready;
    console.log(banner());
    return primary.done;
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
    const opts = strictArgs(args, { out: { type: 'string' }, encrypt: { type: 'boolean' } });
    if (!opts.out) throw new UsageError('backup needs --out FILE.');
    const started = performance.now();
    const { createBackup } = await import('./core/backup/backup.ts');
    const { newPassphrase } = await import('./core/backup/encryption.ts');
    const result = await createBackup({
      config,
      out: opts.out,
      passphrase: opts.encrypt ? () => newPassphrase() : undefined,
    });
    const { manifest } = result;
    const database =
      manifest.dialect === 'sqlite'
        ? 'the SQLite database with its uploaded images'
        : 'the PostgreSQL database with its uploaded images (pg_dump)';
    const secret = manifest.files['secret.key'] ? ', secret.key' : '';
    console.log(
      `Backup written to ${result.out} (${formatBytes(result.bytes)}, ${Math.round(performance.now() - started)} ms): ` +
        `${database}${olderUploads(result.uploads)}${secret}; schema ${manifest.schemaVersion}.`,
    );
    console.log(
      result.encrypted
        ? 'It is encrypted with age: keep the passphrase apart from the file (`age --decrypt` opens it too).'
        : 'It holds everything on the site, including the signing secret: keep it where only operators can read it, or use --encrypt.',
    );
    if (manifest.signingSecret === 'environment') {
      console.log('The signing secret comes from ALONGSIDE_SECRET and is not in the backup: keep it with the backup.');
    }
    for (const file of result.skipped) console.error(`Left out ${file}: its name cannot be restored safely.`);
    return 0;
  },

  async restore(args, config) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: { check: { type: 'boolean' } }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [file, ...extra] = parsed.positionals;
    if (!file || extra.length) throw new UsageError('restore needs exactly one FILE.');
    const check = parsed.values.check === true;
    const { restoreBackup } = await import('./core/backup/restore.ts');
    const { existingPassphrase } = await import('./core/backup/encryption.ts');
    const result = await restoreBackup({ config, file, checkOnly: check, passphrase: () => existingPassphrase() });
    const { manifest } = result;
    const made = `made ${manifest.createdAt} by Alongside ${manifest.appVersion}, schema ${manifest.schemaVersion}`;
    const contents = `${manifest.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database with its uploaded images${olderUploads(result.uploads)}${manifest.files['secret.key'] ? ', secret.key' : ''}`;
    if (check) {
      console.log(`The backup is complete and matches its manifest (${made}): ${contents}.`);
      return 0;
    }
    const where =
      config.database.dialect === 'sqlite' ? `${config.database.file}` : 'the PostgreSQL database in DATABASE_URL';
    console.log(`Restored ${path.resolve(file)} (${made}) into ${where} and ${config.dataDir}: ${contents}.`);
    console.log(
      result.applied.length
        ? `The backup was older than this version: applied ${result.applied.length} migration(s): ${result.applied.join(', ')}.`
        : 'Its schema is this version’s: no migration was needed.',
    );
    if (manifest.signingSecret === 'environment') {
      console.log(
        'The site signed with ALONGSIDE_SECRET when it was backed up: set the same ALONGSIDE_SECRET here, or private links and certificates stop verifying.',
      );
    }
    return 0;
  },
};

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

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
    if (err instanceof BackupError) {
      console.error(err.message);
      return 1;
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
