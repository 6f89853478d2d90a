// Master-key rotation on SQLite and PostgreSQL: after rotation every upstream key still opens, API
// keys still verify (the pepper is re-sealed, not changed), and the old master key is not needed.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/accounts.js';
import { createKeyService } from '../../src/accounts/keys.js';
import { createSecrets, Secrets, SecretsError, upstreamKeyAad } from '../../src/secrets/index.js';
import { encodeMasterKey, generateMasterKey, loadMasterKeys, promotePendingKey, removePreviousKeys, writePendingKey } from '../../src/secrets/master-keys.js';
import { resealAll, sealedKidCounts } from '../../src/secrets/rotate.js';
import { getSetting } from '../../src/store/settings.js';
import { findKeyById } from '../../src/store/keys.js';
import type { Store } from '../../src/store/index.js';
import { DIALECTS, openTestStore } from '../store/test-db.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'occ-rot-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function seed(store: Store, secrets: Secrets, n: number) {
  const keys = await createKeyService({ store, secrets });
  const acct = await createAccount(store, { email: `rot-${Math.random().toString(36).slice(2)}@example.com` });
  const made = [];
  for (let i = 0; i < n; i++) {
    made.push({ upstream: `sk-up-${i}-abcdefghijkl`, ...(await keys.create({ accountId: acct.id, mode: 'byok', upstreamBaseUrl: 'https://api.example.com/v1', upstreamKey: `sk-up-${i}-abcdefghijkl` })) });
  }
  made.push({ upstream: '', ...(await keys.create({ accountId: acct.id, mode: 'router' })) });
  await keys.close();
  return { accountId: acct.id, made };
}

async function assertAllOpen(store: Store, secrets: Secrets, seeded: Awaited<ReturnType<typeof seed>>) {
  const keys = await createKeyService({ store, secrets });
  try {
    for (const m of seeded.made) {
      const resolved = await keys.verify(m.key);
      assert.ok(resolved, 'API key still verifies (pepper unchanged)');
      if (m.upstream) assert.equal(secrets.open(resolved.sealedUpstreamKey!, upstreamKeyAad(seeded.accountId, m.id)), m.upstream);
    }
  } finally {
    await keys.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`rotate master key (${dialect})`, () => {
    test('embedded default: new key file replaces the old one, everything re-sealed', async () => {
      const t = useTestStoreOnce(dialect);
      const store = await t.open();
      const dir = tempDir();
      try {
        const oldSecrets = createSecrets({ dataDir: dir });
        const oldOnly = new Secrets(oldSecrets.keyring); // fixed keys: never re-reads the files
        const seeded = await seed(store, oldSecrets, 3);
        const target = generateMasterKey();
        writePendingKey(dir, target);
        const result = await resealAll(store, oldSecrets.withPrimary(target));
        assert.deepEqual([result.kid, result.resealed, result.alreadyCurrent], [target.kid, 4, 0]); // 3 upstream keys + pepper
        promotePendingKey(dir);
        assert.equal(existsSync(join(dir, 'master.key.next')), false);
        assert.equal(statSync(join(dir, 'master.key.previous')).mode & 0o777, 0o600);
        const afterRotation = loadMasterKeys({ dataDir: dir });
        assert.equal(afterRotation.primary.kid, target.kid);
        assert.deepEqual([...afterRotation.byKid.keys()].sort(), [target.kid, oldSecrets.primaryKid].sort(), 'the old key stays readable (master.key.previous)');

        removePreviousKeys(dir);
        const reloaded = loadMasterKeys({ dataDir: dir });
        assert.deepEqual([...reloaded.byKid.keys()], [target.kid], 'only the new key is left');
        const newSecrets = new Secrets(reloaded);
        await assertAllOpen(store, newSecrets, seeded);
        assert.deepEqual([...(await sealedKidCounts(store, newSecrets)).entries()], [[target.kid, 4]]);

        const row = await findKeyById(store.db, seeded.made[0].id);
        const aad = upstreamKeyAad(seeded.accountId, seeded.made[0].id);
        assert.throws(() => oldOnly.open(row!.upstream_key_sealed!, aad), SecretsError, 'the old key alone cannot open it');
        // a process started before the rotation (createSecrets) re-reads the key files on the unknown key id
        assert.equal(oldSecrets.open(row!.upstream_key_sealed!, aad), seeded.made[0].upstream);
        assert.equal(oldSecrets.primaryKid, target.kid, 'and seals under the new key from now on');
        const again = await resealAll(store, newSecrets);
        assert.deepEqual([again.resealed, again.alreadyCurrent], [0, 4], 'idempotent');
      } finally {
        await t.close();
      }
    });

    test('env keys: OPENCOMPRESS_MASTER_KEY=new + PREVIOUS=old, then the old one is not needed', async () => {
      const t = useTestStoreOnce(dialect);
      const store = await t.open();
      const dir = tempDir();
      try {
        const oldKey = generateMasterKey();
        const newKey = generateMasterKey();
        const oldSecrets = createSecrets({ dataDir: dir, masterKey: encodeMasterKey(oldKey) });
        const seeded = await seed(store, oldSecrets, 2);
        const pepperBefore = await getSetting(store.db, 'key_pepper');

        const withoutOld = createSecrets({ dataDir: dir, masterKey: encodeMasterKey(newKey) });
        await assert.rejects(resealAll(store, withoutOld), (e: Error) => e instanceof SecretsError && e.message.includes(oldKey.kid) && /Nothing was changed/.test(e.message));
        assert.equal(await getSetting(store.db, 'key_pepper'), pepperBefore);

        const during = createSecrets({ dataDir: dir, masterKey: encodeMasterKey(newKey), previousMasterKeys: [oldKey.key.toString('hex')] });
        await assertAllOpen(store, during, seeded); // nodes reading both keys work before, during and after
        const result = await resealAll(store, during);
        assert.equal(result.resealed, 3);
        await assertAllOpen(store, withoutOld, seeded);
      } finally {
        await t.close();
      }
    });
  });
}

/** A store opened inside one test (each rotation test wants a database of its own). */
function useTestStoreOnce(dialect: (typeof DIALECTS)[number]) {
  let close: () => Promise<void> = async () => undefined;
  return {
    async open() {
      const h = await openTestStore(dialect);
      close = h.close;
      return h.store;
    },
    close: () => close(),
  };
}
