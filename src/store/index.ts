// openStore(config): the one way to get a database handle. Kysely over better-sqlite3 (default,
// `${dataDir}/opencompress.db`, WAL) or pg (`DATABASE_URL=postgres://…`), migrated on open.
// Everything above this folder calls named functions (./accounts.ts, ./keys.ts, …), never SQL.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from './schema.js';
import { migrateToLatest, type Dialect, type MigrationResult } from './migrate.js';
import { withStatementCache } from './statement-cache.js';
import { startCheckpoints, type Checkpointer } from './checkpoints.js';

export type { Database } from './schema.js';
export type { Dialect } from './migrate.js';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** where the data lives, for messages (never contains a password) */
  location: string;
  migrate(): Promise<MigrationResult>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** run pending migrations on open (default true) */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10) */
  poolSize?: number;
  /** a SQLite file's WAL checkpoints in a worker thread instead of inside commits (checkpoints.ts),
   *  for the server's store; `onError` hears a failed checkpoint or the thread's end (to log it) */
  backgroundCheckpoints?: { onError?: (message: string) => void };
}

type Target = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export function resolveTarget(config: Pick<Config, 'dataDir' | 'databaseUrl'>): Target {
  const url = config.databaseUrl;
  if (!url) return { dialect: 'sqlite', file: join(config.dataDir, 'opencompress.db') };
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  if (url === 'sqlite::memory:' || url === ':memory:') return { dialect: 'sqlite', file: ':memory:' };
  const m = /^sqlite:(?:\/\/)?(.+)$/i.exec(url);
  if (m) return { dialect: 'sqlite', file: resolve(m[1]) };
  throw new Error('DATABASE_URL must start with postgres://, postgresql:// or sqlite: (e.g. sqlite:./data/x.db, sqlite::memory:)');
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

// int8 (COUNT, bigint money columns) and numeric (SUM of bigint) arrive as strings from pg by
// default; we store integer micro-dollars well inside 2^53, so parse them to numbers, and refuse
// silently wrong values.
function toSafeNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && Number.isInteger(n)) throw new Error(`integer out of JavaScript's safe range: ${text}`);
  return n;
}
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return toSafeNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, options: OpenStoreOptions = {}): Promise<Store> {
  const target = resolveTarget(config);
  let db: Kysely<Database>;
  let location: string;
  if (target.dialect === 'sqlite') {
    if (target.file !== ':memory:') {
      mkdirSync(dirname(target.file), { recursive: true, mode: 0o700 });
      // Created 0600 before SQLite opens it (SQLite gives -wal/-shm the same mode): sealed keys live here.
      if (!existsSync(target.file)) writeFileSync(target.file, '', { mode: 0o600, flag: 'a' });
    }
    const sqlite = new BetterSqlite3(target.file, { timeout: 5000 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    location = target.file;
  } else {
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10, types: pgTypes as any });
    pool.on('error', () => {
      /* an idle client died (server restart); the pool replaces it on next use */
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    location = redactUrl(target.url);
  }
  let checkpoints: Checkpointer | undefined;
  const store: Store = {
    db,
    dialect: target.dialect,
    location,
    migrate: () => migrateToLatest(db, target.dialect),
    async close() {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
  try {
    if (options.migrate !== false) await store.migrate();
    if (options.backgroundCheckpoints && target.dialect === 'sqlite' && target.file !== ':memory:') checkpoints = await startCheckpoints(db, target.file, options.backgroundCheckpoints);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
