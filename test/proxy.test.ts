import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startNginx, type Nginx } from './support/nginx.ts';
import { startLiveServer, type LiveServer } from './support/server.ts';

/*
 * Behind a real nginx: with TRUST_PROXY naming the proxy, each visitor behind it has a limit of
 * its own, and an X-Forwarded-For a client writes itself moves nobody's limit. Without it, every
 * visitor is the proxy (one shared limit) and the operator is warned once.
 * Clients connect from distinct loopback addresses (127.0.0.2…), as distinct visitors would.
 */
const CLIENT_A = '127.0.0.2';
const CLIENT_B = '127.0.0.3';
const CLIENT_C = '127.0.0.4';
/** The login form allows 10 attempts per client per 15 minutes (src/features/admin/routes.tsx). */
const LOGIN_LIMIT = 10;

function postLogin(base: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  const url = new URL('/admin/login', base);
  const body = 'email=nobody%40example.org&password=wrong';
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length, ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function exhaust(base: string, from: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i <= LOGIN_LIMIT; i++) statuses.push(await postLogin(base, from));
  return statuses;
}

describe('behind a reverse proxy (nginx) with TRUST_PROXY', () => {
  let server: LiveServer;
  let nginx: Nginx;
  before(async () => {
    server = await startLiveServer('sqlite', {
      env: { TRUST_PROXY: '127.0.0.1' },
      clientAddresses: [CLIENT_A, CLIENT_B, CLIENT_C],
    });
    nginx = await startNginx(server.url);
  });
  after(async () => {
    await nginx.stop();
    await server.close();
  });

  it('gives two clients behind the proxy separate limits', async () => {
    const a = await exhaust(nginx.url, CLIENT_A);
    assert.ok(
      a.slice(0, LOGIN_LIMIT).every((s) => s !== 429),
      `the first ${LOGIN_LIMIT} attempts pass the limit: ${a}`,
    );
    assert.equal(a[LOGIN_LIMIT], 429, 'the next one is refused');
    assert.notEqual(await postLogin(nginx.url, CLIENT_B), 429, 'another client behind the proxy is not limited');
  });

  it('ignores an X-Forwarded-For a client writes itself, through the proxy or around it', async () => {
    // Through nginx, the forged value is followed by the real address; the real one counts.
    assert.notEqual(await postLogin(nginx.url, CLIENT_C, { 'x-forwarded-for': CLIENT_A }), 429);
    assert.doesNotMatch(server.logs(), /X-Forwarded-For from a peer/, 'no warning for the trusted proxy');
    // Straight to the app from a peer that is not the proxy, the header is not read at all — and the
    // operator is told that someone sent one.
    assert.notEqual(await postLogin(server.url, CLIENT_C, { 'x-forwarded-for': CLIENT_A }), 429);
    assert.match(server.logs(), /X-Forwarded-For from a peer that TRUST_PROXY does not name/);
  });
});

describe('behind a reverse proxy (nginx) without TRUST_PROXY', () => {
  let server: LiveServer;
  let nginx: Nginx;
  before(async () => {
    server = await startLiveServer('sqlite', { clientAddresses: [CLIENT_A, CLIENT_B] });
    nginx = await startNginx(server.url);
  });
  after(async () => {
    await nginx.stop();
    await server.close();
  });

  it('sees every visitor as the proxy, so they share one limit, and warns the operator once', async () => {
    await exhaust(nginx.url, CLIENT_A);
    assert.equal(await postLogin(nginx.url, CLIENT_B), 429, 'the other client is limited too: one shared limit');
    const warnings = server.logs().match(/X-Forwarded-For from a peer that TRUST_PROXY does not name/g) ?? [];
    assert.equal(warnings.length, 1);
  });
});

describe('behind a reverse proxy (nginx) with TRUST_PROXY as a hop count', () => {
  let server: LiveServer;
  let nginx: Nginx;
  before(async () => {
    server = await startLiveServer('sqlite', { env: { TRUST_PROXY: '1' }, clientAddresses: [CLIENT_A, CLIENT_B] });
    nginx = await startNginx(server.url);
  });
  after(async () => {
    await nginx.stop();
    await server.close();
  });

  it('takes the address nginx adds as the client, so clients keep separate limits', async () => {
    const a = await exhaust(nginx.url, CLIENT_A);
    assert.equal(a[LOGIN_LIMIT], 429);
    assert.notEqual(await postLogin(nginx.url, CLIENT_B), 429);
    // A forged header through the proxy still ends with the address nginx saw: one hop is trusted.
    assert.notEqual(await postLogin(nginx.url, CLIENT_B, { 'x-forwarded-for': CLIENT_A }), 429);
  });
});

describe('slow clients', () => {
  let server: LiveServer;
  before(async () => {
    server = await startLiveServer('sqlite');
  });
  after(() => server.close());

  it('cuts a request whose body stalls, instead of holding the connection for minutes', async () => {
    const { port } = new URL(server.url);
    const socket = (await import('node:net')).connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=',
    );
    // The server closes the connection on its own (about 10 s of silence); a guard stops the test
    // from waiting forever if it does not.
    const closedByServer = await new Promise<boolean>((resolve) => {
      const guard = setTimeout(() => resolve(false), 45_000);
      socket.once('close', () => {
        clearTimeout(guard);
        resolve(true);
      });
      socket.resume();
    });
    socket.destroy();
    assert.ok(closedByServer, 'the stalled request was cut');
  });
});
