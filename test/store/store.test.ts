// The store suite, written once and run against SQLite and PostgreSQL (a private schema per run).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { openStore, redactUrl, resolveTarget } from '../../src/store/index.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import * as accounts from '../../src/store/accounts.js';
import * as keys from '../../src/store/keys.js';
import * as settings from '../../src/store/settings.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { DIALECTS, PG_URL, createTestDb, useTestStore } from './test-db.js';

function keyRow(accountId: string, over: Partial<Parameters<typeof keys.insertKey>[1]> = {}) {
  const id = newId('key');
  return { id, account_id: accountId, key_hash: `h_${id}`, prefix: 'sk-occ-AbCd…wxyz', mode: 'router' as const, created_at: nowIso(), ...over };
}

for (const dialect of DIALECTS) {
  describe(`store (${dialect})`, () => {
    const t = useTestStore(dialect);

    test('migrations are recorded and re-running them is a no-op', async () => {
      const again = await t.store.migrate();
      assert.deepEqual(again.applied, []);
      assert.ok(again.alreadyApplied.includes('001_core'));
      assert.equal(t.store.dialect, dialect);
    });

    test('accounts: insert, find by id and e-mail, unique e-mail, list in creation order', async () => {
      const a = { id: newId('acct'), email: `a-${dialect}@example.com`, password_hash: null, created_at: nowIso() };
      await accounts.insertAccount(t.store.db, a);
      const found = await accounts.findAccountById(t.store.db, a.id);
      assert.equal(found?.email, a.email);
      assert.equal(found?.is_admin, 0);
      assert.equal((await accounts.findAccountByEmail(t.store.db, a.email))?.id, a.id);
      await assert.rejects(accounts.insertAccount(t.store.db, { ...a, id: newId('acct') }));
      const b = { id: newId('acct'), email: `b-${dialect}@example.com`, password_hash: 'scrypt$x', created_at: nowIso() };
      await accounts.insertAccount(t.store.db, b);
      const list = await accounts.listAccounts(t.store.db);
      assert.deepEqual(list.map((r) => r.id).slice(-2), [a.id, b.id]);
      const n = await accounts.countAccounts(t.store.db);
      assert.equal(typeof n, 'number');
      assert.ok(n >= 2);
      assert.equal(await accounts.setAdmin(t.store.db, b.id, true), true);
      assert.equal((await accounts.findAccountById(t.store.db, b.id))?.is_admin, 1);
      assert.equal(await accounts.lockAccount(t.store.db, 'acct_missing'), false);
    });

    test('api_keys: defaults, lookup by hash, active count, revoke, update, paging of sealed rows', async () => {
      const acct = newId('acct');
      await accounts.insertAccount(t.store.db, { id: acct, email: `k-${acct}@example.com`.toLowerCase(), password_hash: null, created_at: nowIso() });
      const k1 = keyRow(acct);
      const k2 = keyRow(acct, { mode: 'byok', upstream_base_url: 'https://api.example.com/v1', upstream_key_sealed: 'v1:kid:x:y:z', upstream_key_last4: 'wxyz' });
      await keys.insertKey(t.store.db, k1);
      await keys.insertKey(t.store.db, k2);
      const row = await keys.findByHash(t.store.db, k1.key_hash);
      assert.equal(row?.id, k1.id);
      assert.equal(row?.rpm, 60);
      assert.equal(row?.concurrency, 10);
      assert.equal(row?.level, null);
      assert.equal(row?.name, '');
      assert.equal(await keys.findByHash(t.store.db, 'nope'), undefined);
      assert.equal(await keys.countActiveKeys(t.store.db, acct), 2);
      const revoked = await keys.revokeKey(t.store.db, k1.id, nowIso());
      assert.ok(revoked?.revoked_at);
      const again = await keys.revokeKey(t.store.db, k1.id, '2999-01-01T00:00:00.000Z');
      assert.equal(again?.revoked_at, revoked?.revoked_at, 'revoking twice keeps the first time');
      assert.equal(await keys.countActiveKeys(t.store.db, acct), 1);
      assert.deepEqual((await keys.listKeysForAccount(t.store.db, acct)).map((r) => r.id), [k2.id]);
      assert.deepEqual((await keys.listKeysForAccount(t.store.db, acct, { includeRevoked: true })).map((r) => r.id), [k1.id, k2.id]);
      assert.equal(await keys.updateKey(t.store.db, k2.id, { rpm: 0, concurrency: 3, level: 'aggressive', name: 'n' }), true);
      const upd = await keys.findKeyById(t.store.db, k2.id);
      assert.deepEqual([upd?.rpm, upd?.concurrency, upd?.level, upd?.name], [0, 3, 'aggressive', 'n']);
      assert.equal(await keys.updateKey(t.store.db, 'key_missing', { rpm: 1 }), false);
      const sealed = await keys.listSealedKeys(t.store.db, '', 10);
      assert.ok(sealed.some((r) => r.id === k2.id));
      assert.equal(await keys.replaceSealedKey(t.store.db, k2.id, 'wrong', 'v1:new'), false);
      assert.equal(await keys.replaceSealedKey(t.store.db, k2.id, 'v1:kid:x:y:z', 'v1:new'), true);
    });

    test('touchKeys writes a batch and never moves last_used_at backwards', async () => {
      const acct = newId('acct');
      await accounts.insertAccount(t.store.db, { id: acct, email: `t-${acct}@example.com`.toLowerCase(), password_hash: null, created_at: nowIso() });
      const a = keyRow(acct);
      const b = keyRow(acct);
      await keys.insertKey(t.store.db, a);
      await keys.insertKey(t.store.db, b);
      await keys.touchKeys(t.store.db, new Map([[a.id, '2030-01-01T00:00:02.000Z'], [b.id, '2030-01-01T00:00:01.000Z']]));
      await keys.touchKeys(t.store.db, new Map([[a.id, '2030-01-01T00:00:01.000Z']]));
      assert.equal((await keys.findKeyById(t.store.db, a.id))?.last_used_at, '2030-01-01T00:00:02.000Z');
      assert.equal((await keys.findKeyById(t.store.db, b.id))?.last_used_at, '2030-01-01T00:00:01.000Z');
    });

    test('settings: first writer wins, compare-and-set, named locks', async () => {
      assert.equal(await settings.getOrInsertSetting(t.store.db, 's1', 'first'), 'first');
      assert.equal(await settings.getOrInsertSetting(t.store.db, 's1', 'second'), 'first');
      assert.equal(await settings.replaceSetting(t.store.db, 's1', 'nope', 'x'), false);
      assert.equal(await settings.replaceSetting(t.store.db, 's1', 'first', 'third'), true);
      assert.equal(await settings.getSetting(t.store.db, 's1'), 'third');
      await t.store.db.transaction().execute(async (trx) => settings.lockNamed(trx, 'fresh-lock'));
      assert.equal(await settings.getSetting(t.store.db, 'lock:fresh-lock'), '');
    });

    test('a failing transaction leaves nothing behind', async () => {
      const id = newId('acct');
      await assert.rejects(
        t.store.db.transaction().execute(async (trx) => {
          await accounts.insertAccount(trx, { id, email: `${id}@example.com`.toLowerCase(), password_hash: null, created_at: nowIso() });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await accounts.findAccountById(t.store.db, id), undefined);
    });
  });
}

describe('store (postgres specifics)', () => {
  test('tables live in the schema of the connection (parallel test runs never collide)', async () => {
    const db1 = await createTestDb('postgres');
    const db2 = await createTestDb('postgres');
    const s1 = await openStore({ dataDir: '/nonexistent', databaseUrl: db1.url });
    const s2 = await openStore({ dataDir: '/nonexistent', databaseUrl: db2.url });
    try {
      await accounts.insertAccount(s1.db, { id: 'acct_x', email: 'x@example.com', password_hash: null, created_at: nowIso() });
      assert.equal(await accounts.countAccounts(s1.db), 1);
      assert.equal(await accounts.countAccounts(s2.db), 0);
      const row = await sql<{ n: number }>`select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name = 'api_keys'`.execute(s1.db);
      assert.equal(row.rows[0].n, 1, 'int8 arrives as a number');
    } finally {
      await s1.close();
      await s2.close();
      await db1.drop();
      await db2.drop();
    }
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    const left = await c.query(`select count(*)::int as n from information_schema.schemata where schema_name = $1`, [db1.url.split('search_path%3D')[1]]);
    await c.end();
    assert.equal(left.rows[0].n, 0, 'schema dropped');
  });

  test('concurrent migrations of a fresh database apply each migration once', async () => {
    const db = await createTestDb('postgres');
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ dataDir: '/nonexistent', databaseUrl: db.url }, { migrate: false })));
    try {
      const results = await Promise.all(stores.map((s) => s.migrate()));
      const applied = results.flatMap((r) => r.applied).filter((n) => n === '001_core');
      assert.equal(applied.length, 1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await db.drop();
    }
  });
});

