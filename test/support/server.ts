import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { systemClock, type Clock } from '../../src/core/clock.ts';
import type { Db, Dialect } from '../../src/core/db/schema.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { buildApp } from '../../src/server.ts';
import { assertNoClientTraces, createTestDatabase, PROBE_UA, type TestDatabase } from './app.ts';
import { freePort } from './postgres.ts';

/**
 * A real listening server on loopback for browser tests, on a fresh database of the dialect.
 * Quick exit points at a second tiny local server (standing in for the neutral site), so tests
 * can see the navigation without any request leaving the machine.
 */
export interface LiveServer {
  url: string;
  origin: string;
  app: FastifyInstance;
  db: Db;
  dialect: Dialect;
  config: Config;
  database: TestDatabase;
  exitUrl: string;
  /** The demo admin's password, when seeded. */
  adminPassword?: string;
  logs(): string;
  close(): Promise<void>;
}

export async function startLiveServer(
  dialect: Dialect,
  /** `clientAddresses`: other loopback addresses the test connects from; none may be stored or logged either. */
  /** `clock`: a ManualClock for tests that move time (scheduling); the system clock otherwise. */
  opts: { seed?: boolean; env?: Record<string, string>; clientAddresses?: string[]; clock?: Clock } = {},
): Promise<LiveServer> {
  const database = await createTestDatabase(dialect);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const exitPort = await freePort();
  const exitUrl = `http://localhost:${exitPort}/neutral`;
  const exitServer = (await import('node:http')).createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Weather</title><h1>Neutral page</h1>');
  });
  await new Promise<void>((r) => exitServer.listen(exitPort, '127.0.0.1', r));
  const config = loadConfig({
    DATA_DIR: database.dataDir,
    PORT: String(port),
    PUBLIC_URL: origin,
    QUICK_EXIT_URL: exitUrl,
    // Debug: request lines are captured too, so the privacy check reads them.
    LOG_LEVEL: 'debug',
    ...opts.env,
  });
  let adminPassword: string | undefined;
  if (opts.seed) adminPassword = (await seedDemo(database.db, systemClock)).adminPassword;
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const app = await buildApp({ config, handle: database.handle, logStream: stream, clock: opts.clock });
  await app.listen({ port, host: '127.0.0.1' });
  const logs = () => chunks.join('');
  return {
    url: origin,
    origin,
    app,
    db: database.db,
    dialect,
    config,
    database,
    exitUrl,
    adminPassword,
    logs,
    async close() {
      await app.close();
      await new Promise((r) => exitServer.close(r));
      // Browser requests come from 127.0.0.1 with the probe user-agent: neither may be stored or logged.
      // (Fastify's own "Server listening at http://127.0.0.1:port" line names the server, not a client.)
      const clientLogs = logs()
        .split('\n')
        .filter((l) => !l.includes('Server listening at'))
        .join('\n');
      await assertNoClientTraces(database.db, dialect, clientLogs, ['127.0.0.1', ...(opts.clientAddresses ?? [])]);
      await database.destroy();
    },
  };
}

export { PROBE_UA };
