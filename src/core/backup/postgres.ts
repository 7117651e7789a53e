import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BackupError } from './manifest.ts';

/*
 * PostgreSQL is backed up with its own tools: pg_dump --format=custom (one consistent snapshot,
 * taken in a single transaction while the site serves) and pg_restore. The password travels in
 * PGPASSWORD, never on their command line, where any user of the machine could read it.
 */
export type PgTool = 'pg_dump' | 'pg_restore';

export function findOnPath(tool: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireTool(tool: PgTool): string {
  const found = findOnPath(tool);
  if (!found) {
    throw new BackupError(
      `${tool} was not found on PATH: install the PostgreSQL client tools of your server's major version or newer (Debian/Ubuntu: apt-get install postgresql-client), then run this again.`,
    );
  }
  return found;
}

/** libpq's connection string without the password, and the environment that carries it. */
export function libpqConnection(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const env: Record<string, string> = {};
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  u.password = '';
  // node-postgres understands ssl=true; libpq knows only sslmode.
  const ssl = u.searchParams.get('ssl');
  if (ssl !== null) {
    u.searchParams.delete('ssl');
    if (!u.searchParams.has('sslmode') && (ssl === 'true' || ssl === '1')) u.searchParams.set('sslmode', 'require');
  }
  return { dbname: u.href, env };
}

/** Runs a PostgreSQL client tool; rejects with what it printed when it fails. */
export function runPgTool(tool: PgTool, args: string[], url: string): Promise<void> {
  const bin = requireTool(tool);
  const { dbname, env } = libpqConnection(url);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args, `--dbname=${dbname}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4000) stderr += c.toString('utf8');
    });
    child.on('error', (err) => reject(new BackupError(`${tool} could not be started: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const said = stderr.trim().split('\n').slice(0, 3).join(' ') || `exit ${code ?? signal}`;
      reject(new BackupError(`${tool} failed: ${said}`));
    });
  });
}
