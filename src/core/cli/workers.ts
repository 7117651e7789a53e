import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { UsageError } from './command.ts';

/*
 * `serve --workers N`: N processes on one machine share the listening port (node:cluster; the
 * primary hands connections out in turn). The primary serves nothing and opens no database after
 * the migrations: it starts the workers, replaces one that dies, and on SIGTERM or SIGINT tells
 * every worker to stop, each finishing the requests it has in hand (README: Operate). Everything
 * the workers must agree on is in the database (core/guards, the page cache's invalidation log).
 */

/** Most workers `--workers` accepts: far beyond any machine this serves, and a typo stops start-up. */
const MAX_WORKERS = 64;
/** A worker that dies this soon after its start waits before its replacement, doubling up to a minute. */
const EARLY_DEATH_MS = 5_000;
const MAX_RESTART_DELAY_MS = 60_000;

/** `--workers`: absent means one process (no cluster); `auto` means one per available core. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.max(1, os.availableParallelism());
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS)
    throw new UsageError(`--workers takes a number from 1 to ${MAX_WORKERS}, or auto.`);
  return Number(value);
}

export interface Primary {
  /** Resolves once every first worker listens. */
  ready: Promise<void>;
  /** Resolves with the exit code once a signal stopped every worker. */
  done: Promise<number>;
}

export function runPrimary(opts: {
  workers: number;
  log: (line: string) => void;
  /** After a stop signal, workers still running after this are killed (exit code 1). */
  stopTimeoutMs: number;
}): Primary {
  let stopping = false;
  let restartDelay = 1_000;
  const startedAt = new Map<Worker, number>();
  const fork = () => startedAt.set(cluster.fork(), Date.now());

  let listening = 0;
  const ready = new Promise<void>((resolve) => {
    cluster.on('listening', () => {
      if (++listening === opts.workers) resolve();
    });
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) return;
    const delay = lived < EARLY_DEATH_MS ? restartDelay : 0;
    restartDelay = lived < EARLY_DEATH_MS ? Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS) : 1_000;
    opts.log(`Worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another.`);
    setTimeout(fork, delay).unref();
  });

  const done = new Promise<number>((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      const left = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      // Each worker closes its server (new connections go to none), finishes its requests, exits.
      for (const worker of left()) worker.process.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const worker of left()) worker.process.kill('SIGKILL');
        resolve(1);
      }, opts.stopTimeoutMs);
      const check = () => {
        if (left().length > 0) return;
        clearTimeout(timer);
        resolve(0);
      };
      cluster.on('exit', check);
      check();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });

  for (let i = 0; i < opts.workers; i++) fork();
  return { ready, done };
}
