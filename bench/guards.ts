import path from 'node:path';
import { systemClock } from '../src/core/clock.ts';
import { openDatabase } from '../src/core/db/connect.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';
import type { Dialect } from '../src/core/db/schema.ts';
import { databaseGuardStore } from '../src/core/guards/store.ts';
import { emptyBenchDatabase } from './database.ts';

/*
 * What a shared guard costs against the in-memory counter it replaced (README: Workers and shared
 * guards): microseconds per rate-limit hit, one at a time, over 5,000 distinct keys.
 *   node --import tsx bench/guards.ts
 */
const N = 5000;

function memoryCounter(windowMs: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (key: string) => {
    const now = Date.now();
    const w = windows.get(key);
    if (w && now - w.start < windowMs) return ++w.count;
    windows.set(key, { start: now, count: 1 });
    return 1;
  };
}

async function timePerOp(label: string, op: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < 200; i++) await op(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await op(i);
  const us = Number(process.hrtime.bigint() - started) / 1000 / N;
  console.log(`${label.padEnd(28)} ${us.toFixed(2)} µs per hit`);
}

const memory = memoryCounter(60_000);
await timePerOp('in memory (Map)', (i) => memory(`k${i % 1000}`));
for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  const { dataDir, postgresUrl, stopServer } = await emptyBenchDatabase(dialect, 'guards');
  const handle =
    dialect === 'sqlite'
      ? openDatabase({ dialect, file: path.join(dataDir, 'bench.sqlite') })
      : openDatabase({ dialect, url: postgresUrl! });
  await migrateToLatest(handle.db, dialect);
  const store = databaseGuardStore(handle.db, dialect, systemClock);
  await timePerOp(`guard store (${dialect})`, (i) => store.hit(`k${i % 1000}`, 60_000));
  await handle.close();
  await stopServer?.();
}
