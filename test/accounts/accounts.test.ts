import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { authenticate, createAccount, findAccount, findAccountByEmail, listAccounts, normalizeEmail, setPassword } from '../../src/accounts/accounts.js';
import { AccountsError } from '../../src/accounts/errors.js';
import { DIALECTS, openTestStore, useTestStore } from '../store/test-db.js';

describe('normalizeEmail', () => {
  test('trims and lower-cases; rejects non-addresses', () => {
    assert.equal(normalizeEmail('  Alice@Example.COM '), 'alice@example.com');
    for (const bad of ['', 'alice', 'a@b', 'a b@c.d', '@x.io', 42]) assert.throws(() => normalizeEmail(bad), AccountsError);
  });
});

for (const dialect of DIALECTS) {
  describe(`accounts (${dialect})`, () => {
    const t = useTestStore(dialect);

    test('the first account is the admin, later ones are not; e-mails are unique case-insensitively', async () => {
      const first = await createAccount(t.store, { email: 'Admin@Example.com', password: 'password-1' });
      assert.equal(first.isAdmin, true);
      assert.equal(first.email, 'admin@example.com');
      assert.equal(first.hasPassword, true);
      const second = await createAccount(t.store, { email: 'user@example.com' });
      assert.equal(second.isAdmin, false);
      assert.equal(second.hasPassword, false);
      await assert.rejects(createAccount(t.store, { email: 'ADMIN@example.com' }), (e: AccountsError) => e.code === 'conflict');
      assert.equal((await findAccount(t.store, first.id))?.email, 'admin@example.com');
      assert.equal((await findAccountByEmail(t.store, ' USER@example.com'))?.id, second.id);
      assert.equal(await findAccountByEmail(t.store, 'not-an-email'), undefined);
      assert.deepEqual((await listAccounts(t.store)).map((a) => a.id), [first.id, second.id]);
    });

    test('authenticate: right password only; accounts without password cannot sign in', async () => {
      const a = await createAccount(t.store, { email: 'auth@example.com', password: 'hunter2-hunter2' });
      assert.equal((await authenticate(t.store, 'AUTH@example.com', 'hunter2-hunter2'))?.id, a.id);
      assert.equal(await authenticate(t.store, 'auth@example.com', 'wrong-password'), null);
      assert.equal(await authenticate(t.store, 'nobody@example.com', 'hunter2-hunter2'), null);
      assert.equal(await authenticate(t.store, 'user@example.com', 'anything-at-all'), null);
      await setPassword(t.store, a.id, 'new-password-1');
      assert.equal((await authenticate(t.store, 'auth@example.com', 'new-password-1'))?.id, a.id);
      await assert.rejects(setPassword(t.store, 'acct_missing', 'new-password-1'), (e: AccountsError) => e.code === 'not_found');
    });

    test('concurrent sign-ups on a fresh install make exactly one admin', async () => {
      const fresh = await openTestStore(dialect);
      try {
        const made = await Promise.all(Array.from({ length: 6 }, (_, i) => createAccount(fresh.store, { email: `c${i}@example.com` })));
        assert.equal(made.filter((a) => a.isAdmin).length, 1);
        assert.equal((await listAccounts(fresh.store)).filter((a) => a.isAdmin).length, 1);
      } finally {
        await fresh.close();
      }
    });
  });
}
