/*
 * The load generator of bench/scale.ts, run as a process of its own (never in the process that
 * starts the servers, and never in a server's): autocannon through its API, so that every
 * response's latency can be kept and the exact 95th percentile reported (autocannon's own summary
 * stops at p90 and p97.5). Started once with an IPC channel (child_process.fork), it runs one
 * LoadSpec per message and answers with its LoadFigures; between runs it is idle.
 */
import { createRequire } from 'node:module';

export interface LoadSpec {
  origin: string;
  /** Paths cycled through, each connection from the first. */
  paths: readonly string[];
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

export interface LoadFigures {
  requests: number;
  perSecond: number;
  /** Milliseconds. */
  p50: number;
  p95: number;
  p99: number;
  /** Answers other than 2xx, and connection errors and timeouts. */
  non2xx: number;
  errors: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonSummary {
  errors: number;
  timeouts: number;
}
type Autocannon = (
  opts: {
    url: string;
    connections: number;
    duration: number;
    headers: Record<string, string>;
    requests: { method: string; path: string }[];
  },
  done: (err: Error | null, result: AutocannonSummary) => void,
) => AutocannonInstance;

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Infinity;

export async function generateLoad(spec: LoadSpec): Promise<LoadFigures> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const times: number[] = [];
  let non2xx = 0;
  const summary = await new Promise<AutocannonSummary>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        duration: spec.seconds,
        headers: spec.headers,
        requests: spec.paths.map((path) => ({ method: 'GET', path })),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      times.push(ms);
      if (status < 200 || status > 299) non2xx++;
    });
  });
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    requests: times.length,
    perSecond: times.length / spec.seconds,
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    p99: round(percentile(times, 99)),
    non2xx,
    errors: summary.errors + summary.timeouts,
  };
}

export type LoadReply = { figures: LoadFigures } | { error: string };

if (import.meta.url === `file://${process.argv[1]}` && process.send) {
  process.on('message', (spec: LoadSpec) => {
    generateLoad(spec).then(
      (figures) => process.send!({ figures } satisfies LoadReply),
      (err: Error) => process.send!({ error: err.stack ?? err.message } satisfies LoadReply),
    );
  });
}
