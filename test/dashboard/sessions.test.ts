// Sessions (accounts/sessions.ts) and the sign-in rate limit (accounts/login-limit.ts) against
// SQLite and PostgreSQL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount } from '../../src/accounts/accounts.js';
import { LoginLimiter } from '../../src/accounts/login-limit.js';
import { csrfMatches, hashSessionToken, SessionService } from '../../src/accounts/sessions.js';
import { DIALECTS, useTestStore } from '../store/test-db.js';

for (const dialect of DIALECTS) {
  describe(`dashboard sessions (${dialect})`, () => {
    const t = useTestStore(dialect);

    test('create → verify → destroy; only the hash is stored', async () => {
      const acct = await createAccount(t.store, { email: `s-${dialect}@example.com`, password: 'correct horse battery' });
      const sessions = new SessionService(t.store);
      const s = await sessions.create(acct.id, { userAgent: 'test' });
      assert.match(s.token, /^[A-Za-z0-9_-]{43}$/);
      const rows = await t.store.db.selectFrom('sessions').selectAll().where('account_id', '=', acct.id).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].token_hash, hashSessionToken(s.token));
      assert.ok(!JSON.stringify(rows).includes(s.token));
      const v = await sessions.verify(s.token);
      assert.equal(v?.account.id, acct.id);
      assert.equal(v?.csrfToken, s.csrfToken);
      assert.ok(csrfMatches(s.csrfToken, v!.csrfToken));
      const tampered = (s.csrfToken[0] === 'x' ? 'y' : 'x') + s.csrfToken.slice(1); // differs even when the token starts with x
      assert.ok(!csrfMatches(tampered, v!.csrfToken));
      assert.equal(await sessions.verify('not-a-token'), null);
      assert.equal(await sessions.verify(s.token.slice(0, -1) + (s.token.endsWith('A') ? 'B' : 'A')), null);
      await sessions.destroy(s.token);
      assert.equal(await sessions.verify(s.token), null);
    });

    test('an expired session is refused', async () => {
      const acct = await createAccount(t.store, { email: `exp-${dialect}@example.com`, password: 'correct horse battery' });
      let now = new Date('2030-01-01T00:00:00Z');
      const sessions = new SessionService(t.store, 60_000, () => now);
      const s = await sessions.create(acct.id);
      assert.ok(await sessions.verify(s.token));
      now = new Date('2030-01-01T00:01:01Z');
      assert.equal(await sessions.verify(s.token), null);
    });

    test('login limiter: 5 failures per e-mail+IP, window resets, success clears', async () => {
      let now = new Date('2030-01-01T00:00:00Z');
      const limiter = new LoginLimiter(t.store, { now: () => now, windowMs: 15 * 60_000, maxPerEmailIp: 5, maxPerIp: 30 });
      const email = `lim-${dialect}@example.com`;
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(await limiter.check(email, '10.0.0.1'), { allowed: true });
        await limiter.recordFailure(email, '10.0.0.1');
      }
      const blocked = await limiter.check(email, '10.0.0.1');
      assert.equal(blocked.allowed, false);
      assert.ok(!blocked.allowed && blocked.retryAfterSeconds > 0 && blocked.retryAfterSeconds <= 900);
      // another address, or another e-mail, is not blocked by this pair
      assert.deepEqual(await limiter.check(email, '10.0.0.2'), { allowed: true });
      assert.deepEqual(await limiter.check(`other-${email}`, '10.0.0.1'), { allowed: true });
      // the window ends
      now = new Date('2030-01-01T00:15:01Z');
      assert.deepEqual(await limiter.check(email, '10.0.0.1'), { allowed: true });
      await limiter.recordFailure(email, '10.0.0.1');
      await limiter.recordSuccess(email, '10.0.0.1');
      const rows = await t.store.db.selectFrom('login_attempts').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(email), 'no e-mail in clear');
    });

    test('sign-ups are limited per address', async () => {
      let now = new Date('2031-01-01T00:00:00Z');
      const limiter = new LoginLimiter(t.store, { now: () => now, maxSignupsPerIp: 2, signupWindowMs: 3600_000 });
      await limiter.recordSignup('10.7.7.7');
      await limiter.recordSignup('10.7.7.7');
      const blocked = await limiter.checkSignup('10.7.7.7');
      assert.equal(blocked.allowed, false);
      assert.deepEqual(await limiter.checkSignup('10.7.7.8'), { allowed: true });
      now = new Date('2031-01-01T01:00:01Z');
      assert.deepEqual(await limiter.checkSignup('10.7.7.7'), { allowed: true });
    });

    test('login limiter: one IP trying many e-mails is limited', async () => {
      const limiter = new LoginLimiter(t.store, { maxPerEmailIp: 100, maxPerIp: 3 });
      for (let i = 0; i < 3; i++) await limiter.recordFailure(`u${i}-${dialect}@example.com`, '10.9.9.9');
      assert.equal((await limiter.check(`new-${dialect}@example.com`, '10.9.9.9')).allowed, false);
    });
  });
}
