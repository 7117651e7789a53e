/*
 * What every benchmark shares: its settings, the processes under measurement, the load generator
 * and the comparison with a bare node:http server.
 *
 * Everything measured runs in a process of its own — `alongside serve` on the prepared database,
 * a bare node:http server sending the same bytes, and autocannon — so no two of them share an
 * event loop, and what a benchmark reports is what the server can do. A benchmark file keeps only
 * its data preparation and its correctness checks.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cookieFrom, csrfFrom } from '../test/support/staff.ts';
import { freePort } from '../test/support/postgres.ts';
import type { BenchDatabase } from './database.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The flags `npm start`, the container and the systemd unit run the server with (bin/alongside.js). */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=128'];
/** The environment they set for it (fewer malloc arenas: less memory held after bursts). */
export const SERVER_ENV = { MALLOC_ARENA_MAX: '2' };
const AUTOCANNON_BIN = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

// ── settings ────────────────────────────────────────────────────────────────────────────────

export interface BenchSettings {
  /** Seconds per autocannon run (--duration). */
  duration: number;
  /** Concurrent connections per autocannon run (--connections). */
  connections: number;
  /** Interleaved pairs of runs (app, bare) behind each ratio (BENCH_ROUNDS). */
  rounds: number;
}

function positiveNumber(name: string, raw: string, integer = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(`${name} must be a positive ${integer ? 'whole ' : ''}number, but it is "${raw}".`);
  return n;
}

/**
 * --duration, --connections and BENCH_ROUNDS, read the same way by every benchmark, plus the
 * benchmark's own string flags (name → default). Unknown flags are refused rather than ignored, so
 * a typo does not silently measure something else.
 */
export function benchSettings<K extends string = never>(
  defaults: BenchSettings,
  ownFlags: Record<K, string> = {} as Record<K, string>,
): BenchSettings & { flags: Record<K, string> } {
  const options: Record<string, { type: 'string'; default: string }> = {
    duration: { type: 'string', default: String(defaults.duration) },
    connections: { type: 'string', default: String(defaults.connections) },
  };
  for (const [name, value] of Object.entries<string>(ownFlags)) options[name] = { type: 'string', default: value };
  const { values } = parseArgs({ options, strict: true, allowPositionals: false });
  const flags = values as Record<string, string>;
  return {
    duration: positiveNumber('--duration', flags.duration!),
    connections: positiveNumber('--connections', flags.connections!, true),
    rounds: positiveNumber('BENCH_ROUNDS', process.env.BENCH_ROUNDS ?? String(defaults.rounds), true),
    flags: flags as Record<K, string>,
  };
}

/** Node version, cores and load average: the figures mean little without them on a shared machine. */
export function machine(): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `Node ${process.version}, ${os.cpus().length} cores, load average ${load}`;
}

// ── processes under measurement ─────────────────────────────────────────────────────────────

export interface ServerProcess {
  url: string;
  /** The server's process id (for its CPU time in /proc). */
  pid: number;
  /** Resident memory of the server process now, in MB (Linux /proc). */
  rssMb(): number;
  /** SIGTERM, then waits for the exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

export interface AppProcess extends ServerProcess {
  /**
   * Requests for a route pattern (e.g. "/posts/:slug") that reached Fastify, from the app's request
   * log (needs logLevel 'debug', where request lines are). Page-cache hits answered before Fastify runs are not among them,
   * so for a cached page this bounds the renders from above.
   */
  requestsLogged(route: string): number;
}

// Children still running when this process exits (a benchmark that throws, or Ctrl-C) are killed
// with it; without the signal handlers Node would leave without running 'exit' listeners.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

/** A temporary folder, removed when this process exits if it has not been removed before. */
function temporaryDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => {
    process.off('exit', remove);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', remove);
  return { dir, remove };
}

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + 120_000; // a loaded two-core machine can take a while to compile the app
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server stopped: ${output()}`);
    try {
      if ((await httpRequest(url)).status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer ${url}: ${output()}`);
}

