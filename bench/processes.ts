import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/postgres.ts';

/*
 * Servers under measurement run in their own processes, so the load generator's work does not
 * share their event loop: what a benchmark then reports is what the server can do.
 */
export interface ServerProcess {
  url: string;
  /** Resident memory of the server process now, in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

async function waitFor(url: string, child: ChildProcess, output: () => string) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the server stopped: ${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer ${url}: ${output()}`);
}

function handle(child: ChildProcess, url: string): ServerProcess {
  return {
    url,
    rssMb() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** `alongside serve` on the given database, as an operator would start it. */
export async function startAlongside(env: { DATABASE_URL: string; DATA_DIR: string }): Promise<ServerProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'alongside.js'), 'serve'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, child, () => out);
  return handle(child, url);
}

/** A bare node:http server answering every request with the same bytes: the benchmarks' yardstick. */
export async function startBareServer(body: Buffer, contentType = 'text/html; charset=utf-8'): Promise<ServerProcess> {
  const port = await freePort();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-bare-')), 'body');
  fs.writeFileSync(file, body);
  const script = `const b = require('fs').readFileSync(${JSON.stringify(file)});
    require('http').createServer((q, r) => { r.writeHead(200, { 'content-type': ${JSON.stringify(contentType)}, 'content-length': b.length }); r.end(b); })
      .listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, child, () => '');
  return handle(child, url);
}
