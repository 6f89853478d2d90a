// Balances, the ledger and the usage recorder against real SQLite and PostgreSQL: the lazy free
// credit is granted once, grants add up, usage rows land in batches with hand-computed money, and
// concurrent charges against a nearly empty balance never overdraw.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, useTestStore, openTestStore } from '../store/test-db.js';
import { insertAccount } from '../../src/store/accounts.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { chargeBalance, getBalanceMicros, listLedger, sumLedger } from '../../src/store/ledger.js';
import { ensureBalance, grantCredits, BalanceCache } from '../../src/billing/balances.js';
import { UsageRecorder, type BillingLogger } from '../../src/billing/recorder.js';
import { loadPriceTable } from '../../src/billing/prices.js';
import { billingMetrics } from '../../src/billing/metrics.js';
import { Registry } from 'prom-client';
import type { UsageEvent } from '../../src/billing/types.js';
import type { Store } from '../../src/store/index.js';

const prices = loadPriceTable();

function quietLog(lines: string[] = []): BillingLogger {
  const push = (level: string) => (obj: object, msg: string) => lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  return { info: push('info'), warn: push('warn'), error: push('error') };
}

async function newAccount(store: Store): Promise<string> {
  const id = newId('acct');
  await insertAccount(store.db, { id, email: `${id}@example.test`, password_hash: null, created_at: nowIso() });
  return id;
}

function event(accountId: string, over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    requestId: newId('req'),
    at: new Date(),
    accountId,
    keyId: 'key_1',
    mode: 'byok',
    model: 'gpt-4o-mini',
    originalInputTokens: 10_000,
    compressedInputTokens: 6_000,
    usageReported: true,
    outputTokens: 500,
    cachedInputTokens: 1_000,
    status: 'ok',
    latencyMs: 12,
    ...over,
  };
}

function recorder(store: Store, over: Partial<ConstructorParameters<typeof UsageRecorder>[0]> = {}) {
  const balances = new BalanceCache(store.db, 1_000_000);
  return new UsageRecorder({
    db: store.db,
    prices,
    feeRate: 0.2,
    freeCreditMicros: 1_000_000,
    balances,
    metrics: billingMetrics(new Registry()),
    log: quietLog(),
    flushDelayMs: 5,
    ...over,
  });
}

