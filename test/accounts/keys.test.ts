// API keys on SQLite and PostgreSQL: create/verify/revoke, the 5-key limit (also under
// concurrency), cross-process revocation (TTL, and at once over Redis), last-used batching.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAccount } from '../../src/accounts/accounts.js';
import { AccountsError } from '../../src/accounts/errors.js';
import { createKeyService, type KeyService } from '../../src/accounts/keys.js';
import { Secrets, upstreamKeyAad } from '../../src/secrets/index.js';
import { generateMasterKey } from '../../src/secrets/master-keys.js';
import { findKeyById } from '../../src/store/keys.js';
import { DIALECTS, useTestStore } from '../store/test-db.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const UPSTREAM_KEY = 'sk-upstream-VERY-secret-value-0001';

function testSecrets(): Secrets {
  const k = generateMasterKey();
  return new Secrets({ primary: k, byKid: new Map([[k.kid, k]]), source: 'env', file: '/dev/null' });
}

let emailSeq = 0;
const email = () => `k${++emailSeq}-${randomBytes(3).toString('hex')}@example.com`;

for (const dialect of DIALECTS) {
  describe(`keys (${dialect})`, () => {
    const t = useTestStore(dialect);
    const secrets = testSecrets();
    let keys: KeyService;
    const services: KeyService[] = [];
    const service = async (extra: Partial<Parameters<typeof createKeyService>[0]> = {}) => {
      const s = await createKeyService({ store: t.store, secrets, allowPrivateUpstreams: false, ...extra });
      services.push(s);
      return s;
    };
    before(async () => {
      keys = await service();
    });
    after(async () => {
      for (const s of services) await s.close();
    });

    test('create a BYOK key: raw key once, hashed + sealed at rest, verify resolves it', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const created = await keys.create({
        accountId: acct.id,
        mode: 'byok',
        name: ' prod ',
        upstreamBaseUrl: 'https://api.openai.com/v1/',
        upstreamKey: UPSTREAM_KEY,
        upstreamProvider: 'OpenAI',
        level: 'aggressive',
        rpm: 100,
        concurrency: 0,
      });
      assert.match(created.key, /^sk-occ-[0-9A-Za-z]{43}$/);
      assert.equal(created.prefix, `sk-occ-${created.key.slice(7, 11)}…${created.key.slice(-4)}`);
      const row = await findKeyById(t.store.db, created.id);
      assert.ok(row);
      assert.match(row.key_hash, /^[0-9a-f]{64}$/);
      assert.ok(!JSON.stringify(row).includes(created.key), 'raw key not stored');
      assert.ok(!JSON.stringify(row).includes(UPSTREAM_KEY), 'upstream key not stored in clear');
      assert.equal(row.upstream_key_last4, '0001');
      assert.equal(secrets.open(row.upstream_key_sealed!, upstreamKeyAad(acct.id, created.id)), UPSTREAM_KEY);

      const resolved = await keys.verify(created.key);
      assert.deepEqual(resolved, {
        id: created.id,
        accountId: acct.id,
        name: 'prod',
        prefix: created.prefix,
        mode: 'byok',
        upstreamBaseUrl: 'https://api.openai.com/v1',
        upstreamProvider: 'openai',
        sealedUpstreamKey: row.upstream_key_sealed,
        level: 'aggressive',
        rpm: 100,
        concurrency: 0,
      });
      assert.equal(secrets.open(resolved!.sealedUpstreamKey!, upstreamKeyAad(resolved!.accountId, resolved!.id)), UPSTREAM_KEY);
      const listed = await keys.list(acct.id);
      assert.equal(listed.length, 1);
      assert.ok(!JSON.stringify(listed).includes(UPSTREAM_KEY));
      assert.ok(!JSON.stringify(listed).includes(created.key));
    });

    test('router keys: defaults, and no upstream settings allowed', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const k = await keys.create({ accountId: acct.id, mode: 'router' });
      assert.deepEqual(await keys.verify(k.key), { id: k.id, accountId: acct.id, name: '', prefix: k.prefix, mode: 'router', rpm: 60, concurrency: 10 });
      await assert.rejects(keys.create({ accountId: acct.id, mode: 'router', upstreamKey: 'x' }), (e: AccountsError) => e.code === 'invalid_input');
    });

    test('verify rejects malformed, unknown and foreign-pepper keys', async () => {
      for (const bad of [undefined, null, 42, '', 'sk-occ-', 'Bearer x', `sk-occ-${'a'.repeat(42)}`, `sk-occ-${'a'.repeat(44)}`, `sk-occ-${'-'.repeat(43)}`]) {
        assert.equal(await keys.verify(bad), null);
      }
      assert.equal(await keys.verify(`sk-occ-${'A'.repeat(43)}`), null);
      assert.equal(await keys.verify(`sk-occ-${'A'.repeat(43)}`), null, 'negative answer cached, still null');
      const acct = await createAccount(t.store, { email: email() });
      const k = await keys.create({ accountId: acct.id, mode: 'router' });
      const otherPepper = await service({ pepper: randomBytes(32) });
      assert.equal(await otherPepper.verify(k.key), null);
    });

    test('revoke: null at once in this process, idempotent, owner-checked', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const other = await createAccount(t.store, { email: email() });
      const k = await keys.create({ accountId: acct.id, mode: 'router' });
      assert.ok(await keys.verify(k.key));
      await assert.rejects(keys.revoke(k.id, { accountId: other.id }), (e: AccountsError) => e.code === 'not_found');
      assert.ok(await keys.verify(k.key), 'another account cannot revoke it');
      const info = await keys.revoke(k.id, { accountId: acct.id });
      assert.equal(info.status, 'revoked');
      assert.equal(await keys.verify(k.key), null);
      const again = await keys.revoke(k.id);
      assert.equal(again.revokedAt, info.revokedAt);
      await assert.rejects(keys.revoke('key_missing'), (e: AccountsError) => e.code === 'not_found');
      assert.deepEqual((await keys.list(acct.id)).map((x) => x.id), []);
      assert.deepEqual((await keys.list(acct.id, { includeRevoked: true })).map((x) => x.status), ['revoked']);
    });

    test('a second KeyService on the same database stops accepting a revoked key within the TTL', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const k = await keys.create({ accountId: acct.id, mode: 'router' });
      const node2 = await service({ cacheTtlMs: 300 });
      assert.ok(await node2.verify(k.key), 'cached on node 2');
      await keys.revoke(k.id);
      await sleep(350);
      assert.equal(await node2.verify(k.key), null);
    });

    test('at most 5 active keys per account; revoking frees a slot', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await keys.create({ accountId: acct.id, mode: 'router', name: `k${i}` }));
      await assert.rejects(keys.create({ accountId: acct.id, mode: 'router' }), (e: AccountsError) => e.code === 'limit_reached' && /at most 5/.test(e.message));
      await keys.revoke(made[0].id);
      await keys.create({ accountId: acct.id, mode: 'router' });
      assert.equal(await keys.countActive(acct.id), 5);
      await assert.rejects(keys.create({ accountId: 'acct_missing', mode: 'router' }), (e: AccountsError) => e.code === 'not_found');
    });

    test('the 5-key limit holds under concurrent creates (two services, one account)', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const other = await service();
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? keys : other).create({ accountId: acct.id, mode: 'router', name: `c${i}` })),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const limited = results.filter((r) => r.status === 'rejected' && (r.reason as AccountsError).code === 'limit_reached').length;
      assert.equal(ok, 5);
      assert.equal(limited, 7);
      assert.equal(await keys.countActive(acct.id), 5);
    });

    test('update: limits, level and name apply to the next verify at once; validation errors', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const k = await keys.create({ accountId: acct.id, mode: 'router' });
      assert.equal((await keys.verify(k.key))?.rpm, 60);
      const info = await keys.update(k.id, { rpm: 5, concurrency: 2, level: 'lossless', name: 'renamed' });
      assert.deepEqual([info.rpm, info.concurrency, info.level, info.name], [5, 2, 'lossless', 'renamed']);
      const v = await keys.verify(k.key);
      assert.deepEqual([v?.rpm, v?.concurrency, v?.level, v?.name], [5, 2, 'lossless', 'renamed']);
      assert.equal((await keys.update(k.id, { level: null })).level, null);
      for (const bad of [{ rpm: -1 }, { rpm: 1.5 }, { concurrency: 2_000_000 }, { level: 'max' }, { name: 'x'.repeat(101) }]) {
        await assert.rejects(keys.update(k.id, bad), (e: AccountsError) => e.code === 'invalid_input');
      }
      const stranger = await createAccount(t.store, { email: email() });
      await assert.rejects(keys.update(k.id, { rpm: 1 }, { accountId: stranger.id }), (e: AccountsError) => e.code === 'not_found');
      assert.equal(await keys.get(k.id, { accountId: stranger.id }), undefined);
      assert.equal((await keys.get(k.id, { accountId: acct.id }))?.id, k.id);
    });

    test('BYOK input validation: https only, no credentials, no private hosts; errors never echo the upstream key', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ upstreamBaseUrl: 'http://api.example.com/v1' }, /https/],
        [{ upstreamBaseUrl: 'https://user:pw@api.example.com/v1' }, /credentials/],
        [{ upstreamBaseUrl: 'https://127.0.0.1/v1' }, /private|loopback/],
        [{ upstreamBaseUrl: 'https://localhost/v1' }, /local/],
        [{ upstreamBaseUrl: 'not a url' }, /valid URL/],
        [{ upstreamBaseUrl: undefined }, /base URL is required/],
        [{ upstreamKey: '' }, /upstream key is required/],
        [{ upstreamKey: `${UPSTREAM_KEY} x` }, /whitespace/],
        [{ upstreamProvider: 'no spaces allowed' }, /provider/],
      ];
      for (const [over, message] of cases) {
        const input = { accountId: acct.id, mode: 'byok' as const, upstreamBaseUrl: 'https://api.example.com/v1', upstreamKey: UPSTREAM_KEY, ...over };
        await assert.rejects(keys.create(input as never), (e: AccountsError) => {
          assert.equal(e.code, 'invalid_input');
          assert.match(e.message, message);
          assert.ok(!e.message.includes(UPSTREAM_KEY) && !e.message.includes('pw@'), e.message);
          return true;
        });
      }
      await assert.rejects(keys.create({ accountId: acct.id, mode: 'other' as never }), (e: AccountsError) => e.code === 'invalid_input');
      const lan = await service({ allowPrivateUpstreams: true });
      const k = await lan.create({ accountId: acct.id, mode: 'byok', upstreamBaseUrl: 'http://127.0.0.1:11434/v1', upstreamKey: 'short' });
      assert.equal(k.info.upstreamBaseUrl, 'http://127.0.0.1:11434/v1');
      assert.equal(k.info.upstreamKeyLast4, null, 'a short upstream key is not partially shown');
    });

    test('last_used_at: remembered in memory, written in one batch on flush and on close', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const svc = await service({ touchFlushMs: 3_600_000 });
      const k = await svc.create({ accountId: acct.id, mode: 'router' });
      for (let i = 0; i < 20; i++) assert.ok(await svc.verify(k.key));
      assert.equal((await findKeyById(t.store.db, k.id))?.last_used_at, null, 'no write per request');
      assert.ok((await svc.get(k.id))?.lastUsedAt, 'the pending time is visible to this process');
      await svc.flushTouches();
      const first = (await findKeyById(t.store.db, k.id))?.last_used_at;
      assert.ok(first);
      await sleep(5);
      await svc.verify(k.key);
      await svc.close();
      const second = (await findKeyById(t.store.db, k.id))?.last_used_at;
      assert.ok(second && second > first, 'close() flushes');
    });

    test('a use just before revocation is still recorded as last used', async () => {
      const acct = await createAccount(t.store, { email: email() });
      const svc = await service({ touchFlushMs: 3_600_000 });
      const k = await svc.create({ accountId: acct.id, mode: 'router' });
      assert.ok(await svc.verify(k.key));
      const revoked = await svc.revoke(k.id);
      assert.equal(revoked.status, 'revoked');
      assert.ok(revoked.lastUsedAt, 'the revoke answer shows the pending use');
      await svc.flushTouches();
      assert.ok((await findKeyById(t.store.db, k.id))?.last_used_at, 'the pending use is written after revocation');
    });
  });
}

