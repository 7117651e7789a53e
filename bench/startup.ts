/*
 * What an operator sees: time from `alongside serve` to the first answer, on an empty data folder
 * (migrations, demo content, the place index) and on an existing one, and the server's resident
 * memory after start and after a visitor has browsed every public page. On SQLite and PostgreSQL.
 * Run: node --import tsx bench/startup.ts [--dialect sqlite|postgres] (both by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Dialect } from '../src/core/db/schema.ts';
import { freePort } from '../test/support/postgres.ts';
import { emptyBenchDatabase } from './database.ts';
import { browseEverything, httpRequest, machine, SERVER_ENV, SERVER_NODE_FLAGS } from './harness.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { dialect: { type: 'string' } } });
const dialects: Dialect[] = values.dialect
  ? [values.dialect === 'postgres' ? 'postgres' : 'sqlite']
  : ['sqlite', 'postgres'];

interface Started {
  child: ChildProcess;
  url: string;
  msToFirstAnswer: number;
}

function rssMb(child: ChildProcess): number {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function serve(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(ROOT, 'bin', 'alongside.js'), 'serve'], {
    env: {
      ...process.env,
      ...SERVER_ENV,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error('the server stopped');
    try {
      if ((await httpRequest(`${url}/`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, url, msToFirstAnswer: performance.now() - started };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

console.log(
  `# ${machine()}; serving ${fs.existsSync(path.join(ROOT, 'dist', 'main.js')) ? 'compiled dist/' : 'sources through tsx'}`,
);
for (const dialect of dialects) {
  const { dataDir, postgresUrl, stopServer: stopPg } = await emptyBenchDatabase(dialect, 'startup');
  const env: Record<string, string> = { DATA_DIR: dataDir, ...(postgresUrl ? { DATABASE_URL: postgresUrl } : {}) };
  try {
    const first = await serve(env);
    await new Promise((r) => setTimeout(r, 1000));
    const rssAfterFirstStart = rssMb(first.child);
    const pages = await browseEverything(first.url);
    const rssAfterBrowsing = rssMb(first.child);
    await stop(first.child);
    const again = await serve(env);
    await new Promise((r) => setTimeout(r, 1000));
    const rssAfterStart = rssMb(again.child);
    const pagesAgain = await browseEverything(again.url);
    const rssAfterBrowsingAgain = rssMb(again.child);
    await stop(again.child);
    console.log(
      `[${dialect}] first start on an empty data folder: ${first.msToFirstAnswer.toFixed(0)} ms to the home page; ` +
        `RSS ${rssAfterFirstStart.toFixed(0)} MB after start, ${rssAfterBrowsing.toFixed(0)} MB after browsing ${pages} pages`,
    );
    console.log(
      `[${dialect}] start on the existing data folder: ${again.msToFirstAnswer.toFixed(0)} ms to the home page; ` +
        `RSS ${rssAfterStart.toFixed(0)} MB after start, ${rssAfterBrowsingAgain.toFixed(0)} MB after browsing ${pagesAgain} pages`,
    );
  } finally {
    await stopPg?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
