import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { withStatementCache } from './connect.ts';

describe('SQLite statement cache', () => {
  it('compiles the same SQL once and runs it with each call’s own parameters', () => {
    const db = withStatementCache(new SQLite(':memory:'), 2);
    db.prepare('create table t (n integer)').run();
    const insert = db.prepare('insert into t (n) values (?)');
    for (const n of [1, 2, 3]) db.prepare('insert into t (n) values (?)').run(n);
    assert.equal(db.prepare('insert into t (n) values (?)'), insert, 'the same statement object');
    const count = (min: number) => (db.prepare('select count(*) as c from t where n >= ?').get(min) as { c: number }).c;
    assert.deepEqual([count(1), count(2), count(3), count(4)], [3, 2, 1, 0]);
    db.close();
  });

  it('forgets the least recently used statement beyond its size, and never keeps long texts', () => {
    const db = withStatementCache(new SQLite(':memory:'), 2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    assert.equal(db.prepare('select 1'), a, 'a is now the most recently used');
    db.prepare('select 3'); // evicts b
    assert.equal(db.prepare('select 1'), a);
    assert.notEqual(db.prepare('select 2'), b);
    const long = `select length('${'x'.repeat(5000)}') as n`;
    assert.notEqual(db.prepare(long), db.prepare(long));
    assert.equal((db.prepare(long).get() as { n: number }).n, 5000);
    db.close();
  });

  it('keeps working after the schema changes under a cached statement', () => {
    const db = withStatementCache(new SQLite(':memory:'));
    db.prepare('create table t (a integer)').run();
    db.prepare('insert into t (a) values (7)').run();
    assert.deepEqual(db.prepare('select * from t').all(), [{ a: 7 }]);
    db.prepare('alter table t add column b text').run();
    assert.deepEqual(db.prepare('select * from t').all(), [{ a: 7, b: null }]);
    db.close();
  });
});
