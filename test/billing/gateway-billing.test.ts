// Billing end to end: the official `openai` client → the gateway (real engine, real billing, real
// SQLite or PostgreSQL) → the mock upstream, which reports usage. Money is recomputed here by hand
// from what the client observed (the engine's token headers and the upstream's usage), with the
// gpt-4o-mini prices written out: $0.15 / 1M input = 0.15 micro-dollars per token, $0.60 output.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { startGateway, MOCK_UPSTREAM_KEY, type TestGateway } from '../helpers/gateway.js';
import { createTestDb, type TestDb } from '../store/test-db.js';
import { createAccount } from '../../src/accounts/accounts.js';
import { createBilling } from '../../src/billing/index.js';
import { grantCredits } from '../../src/billing/reports.js';
import { openBalance, getBalanceMicros, sumLedger, listLedger } from '../../src/store/ledger.js';
import type { AppOverrides } from '../../src/gateway/app.js';

// A prompt the engine shrinks (pretty-printed same-shape JSON rows + repeated whitespace), with the question last.
const rows = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `item-${i + 1}`, status: i % 3 ? 'active' : 'paused', owner: 'team-a' }));
const PROMPT = `Inventory export:\n\n${JSON.stringify(rows, null, 4)}\n\nWhich items are paused? Answer with their ids.`;
const MESSAGES = [{ role: 'user' as const, content: PROMPT }];

/** half-up rounding of n / d for non-negative integers */
const roundDiv = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));
const savingsOf = (savedTokens: number) => roundDiv(savedTokens * 15, 100); // × 0.15 micro-dollars per token
const feeOf = (savings: number) => roundDiv(savings * 20, 100); // 20%
const tableCostOf = (promptTokens: number, outputTokens: number) => roundDiv(promptTokens * 15 + outputTokens * 60, 100);

// Deterministic admissions: no balance cache (the default is 1 s), so a test sees every balance change at once.
const billingOverride: AppOverrides['billing'] = (base) =>
  createBilling(base.config, base.store, { log: base.logger, registry: base.metrics.registry, balanceCacheMs: 0, flushDelayMs: 5 });

interface Observed {
  requestId: string;
  original: number;
  compressed: number;
  promptTokens: number;
  completionTokens: number;
}

async function chat(client: OpenAI, model = 'gpt-4o-mini'): Promise<Observed> {
  const { data, response } = await client.chat.completions.create({ model, messages: MESSAGES }).withResponse();
  const original = Number(response.headers.get('x-opencompress-original-tokens'));
  const compressed = Number(response.headers.get('x-opencompress-compressed-tokens'));
  assert.ok(original > compressed, 'the prompt was compressed');
  return {
    requestId: response.headers.get('x-request-id')!,
    original,
    compressed,
    promptTokens: data.usage!.prompt_tokens,
    completionTokens: data.usage!.completion_tokens,
  };
}

