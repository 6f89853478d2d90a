import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, needsRehash, verifyPassword, checkPasswordPolicy } from '../../src/accounts/passwords.js';
import { AccountsError } from '../../src/accounts/errors.js';

describe('passwords (scrypt)', () => {
  test('hash and verify; salted; wrong password refused', async () => {
    const h1 = await hashPassword('correct horse battery');
    const h2 = await hashPassword('correct horse battery');
    assert.match(h1, /^scrypt\$15\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    assert.notEqual(h1, h2, 'random salt');
    assert.ok(!h1.includes('correct'));
    assert.equal(await verifyPassword('correct horse battery', h1), true);
    assert.equal(await verifyPassword('correct horse batterY', h1), false);
    assert.equal(await verifyPassword('', h1), false);
    assert.equal(needsRehash(h1), false);
  });

  test('missing or malformed stored hash → false, never a throw', async () => {
    assert.equal(await verifyPassword('whatever1', null), false);
    assert.equal(await verifyPassword('whatever1', undefined), false);
    assert.equal(await verifyPassword('whatever1', 'scrypt$1$2$3$x$y'), false);
    assert.equal(await verifyPassword('whatever1', 'bcrypt$whatever'), false);
    assert.equal(needsRehash('garbage'), true);
  });

  test('policy: 8 to 1024 characters, clear errors without the password', () => {
    assert.throws(() => checkPasswordPolicy('short'), (e: Error) => e instanceof AccountsError && e.code === 'invalid_input' && !e.message.includes('short'));
    assert.throws(() => checkPasswordPolicy('x'.repeat(1025)), AccountsError);
    assert.throws(() => checkPasswordPolicy(42), AccountsError);
    assert.equal(checkPasswordPolicy('12345678'), '12345678');
  });
});
