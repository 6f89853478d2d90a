// The server's SQLite store with background checkpoints (src/store/checkpoints.ts): commits checkpoint
// the WAL themselves only past a high backstop, a thread with its own connection does it every
// interval, and when that thread is gone the connection checkpoints at SQLite's default again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { openStore, type Database } from '../../src/store/index.js';
import { BACKSTOP_AUTOCHECKPOINT, startCheckpoints } from '../../src/store/checkpoints.js';
import { newId, nowIso } from '../../src/store/ids.js';
import * as accounts from '../../src/store/accounts.js';

async function autocheckpoint(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
  return rows[0].wal_autocheckpoint;
}

/** enough rows to pass SQLite's 1,000-page automatic checkpoint several times over */
async function writeRows(db: Kysely<Database>, n: number): Promise<void> {
  const pad = 'x'.repeat(3000);
  for (let i = 0; i < n; i++) await accounts.insertAccount(db, { id: newId('acct'), email: `u${i}-${pad}@example.com`, password_hash: null, created_at: nowIso() });
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(50);
  }
}

test('the server store checkpoints in a thread: commits below the backstop leave the WAL alone, the thread copies it into the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-ckpt-'));
  try {
    const store = await openStore({ dataDir: dir }, { backgroundCheckpoints: true });
    const file = join(dir, 'opencompress.db');
    assert.equal(await autocheckpoint(store.db), BACKSTOP_AUTOCHECKPOINT);
    const before = statSync(file).size;
    await writeRows(store.db, 2000); // ~2,000 pages: past SQLite's default, not past the backstop
    // within a few of the thread's rounds the rows are in the database file itself
    await waitFor(() => statSync(file).size > before + 4_000_000, 10_000);
    await store.close(); // stops the thread (a thread left running would keep this test's process alive)
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint thread that ends turns automatic checkpoints back on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-ckpt-'));
  try {
    const store = await openStore({ dataDir: dir });
    const file = join(dir, 'opencompress.db');
    assert.equal(await autocheckpoint(store.db), 1000, 'a store opened without the option keeps SQLite\'s default');
    const checkpoints = await startCheckpoints(store.db, file, 60_000);
    assert.equal(await autocheckpoint(store.db), BACKSTOP_AUTOCHECKPOINT);
    await checkpoints.stop();
    assert.equal(await autocheckpoint(store.db), BACKSTOP_AUTOCHECKPOINT, 'a stop asked for leaves the setting to the store that is closing');
    // a thread that cannot open its file ends at once
    const again = await startCheckpoints(store.db, join(dir, 'missing-dir', 'x.db'), 60_000);
    let restored = false;
    for (let i = 0; i < 100 && !restored; i++) {
      await sleep(50);
      restored = (await autocheckpoint(store.db)) === 1000;
    }
    assert.ok(restored, 'the thread could not open its file and ended: commits checkpoint again');
    await again.stop();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an in-memory store has no checkpoint thread', async () => {
  const store = await openStore({ dataDir: '/nonexistent', databaseUrl: 'sqlite::memory:' }, { backgroundCheckpoints: true });
  // in memory there is no WAL to checkpoint: nothing was turned off
  assert.equal(await autocheckpoint(store.db), 1000);
  await store.close();
});
