// GET /v1/usage and /v1/usage/summary (src/gateway/routes/usage.ts): key authentication, the key's
// own rows only, limit validation, the summary's shape.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('GET /v1/usage, /v1/usage/summary', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  let keyA = '';
  let keyB = '';

  before(async () => {
    mock = await startMockUpstream();
    gw = await startGateway({ mock });
    keyA = (await gw.createKey({ mode: 'byok' })).key;
    keyB = (await gw.createKey({ mode: 'byok' })).key;
    const messages = [{ role: 'user' as const, content: 'Summarise:   lots   of   spaces   here.\n\n\n\nWhat is this?' }];
    await gw.client(keyA).chat.completions.create({ model: 'gpt-4o-mini', messages });
    await gw.client(keyA).chat.completions.create({ model: 'gpt-4o', messages });
    await gw.client(keyB).chat.completions.create({ model: 'gpt-4o-mini', messages });
    await gw.app.services.billing.flush();
  });
  after(async () => {
    await gw?.close();
    await mock?.close();
  });

  const get = (path: string, key?: string) => fetch(`${gw.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  test('lists only the calling key’s rows, newest first, honouring limit', async () => {
    const res = await get('/v1/usage?limit=10', keyA);
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.data.length, 2);
    assert.deepEqual(body.data.map((r: any) => r.model), ['gpt-4o', 'gpt-4o-mini']);
    for (const field of ['created_at', 'request_id', 'original_input_tokens', 'compressed_input_tokens', 'output_tokens', 'cached_input_tokens', 'compression_rate', 'savings_usd', 'fee_usd', 'charged_usd', 'status']) {
      assert.ok(field in body.data[0], field);
    }
    const one = (await (await get('/v1/usage?limit=1', keyA)).json()) as any;
    assert.equal(one.data.length, 1);
    assert.equal(one.has_more, true);
    assert.equal(((await (await get('/v1/usage', keyB)).json()) as any).data.length, 1);
  });

  test('summary: balance and this month for the key’s account', async () => {
    const body = (await (await get('/v1/usage/summary', keyB)).json()) as any;
    assert.equal(typeof body.balance_usd, 'number');
    assert.ok(body.balance_usd <= 1 && body.balance_usd > 0.99);
    assert.equal(body.month.calls, 3, 'the whole account, both keys');
    for (const f of ['original_input_tokens', 'compressed_input_tokens', 'tokens_saved', 'savings_usd', 'fees_usd', 'charged_usd', 'avg_compression_rate']) assert.equal(typeof body.month[f], 'number', f);
  });

  test('401 without or with a bad key; 400 for a bad limit', async () => {
    assert.equal((await get('/v1/usage')).status, 401);
    assert.equal((await get('/v1/usage/summary', 'sk-occ-nope')).status, 401);
    for (const bad of ['0', '501', 'abc', '1.5', '-3']) {
      const res = await get(`/v1/usage?limit=${bad}`, keyA);
      assert.equal(res.status, 400, bad);
      assert.equal(((await res.json()) as any).error.type, 'invalid_request_error');
    }
  });
});
