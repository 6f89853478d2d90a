// store/statement-cache.ts: Kysely's SQLite database with prepared statements reused by SQL text —
// the same text gets the same statement, a statement being iterated is not handed out again, and
// the cache keeps at most `max` statements (least recently used out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from '../../src/store/statement-cache.js';

test('same SQL, same statement; a busy one is not shared; bounded', () => {
  const raw = new BetterSqlite3(':memory:');
  const db = withStatementCache(raw, 3);
  db.prepare('create table t (x integer)').run([]);
  const insert = db.prepare('insert into t (x) values (?)');
  for (let i = 0; i < 5; i++) assert.equal(db.prepare('insert into t (x) values (?)'), insert);
  for (let i = 0; i < 5; i++) insert.run([i]);
  const select = db.prepare('select x from t order by x');
  const iter = select.iterate([]) as IterableIterator<{ x: number }>;
  assert.equal(iter.next().value?.x, 0);
  const second = db.prepare('select x from t order by x');
  assert.notEqual(second, select, 'the iterating statement is busy: a fresh one');
  assert.deepEqual((second.all([]) as { x: number }[]).map((r) => r.x), [0, 1, 2, 3, 4]);
  assert.equal(iter.next().value?.x, 1, 'the first iteration goes on undisturbed');
  iter.return?.();
  db.prepare('select 1');
  db.prepare('select 2');
  db.prepare('select 3');
  assert.notEqual(db.prepare('insert into t (x) values (?)'), insert, 'evicted after three newer statements');
  db.close();
});
