// Per-key limits: requests per minute with X-RateLimit-* headers and Retry-After, concurrency slots,
// 0 = unlimited; in memory and shared through Redis by two limiter instances (two "nodes").
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { KeyRateLimiter } from '../../src/billing/rate-limit.js';

describe('in-memory limiter', () => {
  test('rpm: N allowed with decreasing Remaining, then 429 data with Retry-After', async () => {
    const rl = new KeyRateLimiter();
    const key = { id: 'k1', rpm: 3, concurrency: 0 };
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await rl.acquire(key);
      assert.ok(d.ok);
      assert.equal(d.headers['X-RateLimit-Limit'], '3');
      seen.push(d.headers['X-RateLimit-Remaining']);
      const reset = Number(d.headers['X-RateLimit-Reset']);
      assert.ok(reset >= 1 && reset <= 60);
      d.release();
    }
    assert.deepEqual(seen, ['2', '1', '0']);
    const denied = await rl.acquire(key);
    assert.equal(denied.ok, false);
    if (denied.ok) return;
    assert.equal(denied.limit, 'rpm');
    assert.equal(denied.headers['X-RateLimit-Remaining'], '0');
    assert.ok(denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 60);
    assert.equal(denied.headers['Retry-After'], String(denied.retryAfterSeconds));
    // another key has its own budget
    assert.ok((await rl.acquire({ id: 'k2', rpm: 3, concurrency: 0 })).ok);
  });

  test('concurrency: slots are held until release, release is idempotent', async () => {
    const rl = new KeyRateLimiter();
    const key = { id: 'c1', rpm: 0, concurrency: 2 };
    const a = await rl.acquire(key);
    const b = await rl.acquire(key);
    assert.ok(a.ok && b.ok);
    const c = await rl.acquire(key);
    assert.equal(c.ok, false);
    if (!c.ok) assert.equal(c.limit, 'concurrency');
    a.release();
    a.release();
    const d = await rl.acquire(key);
    assert.ok(d.ok);
    const e = await rl.acquire(key);
    assert.equal(e.ok, false, 'a double release must not free two slots');
  });

  test('a concurrency refusal carries X-RateLimit-* (the rpm window, not counting the refusal) and Retry-After: 1', async () => {
    const rl = new KeyRateLimiter();
    const key = { id: 'conc-headers', rpm: 5, concurrency: 1 };
    const held = await rl.acquire(key);
    assert.ok(held.ok);
    for (let i = 0; i < 2; i++) {
      const refused = await rl.acquire(key);
      assert.equal(refused.ok, false);
      if (refused.ok) return;
      assert.equal(refused.limit, 'concurrency');
      assert.equal(refused.headers['Retry-After'], '1');
      assert.equal(refused.headers['X-RateLimit-Limit'], '5');
      assert.equal(refused.headers['X-RateLimit-Remaining'], '4', 'only the admitted request counted');
      const reset = Number(refused.headers['X-RateLimit-Reset']);
      assert.ok(reset >= 1 && reset <= 60, String(reset));
    }
    held.release();
    const next = await rl.acquire(key);
    assert.ok(next.ok);
    assert.equal(next.headers['X-RateLimit-Remaining'], '3', 'the refusals did not use the rpm budget');

    // unlimited rpm: no window, so the headers describe the concurrency limit
    const free = { id: 'conc-only', rpm: 0, concurrency: 2 };
    const a = await rl.acquire(free);
    const b = await rl.acquire(free);
    assert.ok(a.ok && b.ok);
    const refused = await rl.acquire(free);
    assert.equal(refused.ok, false);
    assert.deepEqual(refused.headers, { 'X-RateLimit-Limit': '2', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1', 'Retry-After': '1' });
  });

  test("changing a key's rpm applies at once, to what it already used this minute", async () => {
    const rl = new KeyRateLimiter();
    for (let i = 0; i < 2; i++) assert.ok((await rl.acquire({ id: 'chg', rpm: 5, concurrency: 0 })).ok);
    const lowered = await rl.acquire({ id: 'chg', rpm: 2, concurrency: 0 });
    assert.equal(lowered.ok, false);
    const raised = await rl.acquire({ id: 'chg', rpm: 10, concurrency: 0 });
    assert.ok(raised.ok);
    assert.equal(raised.headers['X-RateLimit-Remaining'], '6', '4 counted so far (the refused one too)');
  });

  test('0 means unlimited', async () => {
    const rl = new KeyRateLimiter();
    for (let i = 0; i < 200; i++) {
      const d = await rl.acquire({ id: 'free', rpm: 0, concurrency: 0 });
      assert.ok(d.ok);
      assert.deepEqual(d.headers, {});
    }
  });

  test('a request refused by rpm gives its concurrency slot back', async () => {
    const rl = new KeyRateLimiter();
    const key = { id: 'both', rpm: 1, concurrency: 1 };
    const first = await rl.acquire(key);
    assert.ok(first.ok);
    first.release();
    assert.equal((await rl.acquire(key)).ok, false); // rpm
    const again = await rl.acquire({ ...key, rpm: 0 });
    assert.ok(again.ok, 'the slot taken by the refused request was released');
  });
});

describe('Redis-shared limiter (two instances, two connections)', () => {
  const prefix = `oc-test-${randomBytes(6).toString('hex')}`;
  const r1 = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  const r2 = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  after(async () => {
    const keys = await r1.keys(`${prefix}*`);
    if (keys.length) await r1.del(...keys);
    r1.disconnect();
    r2.disconnect();
  });

  test('both instances draw from one rpm budget and one set of concurrency slots', async () => {
    await r1.connect();
    await r2.connect();
    const a = new KeyRateLimiter({ redis: r1, prefix });
    const b = new KeyRateLimiter({ redis: r2, prefix });
    const key = { id: 'shared', rpm: 4, concurrency: 0 };
    const results: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await (i % 2 ? b : a).acquire(key);
      results.push(d.ok);
      if (d.ok) d.release();
    }
    assert.deepEqual(results, [true, true, true, true, false, false]);

    const ckey = { id: 'conc', rpm: 0, concurrency: 2 };
    const s1 = await a.acquire(ckey);
    const s2 = await b.acquire(ckey);
    assert.ok(s1.ok && s2.ok);
    assert.equal((await a.acquire(ckey)).ok, false);
    assert.equal((await b.acquire(ckey)).ok, false);
    s1.release();
    await new Promise((r) => setTimeout(r, 50)); // release is fire-and-forget (ZREM)
    assert.ok((await b.acquire(ckey)).ok);

    // a concurrency refusal reports the shared rpm window (2 of 6 used, through either instance)
    const both = { id: 'conc-rpm', rpm: 6, concurrency: 1 };
    const h1 = await a.acquire(both);
    assert.ok(h1.ok);
    h1.release();
    await new Promise((r) => setTimeout(r, 50));
    const h2 = await b.acquire(both);
    assert.ok(h2.ok);
    const refused = await a.acquire(both);
    assert.equal(refused.ok, false);
    assert.equal(refused.headers['X-RateLimit-Limit'], '6');
    assert.equal(refused.headers['X-RateLimit-Remaining'], '4');
    assert.equal(refused.headers['Retry-After'], '1');
    h2.release();
  });
});

describe('Redis unreachable', () => {
  test('limits fall back to this process instead of refusing traffic', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => {});
    dead.connect().catch(() => {});
    try {
      const rl = new KeyRateLimiter({ redis: dead, prefix: 'oc-dead' });
      const key = { id: 'k', rpm: 2, concurrency: 1 };
      const a = await rl.acquire(key);
      assert.ok(a.ok);
      const busy = await rl.acquire(key);
      assert.equal(busy.ok, false, 'concurrency still enforced locally');
      a.release();
      assert.ok((await rl.acquire(key)).ok);
      const over = await rl.acquire({ ...key, concurrency: 0 });
      assert.equal(over.ok, false, 'rpm still enforced locally');
    } finally {
      dead.disconnect();
    }
  });
});
