// better-sqlite3 handed to Kysely with its prepared statements kept by SQL text. Kysely prepares
// every query anew, and for the usage table's batch INSERT (500 rows, 10,500 placeholders) parsing
// the statement cost about a third of the insert — ~1.5 % of a pass-through request's CPU. Bounded
// (least recently used out); a statement that is still being iterated is not handed out twice.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export function withStatementCache(db: BetterSqlite3.Database, max = 200): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      cache.delete(sql);
      const stmt = hit && !hit.busy ? hit : db.prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
