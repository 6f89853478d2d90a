import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { KeyCache } from '../../src/accounts/key-cache.js';

describe('KeyCache', () => {
  test('positive and negative answers expire after the TTL', () => {
    const c = new KeyCache<{ id: string }>(1000);
    c.set('h1', { id: 'k1' }, c.begin(0));
    c.set('h2', null, c.begin(0));
    assert.deepEqual(c.get('h1', 999), { id: 'k1' });
    assert.equal(c.get('h2', 999), null);
    assert.equal(c.get('h1', 1000), undefined);
    assert.equal(c.get('h2', 1000), undefined);
    assert.equal(c.get('h3', 0), undefined);
  });

  test('invalidate(keyId) drops the key at once, and a lookup that started before is not cached', () => {
    const c = new KeyCache<{ id: string }>(1000);
    c.set('h1', { id: 'k1' }, c.begin(0));
    const token = c.begin(1); // a lookup of h2 starts …
    c.invalidate('k1'); // … a revocation happens meanwhile …
    assert.equal(c.get('h1', 1), undefined);
    c.set('h2', { id: 'k2' }, token); // … its (possibly stale) answer is not cached
    assert.equal(c.get('h2', 3), undefined);
    c.set('h2', { id: 'k2' }, c.begin(4));
    assert.deepEqual(c.get('h2', 5), { id: 'k2' });
  });

  test('size is bounded: the oldest entry goes first', () => {
    const c = new KeyCache<{ id: string }>(1000, 3);
    for (let i = 0; i < 10; i++) c.set(`h${i}`, i % 2 ? null : { id: `k${i}` }, c.begin(0));
    assert.equal(c.size, 3);
    assert.equal(c.get('h0', 1), undefined);
    assert.deepEqual(c.get('h8', 1), { id: 'k8' });
  });

  test('an entry lives TTL from the start of its lookup, not from its end', () => {
    const c = new KeyCache<{ id: string }>(1000);
    const token = c.begin(0);
    c.set('h', { id: 'k' }, token); // the lookup took a while; still expires at 0 + TTL
    assert.deepEqual(c.get('h', 999), { id: 'k' });
    assert.equal(c.get('h', 1000), undefined);
  });

  test('TTL 0 caches nothing', () => {
    const c = new KeyCache<{ id: string }>(0);
    c.set('h', { id: 'k' }, c.begin(0));
    assert.equal(c.get('h', 0), undefined);
  });

  test('sweep() removes expired entries (raw keys do not linger until evicted)', () => {
    const c = new KeyCache<{ id: string }>(1000);
    c.set('old', { id: 'k1' }, c.begin(0));
    c.set('neg', null, c.begin(0));
    c.set('new', { id: 'k2' }, c.begin(500));
    c.sweep(1000);
    assert.equal(c.size, 1);
    assert.deepEqual(c.get('new', 1000), { id: 'k2' });
    c.invalidate('k1'); // its id mapping went with the entry: nothing else is touched
    assert.deepEqual(c.get('new', 1000), { id: 'k2' });
  });
});
