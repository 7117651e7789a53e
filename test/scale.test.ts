import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientAddress, httpRequest, postForm, type HttpResponse } from '../bench/harness.ts';
import { systemClock } from '../src/core/clock.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { solvedAltchaOver } from './support/altcha.ts';
import { createTestDatabase, dumpDatabase, type TestDatabase } from './support/app.ts';
import { easyChallenges, makePost } from './support/comments.ts';
import { freePort } from './support/postgres.ts';
import { csrfFrom } from './support/staff.ts';

/*
 * Every limit, replay check and count is shared by all processes (core/guards): two `alongside
 * serve` instances on one PostgreSQL database, and `serve --workers 2` on one SQLite file, each a
 * real child process started as an operator would. The login form's limit (10 per client per 15
 * minutes, counted by @fastify/rate-limit in the guard store) takes 200 parallel attempts from one
 * client: exactly 10 reach the form.
 */
const BIN = path.resolve('bin/alongside.js');

interface Served {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

async function serve(database: TestDatabase, args: string[] = []): Promise<Served> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: database.url,
      DATA_DIR: database.dataDir,
      PORT: String(port),
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  while (!/Alongside is serving/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    output: () => out,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** 200 wrong passwords at once from one client, spread over the given servers; the statuses. */
async function loginFlood(urls: string[]): Promise<number[]> {
  const csrf = csrfFrom((await httpRequest(`${urls[0]}/admin/login`)).text());
  const attempts = Array.from({ length: 200 }, (_, i) =>
    postForm(`${urls[i % urls.length]}/admin/login`, {
      _csrf: csrf,
      email: 'nobody@scale.test',
      password: `wrong ${i}`,
    }).then((r) => r.status),
  );
  return Promise.all(attempts);
}

const tally = (statuses: number[]) => {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
};

describe('shared guards: two instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: Served;
  let b: Served;
  let campaign: { slug: string; pledgeId: number; start: number };
  let post: { slug: string };
  before(async () => {
    database = await createTestDatabase('postgres');
    await seedDemo(database.db, systemClock);
    await easyChallenges(database.db);
    post = await makePost(database.db);
    const pledge = await database.db
      .selectFrom('campaign_pledges')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_pledges.campaign_id')
      .select(['campaigns.slug', 'campaign_pledges.id', 'campaign_pledges.me_too_count'])
      .where('campaign_pledges.status', '=', 'approved')
      .orderBy('campaign_pledges.id')
      .executeTakeFirstOrThrow();
    campaign = { slug: pledge.slug, pledgeId: pledge.id, start: pledge.me_too_count };
    [a, b] = await Promise.all([serve(database), serve(database)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database.destroy();
  });

  it('lets exactly 10 of 200 parallel login attempts from one client through, across both instances', async () => {
    const statuses = await loginFlood([a.url, b.url]);
    assert.equal(statuses.filter((s) => s !== 429).length, 10, JSON.stringify(tally(statuses)));
    assert.equal(statuses.filter((s) => s === 401).length, 10, 'the 10 let through are answered as wrong passwords');
  });

  it('refuses on one instance a proof of work already used on the other', async () => {
    const send = async (origin: string, altcha: string, from: string) => {
      const form = await httpRequest(`${origin}/posts/${post.slug}/comments/new`, { from });
      const fields = {
        _csrf: csrfFrom(form.text()),
        name: 'River',
        body: `A comment sent to ${origin === a.url ? 'A' : 'B'}`,
        altcha,
      };
      return postForm(`${origin}/posts/${post.slug}/comments`, fields, { from });
    };
    const payload = await solvedAltchaOver(a.url, clientAddress(1));
    assert.equal((await send(a.url, payload, clientAddress(1))).status, 201, 'first use, on instance A');
    const replay = await send(b.url, payload, clientAddress(2));
    assert.notEqual(replay.status, 201, 'the same solution on instance B is refused');
    assert.match(replay.text(), /already sent once/);
    const fresh = await solvedAltchaOver(b.url, clientAddress(3));
    assert.equal((await send(b.url, fresh, clientAddress(3))).status, 201, 'a fresh one is accepted on B');
  });

  it('counts "me too" exactly: parallel clicks on both instances, one instance stopped by SIGTERM midway', async () => {
    const clients = 160;
    const page = await httpRequest(`${a.url}/campaigns/${campaign.slug}`);
    const csrf = csrfFrom(page.text());
    const target = `/campaigns/${campaign.slug}/pledges/${campaign.pledgeId}/me-too`;
    const click = (origin: string, from: string) =>
      httpRequest(`${origin}${target}`, {
        method: 'POST',
        body: `_csrf=${encodeURIComponent(csrf)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        from,
      });
    let aStopped: Promise<number | null> | undefined;
    let answered = 0;
    // Each visitor clicks once; one whose instance has gone (refused, or 503 while closing) clicks
    // again on the other, as a load balancer would send it. Instance A gets SIGTERM once a quarter
    // of the visitors have their answer, with clicks still in flight on it.
    const visitor = async (i: number): Promise<HttpResponse> => {
      const from = clientAddress(100 + i);
      const first = i % 2 === 0 ? a.url : b.url;
      let res: HttpResponse | undefined;
      try {
        res = await click(first, from);
      } catch {
        /* instance A stopped accepting connections */
      }
      if (++answered === clients / 4) aStopped = a.stop('SIGTERM');
      return res?.status === 200 ? res : click(b.url, from);
    };
    const answers = await Promise.all(Array.from({ length: clients }, (_, i) => visitor(i)));
    assert.equal(await aStopped, 0, `instance A drained and exited cleanly: ${a.output().slice(-2000)}`);
    for (const res of answers) assert.equal(res.status, 200, res.text().slice(0, 300));
    const counted = answers.filter((r) => (JSON.parse(r.text()) as { counted: boolean }).counted).length;
    const row = await database.db
      .selectFrom('campaign_pledges')
      .select('me_too_count')
      .where('id', '=', campaign.pledgeId)
      .executeTakeFirstOrThrow();
    assert.equal(row.me_too_count, campaign.start + clients, 'every visitor counted once, none lost, none twice');
    assert.ok(counted <= clients);
    const again = await click(b.url, clientAddress(100));
    assert.equal((JSON.parse(again.text()) as { counted: boolean }).counted, false, 'once a day per device');
    const dump = await dumpDatabase(database.db, 'postgres', { guards: true });
    assert.ok(!dump.includes('127.1.1.'), 'no client address reached the database');
  });
});

describe('shared guards: serve --workers 2 on one SQLite file', () => {
  let database: TestDatabase;
  let served: Served;
  before(async () => {
    database = await createTestDatabase('sqlite');
    served = await serve(database, ['--workers', '2']);
  });
  after(async () => {
    await served?.stop();
    await database.destroy();
  });

  const workers = () =>
    new Promise<number[]>((resolve) => {
      const ps = spawn('ps', ['-o', 'pid=', '--ppid', String(served.child.pid)]);
      let out = '';
      ps.stdout.on('data', (c: Buffer) => (out += c.toString()));
      ps.on('exit', () => resolve(out.split(/\s+/).filter(Boolean).map(Number)));
    });

  it('runs two worker processes', async () => {
    assert.match(served.output(), /2 worker processes/);
    assert.equal((await workers()).length, 2);
  });

  it('lets exactly 10 of 200 parallel login attempts from one client through, across both workers', async () => {
    const statuses = await loginFlood([served.url]);
    assert.equal(statuses.filter((s) => s !== 429).length, 10, JSON.stringify(tally(statuses)));
  });

  it('replaces a worker that dies, and stops cleanly on SIGTERM', async () => {
    const [victim] = await workers();
    process.kill(victim!, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    let now = await workers();
    while ((now.length < 2 || now.includes(victim!)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      now = await workers();
    }
    assert.equal(now.length, 2, served.output());
    assert.ok(!now.includes(victim!));
    assert.match(served.output(), /stopped \(SIGKILL\); starting another/);
    assert.equal((await httpRequest(`${served.url}/healthz`)).status, 200);
    assert.equal(await served.stop('SIGTERM'), 0);
  });
});
