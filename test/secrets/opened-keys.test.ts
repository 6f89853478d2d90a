// Opened upstream keys kept for OPENED_TTL_MS: hits need the same sealed text and AAD, entries
// expire from their decipher (hits do not renew them), the map is bounded and empties itself.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secrets, SecretsError, upstreamKeyAad } from '../../src/secrets/index.js';
import { generateMasterKey } from '../../src/secrets/master-keys.js';
import { OPENED_TTL_MS, OpenedKeys } from '../../src/secrets/opened-keys.js';

const PLAIN = 'sk-proj-upstream-SECRET-0123456789';

function ring(): Secrets {
  const k = generateMasterKey();
  return new Secrets({ primary: k, byKid: new Map([[k.kid, k]]), source: 'env', file: '/dev/null' });
}

/** the same Secrets without its master key: only what it kept opened can still be answered */
function withoutKeys(s: Secrets): void {
  s.keyring = { ...s.keyring, byKid: new Map() };
}

describe('opened upstream keys', () => {
  test('a second open of the same value is answered without the master key', () => {
    const secrets = ring();
    const aad = upstreamKeyAad('acct_1', 'key_1');
    const sealed = secrets.seal(PLAIN, aad);
    assert.equal(secrets.open(sealed, aad), PLAIN);
    withoutKeys(secrets);
    assert.equal(secrets.open(sealed, aad), PLAIN);
    // a value never opened still needs the key
    const other = ring().seal(PLAIN, aad);
    assert.throws(() => secrets.open(other, aad), SecretsError);
  });

  test('another AAD misses and is refused, and the kept entry still serves its own AAD', () => {
    const secrets = ring();
    const aad = upstreamKeyAad('acct_1', 'key_1');
    const sealed = secrets.seal(PLAIN, aad);
    secrets.open(sealed, aad);
    assert.throws(() => secrets.open(sealed, upstreamKeyAad('acct_2', 'key_1')), SecretsError);
    assert.throws(() => secrets.open(sealed, upstreamKeyAad('acct_1', 'key_2')), SecretsError);
    withoutKeys(secrets);
    assert.equal(secrets.open(sealed, aad), PLAIN);
  });

  test('a re-sealed (changed or rotated) upstream key is opened from its new text', () => {
    const secrets = ring();
    const aad = upstreamKeyAad('acct_1', 'key_1');
    secrets.open(secrets.seal(PLAIN, aad), aad);
    const changed = secrets.seal('sk-new-upstream-key', aad);
    assert.equal(secrets.open(changed, aad), 'sk-new-upstream-key');
  });

  test('an entry expires OPENED_TTL_MS after its decipher; hits do not renew it', () => {
    let now = 1_000_000;
    const kept = new OpenedKeys(() => now);
    kept.set('v1:sealed', 'a:b', PLAIN);
    now += OPENED_TTL_MS - 1;
    assert.equal(kept.get('v1:sealed', 'a:b'), PLAIN);
    assert.equal(kept.get('v1:sealed', 'a:c'), undefined);
    now += 1;
    assert.equal(kept.get('v1:sealed', 'a:b'), undefined);
    assert.equal(kept.size, 0);
  });

  test('at most 1,000 entries, oldest out first', () => {
    const kept = new OpenedKeys();
    for (let i = 0; i < 1001; i++) kept.set(`v1:${i}`, 'a:b', `plain-${i}`);
    assert.equal(kept.size, 1000);
    assert.equal(kept.get('v1:0', 'a:b'), undefined);
    assert.equal(kept.get('v1:1', 'a:b'), 'plain-1');
    assert.equal(kept.get('v1:1000', 'a:b'), 'plain-1000');
  });

  test('expired entries are swept without being asked for, also after the map was empty once', async () => {
    let now = 1_000_000;
    const kept = new OpenedKeys(() => now);
    kept.set('v1:old', 'a:b', PLAIN);
    now += 1;
    kept.set('v1:newer', 'a:b', PLAIN);
    now += OPENED_TTL_MS;
    await sleep(1100);
    assert.equal(kept.size, 0);
    // the sweeper stopped with the map empty; a fresh entry starts it again
    kept.set('v1:again', 'a:b', PLAIN);
    now += OPENED_TTL_MS;
    await sleep(1100);
    assert.equal(kept.size, 0);
  });
});
