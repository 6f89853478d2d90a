// The server's SQLite store with background checkpoints (src/store/checkpoints.ts): commits checkpoint
// the WAL themselves only past a high backstop, a thread with its own connection does it every
// interval, and when that thread is gone the connection checkpoints at SQLite's default again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** ~2,000 WAL pages in 2,000 commits: past SQLite's default of 1,000, below the backstop */
async function writeRows(db: Kysely<Database>): Promise<void> {
  const pad = 'x'.repeat(3000);
  for (let i = 0; i < 2000; i++) await accounts.insertAccount(db, { id: newId('acct'), email: `u${i}-${pad}@example.com`, password_hash: null, created_at: nowIso() });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function tempDir(): { dir: string; file: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'oc-ckpt-'));
  return { dir, file: join(dir, 'opencompress.db'), [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test('while the thread runs, commits below the backstop leave the WAL in the WAL', async () => {
  using t = tempDir();
  const store = await openStore({ dataDir: t.dir });
  try {
    const checkpoints = await startCheckpoints(store.db, t.file, { everyMs: 60_000 }); // no round during the test
    assert.equal(await autocheckpoint(store.db), BACKSTOP_AUTOCHECKPOINT);
    const before = statSync(t.file).size;
    await writeRows(store.db);
    assert.equal(statSync(t.file).size, before, 'no commit copied pages into the database file');
    assert.ok(statSync(`${t.file}-wal`).size > 4_000_000);
    await checkpoints.stop();
  } finally {
    await store.close();
  }
});

test('the server store\'s thread copies the WAL into the database file', async () => {
  using t = tempDir();
  const errors: string[] = [];
  const store = await openStore({ dataDir: t.dir }, { backgroundCheckpoints: { onError: (m) => errors.push(m) } });
  try {
    const before = statSync(t.file).size;
    await writeRows(store.db);
    await waitFor('the rows in the database file', () => statSync(t.file).size > before + 4_000_000, 10_000);
    assert.equal(await autocheckpoint(store.db), BACKSTOP_AUTOCHECKPOINT, 'the thread is still running: the copy was its work');
    assert.deepEqual(errors, []);
  } finally {
    await store.close(); // stops the thread (a thread left running would keep this test's process alive)
  }
});

test('a thread that ends unasked is reported and commits checkpoint at the default again; a stop asked for is silent', async () => {
  using t = tempDir();
  const store = await openStore({ dataDir: t.dir });
  try {
    assert.equal(await autocheckpoint(store.db), 1000, 'a store opened without the option keeps SQLite\'s default');
    const quiet: string[] = [];
    const checkpoints = await startCheckpoints(store.db, t.file, { everyMs: 60_000, onError: (m) => quiet.push(m) });
    await checkpoints.stop();
    assert.deepEqual(quiet, []);
    assert.equal(await autocheckpoint(store.db), BACKSTOP_AUTOCHECKPOINT, 'a stop asked for leaves the setting to the store that is closing');

    // a thread that cannot open its file ends at once
    const errors: string[] = [];
    const broken = await startCheckpoints(store.db, join(t.dir, 'missing-dir', 'x.db'), { everyMs: 60_000, onError: (m) => errors.push(m) });
    await waitFor('the default back', async () => (await autocheckpoint(store.db)) === 1000, 5000);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^checkpoint thread ended: .*directory does not exist.*SQLite's default again$/);
    await broken.stop();
  } finally {
    await store.close();
  }
});

test('the thread never keeps a process alive: one that does not close its store still exits', () => {
  using t = tempDir();
  const script = join(t.dir, 'open-and-leave.mts');
  const index = fileURLToPath(new URL('../../src/store/index.ts', import.meta.url));
  writeFileSync(script, `import { openStore } from ${JSON.stringify(index)};\nawait openStore({ dataDir: ${JSON.stringify(t.dir)} }, { backgroundCheckpoints: {} });\nconsole.log('opened');\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, 'killed by the timeout: the thread kept it alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'opened');
});

test('an in-memory store has no checkpoint thread', async () => {
  const store = await openStore({ dataDir: '/nonexistent', databaseUrl: 'sqlite::memory:' }, { backgroundCheckpoints: {} });
  // in memory there is no WAL to checkpoint: nothing was changed
  assert.equal(await autocheckpoint(store.db), 1000);
  await store.close();
});
