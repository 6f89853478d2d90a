// Provider profiles: URL and header rules as units, then each quirk end to end through the
// gateway against the mock upstream (Azure deployments + api-key + api-version, Anthropic's
// compat endpoint and model list, Groq's x_groq usage, Together's bare model array, OpenRouter's
// cost, a generic server that sends keep-alives and usage on the final choice or not at all).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDERS, providerFor } from '../../src/upstream/providers/index.js';
import type { Billing, UsageEvent } from '../../src/billing/types.js';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { MOCK_UPSTREAM_KEY, startGateway, type TestGateway } from '../helpers/gateway.js';

describe('provider profiles', () => {
  test('detects providers from host names', () => {
    const cases: Record<string, string> = {
      'https://api.openai.com/v1': 'openai',
      'https://my-res.openai.azure.com': 'azure',
      'https://api.anthropic.com/v1': 'anthropic',
      'https://api.groq.com/openai/v1': 'groq',
      'https://api.together.xyz/v1': 'together',
      'https://openrouter.ai/api/v1': 'openrouter',
      'https://vllm.internal.example.com/v1': 'generic',
    };
    for (const [url, name] of Object.entries(cases)) assert.equal(providerFor(new URL(url)).name, name, url);
    assert.equal(providerFor(new URL('https://x.example.com'), 'azure').name, 'azure');
    assert.equal(providerFor(new URL('https://x.example.com'), 'custom').name, 'generic');
  });

  test('Azure URLs: deployments, api-version, fixed deployment, v1 API', () => {
    const az = PROVIDERS.azure;
    assert.equal(az.chatUrl(new URL('https://r.openai.azure.com'), 'gpt-4o'), 'https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    assert.equal(
      az.chatUrl(new URL('https://r.openai.azure.com/openai?api-version=2025-01-01-preview'), 'x'),
      'https://r.openai.azure.com/openai/deployments/x/chat/completions?api-version=2025-01-01-preview',
    );
    assert.equal(az.chatUrl(new URL('https://r.openai.azure.com/openai/deployments/prod-4o'), 'ignored'), 'https://r.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21');
    assert.equal(az.chatUrl(new URL('https://r.openai.azure.com/openai/v1'), 'gpt-4o'), 'https://r.openai.azure.com/openai/v1/chat/completions');
    assert.deepEqual(az.headers('k'), { 'api-key': 'k' });
  });

  test('generic URLs keep the base path and query', () => {
    assert.equal(PROVIDERS.generic.chatUrl(new URL('http://h:8000/v1/'), 'm'), 'http://h:8000/v1/chat/completions');
    assert.equal(PROVIDERS.generic.modelsUrl(new URL('http://h/api/v1?tenant=a')), 'http://h/api/v1/models?tenant=a');
  });
});

describe('provider quirks against the mock', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  const events: UsageEvent[] = [];
  const billing: Billing = {
    async admit() {
      return { ok: true, headers: {}, release() {} };
    },
    record: (e) => void events.push(e),
    async flush() {},
  };
  const lastEvent = async () => {
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    return events.pop()!;
  };
  const hello = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'hello there' }] };

  before(async () => {
    mock = await startMockUpstream();
    gw = await startGateway({ mock, overrides: { billing } });
  });
  after(async () => {
    await gw.close();
    await mock.close();
  });

  test('Azure: api-key header, deployments path, api-version from the base URL', async () => {
    mock.reset();
    const { key } = await gw.createKey({ mode: 'byok', upstreamBaseUrl: `${mock.origin}/openai?api-version=2024-06-01`, upstreamProvider: 'azure' });
    const stream = await gw.client(key).chat.completions.create({ ...hello, model: 'my-deployment', stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'Hello from the mock upstream.');
    const sent = mock.requests[0];
    assert.equal(sent.url, '/openai/deployments/my-deployment/chat/completions?api-version=2024-06-01');
    assert.equal(sent.headers['api-key'], MOCK_UPSTREAM_KEY);
    assert.equal(sent.headers.authorization, undefined);
    assert.equal((await lastEvent()).usageReported, true);
  });

  test('Anthropic compat: Bearer + x-api-key + anthropic-version; native model list normalised', async () => {
    mock.reset();
    mock.behavior = {
      models: { data: [{ id: 'claude-sonnet-4-5', type: 'model', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }], has_more: false },
    };
    const { key } = await gw.createKey({ mode: 'byok', upstreamProvider: 'anthropic' });
    await gw.client(key).chat.completions.create({ ...hello, model: 'claude-sonnet-4-5' });
    const sent = mock.requests[0];
    assert.equal(sent.url, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${MOCK_UPSTREAM_KEY}`);
    assert.equal(sent.headers['x-api-key'], MOCK_UPSTREAM_KEY);
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    const models = await gw.client(key).models.list();
    assert.deepEqual(models.data[0], { id: 'claude-sonnet-4-5', object: 'model', created: 1759104000, owned_by: 'anthropic', display_name: 'Claude Sonnet 4.5' } as any);
  });

  test('Groq: usage under x_groq is captured (stream and JSON)', async () => {
    mock.reset();
    mock.behavior = { usageField: 'x_groq', usage: 'always' };
    const { key } = await gw.createKey({ mode: 'byok', upstreamProvider: 'groq' });
    const stream = await gw.client(key).chat.completions.create({ ...hello, stream: true });
    for await (const _ of stream) void _;
    const e = await lastEvent();
    assert.equal(e.usageReported, true);
    assert.equal(e.compressedInputTokens, mock.usageFor(mock.requests[0].body).prompt_tokens);
    await gw.client(key).chat.completions.create(hello);
    assert.equal((await lastEvent()).usageReported, true);
  });

  test('Together: a bare array model list becomes an OpenAI list', async () => {
    mock.reset();
    mock.behavior = { models: [{ id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', object: 'model', created: 0, type: 'chat' }] };
    const { key } = await gw.createKey({ mode: 'byok', upstreamProvider: 'together' });
    const models = await gw.client(key).models.list();
    assert.equal(models.data[0].id, 'meta-llama/Llama-3.3-70B-Instruct-Turbo');
  });

  test('OpenRouter (BYOK): usage.include requested, usage.cost captured', async () => {
    mock.reset();
    mock.behavior = { cost: 0.0021 };
    const { key } = await gw.createKey({ mode: 'byok', upstreamProvider: 'openrouter' });
    const stream = await gw.client(key).chat.completions.create({ ...hello, stream: true });
    for await (const _ of stream) void _;
    assert.deepEqual(mock.requests[0].body.usage, { include: true });
    assert.equal(mock.requests[0].headers['x-title'], 'OpenCompress');
    assert.equal((await lastEvent()).upstreamCostUsd, 0.0021);
  });

  test('generic: keep-alives, usage on the final choice, or no usage at all', async () => {
    const { key } = await gw.createKey({ mode: 'byok', accountId: await gw.newAccount() });
    mock.reset();
    mock.behavior = { keepAlive: true, usage: 'with-final-choice' };
    let text = '';
    for await (const c of await gw.client(key).chat.completions.create({ ...hello, stream: true })) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'Hello from the mock upstream.');
    assert.equal((await lastEvent()).usageReported, true);
    mock.behavior = { usage: 'none' };
    for await (const _ of await gw.client(key).chat.completions.create({ ...hello, stream: true })) void _;
    const e = await lastEvent();
    assert.equal(e.usageReported, false);
    assert.ok(e.compressedInputTokens > 0, 'falls back to the engine count');
  });
});