describe('store (sqlite specifics)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('default: ${dataDir}/opencompress.db created (0600) with WAL, migrated on first open', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'occ-store-')), 'data');
    dirs.push(dir);
    const store = await openStore({ dataDir: dir });
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      assert.equal(mode.rows[0].journal_mode, 'wal');
      assert.equal(statSync(join(dir, 'opencompress.db')).mode & 0o777, 0o600);
      assert.equal(await accounts.countAccounts(store.db), 0);
    } finally {
      await store.close();
    }
    const reopened = await openStore({ dataDir: dir });
    assert.deepEqual((await reopened.migrate()).applied, []);
    await reopened.close();
  });

  test('migrateToLatest refuses a database from a newer version', async () => {
    const store = await openStore({ dataDir: '/x', databaseUrl: 'sqlite::memory:' });
    try {
      await assert.rejects(migrateToLatest(store.db, 'sqlite', []), /does not know/);
    } finally {
      await store.close();
    }
  });
});

describe('ids', () => {
  test('prefixed, lower-case base36, unique, and sorted by creation within a process', () => {
    const ids = Array.from({ length: 5000 }, () => newId('key'));
    for (const id of ids.slice(0, 50)) assert.match(id, /^key_[0-9a-z]{25}$/);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
  });
});

describe('store configuration', () => {
  test('DATABASE_URL forms', () => {
    assert.deepEqual(resolveTarget({ dataDir: '/d' }), { dialect: 'sqlite', file: '/d/opencompress.db' });
    assert.deepEqual(resolveTarget({ dataDir: '/d', databaseUrl: 'sqlite::memory:' }), { dialect: 'sqlite', file: ':memory:' });
    assert.equal(resolveTarget({ dataDir: '/d', databaseUrl: 'postgresql://u@h/db' }).dialect, 'postgres');
    assert.throws(() => resolveTarget({ dataDir: '/d', databaseUrl: 'mysql://u:pw@h/db' }), (e: Error) => /DATABASE_URL/.test(e.message) && !e.message.includes('pw'));
  });

  test('database URLs are shown without their password', () => {
    assert.equal(redactUrl('postgres://user:s3cret@db.example.com:5432/occ'), 'postgres://user:***@db.example.com:5432/occ');
  });
});