async function getJson(gw: TestGateway, path: string, key: string): Promise<any> {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`billing end to end (${dialect})`, () => {
    let mock: MockUpstream;
    let gw: TestGateway;
    let testDb: TestDb | undefined;

    before(async () => {
      mock = await startMockUpstream();
      testDb = dialect === 'postgres' ? await createTestDb('postgres') : undefined;
      gw = await startGateway({ mock, config: testDb ? { databaseUrl: testDb.url } : {}, overrides: { billing: billingOverride } });
    });
    after(async () => {
      await gw?.close();
      await mock?.close();
      await testDb?.drop();
    });

    const db = () => gw.app.services.store.db;
    const flush = () => gw.app.services.billing.flush();
    const newAccount = async () => (await createAccount(gw.app.services.store, { email: `${Math.random().toString(36).slice(2)}@example.com` })).id;

    test('after N BYOK requests, usage rows, savings, fees and balance equal the hand-computed values', async () => {
      const { key } = await gw.createKey({ mode: 'byok' });
      const client = gw.client(key);
      const seen: Observed[] = [];
      for (let i = 0; i < 3; i++) seen.push(await chat(client));
      await flush();

      const { data } = await getJson(gw, '/v1/usage?limit=10', key);
      assert.equal(data.length, 3);
      assert.deepEqual(data.map((r: any) => r.request_id), seen.map((s) => s.requestId).reverse(), 'newest first');
      let fees = 0;
      let savings = 0;
      let saved = 0;
      let original = 0;
      for (const s of seen) {
        const row = data.find((r: any) => r.request_id === s.requestId);
        const tokensSaved = s.original - s.compressed;
        const expectedSavings = savingsOf(tokensSaved);
        const expectedFee = feeOf(expectedSavings);
        assert.equal(row.status, 'ok');
        assert.equal(row.mode, 'byok');
        assert.equal(row.model, 'gpt-4o-mini');
        assert.equal(row.compressed_input_tokens, s.promptTokens, "the upstream's prompt_tokens is the compressed count");
        assert.equal(row.original_input_tokens, s.promptTokens + tokensSaved);
        assert.equal(row.tokens_saved, tokensSaved);
        assert.equal(row.output_tokens, s.completionTokens);
        assert.equal(row.savings_usd, expectedSavings / 1e6);
        assert.equal(row.fee_usd, expectedFee / 1e6);
        assert.equal(row.charged_usd, expectedFee / 1e6, 'BYOK pays the fee only');
        assert.ok(expectedFee > 0, 'the example is big enough to cost something');
        fees += expectedFee;
        savings += expectedSavings;
        saved += tokensSaved;
        original += s.promptTokens + tokensSaved;
      }
      const summary = await getJson(gw, '/v1/usage/summary', key);
      assert.equal(summary.balance_usd, (1_000_000 - fees) / 1e6, 'free credit $1 minus the fees');
      assert.equal(summary.month.calls, 3);
      assert.equal(summary.month.tokens_saved, saved);
      assert.equal(summary.month.original_input_tokens, original);
      assert.equal(summary.month.savings_usd, savings / 1e6);
      assert.equal(summary.month.fees_usd, fees / 1e6);
      assert.equal(summary.month.charged_usd, fees / 1e6);
      assert.equal(summary.month.avg_compression_rate, Math.round((saved / original) * 10_000) / 10_000);
      assert.equal(await sumLedger(db(), gw.accountId), 1_000_000 - fees, 'the ledger sums to the balance');
    });

    test('Router pays the LLM cost (usage.cost, else the table) plus the fee; BYOK the fee only', async () => {
      const accountId = await newAccount();
      const router = gw.client((await gw.createKey({ mode: 'router', accountId })).key);
      const byok = gw.client((await gw.createKey({ mode: 'byok', accountId })).key);
      mock.enqueue({ cost: 0.000421 });
      const withCost = await chat(router);
      const fromTable = await chat(router);
      const viaByok = await chat(byok);
      await flush();
      const rowsById = new Map(
        (await db().selectFrom('usage').selectAll().where('account_id', '=', accountId).execute()).map((r) => [r.request_id, r]),
      );
      const fee = (o: Observed) => feeOf(savingsOf(o.original - o.compressed));
      const r1 = rowsById.get(withCost.requestId)!;
      assert.equal(Number(r1.llm_cost_micros), 421);
      assert.equal(Number(r1.charged_micros), 421 + fee(withCost));
      const r2 = rowsById.get(fromTable.requestId)!;
      const cost2 = tableCostOf(fromTable.promptTokens, fromTable.completionTokens);
      assert.equal(Number(r2.llm_cost_micros), cost2);
      assert.equal(Number(r2.charged_micros), cost2 + fee(fromTable));
      const r3 = rowsById.get(viaByok.requestId)!;
      assert.equal(Number(r3.charged_micros), fee(viaByok));
      assert.ok(Number(r2.charged_micros) > Number(r3.charged_micros));
      const spent = Number(r1.charged_micros) + Number(r2.charged_micros) + Number(r3.charged_micros);
      assert.equal(await getBalanceMicros(db(), accountId), 1_000_000 - spent);
    });

    test('402 billing_error at zero balance, nothing forwarded, nothing charged; a grant re-opens it', async () => {
      const accountId = await newAccount();
      await openBalance(db(), accountId, 0, 'test: empty'); // before the lazy free credit
      const { key } = await gw.createKey({ mode: 'byok', accountId });
      const client = gw.client(key);
      const before = mock.requests.length;
      await assert.rejects(chat(client), (err: any) => {
        assert.equal(err.status, 402);
        assert.equal(err.error?.type, 'billing_error');
        assert.match(err.message, /Insufficient balance/);
        return true;
      });
      assert.equal(mock.requests.length, before, 'the upstream was not called');
      await flush();
      assert.equal(await getBalanceMicros(db(), accountId), 0);
      assert.equal((await listLedger(db(), accountId, { kind: 'charge' })).length, 0);
      await grantCredits(db(), accountId, 0.5, 'top-up', gw.config.freeCreditUsd);
      await chat(client);
    });

    test('429 rate_limit_error after the per-key limit, with X-RateLimit-* and Retry-After', async () => {
      const accountId = await newAccount();
      const { key } = await gw.app.services.keys.create({ accountId, mode: 'byok', upstreamBaseUrl: mock.baseUrl, upstreamKey: MOCK_UPSTREAM_KEY, rpm: 2, concurrency: 0 });
      const client = gw.client(key);
      const remaining: string[] = [];
      for (let i = 0; i < 2; i++) {
        const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
        assert.equal(response.headers.get('x-ratelimit-limit'), '2');
        remaining.push(response.headers.get('x-ratelimit-remaining')!);
        const reset = Number(response.headers.get('x-ratelimit-reset'));
        assert.ok(reset >= 1 && reset <= 60);
      }
      assert.deepEqual(remaining, ['1', '0']);
      const before = mock.requests.length;
      await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }), (err: any) => {
        assert.equal(err.status, 429);
        assert.equal(err.error?.type, 'rate_limit_error');
        const retryAfter = Number(err.headers.get('retry-after'));
        assert.ok(retryAfter >= 1 && retryAfter <= 60);
        assert.equal(err.headers.get('x-ratelimit-limit'), '2');
        assert.equal(err.headers.get('x-ratelimit-remaining'), '0');
        return true;
      });
      assert.equal(mock.requests.length, before);
    });

    test('concurrency limit: a second request while one is streaming gets 429 with X-RateLimit-*; the stream finishes', async () => {
      const accountId = await newAccount();
      const { key } = await gw.app.services.keys.create({ accountId, mode: 'byok', upstreamBaseUrl: mock.baseUrl, upstreamKey: MOCK_UPSTREAM_KEY, rpm: 5, concurrency: 1 });
      const client = gw.client(key);
      mock.enqueue({ chunkDelayMs: 30, chunks: 6, content: 'one two three four five six' });
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true });
      await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }), (err: any) => {
        assert.equal(err.status, 429);
        assert.equal(err.error?.type, 'rate_limit_error');
        assert.equal(err.headers.get('retry-after'), '1');
        // the rpm window's numbers; the refused request is not counted
        assert.equal(err.headers.get('x-ratelimit-limit'), '5');
        assert.equal(err.headers.get('x-ratelimit-remaining'), '4');
        const reset = Number(err.headers.get('x-ratelimit-reset'));
        assert.ok(reset >= 1 && reset <= 60, String(reset));
        return true;
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      assert.equal(text.replace(/\s+/g, ' ').trim(), 'one two three four five six');
    });

    test('an in-flight stream finishes even when the balance runs out meanwhile', async () => {
      const accountId = await newAccount();
      await openBalance(db(), accountId, 1, 'test: one micro-dollar');
      const router = gw.client((await gw.createKey({ mode: 'router', accountId })).key);
      mock.enqueue({ chunkDelayMs: 20, chunks: 5, content: 'a b c d e', cost: 0.01 });
      const slow = await router.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
      // another request of the same account drains the balance while the stream is running
      mock.enqueue({ cost: 0.01 });
      await chat(router);
      await flush();
      assert.equal(await getBalanceMicros(db(), accountId), 0);
      let text = '';
      for await (const chunk of slow) text += chunk.choices[0]?.delta?.content ?? '';
      assert.equal(text.replace(/\s+/g, ' ').trim(), 'a b c d e');
      await flush();
      const usage = await db().selectFrom('usage').selectAll().where('account_id', '=', accountId).execute();
      assert.equal(usage.length, 2);
      assert.equal(usage.reduce((s, r) => s + Number(r.charged_micros), 0), 1, 'only what the balance held was taken');
      assert.ok(usage.every((r) => Number(r.shortfall_micros) + Number(r.charged_micros) > 10_000));
      await assert.rejects(chat(router), (err: any) => err.status === 402);
    });

    test('a client that disconnects mid-stream, before the upstream reported usage, is charged nothing', async () => {
      const accountId = await newAccount();
      const router = gw.client((await gw.createKey({ mode: 'router', accountId })).key);
      mock.enqueue({ hangAfterChunks: 2, cost: 0.01 });
      const controller = new AbortController();
      const stream = await router.chat.completions.create(
        { model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
        { signal: controller.signal },
      );
      try {
        for await (const _ of stream) controller.abort(); // leave after the first chunk
      } catch {
        /* the SDK may surface the abort as an error */
      }
      await mock.waitForAborts(1);
      let row;
      for (let i = 0; i < 50 && !row; i++) {
        await flush();
        row = await db().selectFrom('usage').selectAll().where('account_id', '=', accountId).executeTakeFirst();
        if (!row) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(row, 'the aborted request left a usage row');
      assert.equal(row.status, 'client_aborted');
      assert.equal(Number(row.usage_reported), 0);
      assert.equal(Number(row.fee_micros), 0);
      assert.equal(Number(row.charged_micros), 0);
      assert.equal(await getBalanceMicros(db(), accountId), 1_000_000);
    });

    test('unknown model: served, no fee, counted in /metrics and logged once per model', async () => {
      const accountId = await newAccount();
      const { key } = await gw.createKey({ mode: 'byok', accountId });
      const client = gw.client(key);
      const model = `acme-private-${dialect}`;
      const { data, response } = await client.chat.completions.create({ model, messages: MESSAGES }).withResponse();
      assert.ok(data.choices.length > 0);
      assert.ok(Number(response.headers.get('x-opencompress-original-tokens')) > Number(response.headers.get('x-opencompress-compressed-tokens')));
      await client.chat.completions.create({ model, messages: MESSAGES });
      await flush();
      const usage = await db().selectFrom('usage').selectAll().where('account_id', '=', accountId).execute();
      assert.equal(usage.length, 2);
      for (const r of usage) {
        assert.equal(Number(r.price_known), 0);
        assert.equal(Number(r.fee_micros), 0);
        assert.equal(Number(r.charged_micros), 0);
      }
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(metrics, /opencompress_billing_unknown_model_total \d+/);
      assert.ok(Number(/opencompress_billing_unknown_model_total (\d+)/.exec(metrics)![1]) >= 2);
      assert.equal(gw.logs.filter((l) => l.includes(model) && l.includes('price table')).length, 1);

      // An unlisted 4-digit snapshot of a known model is an unknown model too (it used to fall back
      // to gpt-4o-mini and pay a fee): served, no fee, warned once.
      const snapshot = `gpt-4o-mini-26${dialect === 'sqlite' ? '07' : '08'}`;
      for (let i = 0; i < 2; i++) assert.ok((await client.chat.completions.create({ model: snapshot, messages: MESSAGES })).choices.length > 0);
      await flush();
      const snapRows = await db().selectFrom('usage').selectAll().where('account_id', '=', accountId).where('model', '=', snapshot).execute();
      assert.equal(snapRows.length, 2);
      for (const r of snapRows) {
        assert.equal(r.status, 'ok');
        assert.equal(Number(r.price_known), 0);
        assert.equal(Number(r.fee_micros), 0);
        assert.equal(Number(r.charged_micros), 0);
      }
      assert.equal(gw.logs.filter((l) => l.includes(snapshot) && l.includes('price table')).length, 1);
    });

    test('overdraw race: 50 concurrent Router requests against a nearly empty balance never overdraw', async () => {
      const accountId = await newAccount();
      await openBalance(db(), accountId, 2_000, 'test: nearly empty');
      const { key } = await gw.createKey({ mode: 'router', accountId });
      const client = gw.client(key);
      mock.behavior = { cost: 0.0005 };
      try {
        const results = await Promise.allSettled(Array.from({ length: 50 }, () => chat(client)));
        const served = results.filter((r) => r.status === 'fulfilled').length;
        const refused = results.filter((r) => r.status === 'rejected' && (r.reason as any).status === 402).length;
        assert.equal(served + refused, 50, 'every request was either served or refused with 402');
        await flush();
        const balance = await getBalanceMicros(db(), accountId);
        const usage = await db().selectFrom('usage').selectAll().where('account_id', '=', accountId).execute();
        assert.equal(usage.length, served);
        const charged = usage.reduce((s, r) => s + Number(r.charged_micros), 0);
        assert.ok(balance! >= 0);
        assert.equal(charged + balance!, 2_000, 'exactly what was taken left the balance');
        assert.ok(served >= 4, 'enough requests were served to drain it');
        assert.equal(balance, 0);
        assert.equal(await sumLedger(db(), accountId), 0);
      } finally {
        mock.behavior = {};
      }
    });
  });
}