for (const dialect of DIALECTS) {
  describe(`balances and ledger (${dialect})`, () => {
    const t = useTestStore(dialect);

    test('the free credit is granted exactly once, even under concurrent first reads', async () => {
      const acct = await newAccount(t.store);
      const reads = await Promise.all(Array.from({ length: 10 }, () => ensureBalance(t.store.db, acct, 1_000_000)));
      assert.ok(reads.every((r) => r === 1_000_000));
      const ledger = await listLedger(t.store.db, acct);
      assert.equal(ledger.length, 1);
      assert.equal(ledger[0].kind, 'free_credit');
      assert.equal(Number(ledger[0].amount_micros), 1_000_000);
    });

    test('grants add to the balance and are ledger entries; bad grants are refused', async () => {
      const acct = await newAccount(t.store);
      assert.equal(await grantCredits(t.store.db, acct, 10, 'top-up', 1), 11_000_000);
      assert.equal(await grantCredits(t.store.db, acct, 0.000001, null, 1), 11_000_001);
      const ledger = await listLedger(t.store.db, acct);
      assert.deepEqual(ledger.map((l) => l.kind).sort(), ['free_credit', 'grant', 'grant']);
      assert.equal(await sumLedger(t.store.db, acct), 11_000_001);
      await assert.rejects(grantCredits(t.store.db, 'acct_missing', 5, null, 1), /no account/);
      await assert.rejects(grantCredits(t.store.db, acct, 0, null, 1), /at least/);
      await assert.rejects(grantCredits(t.store.db, acct, -3, null, 1), RangeError);
    });

    test('a charge larger than the balance takes what is left, never below zero', async () => {
      const acct = await newAccount(t.store);
      await ensureBalance(t.store.db, acct, 100);
      const a = await t.store.db.transaction().execute((trx) => chargeBalance(trx, acct, 70, 'r1', nowIso()));
      assert.deepEqual(a, { appliedMicros: 70, balanceAfterMicros: 30 });
      const b = await t.store.db.transaction().execute((trx) => chargeBalance(trx, acct, 70, 'r2', nowIso()));
      assert.deepEqual(b, { appliedMicros: 30, balanceAfterMicros: 0 });
      const c = await t.store.db.transaction().execute((trx) => chargeBalance(trx, acct, 70, 'r3', nowIso()));
      assert.equal(c.appliedMicros, 0);
      assert.equal(await getBalanceMicros(t.store.db, acct), 0);
      assert.equal(await sumLedger(t.store.db, acct), 0);
    });

    test('overdraw race: 50 concurrent charges of 7 against a balance of 100', async () => {
      const acct = await newAccount(t.store);
      await ensureBalance(t.store.db, acct, 100);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => t.store.db.transaction().execute((trx) => chargeBalance(trx, acct, 7, `race-${i}`, nowIso()))),
      );
      const applied = results.reduce((s, r) => s + r.appliedMicros, 0);
      assert.equal(applied, 100, 'exactly the balance was taken');
      assert.equal(await getBalanceMicros(t.store.db, acct), 0);
      assert.equal(results.filter((r) => r.appliedMicros === 7).length, 14);
      assert.equal(results.filter((r) => r.appliedMicros === 2).length, 1);
      assert.equal(await sumLedger(t.store.db, acct), 0, 'ledger sums to the balance');
    });
  });

  describe(`usage recorder (${dialect})`, () => {
    const t = useTestStore(dialect);

    test('rows are batched, priced by hand-computed numbers, charged and flushed', async () => {
      const acct = await newAccount(t.store);
      const rec = recorder(t.store);
      // BYOK: savings 600, fee 120 each. Router: cost 1,125 + fee 120 = 1,245.
      for (let i = 0; i < 3; i++) rec.record(event(acct));
      rec.record(event(acct, { mode: 'router', keyId: 'key_2' }));
      rec.record(event(acct, { status: 'upstream_error', usageReported: false }));
      rec.record(event(acct, { model: 'my-private-model' }));
      await rec.flush();
      const rows = await t.store.db.selectFrom('usage').selectAll().where('account_id', '=', acct).execute();
      assert.equal(rows.length, 6);
      const byok = rows.filter((r) => r.mode === 'byok' && r.status === 'ok' && r.model === 'gpt-4o-mini');
      assert.equal(byok.length, 3);
      for (const r of byok) {
        assert.equal(Number(r.savings_micros), 600);
        assert.equal(Number(r.fee_micros), 120);
        assert.equal(Number(r.charged_micros), 120);
        assert.equal(Number(r.tokens_saved), 4_000);
      }
      const router = rows.find((r) => r.mode === 'router')!;
      assert.equal(Number(router.llm_cost_micros), 1_125);
      assert.equal(Number(router.charged_micros), 1_245);
      const failed = rows.find((r) => r.status === 'upstream_error')!;
      assert.equal(Number(failed.charged_micros), 0);
      assert.equal(Number(failed.tokens_saved), 0);
      const unknown = rows.find((r) => r.model === 'my-private-model')!;
      assert.equal(Number(unknown.price_known), 0);
      assert.equal(Number(unknown.charged_micros), 0);
      assert.equal(await getBalanceMicros(t.store.db, acct), 1_000_000 - 3 * 120 - 1_245);
      assert.equal(await sumLedger(t.store.db, acct), 1_000_000 - 3 * 120 - 1_245);
      await rec.close();
    });

    test('Router LLM cost from the table prices Anthropic cache writes at 1.25 × input (1-hour: 2 ×)', async () => {
      const acct = await newAccount(t.store);
      const rec = recorder(t.store);
      // claude-sonnet-4.5 ($3 in, $0.30 cached, $15 out): 10,000 → 8,000 prompt tokens, of which
      // 1,000 cache reads, 4,000 5-minute writes and 1,000 1-hour writes; 200 output.
      // cost = 2,000 × 3 + 1,000 × 0.30 + 4,000 × 3.75 + 1,000 × 6 + 200 × 15
      //      = 6,000 + 300 + 15,000 + 6,000 + 3,000 = 30,300 µ$; savings 2,000 × 3 = 6,000, fee 1,200
      rec.record(
        event(acct, {
          mode: 'router',
          model: 'claude-sonnet-4-5-20250929',
          originalInputTokens: 10_000,
          compressedInputTokens: 8_000,
          cachedInputTokens: 1_000,
          cacheWriteTokens: 4_000,
          cacheWrite1hTokens: 1_000,
          outputTokens: 200,
        }),
      );
      await rec.flush();
      const [row] = await t.store.db.selectFrom('usage').selectAll().where('account_id', '=', acct).execute();
      assert.equal(Number(row.llm_cost_micros), 30_300);
      assert.equal(Number(row.fee_micros), 1_200);
      assert.equal(Number(row.charged_micros), 31_500);
      assert.equal(Number(row.cached_input_tokens), 1_000);
      await rec.close();
    });

    test('recorder overdraw race: 50 Router requests of 1,245 against a balance of 5,000', async () => {
      const acct = await newAccount(t.store);
      await ensureBalance(t.store.db, acct, 5_000);
      // several recorders = several gateway processes writing concurrently
      const recs = [recorder(t.store, { batchSize: 3 }), recorder(t.store, { batchSize: 5 }), recorder(t.store, { batchSize: 7 })];
      for (let i = 0; i < 50; i++) recs[i % 3].record(event(acct, { mode: 'router' }));
      await Promise.all(recs.map((r) => r.flush()));
      const rows = await t.store.db.selectFrom('usage').selectAll().where('account_id', '=', acct).execute();
      assert.equal(rows.length, 50);
      const charged = rows.reduce((s, r) => s + Number(r.charged_micros), 0);
      const shortfall = rows.reduce((s, r) => s + Number(r.shortfall_micros), 0);
      assert.equal(charged, 5_000);
      assert.equal(charged + shortfall, 50 * 1_245);
      assert.equal(await getBalanceMicros(t.store.db, acct), 0);
      await Promise.all(recs.map((r) => r.close()));
    });

    test('a queue that cannot be written is retried, bounded and reported', async () => {
      const broken = await openTestStore(dialect);
      const lines: string[] = [];
      const registry = new Registry();
      const metrics = billingMetrics(registry);
      const acct = await newAccount(broken.store);
      await ensureBalance(broken.store.db, acct, 1_000_000);
      const rec = recorder(broken.store, { maxQueue: 3, log: quietLog(lines), metrics });
      await broken.store.db.schema.dropTable('usage').execute(); // every write now fails
      for (let i = 0; i < 5; i++) rec.record(event(acct));
      await rec.flush();
      assert.equal(rec.depth, 3, 'bounded: the first 3 rows are kept for retry');
      const dropped = (await registry.getSingleMetric('opencompress_usage_rows_dropped_total')!.get()).values[0].value;
      assert.equal(dropped, 2);
      assert.ok(lines.some((l) => l.startsWith('error') && l.includes('dropped')));
      assert.ok(lines.some((l) => l.startsWith('error') && l.includes('failed')));
      assert.equal(await getBalanceMicros(broken.store.db, acct), 1_000_000, 'failed batches charge nothing (rolled back)');
      await rec.close();
      const droppedAfter = (await registry.getSingleMetric('opencompress_usage_rows_dropped_total')!.get()).values[0].value;
      assert.equal(droppedAfter, 5, 'rows still unwritten at shutdown are reported too');
      rec.record(event(acct));
      const late = (await registry.getSingleMetric('opencompress_usage_rows_dropped_total')!.get()).values[0].value;
      assert.equal(late, 6, 'a row recorded after close is reported, not silently kept');
      assert.ok(lines.some((l) => l.includes('after billing was closed')));
      await broken.close();
    });
  });
}
