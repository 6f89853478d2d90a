// insertUsageRows (the billing recorder's batch write): many rows in one transaction, split into
// multi-row INSERTs of a few fixed sizes whose SQL text is built once; every column round-trips, on both dialects.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as accounts from '../../src/store/accounts.js';
import * as keys from '../../src/store/keys.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { countUsage, insertUsageRows, listUsage, newRowId, sumUsage, USAGE_ROWS_PER_INSERT } from '../../src/store/usage.js';
import type { NewUsageRow } from '../../src/store/schema.js';
import { DIALECTS, useTestStore } from './test-db.js';

for (const dialect of DIALECTS) {
  describe(`usage batch insert (${dialect})`, () => {
    const t = useTestStore(dialect);

    test('more rows than one INSERT holds, in one transaction: all stored, every column intact', async () => {
      const accountId = newId('acct');
      await accounts.insertAccount(t.store.db, { id: accountId, email: `u-${dialect}-${accountId}@example.com`, password_hash: null, created_at: nowIso() });
      const keyId = newId('key');
      await keys.insertKey(t.store.db, { id: keyId, account_id: accountId, key_hash: `h_${keyId}`, prefix: 'sk-occ-AbCd…wxyz', mode: 'byok', created_at: nowIso() });
      const n = 2 * USAGE_ROWS_PER_INSERT + 159; // 500 + 500 + 100 + 20 + 20 + 5 + 5 + 5 + 1 + 1 + 1 + 1
      const rows: NewUsageRow[] = Array.from({ length: n }, (_, i) => ({
        id: newRowId('use'),
        request_id: `req-${i}`,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
        account_id: accountId,
        key_id: keyId,
        mode: i % 2 ? 'router' : 'byok',
        model: `model-${i % 3}`,
        status: 'ok',
        original_input_tokens: 100 + i,
        compressed_input_tokens: 60 + i,
        tokens_saved: 40,
        output_tokens: i,
        cached_input_tokens: 1,
        usage_reported: 1,
        price_known: i % 2,
        savings_micros: 2,
        llm_cost_micros: 3,
        fee_micros: 4,
        charged_micros: 5,
        shortfall_micros: 0,
        latency_ms: 7,
      }));
      await t.store.db.transaction().execute((trx) => insertUsageRows(trx, rows));
      await insertUsageRows(t.store.db, []); // nothing to do
      assert.equal(await countUsage(t.store.db, { accountId }), n);
      const sums = await sumUsage(t.store.db, { accountId });
      assert.equal(sums.calls, n);
      assert.equal(sums.tokens_saved, 40 * n);
      assert.equal(sums.charged_micros, 5 * n);
      assert.equal(sums.output_tokens, (n * (n - 1)) / 2);
      const one = (await listUsage(t.store.db, { accountId, model: 'model-1' }, { limit: 1000, offset: 0 })).find((r) => r.request_id === 'req-7');
      const expected = rows[7];
      assert.ok(one);
      for (const [col, value] of Object.entries(expected)) assert.equal(Number.isFinite(value as number) ? Number(one[col as keyof typeof one]) : one[col as keyof typeof one], value, col);
    });
  });
}
