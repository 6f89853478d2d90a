// The read functions behind the dashboard and /v1/usage, on SQLite and PostgreSQL: filters and
// paging, CSV, monthly aggregates, the zero-filled 30-day series, balance and ledger pages.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { DIALECTS, useTestStore } from '../store/test-db.js';
import { insertAccount } from '../../src/store/accounts.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { BalanceCache } from '../../src/billing/balances.js';
import { UsageRecorder } from '../../src/billing/recorder.js';
import { loadPriceTable } from '../../src/billing/prices.js';
import { billingMetrics } from '../../src/billing/metrics.js';
import { balance, dailySeries, grantCredits, ledgerEntries, monthlyAggregates, monthTotals, usageCsv, usagePage, usageSummary } from '../../src/billing/reports.js';
import type { UsageEvent } from '../../src/billing/types.js';

const NOW = new Date('2026-03-15T12:00:00Z');
const silent = { info() {}, warn() {}, error() {} };

for (const dialect of DIALECTS) {
  describe(`billing reports (${dialect})`, () => {
    const t = useTestStore(dialect);
    const acct = newId('acct');
    const other = newId('acct');
    const mixed = newId('acct');

    before(async () => {
      for (const id of [acct, other, mixed]) await insertAccount(t.store.db, { id, email: `${id}@example.test`, password_hash: null, created_at: nowIso() });
      const rec = new UsageRecorder({
        db: t.store.db,
        prices: loadPriceTable(),
        feeRate: 0.2,
        freeCreditMicros: 1_000_000,
        balances: new BalanceCache(t.store.db, 1_000_000),
        metrics: billingMetrics(new Registry()),
        log: silent,
      });
      const ev = (at: string, over: Partial<UsageEvent> = {}): UsageEvent => ({
        requestId: newId('req'),
        at: new Date(at),
        accountId: acct,
        keyId: 'key_a',
        mode: 'byok',
        model: 'gpt-4o-mini',
        originalInputTokens: 10_000,
        compressedInputTokens: 6_000,
        usageReported: true,
        outputTokens: 500,
        cachedInputTokens: 0,
        status: 'ok',
        latencyMs: 10,
        ...over,
      });
      rec.record(ev('2026-01-20T10:00:00Z')); // an earlier month
      rec.record(ev('2026-03-01T00:00:00Z'));
      rec.record(ev('2026-03-14T09:00:00Z', { keyId: 'key_b', model: 'anthropic/claude-sonnet-4.5', originalInputTokens: 2_000, compressedInputTokens: 1_000 }));
      rec.record(ev('2026-03-15T11:00:00Z', { status: 'upstream_error', usageReported: false }));
      rec.record(ev('2026-03-15T11:30:00Z', { model: '=HYPERLINK("x"), evil' }));
      rec.record(ev('2026-03-15T11:00:00Z', { accountId: other }));
      // one row per status, all on 2026-03-10 (see "avg_compression_rate counts ...")
      const day = '2026-03-10T08:00:00Z';
      rec.record(ev(day, { accountId: mixed, status: 'ok', originalInputTokens: 10_000, compressedInputTokens: 6_000 }));
      rec.record(ev(day, { accountId: mixed, status: 'guard_reverted', originalInputTokens: 5_000, compressedInputTokens: 5_000 }));
      rec.record(ev(day, { accountId: mixed, status: 'not_compressed', originalInputTokens: 8_000, compressedInputTokens: 8_000 }));
      rec.record(ev(day, { accountId: mixed, status: 'upstream_error', usageReported: false, originalInputTokens: 10_000, compressedInputTokens: 6_000 }));
      rec.record(ev(day, { accountId: mixed, status: 'invalid_request', usageReported: false, originalInputTokens: 3_000, compressedInputTokens: 3_000 }));
      rec.record(ev(day, { accountId: mixed, status: 'client_aborted', usageReported: true, originalInputTokens: 4_000, compressedInputTokens: 2_000 }));
      rec.record(ev(day, { accountId: mixed, status: 'client_aborted', usageReported: false, originalInputTokens: 4_000, compressedInputTokens: 3_000 }));
      await rec.close();
    });

    test('usagePage: newest first, filters by key, model, status and date range, paged', async () => {
      const all = await usagePage(t.store.db, { accountId: acct }, { limit: 2 });
      assert.equal(all.total, 5, "only this account's rows");
      assert.equal(all.data.length, 2);
      assert.equal(all.data[0].created_at, '2026-03-15T11:30:00.000Z');
      const page2 = await usagePage(t.store.db, { accountId: acct }, { limit: 2, offset: 2 });
      assert.equal(page2.data[0].created_at, '2026-03-14T09:00:00.000Z');
      assert.equal((await usagePage(t.store.db, { accountId: acct, keyId: 'key_b' })).total, 1);
      assert.equal((await usagePage(t.store.db, { accountId: acct, model: 'gpt-4o-mini' })).total, 3);
      assert.equal((await usagePage(t.store.db, { accountId: acct, status: 'upstream_error' })).total, 1);
      const march = await usagePage(t.store.db, { accountId: acct, from: '2026-03-01T00:00:00Z', to: '2026-03-15T00:00:00Z' });
      assert.equal(march.total, 2, 'from is inclusive, to exclusive, whatever the ISO spelling');
      assert.equal((await usagePage(t.store.db, { accountId: acct, from: '2026-03-14', to: '2026-03-15' })).total, 1);
      await assert.rejects(usagePage(t.store.db, { accountId: acct, from: 'yesterday' }), /invalid date/);
      const row = (await usagePage(t.store.db, { accountId: acct, keyId: 'key_b' })).data[0];
      // claude-sonnet-4.5 at $3/1M: 1,000 saved tokens = 3,000 µ$; fee 600 µ$
      assert.deepEqual(
        { saved: row.tokens_saved, rate: row.compression_rate, savings: row.savings_usd, fee: row.fee_usd, charged: row.charged_usd },
        { saved: 1_000, rate: 0.5, savings: 0.003, fee: 0.0006, charged: 0.0006 },
      );
    });

    test('usageCsv: header, one line per row, quoted and formula-safe cells', async () => {
      const csv = await usageCsv(t.store.db, { accountId: acct });
      const lines = csv.trimEnd().split('\r\n');
      assert.equal(lines.length, 6);
      assert.match(lines[0], /^created_at,request_id,key_id,mode,model,status,original_input_tokens/);
      assert.ok(lines[1].includes(`"'=HYPERLINK(""x""), evil"`), lines[1]);
    });

    test('monthTotals and usageSummary: the calendar month (UTC) of `now`', async () => {
      const m = await monthTotals(t.store.db, acct, NOW);
      assert.equal(m.month, '2026-03');
      assert.equal(m.calls, 4);
      // ok rows: gpt-4o-mini 4,000 saved (600 µ$, fee 120), sonnet 1,000 saved (3,000 µ$, fee 600), the
      // unknown model 4,000 saved but unpriced (no savings, no fee); the failed row saves nothing
      assert.equal(m.tokens_saved, 9_000);
      assert.equal(m.savings_usd, (600 + 3_000) / 1e6);
      assert.equal(m.fees_usd, (120 + 600) / 1e6);
      assert.equal(m.original_input_tokens, 32_000);
      // the rate counts the three ok rows only (22,000 original tokens), not the failed one
      assert.equal(m.avg_compression_rate, Math.round((9_000 / 22_000) * 10_000) / 10_000);
      const s = await usageSummary(t.store.db, acct, 1, NOW);
      assert.equal(s.balance_usd, (1_000_000 - 120 * 2 - 600) / 1e6);
      assert.deepEqual(Object.keys(s.month).sort(), ['avg_compression_rate', 'calls', 'charged_usd', 'compressed_input_tokens', 'fees_usd', 'month', 'original_input_tokens', 'savings_usd', 'tokens_saved']);
    });

    test('avg_compression_rate counts only requests sent and answered in full (ok, guard_reverted)', async () => {
      // Rows: ok 10,000 → 6,000 (saves 4,000); guard_reverted 5,000 (saves 0); not_compressed 8,000;
      // upstream_error 10,000; invalid_request 3,000; client_aborted with usage 4,000 → 2,000 (billed,
      // saves 2,000); client_aborted without usage 4,000. Rate = 4,000 / (10,000 + 5,000) = 0.2667.
      // (Over every row it would be 6,000 / 44,000 = 0.1364.)
      const expectedRate = 0.2667;
      const m = await monthTotals(t.store.db, mixed, NOW);
      assert.equal(m.calls, 7);
      assert.equal(m.original_input_tokens, 44_000, 'the token totals still count every request');
      assert.equal(m.compressed_input_tokens, 6_000 + 5_000 + 8_000 + 6_000 + 3_000 + 2_000 + 3_000);
      assert.equal(m.tokens_saved, 6_000);
      assert.equal(m.avg_compression_rate, expectedRate);
      const s = await usageSummary(t.store.db, mixed, 1, NOW);
      assert.equal(s.month.avg_compression_rate, expectedRate);
      assert.equal(s.month.original_input_tokens, 44_000);
      const months = await monthlyAggregates(t.store.db, mixed, { now: NOW });
      assert.deepEqual(months.map((x) => [x.month, x.calls, x.avg_compression_rate]), [['2026-03', 7, expectedRate]]);
      const days = await dailySeries(t.store.db, mixed, { now: NOW });
      const d = days.find((x) => x.date === '2026-03-10')!;
      assert.equal(d.avg_compression_rate, expectedRate);
      assert.equal(days.find((x) => x.date === '2026-03-11')!.avg_compression_rate, 0, 'an idle day has rate 0');
    });

    test('monthlyAggregates and the zero-filled daily series', async () => {
      const months = await monthlyAggregates(t.store.db, acct, { now: NOW, months: 12 });
      assert.deepEqual(months.map((m) => [m.month, m.calls]), [['2026-01', 1], ['2026-03', 4]]);
      const days = await dailySeries(t.store.db, acct, { now: NOW });
      assert.equal(days.length, 30);
      assert.equal(days[29].date, '2026-03-15');
      assert.equal(days[0].date, '2026-02-14');
      assert.equal(days[29].calls, 2);
      assert.equal(days.find((d) => d.date === '2026-03-14')!.tokens_saved, 1_000);
      assert.equal(days.find((d) => d.date === '2026-03-02')!.calls, 0);
      assert.equal(days.reduce((s, d) => s + d.calls, 0), 4);
    });

    test('balance, grants and ledger pages', async () => {
      const before = await balance(t.store.db, other, 1);
      const after = await grantCredits(t.store.db, other, 2.5, 'thanks', 1);
      assert.equal(after.balance_micros, before.balance_micros + 2_500_000);
      const page = await ledgerEntries(t.store.db, other, { limit: 10 });
      assert.deepEqual(page.data.map((e) => e.kind), ['grant', 'charge', 'free_credit']);
      assert.equal(page.data[0].amount_usd, 2.5);
      assert.equal(page.data[0].note, 'thanks');
      assert.equal(page.data[1].amount_usd, -0.00012);
      assert.equal(page.total, 3);
      assert.equal((await ledgerEntries(t.store.db, other, { kind: 'grant' })).total, 1);
    });
  });
}
