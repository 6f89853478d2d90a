// The smaller routes: GET /v1/models (Router list, BYOK upstream list), POST /v1/compress,
// GET /healthz, GET /metrics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('routes', () => {
  let mock: MockUpstream;
  let gw: TestGateway;

  before(async () => {
    mock = await startMockUpstream();
    gw = await startGateway({ mock, config: { routerModels: ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5'] } });
  });
  after(async () => {
    await gw.close();
    await mock.close();
  });

  test('GET /v1/models: Router keys see the configured list', async () => {
    const { key } = await gw.createKey({ mode: 'router' });
    const models = [];
    for await (const m of gw.client(key).models.list()) models.push(m.id);
    assert.deepEqual(models, ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5']);
  });

  test('GET /v1/models: BYOK keys see the upstream list', async () => {
    mock.reset();
    const { key } = await gw.createKey({ mode: 'byok' });
    const models = [];
    for await (const m of gw.client(key).models.list()) models.push(m.id);
    assert.deepEqual(models, ['mock-model', 'mock-model-large']);
    assert.equal(mock.requests[0].url, '/v1/models');
  });

  test('GET /v1/models needs a key', async () => {
    const res = await fetch(`${gw.baseUrl}/models`);
    assert.equal(res.status, 401);
  });

  test('POST /v1/compress runs the engine only (no upstream call)', async () => {
    mock.reset();
    const { key } = await gw.createKey({ mode: 'byok' });
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item-${i}`, status: i % 7 === 0 ? 'error' : 'ok' }));
    const messages = [{ role: 'user', content: 'Data:\n' + JSON.stringify(rows, null, 2) + '\nWhich items have status error?' }];
    const res = await fetch(`${gw.baseUrl}/compress`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages, level: 'balanced', model: 'gpt-4o' }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.ok(body.stats.compressedTokens < body.stats.originalTokens);
    assert.ok(body.messages[0].content.length < messages[0].content.length);
    assert.equal(mock.requests.length, 0);
    const unauth = await fetch(`${gw.baseUrl}/compress`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
    assert.equal(unauth.status, 401);
  });

  test('GET /healthz and GET /metrics', async () => {
    const health = await fetch(`${gw.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const metrics = await fetch(`${gw.url}/metrics`);
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    for (const name of [
      'opencompress_requests_total',
      'opencompress_request_duration_seconds',
      'opencompress_gateway_overhead_seconds',
      'opencompress_compression_ratio',
      'opencompress_tokens_saved_total',
      'opencompress_upstream_errors_total',
      'opencompress_process_resident_memory_bytes',
    ]) {
      assert.ok(text.includes(name), name);
    }
    assert.match(text, /opencompress_requests_total\{route="\/v1\/models",status="200",mode="router"\} 1/);
  });

  test('every relayed request observes the gateway overhead and logs upstreamMs and outcome', async () => {
    const { key, id } = await gw.createKey({ mode: 'byok' });
    const client = gw.client(key);
    const count = async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      return Number(/^opencompress_gateway_overhead_seconds_count (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await count();
    const messages = [{ role: 'user' as const, content: 'Tell me a story.' }];
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) void _;
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { headers: { 'x-opencompress-level': 'off' } });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await count()) - before, 3, 'one overhead observation per relayed request');
    const lines = gw.logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'request' && l.keyId === id && l.url === '/v1/chat/completions');
    assert.equal(lines.length, 3);
    for (const l of lines) {
      assert.equal(l.outcome, 'ok');
      assert.equal(typeof l.upstreamMs, 'number');
      assert.ok(l.upstreamMs >= 0 && l.upstreamMs <= l.ms, `upstreamMs ${l.upstreamMs} within ms ${l.ms}`);
      assert.equal(l.upstreamStatus, 200);
    }
  });
});
