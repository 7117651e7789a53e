/*
 * What the server's memory holds after a visitor has browsed every public page: resident memory
 * of the process, V8's heap spaces, and the largest kinds of heap contents from a heap snapshot
 * (summed shallow sizes by constructor or type), so a regression names its cause.
 * Run: node --import tsx bench/memory.ts [--dialect sqlite|postgres]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../test/support/postgres.ts';
import { emptyBenchDatabase } from './database.ts';
import { browseEverything, httpRequest, machine, SERVER_ENV, SERVER_NODE_FLAGS } from './harness.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' } } });

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Shallow sizes summed by what each node is: a constructor name for objects, else its type. */
function largestKinds(file: string, top = 12): [string, number, number][] {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const name = snap.strings[snap.nodes[i + nameAt]!]!;
    const key = type === 'object' || type === 'closure' ? `${type} ${name.slice(0, 60)}` : `(${type})`;
    const k = kinds.get(key) ?? { bytes: 0, count: 0 };
    k.bytes += snap.nodes[i + sizeAt]!;
    k.count++;
    kinds.set(key, k);
  }
  return [...kinds]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, top)
    .map(([k, v]) => [k, v.bytes, v.count]);
}

const {
  dataDir,
  postgresUrl,
  stopServer: stopPg,
} = await emptyBenchDatabase(values.dialect === 'postgres' ? 'postgres' : 'sqlite', 'memory');
const env: Record<string, string> = { DATA_DIR: dataDir, ...(postgresUrl ? { DATABASE_URL: postgresUrl } : {}) };
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const child = spawn(
  process.execPath,
  [...SERVER_NODE_FLAGS, '--heapsnapshot-signal=SIGUSR2', path.join(ROOT, 'bin', 'alongside.js'), 'serve'],
  {
    cwd: dataDir,
    env: {
      ...process.env,
      ...SERVER_ENV,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  },
);
try {
  for (;;) {
    try {
      if ((await httpRequest(`${url}/healthz`)).status === 200) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pages = await browseEverything(url);
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  child.kill('SIGUSR2');
  let snapshotFile: string | undefined;
  for (let i = 0; i < 600 && !snapshotFile; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const found = fs.readdirSync(dataDir).find((f) => f.endsWith('.heapsnapshot'));
    // The file is written in one go; wait until its size stops changing.
    if (found) {
      const size = fs.statSync(path.join(dataDir, found)).size;
      await new Promise((r) => setTimeout(r, 500));
      if (size > 0 && fs.statSync(path.join(dataDir, found)).size === size) snapshotFile = path.join(dataDir, found);
    }
  }
  console.log(`# ${machine()}; ${values.dialect}; after browsing ${pages} pages: server RSS ${rss.toFixed(0)} MB`);
  if (!snapshotFile) throw new Error('no heap snapshot was written');
  console.log(
    `# heap snapshot ${(fs.statSync(snapshotFile).size / 1e6).toFixed(0)} MB; largest contents (shallow size, count):`,
  );
  for (const [kind, bytes, count] of largestKinds(snapshotFile)) {
    console.log(`${(bytes / 1e6).toFixed(1).padStart(7)} MB  ${String(count).padStart(8)}  ${kind}`);
  }
} finally {
  child.kill('SIGTERM');
  await stopPg?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