function serverProcess(child: ChildProcess, url: string): ServerProcess {
  return {
    url,
    pid: child.pid!,
    rssMb() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `alongside serve` on the prepared database, as an operator would start it. The benchmark's own
 * connection is closed first: from here the app process owns the database, and writes the checks
 * need to see must go through the app (its page cache is only invalidated by its own writes).
 */
export async function startApp(
  database: BenchDatabase,
  opts: {
    logLevel?: 'warn' | 'debug';
    /** More environment for the server, e.g. TRUST_PROXY. */ env?: Record<string, string>;
    /** More Node flags for the server, e.g. --cpu-prof. */ nodeFlags?: string[];
  } = {},
): Promise<AppProcess> {
  await database.handOver();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serve = [...(opts.nodeFlags ?? []), path.join(ROOT, 'bin', 'alongside.js'), 'serve'];
  const child = track(
    spawn(process.execPath, [...SERVER_NODE_FLAGS, ...serve], {
      env: {
        ...process.env,
        ...SERVER_ENV,
        DATABASE_URL: database.databaseUrl,
        DATA_DIR: database.dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: opts.logLevel ?? 'warn',
        PUBLIC_URL: url,
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  // Counted as the lines arrive rather than kept: a long run at 'info' would otherwise pile up.
  const byRoute = new Map<string, number>();
  let tail = '';
  let partial = '';
  const keepTail = (text: string) => (tail = (tail + text).slice(-8000));
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.includes('"msg":"request"')) {
        try {
          const { route } = JSON.parse(line) as { route?: string };
          if (route) byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
        } catch {
          keepTail(line + '\n');
        }
      } else keepTail(line + '\n');
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => keepTail(chunk.toString('utf8')));
  await waitUntilAnswering(`${url}/healthz`, child, () => tail);
  return { ...serverProcess(child, url), requestsLogged: (route) => byRoute.get(route) ?? 0 };
}

/** What the bare server answers to every request. */
export interface BareResponse {
  status: number;
  /** Flat [name, value, name, value, …] as node:http's writeHead takes them. */
  headers: string[];
  body: Buffer;
}

/** Headers that belong to one connection or one response, not to the page. */
const PER_RESPONSE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * The app's answer, to be sent by the bare server: same status, same body, same headers (security
 * headers and x-cache included), so the comparison is about the work and not the bytes.
 */
export function sameResponseAs(res: HttpResponse): BareResponse {
  const headers: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2)
    if (!PER_RESPONSE_HEADERS.has(res.rawHeaders[i]!.toLowerCase()))
      headers.push(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  return { status: res.status, headers, body: res.body };
}

/**
 * The yardstick: a bare node:http server, in its own process, answering every request with the
 * given response from memory (after reading the request body, as the app must for a form post).
 */
export async function startBareServer(response: BareResponse): Promise<ServerProcess> {
  const port = await freePort();
  const { dir, remove } = temporaryDir('alongside-bare-');
  const bodyFile = path.join(dir, 'body');
  const headersFile = path.join(dir, 'headers.json');
  fs.writeFileSync(bodyFile, response.body);
  fs.writeFileSync(headersFile, JSON.stringify(response.headers));
  const script = `const fs = require('fs');
    const body = fs.readFileSync(${JSON.stringify(bodyFile)});
    const headers = [...JSON.parse(fs.readFileSync(${JSON.stringify(headersFile)}, 'utf8')), 'content-length', String(body.length)];
    require('http').createServer((q, r) => {
      const send = () => { r.writeHead(${response.status}, headers); r.end(body); };
      if (q.method === 'GET' || q.method === 'HEAD') send(); else { q.resume(); q.on('end', send); }
    }).listen(${port}, '127.0.0.1');`;
  const child = track(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let errors = '';
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(url, child, () => errors);
  remove(); // read at start-up; the server answers from memory
  const check = await httpRequest(url);
  if (check.status !== response.status || !check.body.equals(response.body))
    throw new Error('the bare server does not send the bytes it was given');
  return serverProcess(child, url);
}

// ── HTTP from the benchmark process (checks, and visitors who each need their own address) ──

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** As received, names in their case, for sameResponseAs. */
  rawHeaders: string[];
  body: Buffer;
  text(): string;
}

/**
 * One request on a fresh connection; redirects are not followed (a 303 is often the answer
 * checked). `from` binds the client end to that local address: on Linux all of 127.0.0.0/8 is
 * loopback, so each simulated visitor can have an address of its own, as many people on the
 * internet would, and per-client limits apply to each as they would in production.
 */
export function httpRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const req = http.request(
      url,
      {
        method: opts.method ?? (body ? 'POST' : 'GET'),
        headers: { ...opts.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        localAddress: opts.from,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: all,
            text: () => all.toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The n-th distinct loopback address (127.1.1.1, 127.1.1.2, …), never 127.0.0.1. */
export function clientAddress(n: number): string {
  const i = n % (254 * 254 * 254);
  return `127.${1 + Math.floor(i / (254 * 254))}.${1 + (Math.floor(i / 254) % 254)}.${1 + (i % 254)}`;
}

/** A form post as a browser sends it (application/x-www-form-urlencoded, repeated names for lists). */
export function postForm(
  url: string,
  fields: Record<string, string | string[]>,
  opts: { cookie?: string; from?: string } = {},
): Promise<HttpResponse> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  return httpRequest(url, {
    method: 'POST',
    body: body.toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
    },
    from: opts.from,
  });
}

export interface StaffSession {
  /** Cookie header value carrying the staff session. */
  cookie: string;
  /** A CSRF token bound to this session, for staff forms. */
  csrf: string;
}

/** Logs in through the real login form (CSRF token from the form), as a person would. */
export async function logInAsStaff(appUrl: string, staff: { email: string; password: string }): Promise<StaffSession> {
  const form = await httpRequest(`${appUrl}/admin/login`);
  const res = await postForm(`${appUrl}/admin/login`, {
    email: staff.email,
    password: staff.password,
    _csrf: csrfFrom(form.text()),
  });
  const token = cookieFrom(res.headers['set-cookie'], 'alongside_staff');
  if (res.status !== 303 || !token) throw new Error(`staff login answered ${res.status}: ${res.text().slice(0, 300)}`);
  const cookie = `alongside_staff=${token}`;
  const home = await httpRequest(`${appUrl}/admin`, { headers: { cookie } });
  return { cookie, csrf: csrfFrom(home.text()) };
}

// ── load generation ─────────────────────────────────────────────────────────────────────────

/** One autocannon run's requests. */
export interface Load {
  /** Where to send them; the path is used unless `paths` is given. */
  url: string;
  /** Paths to cycle through (each connection goes through the list in order, from the first). */
  paths?: string[];
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Replace every `[<id>]` in the path and body with a fresh id per request (distinct comments, uncached URLs). */
  uniqueIds?: boolean;
  /** Overrides the benchmark's --connections for this load. */
  connections?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  /** Milliseconds. autocannon's histogram has no p95; p97.5 is the nearest it reports. */
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  ok2xx: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Runs autocannon's command line in its own process (--json), so generating the load does not take
 * CPU from the server's event loop. Requests are handed over as a HAR file: one way for a single
 * page, a list of paths and form posts alike (bodies never pass through the command-line parser).
 */
export async function runLoad(load: Load, settings: { duration: number; connections: number }): Promise<LoadResult> {
  const target = new URL(load.url);
  const paths = load.paths ?? [target.pathname + target.search];
  const headers = { ...load.headers };
  const entries = paths.map((p) => ({
    request: {
      method: load.method ?? 'GET',
      url: new URL(p, target.origin).href,
      headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
      ...(load.body === undefined ? {} : { postData: { text: load.body } }),
    },
  }));
  const { dir, remove } = temporaryDir('alongside-load-');
  const har = path.join(dir, 'requests.har');
  fs.writeFileSync(har, JSON.stringify({ log: { entries } }));
  const args = [
    AUTOCANNON_BIN,
    '--json',
    '-c',
    String(load.connections ?? settings.connections),
    '-d',
    String(settings.duration),
    '--har',
    har,
    ...(load.uniqueIds ? ['-I'] : []),
    target.origin,
  ];
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (err, out, errOut) =>
        err ? reject(new Error(`autocannon failed: ${err.message} ${errOut}`)) : resolve(out),
      ),
    );
    const json = JSON.parse(stdout.trim().split('\n').pop()!) as AutocannonJson;
    return {
      requestsPerSecond: json.requests.average,
      requests: json.requests.total,
      latency: {
        p50: json.latency.p50,
        p90: json.latency.p90,
        p97_5: json.latency.p97_5,
        p99: json.latency.p99,
        max: json.latency.max,
      },
      ok2xx: json['2xx'],
      non2xx: json.non2xx,
      errors: json.errors + json.timeouts,
    };
  } finally {
    remove();
  }
}

/** "1234 req/s (p50 2 ms, p99 9 ms)", with non-2xx answers and errors when there are any. */
export function describeLoad(r: LoadResult): string {
  const problems = [r.non2xx ? `non-2xx ${r.non2xx}` : '', r.errors ? `errors ${r.errors}` : ''].filter(Boolean);
  return `${r.requestsPerSecond.toFixed(0)} req/s (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms${problems.map((p) => `, ${p}`).join('')})`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ── the comparison with the bare server ─────────────────────────────────────────────────────

export interface RatioRound {
  app: LoadResult;
  bare: LoadResult;
  /** App requests per second / bare requests per second. */
  ratio: number;
}

export interface RatioResult {
  rounds: RatioRound[];
  /** The warm-up run of the app, if there was one (its requests reach the app too). */
  warmUp: LoadResult | undefined;
  medianRatio: number;
  medianAppRequestsPerSecond: number;
  medianBareRequestsPerSecond: number;
  medianAppP99: number;
}

/**
 * The app against the bare server sending the same bytes, in `settings.rounds` pairs of runs. The
 * machine is shared: interleaving short runs and comparing each pair keeps a burst of someone
 * else's load from landing on one side only, and alternating which goes first keeps a trend in
 * that load from favouring either. Prints every pair and the median ratio app/bare.
 */
export async function measureRatio(spec: {
  /** What the app serves, e.g. "post page". */
  label: string;
  app: Load;
  bare: Load;
  settings: BenchSettings;
  /** Seconds of load on each server before the rounds (compiled code paths, caches); 0 for none. */
  warmUpSeconds?: number;
  /** Printed after the median, e.g. "target ≥ 0.7×". */
  target?: string;
  /** Put before every line, e.g. "[sqlite] ". */
  prefix?: string;
}): Promise<RatioResult> {
  const { settings, prefix = '' } = spec;
  const warmUpSeconds = spec.warmUpSeconds ?? Math.min(2, settings.duration);
  // Both sides warm up alike: a fresh process is slower until its hot paths are compiled.
  const warmUp = warmUpSeconds > 0 ? await runLoad(spec.app, { ...settings, duration: warmUpSeconds }) : undefined;
  if (warmUpSeconds > 0) await runLoad(spec.bare, { ...settings, duration: warmUpSeconds });
  const rounds: RatioRound[] = [];
  for (let i = 0; i < settings.rounds; i++) {
    let app: LoadResult;
    let bare: LoadResult;
    if (i % 2 === 0) {
      bare = await runLoad(spec.bare, settings);
      app = await runLoad(spec.app, settings);
    } else {
      app = await runLoad(spec.app, settings);
      bare = await runLoad(spec.bare, settings);
    }
    const ratio = app.requestsPerSecond / bare.requestsPerSecond;
    rounds.push({ app, bare, ratio });
    console.log(
      `${prefix}round ${i + 1}${i % 2 ? ' (app first)' : ''}: bare node:http ${describeLoad(bare)} | ${spec.label} ${describeLoad(app)} | ratio ${ratio.toFixed(2)}×`,
    );
  }
  const result: RatioResult = {
    rounds,
    warmUp,
    medianRatio: median(rounds.map((r) => r.ratio)),
    medianAppRequestsPerSecond: median(rounds.map((r) => r.app.requestsPerSecond)),
    medianBareRequestsPerSecond: median(rounds.map((r) => r.bare.requestsPerSecond)),
    medianAppP99: median(rounds.map((r) => r.app.latency.p99)),
  };
  console.log(
    `${prefix}median ratio ${spec.label} / bare node:http: ${result.medianRatio.toFixed(2)}×${spec.target ? ` (${spec.target})` : ''}; median p99 ${result.medianAppP99} ms; ${settings.rounds} rounds of ${settings.duration} s at ${spec.app.connections ?? settings.connections} connections; ${machine()}`,
  );
  return result;
}

/** Every public page reachable from the home page by links (no staff area, no static files). */
export async function browseEverything(base: string): Promise<number> {
  const seen = new Set<string>(['/']);
  const queue = ['/'];
  while (queue.length > 0 && seen.size < 400) {
    const page = queue.shift()!;
    const res = await httpRequest(`${base}${page}`);
    if (!String(res.headers['content-type'] ?? '').includes('text/html')) continue;
    for (const [, href] of res.body.toString('utf8').matchAll(/href="(\/[^"#]*)"/g)) {
      const target = href!.replace(/&amp;/g, '&');
      if (/^\/(admin|static|antispam)\b/.test(target) || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return seen.size;
}
