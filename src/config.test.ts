import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has safe defaults: loopback, port 3000, SQLite under ./data', () => {
    const c = loadConfig({});
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 3000);
    assert.deepEqual(c.database, { dialect: 'sqlite', file: path.resolve('data/alongside.sqlite') });
    assert.equal(c.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(c.secureCookies, false);
  });

  it('reads PostgreSQL from DATABASE_URL and secure cookies from an https PUBLIC_URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/alongside', PUBLIC_URL: 'https://example.org/' });
    assert.equal(c.database.dialect, 'postgres');
    assert.equal(c.publicUrl, 'https://example.org');
    assert.equal(c.secureCookies, true);
  });

  it('trusts no proxy by default, and takes hops or proxy addresses and ranges from TRUST_PROXY', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'off' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1, loopback' }).trustProxy, [
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'loopback',
    ]);
  });

  for (const [name, value, mentions] of [
    ['PORT', 'eighty', 'PORT'],
    ['PORT', '70000', 'PORT'],
    ['PUBLIC_URL', 'not a url', 'PUBLIC_URL'],
    ['PUBLIC_URL', 'ftp://example.org', 'PUBLIC_URL'],
    ['QUICK_EXIT_URL', 'javascript:alert(1)', 'QUICK_EXIT_URL'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['ALONGSIDE_SECRET', 'short', 'ALONGSIDE_SECRET'],
    ['TRUST_PROXY', 'true', 'TRUST_PROXY'],
    ['METRICS_TOKEN', 'short', 'METRICS_TOKEN'],
    ['TRUST_PROXY', '0', 'TRUST_PROXY'],
    ['TRUST_PROXY', '127.0.0.1, my-proxy', 'TRUST_PROXY'],
    ['TRUST_PROXY', '10.0.0.0/33', 'TRUST_PROXY'],
  ] as const) {
    it(`rejects ${name}=${value} with one sentence naming the variable`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(mentions) && !err.message.includes('\n'),
      );
    });
  }
});
