import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { clientAddress, httpRequest, postForm, SERVER_ENV, SERVER_NODE_FLAGS } from '../../bench/harness.ts';
import type { Db, Dialect } from '../../src/core/db/schema.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/app.ts';
import { solvedAltchaOver } from '../support/altcha.ts';
import { easyChallenges, makePost } from '../support/comments.ts';
import { freePort } from '../support/postgres.ts';
import { csrfFrom } from '../support/staff.ts';

/*
 * Durability: `alongside serve`, started as `npm start` starts it (the compiled bundle, the same
 * Node flags and environment), takes comments from parallel clients — each from its own loopback
 * address, with its proof of work solved, as browsers would send them — and is killed with SIGKILL
 * in the middle of it, three times. A comment the server acknowledged (201) must be in the
 * database when it comes back, and the database must pass its own integrity check: SQLite's
 * `PRAGMA integrity_check` (and `foreign_key_check`); on PostgreSQL amcheck's `bt_index_check`
 * with `heapallindexed` on every index of the schema (every index entry points at a heap row and
 * every heap row is in the index), or, where the amcheck extension is not installed, a count of
 * each table by sequential scan against the same count by each of its indexes.
 */
const KILLS = 3;
/** Clients sending at once. */
const CLIENTS = 6;
/** How long the clients send before the kill (milliseconds): long enough for dozens of acknowledgements. */
const SEND_FOR = [1200, 1700, 2200];
/** Acknowledgements each round waits for before the kill. */
const MIN_ACKNOWLEDGED = 10;

interface Child {
  process: ChildProcess;
  origin: string;
  output(): string;
}

async function startServe(database: TestDatabase): Promise<Child> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.resolve('bin/alongside.js'), 'serve'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...SERVER_ENV,
      DATABASE_URL: database.url,
      DATA_DIR: database.dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: origin,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve stopped (${child.exitCode}): ${output}`);
    try {
      if ((await httpRequest(`${origin}/healthz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`serve did not answer /healthz: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { process: child, origin, output: () => output };
}

function killHard(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

let address = 9000;

/**
 * Clients sending comments until `stop()`; returns the bodies the server acknowledged. A request cut
 * by the kill (a reset, an answer that never came) is neither acknowledged nor counted against it.
 */
function sendComments(origin: string, slug: string, csrf: string, round: number) {
  let stopped = false;
  const acknowledged: string[] = [];
  let refused = 0;
  const client = async (c: number) => {
    for (let n = 0; !stopped; n++) {
      const from = clientAddress(address++);
      const body = `Durability round ${round} client ${c} comment ${n} ${crypto.randomBytes(6).toString('hex')}`;
      try {
        const altcha = await solvedAltchaOver(origin, from);
        const res = await postForm(
          `${origin}/posts/${slug}/comments`,
          { _csrf: csrf, name: `Client ${c}`, body, altcha },
          { from },
        );
        if (res.status === 201) acknowledged.push(body);
        else refused++;
      } catch {
        return; // the server is gone
      }
    }
  };
  const clients = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  return {
    acknowledged: () => acknowledged.length,
    stop: () => (stopped = true),
    done: async () => {
      await clients;
      return { acknowledged, refused };
    },
  };
}

async function integrityProblems(db: Db, dialect: Dialect): Promise<{ how: string; problems: string[] }> {
  if (dialect === 'sqlite') {
    const integrity = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows;
    const keys = (await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(db)).rows;
    return {
      how: 'PRAGMA integrity_check and foreign_key_check',
      problems: [
        ...integrity.map((r) => r.integrity_check).filter((r) => r !== 'ok'),
        ...keys.map((k) => `foreign key: ${JSON.stringify(k)}`),
      ],
    };
  }
  const indexes = (
    await sql<{ oid: number; name: string; table: string; amname: string }>`
      select i.indexrelid::int as oid, c.relname as name, t.relname as table, am.amname
      from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_class t on t.oid = i.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      join pg_am am on am.oid = c.relam
      where n.nspname = 'public'`.execute(db)
  ).rows;
  const amcheck = (await sql`select 1 from pg_available_extensions where name = 'amcheck'`.execute(db)).rows.length;
  const problems: string[] = [];
  if (amcheck) {
    await sql`create extension if not exists amcheck`.execute(db);
    for (const index of indexes.filter((i) => i.amname === 'btree'))
      try {
        await sql`select bt_index_check(${index.oid}::regclass, true)`.execute(db);
      } catch (err) {
        problems.push(`${index.table}.${index.name}: ${(err as Error).message}`);
      }
    return { how: `amcheck bt_index_check(heapallindexed) on ${indexes.length} btree indexes`, problems };
  }
  // No amcheck: each table counted by a sequential scan, then through each of its indexes.
  for (const table of new Set(indexes.map((i) => i.table))) {
    const counts = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
    const [seq] = await db.transaction().execute(async (trx) => {
      await sql`set local enable_indexscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      await sql`set local enable_indexonlyscan = off`.execute(trx);
      return [
        Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n),
      ];
    });
    const indexed = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return counts();
    });
    if (seq !== indexed) problems.push(`${table}: ${seq} rows by scan, ${indexed} by index`);
  }
  return { how: 'row counts by sequential scan and by index (amcheck not installed)', problems };
}

