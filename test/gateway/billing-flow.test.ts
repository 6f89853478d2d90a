// The gateway's side of the billing seam (billing/types.ts), with a recording Billing: admit is
// called before forwarding, refusals render as 429 (Retry-After, X-RateLimit-*) and 402, success
// carries the admission headers, release() runs exactly once per admitted request (also for
// failures and aborted streams), and record() receives a correct UsageEvent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { Admission, Billing, BillableKey, UsageEvent } from '../../src/billing/types.js';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

class RecordingBilling implements Billing {
  admits: BillableKey[] = [];
  events: UsageEvent[] = [];
  released = 0;
  next: Admission | null = null;
  /** when set, admit() waits for it (a slow balance or rate-limit check) */
  gate: Promise<void> | null = null;
  async admit(key: BillableKey): Promise<Admission> {
    this.admits.push(key);
    if (this.gate) await this.gate;
    const decision = this.next;
    this.next = null;
    if (decision) return decision;
    return { ok: true, headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59', 'x-ratelimit-reset': '60' }, release: () => void this.released++ };
  }
  record(event: UsageEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
  async waitForEvents(n: number): Promise<void> {
    for (let i = 0; i < 200 && this.events.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(this.events.length, n);
  }
  reset(): void {
    this.admits = [];
    this.events = [];
    this.released = 0;
  }
}

const rows = Array.from({ length: 30 }, (_, i) => ({ id: i, label: `row ${i}`, ok: i % 5 !== 0 }));
const compressible = [{ role: 'user' as const, content: JSON.stringify(rows, null, 2) + '\nWhich rows are not ok?' }];

describe('billing seam', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  const billing = new RecordingBilling();
  let key: string;
  let keyId: string;

  before(async () => {
    mock = await startMockUpstream();
    gw = await startGateway({ mock, overrides: { billing } });
    const created = await gw.createKey({ mode: 'byok' });
    key = created.key;
    keyId = created.id;
  });
  after(async () => {
    await gw.close();
    await mock.close();
  });

  test('admits, adds the rate-limit headers, releases once and records an ok event with upstream usage', async () => {
    billing.reset();
    mock.reset();
    const { data, response } = await gw.client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: compressible }).withResponse();
    assert.equal(response.headers.get('x-ratelimit-remaining'), '59');
    await billing.waitForEvents(1);
    assert.equal(billing.released, 1);
    assert.deepEqual(billing.admits[0], { id: keyId, accountId: gw.accountId, mode: 'byok', rpm: 0, concurrency: 0 });
    const e = billing.events[0];
    const original = Number(response.headers.get('x-opencompress-original-tokens'));
    const compressed = Number(response.headers.get('x-opencompress-compressed-tokens'));
    assert.equal(e.status, 'ok');
    assert.equal(e.keyId, keyId);
    assert.equal(e.mode, 'byok');
    assert.equal(e.model, 'gpt-4o-mini');
    assert.equal(e.usageReported, true);
    assert.equal(e.compressedInputTokens, data.usage!.prompt_tokens);
    assert.equal(e.originalInputTokens, data.usage!.prompt_tokens + (original - compressed));
    assert.equal(e.outputTokens, data.usage!.completion_tokens);
    assert.equal(e.requestId, response.headers.get('x-request-id'));
  });

  test('streamed usage and OpenRouter cost reach the event; level off is not_compressed', async () => {
    billing.reset();
    mock.reset();
    mock.behavior = { cost: 0.0012 };
    const router = (await gw.createKey({ mode: 'router' })).key;
    const stream = await gw
      .client(router, { defaultHeaders: { 'x-opencompress-level': 'off' } })
      .chat.completions.create({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'hello there' }] });
    for await (const _ of stream) void _;
    await billing.waitForEvents(1);
    const e = billing.events[0];
    assert.equal(e.mode, 'router');
    assert.equal(e.status, 'not_compressed');
    assert.equal(e.upstreamCostUsd, 0.0012);
    assert.equal(e.compressedInputTokens, mock.usageFor(mock.requests[0].body).prompt_tokens);
    assert.equal(e.originalInputTokens, e.compressedInputTokens);
    assert.equal(billing.released, 1);
  });

  test('rate_limited → 429 rate_limit_error with Retry-After and X-RateLimit-*; nothing forwarded', async () => {
    billing.reset();
    mock.reset();
    billing.next = { ok: false, reason: 'rate_limited', retryAfterSeconds: 12, headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '12' } };
    const res = await fetch(`${gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '12');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(((await res.json()) as any).error.type, 'rate_limit_error');
    assert.equal(mock.requests.length, 0);
  });

  test('insufficient_balance → 402 billing_error "Insufficient balance"', async () => {
    billing.reset();
    billing.next = { ok: false, reason: 'insufficient_balance', headers: {} };
    await assert.rejects(gw.client(key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (err: any) => {
      assert.equal(err.status, 402);
      assert.equal(err.error.type, 'billing_error');
      assert.equal(err.error.message, 'Insufficient balance');
      return true;
    });
  });

  test('upstream failure → upstream_error event, released once', async () => {
    billing.reset();
    mock.reset();
    mock.enqueue({ fail: 503 });
    await assert.rejects(gw.client(key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }));
    await billing.waitForEvents(1);
    assert.equal(billing.events[0].status, 'upstream_error');
    assert.equal(billing.events[0].usageReported, false);
    assert.equal(billing.released, 1);
  });

  test('client abort mid-stream → client_aborted event, released once', async () => {
    billing.reset();
    mock.reset();
    mock.enqueue({ content: 'w '.repeat(100), chunkDelayMs: 20 });
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${gw.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
      req.on('response', (res) => res.once('data', () => (req.destroy(), resolve())));
      req.on('error', () => undefined);
      req.end(JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }));
    });
    await billing.waitForEvents(1);
    assert.equal(billing.events[0].status, 'client_aborted');
    assert.equal(billing.released, 1);
  });

  for (const [route, body] of [
    ['chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] }],
    ['messages', { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }],
  ] as const) {
    test(`/v1/${route}: a client that leaves during admission is released and recorded once, nothing forwarded`, async () => {
      billing.reset();
      mock.reset();
      let open!: () => void;
      billing.gate = new Promise<void>((r) => (open = r));
      const req = httpRequest(`${gw.baseUrl}/${route}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
      req.on('error', () => undefined);
      req.end(JSON.stringify(body));
      for (let i = 0; i < 200 && billing.admits.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(billing.admits.length, 1, 'admission started');
      req.destroy();
      await new Promise((r) => setTimeout(r, 50));
      billing.gate = null;
      open();
      await billing.waitForEvents(1);
      assert.equal(billing.events[0].status, 'client_aborted');
      assert.equal(billing.released, 1);
      assert.equal(mock.requests.length, 0, 'nothing forwarded upstream');
    });
  }

  for (const [route, body] of [
    ['chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] }],
    ['messages', { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }],
  ] as const) {
    test(`/v1/${route}: a client that leaves before the upstream answered is client_aborted, not an upstream failure`, async () => {
      billing.reset();
      mock.reset();
      mock.enqueue({ hang: true });
      const upstreamErrors = async () => {
        const text = await (await fetch(`${gw.url}/metrics`)).text();
        return [...text.matchAll(/^opencompress_upstream_errors_total\{kind="([a-z_0-9]+)"\} (\d+)/gm)].reduce((n, m) => n + Number(m[2]), 0);
      };
      const errorsBefore = await upstreamErrors();
      const logsBefore = gw.logs.length;
      const req = httpRequest(`${gw.baseUrl}/${route}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
      req.on('error', () => undefined);
      req.end(JSON.stringify(body));
      for (let i = 0; i < 200 && mock.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(mock.requests.length, 1, 'forwarded; the upstream is thinking');
      req.destroy();
      await mock.waitForAborts(1);
      await billing.waitForEvents(1);
      assert.equal(billing.events[0].status, 'client_aborted');
      assert.equal(billing.released, 1);
      assert.equal(await upstreamErrors(), errorsBefore, 'no upstream error counted');
      await new Promise((r) => setTimeout(r, 50));
      const line = gw.logs.slice(logsBefore).map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.url === `/v1/${route}`);
      assert.equal(line?.outcome, 'client_aborted', JSON.stringify(line));
      assert.equal(line.status, 499);
      assert.ok(!gw.logs.slice(logsBefore).some((l) => l.includes('unhandled error')));
    });
  }
});