describe('keys: revocation notices over Redis', () => {
  const t = useTestStore('sqlite');
  const secrets = testSecrets();
  const channel = `opencompress:test:${randomBytes(6).toString('hex')}`;
  const services: KeyService[] = [];
  after(async () => {
    for (const s of services) await s.close();
  });

  test('a key revoked on node A is dropped from node B at once (notice), before its cache TTL', async () => {
    let noticed: (id: string) => void = () => undefined;
    const notice = new Promise<string>((resolve) => (noticed = resolve));
    const a = await createKeyService({ store: t.store, secrets, redisUrl: REDIS_URL, redisChannel: channel });
    services.push(a);
    const pepper = await (await import('../../src/secrets/pepper.js')).loadPepper(t.store, secrets);
    const b = await createKeyService({ store: t.store, secrets, pepper, redisUrl: REDIS_URL, redisChannel: channel, onRemoteInvalidation: (id) => noticed(id) });
    services.push(b);
    const acct = await createAccount(t.store, { email: email() });
    const k = await a.create({ accountId: acct.id, mode: 'router' });
    assert.ok(await b.verify(k.key), 'node B has it cached');
    await a.revoke(k.id);
    assert.equal(await notice, k.id);
    assert.equal(await b.verify(k.key), null);
  });

  test('an update on node A (new limits) reaches node B at once too', async () => {
    const [a] = services;
    const seen: string[] = [];
    let resolveSeen: () => void = () => undefined;
    const got = new Promise<void>((r) => (resolveSeen = r));
    const pepper = await (await import('../../src/secrets/pepper.js')).loadPepper(t.store, secrets);
    const c = await createKeyService({ store: t.store, secrets, pepper, redisUrl: REDIS_URL, redisChannel: channel, onRemoteInvalidation: (id) => (seen.push(id), resolveSeen()) });
    services.push(c);
    const acct = await createAccount(t.store, { email: email() });
    const k = await a.create({ accountId: acct.id, mode: 'router' });
    assert.equal((await c.verify(k.key))?.rpm, 60);
    await a.update(k.id, { rpm: 7 });
    await got;
    assert.deepEqual(seen, [k.id]);
    assert.equal((await c.verify(k.key))?.rpm, 7);
  });

  test('an unreachable Redis is a clear start-up error without the URL', async () => {
    await assert.rejects(
      createKeyService({ store: t.store, secrets, redisUrl: 'redis://:hunter2@127.0.0.1:1', redisChannel: channel }),
      (e: Error) => /revocation notices/.test(e.message) && !e.message.includes('hunter2'),
    );
  });
});

