import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { verifyPassword } from '../src/core/auth/passwords.ts';
import { createTestDatabase } from './support/app.ts';
import { freePort } from './support/postgres.ts';

const BIN = path.resolve('bin/alongside.js');

function run(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 60_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

const tempDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-cli-'));

describe('alongside CLI', () => {
  it('prints usage for --help and exits 0', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Usage: alongside <command>/);
    assert.match(r.out, /create-user --email E --role admin\|editor\|moderator\|trainer/);
    assert.match(r.out, /backup --out FILE \[--encrypt\]/);
    assert.match(r.out, /restore FILE \[--check\]/);
  });

  it('prints usage and exits non-zero for no command, an unknown command or bad arguments', () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['create-user'],
      ['create-user', '--email'],
      ['migrate', '--bogus'],
      ['backup'],
      // The passphrase is never a command-line argument (other users can read those).
      ['backup', '--out', 'x.tar.gz', '--passphrase', 'secret words'],
      ['restore'],
    ]) {
      const r = run(args, { DATA_DIR: tempDataDir() });
      assert.equal(r.code, 2, `exit code for ${args.join(' ')}`);
      assert.match(r.out + r.err, /Usage: alongside/);
    }
  });

  it('stops on invalid configuration with one sentence naming the variable, no stack trace', () => {
    const r = run(['migrate'], { PORT: 'abc' });
    assert.equal(r.code, 78);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /^PORT must be/);
    assert.doesNotMatch(r.err, /at .*\.ts/);
  });

  it('migrates a fresh SQLite database, then reports it up to date', () => {
    const DATA_DIR = tempDataDir();
    const first = run(['migrate'], { DATA_DIR });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /Applied \d+ migration/);
    assert.ok(fs.existsSync(path.join(DATA_DIR, 'alongside.sqlite')));
    const second = run(['migrate'], { DATA_DIR });
    assert.match(second.out, /up to date/);
  });

  it('migrates PostgreSQL given a postgres:// DATABASE_URL', async () => {
    const database = await createTestDatabase('postgres');
    try {
      const r = run(['migrate'], { DATA_DIR: database.dataDir, DATABASE_URL: database.url });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /up to date/);
    } finally {
      await database.destroy();
    }
  });

  it('creates a user with the password from ALONGSIDE_PASSWORD, storing only an argon2id hash', async () => {
    const DATA_DIR = tempDataDir();
    const r = run(['create-user', '--email', 'Trainer@Example.org', '--role', 'trainer'], {
      DATA_DIR,
      ALONGSIDE_PASSWORD: 'a long enough password',
    });
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /a long enough password/);
    const db = new SQLite(path.join(DATA_DIR, 'alongside.sqlite'), { readonly: true });
    const row = db.prepare('select email, role, password_hash from users').get() as {
      email: string;
      role: string;
      password_hash: string;
    };
    db.close();
    assert.equal(row.email, 'trainer@example.org');
    assert.equal(row.role, 'trainer');
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(await verifyPassword(row.password_hash, 'a long enough password'));
  });

  it('generates and prints a password once when none is given, and refuses bad roles and duplicates', async () => {
    const DATA_DIR = tempDataDir();
    const r = run(['create-user', '--email', 'mod@example.org', '--role', 'moderator'], { DATA_DIR });
    assert.equal(r.code, 0, r.err);
    const password = /Password \(shown once[^)]*\): (\S+)/.exec(r.out)?.[1];
    assert.ok(password && password.length >= 16);
    const db = new SQLite(path.join(DATA_DIR, 'alongside.sqlite'), { readonly: true });
    const dump = JSON.stringify(db.prepare('select * from users').all());
    db.close();
    assert.ok(!dump.includes(password), 'the password is not stored in plain text');
    assert.equal(run(['create-user', '--email', 'x@example.org', '--role', 'overlord'], { DATA_DIR }).code, 1);
    assert.equal(run(['create-user', '--email', 'mod@example.org', '--role', 'editor'], { DATA_DIR }).code, 1);
  });

  it('backs up to one archive and never overwrites it (backup.test.ts tests restoring it)', () => {
    const DATA_DIR = tempDataDir();
    assert.equal(run(['seed-demo'], { DATA_DIR }).code, 0);
    const out = path.join(DATA_DIR, 'backup.tar.gz');
    const r = run(['backup', '--out', out], { DATA_DIR });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Backup written to .*backup\.tar\.gz .*the SQLite database with its uploaded images[,;]/);
    assert.deepEqual([...fs.readFileSync(out).subarray(0, 2)], [0x1f, 0x8b], 'a gzip archive');
    const before = fs.readFileSync(out);
    const again = run(['backup', '--out', out], { DATA_DIR });
    assert.equal(again.code, 1, 'never overwrites a backup');
    assert.match(again.err, /already exists; choose a new file name/);
    assert.ok(fs.readFileSync(out).equals(before));
    const missing = run(['restore', path.join(DATA_DIR, 'no-such.tar.gz')], { DATA_DIR: tempDataDir() });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^There is no file .*no-such\.tar\.gz\.$/m);
  });

  it('seeds demo content only into an empty database', () => {
    const DATA_DIR = tempDataDir();
    const first = run(['seed-demo'], { DATA_DIR });
    assert.match(first.out, /Demo content added/);
    const second = run(['seed-demo'], { DATA_DIR });
    assert.match(second.out, /already has staff accounts/);
  });
});

/** `npm start` in its own process group; resolves once `ready` matches what it printed. */
async function npmStart(env: Record<string, string>, ready: RegExp) {
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, LOG_LEVEL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!ready.test(out) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  return {
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        process.kill(-child.pid!, 'SIGTERM');
      }),
  };
}

describe('npm start from a fresh data folder', () => {
  it('migrates, seeds, prints the address and a one-time admin login, serves /, and stays quiet', async () => {
    const DATA_DIR = tempDataDir();
    const port = await freePort();
    const started = Date.now();
    const first = await npmStart({ DATA_DIR, PORT: String(port) }, /password: \S+/);
    try {
      assert.match(first.output(), new RegExp(`serving http://127\\.0\\.0\\.1:${port}`));
      assert.match(first.output(), /e-mail: +admin@alongside\.invalid/);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Exit this page/);
      console.log(`# start-up to first response: ${Date.now() - started} ms (includes npm start)`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      await fetch(`http://127.0.0.1:${port}/no/such/page`);
      assert.doesNotMatch(
        first.output(),
        /"msg":"request"/,
        'request lines are debug-level: the login block stays visible',
      );
    } finally {
      await first.stop();
    }
    const again = await npmStart({ DATA_DIR, PORT: String(port) }, /create-user/);
    try {
      assert.doesNotMatch(again.output(), /password:/, 'no second admin and no password on a later start');
      assert.match(again.output(), /npx alongside create-user --email \S+ --role admin/);
    } finally {
      await again.stop();
    }
  });
});
