// File-mode `opencompress rotate-master-key` while a gateway is running (docs/storage-and-keys.md):
// the gateway was started before the rotation, holds the old master key, and must keep serving a
// BYOK key whose sealed upstream key the CLI (another process) re-encrypted under a new key — no
// restart, no 500. A key it creates afterwards is sealed under the new key, and
// `--remove-previous` leaves everything readable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { MOCK_UPSTREAM_KEY, startGateway, type TestGateway } from '../helpers/gateway.js';
import { findKeyById } from '../../src/store/keys.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('rotate-master-key (file mode) under a running gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'occ-rot-live-'));
  let mock: MockUpstream;
  let gw: TestGateway;

  const cli = (args: string[]) => {
    const env = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', OPENCOMPRESS_MASTER_KEY: '', OPENCOMPRESS_PREVIOUS_MASTER_KEYS: '' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
  };
  const ask = async (key: string) => {
    const res = await fetch(`${gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-opencompress-level': 'off' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
    return { status: res.status, body: await res.text() };
  };
  const kidOf = async (keyId: string) => gw.app.services.secrets.kidOf((await findKeyById(gw.app.services.store.db, keyId))!.upstream_key_sealed!);

  before(async () => {
    mock = await startMockUpstream();
    // the embedded default: master.key generated in DATA_DIR, SQLite file there too (shared with the CLI)
    gw = await startGateway({ mock, config: { dataDir, masterKey: undefined, databaseUrl: undefined } });
  });
  after(async () => {
    await gw.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a gateway started before the rotation keeps serving BYOK keys, then seals under the new key', async () => {
    const byok = await gw.createKey({ mode: 'byok' });
    assert.equal((await ask(byok.key)).status, 200);
    const oldKid = gw.app.services.secrets.primaryKid;
    const oldFile = readFileSync(join(dataDir, 'master.key'), 'utf8');

    const rotated = cli(['rotate-master-key', '--json']);
    assert.equal(rotated.source, 'file');
    assert.notEqual(rotated.kid, oldKid);
    assert.notEqual(readFileSync(join(dataDir, 'master.key'), 'utf8'), oldFile);
    assert.equal(await kidOf(byok.id), rotated.kid, 'the row is re-sealed under the new key');

    // past the key cache's TTL (≤ 1 s), so the gateway reads the re-sealed row
    await new Promise((r) => setTimeout(r, 1100));
    mock.reset();
    const after = await ask(byok.key);
    assert.equal(after.status, 200, after.body);
    assert.equal(mock.requests[0].headers.authorization, `Bearer ${MOCK_UPSTREAM_KEY}`, 'the upstream key opened');

    // a key created by the running gateway now is sealed under the new key, not the replaced one
    const fresh = await gw.createKey({ mode: 'byok' });
    assert.equal(await kidOf(fresh.id), rotated.kid);
    assert.equal((await ask(fresh.key)).status, 200);

    const removed = cli(['rotate-master-key', '--remove-previous', '--json']);
    assert.equal(removed.removed, 1);
    assert.equal(existsSync(join(dataDir, 'master.key.previous')), false);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await ask(byok.key)).status, 200);
    assert.equal((await ask(fresh.key)).status, 200);
  });
});
