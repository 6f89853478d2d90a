import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Secrets, SecretsError, upstreamKeyAad } from '../../src/secrets/index.js';
import { generateMasterKey, type MasterKey } from '../../src/secrets/master-keys.js';
import { parseSealed } from '../../src/secrets/envelope.js';

function ring(...keys: MasterKey[]): Secrets {
  return new Secrets({ primary: keys[0], byKid: new Map(keys.map((k) => [k.kid, k])), source: 'env', file: '/dev/null' });
}

const PLAIN = 'sk-proj-upstream-SECRET-0123456789';

describe('secrets envelope (AES-256-GCM)', () => {
  const secrets = ring(generateMasterKey());
  const aad = upstreamKeyAad('acct_1', 'key_1');

  test('seal → open round trip, versioned format naming the master key', () => {
    const sealed = secrets.seal(PLAIN, aad);
    assert.match(sealed, /^v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
    assert.equal(secrets.kidOf(sealed), secrets.primaryKid);
    assert.ok(!sealed.includes(PLAIN));
    assert.equal(secrets.open(sealed, aad), PLAIN);
    assert.equal(secrets.open(secrets.seal('', aad), aad), '');
    assert.equal(secrets.open(secrets.seal('ünïcødé 🔑', aad), aad), 'ünïcødé 🔑');
  });

  test('a fresh 12-byte IV each time', () => {
    const a = parseSealed(secrets.seal(PLAIN, aad));
    const b = parseSealed(secrets.seal(PLAIN, aad));
    assert.equal(a.iv.length, 12);
    assert.notDeepEqual(a.iv, b.iv);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
  });

  test('wrong AAD (value moved to another key or account) is refused', () => {
    const sealed = secrets.seal(PLAIN, aad);
    assert.throws(() => secrets.open(sealed, upstreamKeyAad('acct_1', 'key_2')), SecretsError);
    assert.throws(() => secrets.open(sealed, upstreamKeyAad('acct_2', 'key_1')), SecretsError);
  });

  test('any flipped bit in iv, ciphertext or tag is detected', () => {
    const sealed = secrets.seal(PLAIN, aad);
    const [v, kid, ...parts] = sealed.split(':');
    for (let p = 0; p < 3; p++) {
      const buf = Buffer.from(parts[p], 'base64url');
      for (const bit of [0, 7, buf.length * 8 - 1]) {
        const copy = Buffer.from(buf);
        copy[bit >> 3] ^= 1 << (bit & 7);
        const tampered = [...parts];
        tampered[p] = copy.toString('base64url');
        assert.throws(() => secrets.open([v, kid, ...tampered].join(':'), aad), (err: Error) => {
          assert.ok(err instanceof SecretsError);
          assert.ok(!err.message.includes(PLAIN));
          return true;
        });
      }
    }
  });

  test('unknown master key id and malformed values give clear errors without secrets', () => {
    const other = ring(generateMasterKey());
    const sealed = other.seal(PLAIN, aad);
    assert.throws(() => secrets.open(sealed, aad), (err: Error) => err instanceof SecretsError && err.message.includes(other.primaryKid) && !err.message.includes(PLAIN));
    for (const bad of ['', 'plain', 'v2:a:b:c:d', 'v1:kid:short:ct:tag', PLAIN]) {
      assert.throws(() => secrets.open(bad, aad), (err: Error) => err instanceof SecretsError && !err.message.includes(PLAIN));
    }
  });

  test('logging or serialising the Secrets object never shows key material', async () => {
    const { inspect } = await import('node:util');
    const k = generateMasterKey();
    const s = ring(k);
    for (const text of [JSON.stringify(s), inspect(s, { depth: 10 }), JSON.stringify({ s })]) {
      assert.ok(!text.includes(k.key.toString('base64')) && !text.includes(k.key.toString('hex')) && !/Buffer|data/.test(text), text);
      assert.ok(text.includes(k.kid));
    }
  });

  test('a keyring opens values of every key it holds and seals with the primary', () => {
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    const before = ring(oldKey).seal(PLAIN, aad);
    const both = ring(newKey, oldKey);
    assert.equal(both.open(before, aad), PLAIN);
    assert.equal(both.kidOf(both.seal(PLAIN, aad)), newKey.kid);
    const rotated = ring(oldKey).withPrimary(newKey);
    assert.equal(rotated.primaryKid, newKey.kid);
    assert.equal(rotated.open(before, aad), PLAIN);
  });
});