for (const dialect of DIALECTS) {
  describe(`durability under SIGKILL (${dialect})`, () => {
    it(`keeps every acknowledged comment across ${KILLS} kills of a busy server, and the database stays sound`, async () => {
      const database = await createTestDatabase(dialect);
      let child: Child | undefined;
      try {
        await easyChallenges(database.db);
        const post = await makePost(database.db, { title: 'Durability' });
        const acknowledged: string[] = [];
        const rounds: string[] = [];
        for (let round = 0; round < KILLS; round++) {
          child = await startServe(database);
          const csrf = csrfFrom((await httpRequest(`${child.origin}/posts/${post.slug}/comments/new`)).text());
          const sending = sendComments(child.origin, post.slug, csrf, round);
          // Killed after a while and at least a few acknowledgements, however busy the machine.
          const started = Date.now();
          const waiting = () =>
            Date.now() - started < SEND_FOR[round]! ||
            (sending.acknowledged() < MIN_ACKNOWLEDGED && Date.now() - started < 60_000);
          while (waiting()) await new Promise((r) => setTimeout(r, 20));
          // Killed with requests in flight: the clients are still sending.
          await killHard(child);
          sending.stop();
          const sent = await sending.done();
          acknowledged.push(...sent.acknowledged);
          rounds.push(`${sent.acknowledged.length} acknowledged, ${sent.refused} refused`);
          assert.ok(
            sent.acknowledged.length >= MIN_ACKNOWLEDGED,
            `round ${round}: the server took comments (${rounds.at(-1)})`,
          );
        }
        // Restarted once more: it comes up on what the kills left, and still takes comments.
        child = await startServe(database);
        const csrf = csrfFrom((await httpRequest(`${child.origin}/posts/${post.slug}/comments/new`)).text());
        const after = sendComments(child.origin, post.slug, csrf, KILLS);
        await new Promise((r) => setTimeout(r, 300));
        after.stop();
        assert.ok((await after.done()).acknowledged.length > 0, 'the restarted server takes comments');
        await killHard(child);
        child = undefined;

        const stored = new Set(
          (await database.db.selectFrom('comments').select('body_md').where('post_id', '=', post.id).execute()).map(
            (r) => r.body_md,
          ),
        );
        const lost = acknowledged.filter((body) => !stored.has(body));
        assert.deepEqual(lost, [], `acknowledged then lost (of ${acknowledged.length})`);
        const { how, problems } = await integrityProblems(database.db, dialect);
        assert.deepEqual(problems, [], `${how}: the database is sound`);
        console.log(`# ${dialect}: ${rounds.join('; ')}; ${acknowledged.length} acknowledged, 0 lost; ${how}: ok`);
      } finally {
        if (child) await killHard(child);
        await database.destroy();
      }
    });
  });
}
