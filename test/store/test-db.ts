// Test helper (not a test file): run one suite against SQLite (in memory) and PostgreSQL. Each
// PostgreSQL store gets its own schema (`search_path` via the connection string), dropped after,
// so parallel test files never collide. Other folders' store tests can use it the same way:
//   for (const dialect of DIALECTS) describe(`usage (${dialect})`, () => { const t = useTestStore(dialect); … });
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import pg from 'pg';
import { openStore, type Store, type Dialect } from '../../src/store/index.js';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb {
  /** DATABASE_URL value for this test's database (a private PostgreSQL schema, or sqlite::memory:) */
  url: string;
  drop(): Promise<void>;
}

/** A fresh empty database: a new PostgreSQL schema, or in-memory SQLite. */
export async function createTestDb(dialect: Dialect): Promise<TestDb> {
  if (dialect === 'sqlite') return { url: 'sqlite::memory:', drop: async () => undefined };
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function openTestStore(dialect: Dialect, dataDir = '/nonexistent-test-data-dir'): Promise<{ store: Store; db: TestDb; close(): Promise<void> }> {
  const db = await createTestDb(dialect);
  const store = await openStore({ dataDir, databaseUrl: db.url }, { poolSize: 12 });
  return {
    store,
    db,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}

/** Opens a migrated store before the suite's tests and closes/drops it after. */
export function useTestStore(dialect: Dialect): { readonly store: Store } {
  let handle: Awaited<ReturnType<typeof openTestStore>> | undefined;
  before(async () => {
    handle = await openTestStore(dialect);
  });
  after(async () => {
    await handle?.close();
  });
  return {
    get store() {
      if (!handle) throw new Error('store not open yet');
      return handle.store;
    },
  };
}