describe('keys: background failures', () => {
  test('a failed last-used flush is reported (no secret) and retried later, never thrown', async () => {
    const h = await (await import('../store/test-db.js')).openTestStore('sqlite');
    const errors: Error[] = [];
    const s = await createKeyService({ store: h.store, secrets: testSecrets(), touchFlushMs: 3_600_000, onError: (e) => errors.push(e) });
    const acct = await createAccount(h.store, { email: email() });
    const k = await s.create({ accountId: acct.id, mode: 'router' });
    assert.ok(await s.verify(k.key));
    await h.close(); // the database goes away
    await s.flushTouches();
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /last-used/);
    assert.ok(!errors[0].message.includes(k.key));
    await s.close();
  });
});

describe('keys: start-up with the wrong master key', () => {
  const t = useTestStore('sqlite');
  test('fails at once, naming the key id the database expects (not at request time)', async () => {
    const right = testSecrets();
    const s = await createKeyService({ store: t.store, secrets: right });
    await s.close();
    await assert.rejects(createKeyService({ store: t.store, secrets: testSecrets() }), (e: Error) => e.message.includes(right.primaryKid) && /OPENCOMPRESS_MASTER_KEY/.test(e.message));
  });

  test('resolved keys are frozen (the cache shares them between requests)', async () => {
    const s = await createKeyService({ store: t.store, secrets: testSecrets(), pepper: randomBytes(32) });
    try {
      const acct = await createAccount(t.store, { email: email() });
      const k = await s.create({ accountId: acct.id, mode: 'router' });
      const v = await s.verify(k.key);
      assert.ok(v && Object.isFrozen(v));
    } finally {
      await s.close();
    }
  });
});
