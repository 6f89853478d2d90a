// POST /v1/messages end to end with the official `@anthropic-ai/sdk`: against an OpenAI-compatible
// mock upstream (the request and the answer are translated, JSON and SSE) and against a native
// Anthropic mock (the body forwarded as-is, bytes relayed). Compression of user/tool_result text,
// byte-identical thinking/image/system/assistant blocks, tool use round trips, usage, billing
// events, and errors in Anthropic's shape.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { Admission, Billing, UsageEvent } from '../../src/billing/types.js';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { DEFAULT_ANTHROPIC_USAGE, startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.js';
import { MOCK_UPSTREAM_KEY, startGateway, type TestGateway } from '../helpers/gateway.js';

const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item-${i}`, status: i % 7 === 0 ? 'error' : 'ok', latency_ms: 100 + i }));
const BIG_TEXT = 'Here is the data:\n' + JSON.stringify(rows, null, 2) + '\n\nWhich items have status error?';
const THINKING = { type: 'thinking', thinking: 'Let me   look at   the data carefully.\n\n\n', signature: 'sig-abc123==' };
const REDACTED = { type: 'redacted_thinking', data: 'ZW5jcnlwdGVk' };
const IMAGE = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
const SYSTEM = [{ type: 'text', text: 'You are   terse.\n\n\nAnswer in English.', cache_control: { type: 'ephemeral' } }];

/** A conversation with everything that must survive untouched around a compressible user turn. */
function richRequest(): any {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    system: SYSTEM,
    messages: [
      { role: 'user', content: [IMAGE, { type: 'text', text: 'Remember   this picture.' }] },
      { role: 'assistant', content: [THINKING, REDACTED, { type: 'text', text: 'Noted.   I   will remember it.' }] },
      { role: 'user', content: [{ type: 'text', text: BIG_TEXT, cache_control: { type: 'ephemeral' } }] },
    ],
  };
}

/** what the test billing answers to admit(); null = admitted */
let refusal: null | 'balance' | 'rate' = null;

function recordingBilling(events: UsageEvent[]): Billing {
  return {
    admit: async (): Promise<Admission> =>
      refusal === 'balance'
        ? { ok: false, reason: 'insufficient_balance', headers: {} }
        : refusal === 'rate'
          ? { ok: false, reason: 'rate_limited', retryAfterSeconds: 7, headers: { 'x-ratelimit-limit': '60' } }
          : { ok: true, headers: { 'x-ratelimit-limit': '60' }, release: () => undefined },
    record: (e) => void events.push(e),
    flush: async () => undefined,
  };
}

async function waitFor<T>(get: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('POST /v1/messages', () => {
  let openaiMock: MockUpstream;
  let anthropicMock: MockAnthropic;
  let gw: TestGateway;
  let translatedKey: string;
  let nativeKey: string;
  const events: UsageEvent[] = [];
  const client = (key: string, headers?: Record<string, string>) =>
    new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0, timeout: 10_000, defaultHeaders: headers });

  before(async () => {
    openaiMock = await startMockUpstream();
    anthropicMock = await startMockAnthropic();
    gw = await startGateway({ mock: openaiMock, overrides: { billing: recordingBilling(events) } });
    translatedKey = (await gw.createKey({ mode: 'byok' })).key;
    nativeKey = (await gw.createKey({ mode: 'byok', upstreamBaseUrl: anthropicMock.origin, upstreamProvider: 'anthropic' })).key;
  });
  after(async () => {
    await gw.close();
    await openaiMock.close();
    await anthropicMock.close();
  });

  describe('native Anthropic upstream', () => {
    test('forwards the compressed body to /v1/messages; other blocks arrive byte-identical', async () => {
      anthropicMock.reset();
      const req = richRequest();
      const { data, response } = await client(nativeKey, { 'anthropic-beta': 'prompt-caching-2024-07-31' }).messages.create(req).withResponse();
      const sent = anthropicMock.requests[0];
      assert.equal(sent.url, '/v1/messages');
      assert.equal(sent.headers['x-api-key'], MOCK_UPSTREAM_KEY);
      assert.equal(sent.headers.authorization, undefined);
      assert.ok(typeof sent.headers['anthropic-version'] === 'string' && sent.headers['anthropic-version'].length > 0);
      assert.equal(sent.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
      const raw = sent.rawBody;
      for (const part of [THINKING, REDACTED, IMAGE, SYSTEM, req.messages[1], req.messages[0]]) {
        assert.ok(raw.includes(JSON.stringify(part)), `byte-identical: ${JSON.stringify(part).slice(0, 60)}`);
      }
      const compressed = sent.body.messages[2].content[0];
      assert.equal(compressed.type, 'text');
      assert.deepEqual(compressed.cache_control, { type: 'ephemeral' });
      assert.ok(compressed.text.length < BIG_TEXT.length, 'user text compressed');
      assert.ok(compressed.text.includes('Which items have status error?'));
      assert.equal(sent.body.max_tokens, 256);
      const original = Number(response.headers.get('x-opencompress-original-tokens'));
      const after = Number(response.headers.get('x-opencompress-compressed-tokens'));
      assert.ok(original > after && after > 0);
      assert.ok(response.headers.get('x-request-id'));
      assert.equal(response.headers.get('x-upstream-request-id'), 'req_mock_upstream');
      assert.deepEqual(data.content, [{ type: 'text', text: 'Hello from the mock Anthropic upstream.' }]);
      assert.equal(data.usage.input_tokens, DEFAULT_ANTHROPIC_USAGE.input_tokens);
      const ev = await waitFor(() => events.find((e) => e.requestId === response.headers.get('x-request-id')));
      assert.equal(ev.compressedInputTokens, 150);
      assert.equal(ev.cachedInputTokens, 30);
      assert.equal(ev.outputTokens, 9);
      assert.equal(ev.originalInputTokens, 150 + (original - after));
      assert.equal(ev.status, 'ok');
    });

    test('streams events through unchanged; usage from message_start/message_delta', async () => {
      anthropicMock.reset();
      events.length = 0;
      const text = 'One two three four five.';
      anthropicMock.behavior = { text };
      const stream = client(nativeKey).messages.stream({ ...richRequest() });
      const deltas: string[] = [];
      stream.on('text', (t) => deltas.push(t));
      const final = await stream.finalMessage();
      assert.equal(deltas.join(''), text);
      assert.deepEqual(final.content, [{ type: 'text', text }]);
      assert.equal(final.usage.input_tokens, 120);
      assert.equal(final.usage.cache_read_input_tokens, 30);
      assert.equal(final.usage.output_tokens, 9);
      assert.equal(anthropicMock.requests[0].body.stream, true);
      const ev = await waitFor(() => events[0]);
      assert.equal(ev.compressedInputTokens, 150);
      assert.equal(ev.cachedInputTokens, 30);
      assert.equal(ev.outputTokens, 9);
      assert.equal(ev.status, 'ok');
    });

    test('cache writes (by lifetime) reach the usage event, streamed and not', async () => {
      const usage = {
        input_tokens: 120,
        output_tokens: 9,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 50,
        cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 10 },
      };
      for (const stream of [false, true]) {
        anthropicMock.reset();
        events.length = 0;
        anthropicMock.behavior = { usage };
        if (stream) await client(nativeKey).messages.stream({ ...richRequest() }).finalMessage();
        else await client(nativeKey).messages.create({ ...richRequest() });
        const ev = await waitFor(() => events[0]);
        assert.equal(ev.compressedInputTokens, 200, `stream=${stream}`);
        assert.equal(ev.cachedInputTokens, 30);
        assert.equal(ev.cacheWriteTokens, 40, `stream=${stream}`);
        assert.equal(ev.cacheWrite1hTokens, 10, `stream=${stream}`);
      }
    });

    test('tool use: input assembled from input_json_delta', async () => {
      anthropicMock.reset();
      anthropicMock.behavior = { toolUse: { id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: 3 } } };
      const final = await client(nativeKey)
        .messages.stream({
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
          messages: [{ role: 'user', content: 'Weather in Paris?' }],
        })
        .finalMessage();
      assert.deepEqual(final.content, [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: 3 } }]);
      assert.equal(final.stop_reason, 'tool_use');
    });

    test('tool_result text is compressed in place; the tool_use turn is untouched', async () => {
      anthropicMock.reset();
      const assistant = { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_9', name: 'fetch_rows', input: { table: 'items' } }] };
      const req = {
        model: 'claude-sonnet-4-5',
        max_tokens: 50,
        messages: [
          { role: 'user' as const, content: 'Which items have status error?' },
          assistant,
          { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_9', content: JSON.stringify(rows, null, 2) }] },
        ],
      };
      await client(nativeKey).messages.create(req);
      const sent = anthropicMock.requests[0];
      assert.ok(sent.rawBody.includes(JSON.stringify(assistant)));
      const result = sent.body.messages[2].content[0];
      assert.equal(result.tool_use_id, 'toolu_9');
      assert.ok(result.content.length < JSON.stringify(rows, null, 2).length);
    });

    test('header BYOK with x-upstream-provider: anthropic goes native too', async () => {
      anthropicMock.reset();
      const headerKey = 'sk-ant-HEADERSECRET-0123456789';
      const msg = await client(translatedKey, { 'x-upstream-base-url': anthropicMock.origin, 'x-upstream-key': headerKey, 'x-upstream-provider': 'anthropic' }).messages.create({
        model: 'c',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(msg.id, 'msg_mock_1');
      assert.equal(anthropicMock.requests[0].url, '/v1/messages');
      assert.equal(anthropicMock.requests[0].headers['x-api-key'], headerKey);
    });

    test('a compressed request: every byte but the changed messages is the client\'s (big integers, 1.0, escapes)', async () => {
      anthropicMock.reset();
      const req = richRequest();
      const clientText = JSON.stringify({ ...req, metadata: { user_id: 'u' }, temperature: '__T__', top_k: '__K__', opencompress: { level: 'balanced' } })
        .replace('"__T__"', '1.0')
        .replace('"__K__"', '9007199254740993')
        .replace('"user_id":"u"', '"user_id":"caf\\u00e9 \\"x\\"", "n": 1e400');
      const res = await fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': nativeKey, 'anthropic-version': '2023-06-01' },
        body: clientText,
      });
      assert.equal(res.status, 200);
      await res.json();
      const raw = anthropicMock.requests[0].rawBody;
      const sent = JSON.parse(raw);
      assert.ok(sent.messages[2].content[0].text.length < BIG_TEXT.length, 'compressed');
      for (const part of ['"temperature":1.0', '"top_k":9007199254740993', '"metadata":{"user_id":"caf\\u00e9 \\"x\\"", "n": 1e400}', JSON.stringify(req.messages[0]), JSON.stringify(req.messages[1])]) {
        assert.ok(clientText.includes(part), `fixture: ${part}`);
        assert.ok(raw.includes(part), `arrived untouched: ${part}`);
      }
      assert.ok(!raw.includes('opencompress'));
      assert.equal(raw.replace(JSON.stringify(sent.messages), JSON.stringify(req.messages)), clientText.replace(/,"opencompress":\{[^}]*\}/, ''));
    });

    test('level off forwards the exact bytes the client sent', async () => {
      anthropicMock.reset();
      const raw = '{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"keep   my   spacing"}],  "x_extra": 1}';
      const res = await fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': nativeKey, 'x-opencompress-level': 'off', 'anthropic-version': '2023-06-01' },
        body: raw,
      });
      assert.equal(res.status, 200);
      await res.json();
      assert.equal(anthropicMock.requests[0].rawBody, raw);
      assert.equal(res.headers.get('x-opencompress-level'), 'off');
    });

    test('upstream 529 stays 529 overloaded_error; 500 becomes 502 api_error', async () => {
      anthropicMock.reset();
      anthropicMock.enqueue({ fail: 529, failType: 'overloaded_error' });
      await assert.rejects(client(nativeKey).messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: any) => {
        assert.equal(err.status, 529);
        assert.equal(err.error.type, 'error');
        assert.equal(err.error.error.type, 'overloaded_error');
        return true;
      });
      anthropicMock.enqueue({ fail: 500 });
      await assert.rejects(client(nativeKey).messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: any) => {
        assert.equal(err.status, 502);
        assert.equal(err.error.error.type, 'api_error');
        assert.match(err.error.error.message, /Upstream returned 500/);
        return true;
      });
    });

    test('a stream cut mid-way ends with an Anthropic error event', async () => {
      anthropicMock.reset();
      anthropicMock.behavior = { text: 'a b c d e f g', failAfterEvents: 4 };
      const stream = client(nativeKey).messages.stream({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
      await assert.rejects(stream.finalMessage(), /Upstream stream failed/);
    });
  });

  describe('OpenAI-compatible upstream (translated)', () => {
    test('JSON: request translated and compressed, answer translated back with usage', async () => {
      openaiMock.reset();
      const req = richRequest();
      const { data, response } = await client(translatedKey).messages.create({ ...req, stop_sequences: ['END'], temperature: 0.2, top_p: 0.9 }).withResponse();
      const sent = openaiMock.requests[0];
      assert.equal(sent.url, '/v1/chat/completions');
      assert.equal(sent.headers.authorization, `Bearer ${MOCK_UPSTREAM_KEY}`);
      const b = sent.body;
      assert.equal(b.model, 'claude-sonnet-4-5');
      assert.equal(b.max_tokens, 256);
      assert.deepEqual(b.stop, ['END']);
      assert.equal(b.temperature, 0.2);
      assert.equal(b.top_p, 0.9);
      assert.deepEqual(b.messages[0], { role: 'system', content: SYSTEM[0].text });
      assert.deepEqual(b.messages[1], {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'text', text: 'Remember   this picture.' }],
      });
      assert.deepEqual(b.messages[2], { role: 'assistant', content: 'Noted.   I   will remember it.' });
      assert.equal(b.messages[3].role, 'user');
      assert.ok(b.messages[3].content.length < BIG_TEXT.length);
      assert.ok(b.messages[3].content.includes('Which items have status error?'));
      assert.equal(data.type, 'message');
      assert.equal(data.role, 'assistant');
      assert.ok(data.id.startsWith('msg_'));
      assert.deepEqual(data.content, [{ type: 'text', text: 'Hello from the mock upstream.' }]);
      assert.equal(data.stop_reason, 'end_turn');
      const usage = openaiMock.usageFor(b);
      assert.equal(data.usage.input_tokens, usage.prompt_tokens);
      assert.equal(data.usage.output_tokens, usage.completion_tokens);
      assert.ok(Number(response.headers.get('x-opencompress-original-tokens')) > Number(response.headers.get('x-opencompress-compressed-tokens')));
    });

    test('streaming: Anthropic events built from chunks as they arrive; text in order; usage at the end', async () => {
      openaiMock.reset();
      const text = 'Alpha beta gamma delta epsilon zeta.';
      openaiMock.behavior = { content: text, chunkDelayMs: 2 };
      const stream = client(translatedKey).messages.stream({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'Say it.' }] });
      const deltas: string[] = [];
      const types: string[] = [];
      stream.on('text', (t) => deltas.push(t));
      stream.on('streamEvent', (e) => types.push(e.type));
      const final = await stream.finalMessage();
      assert.deepEqual(deltas, text.match(/\S+\s*/g));
      assert.deepEqual(final.content, [{ type: 'text', text }]);
      assert.equal(types[0], 'message_start');
      assert.equal(types[1], 'content_block_start');
      assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
      assert.equal(final.stop_reason, 'end_turn');
      const sent = openaiMock.requests[0].body;
      assert.equal(sent.stream, true);
      assert.deepEqual(sent.stream_options, { include_usage: true });
      assert.equal(final.usage.input_tokens, openaiMock.usageFor(sent).prompt_tokens);
      assert.equal(final.usage.output_tokens, 7);
    });

    test('tool use round trip: tools → functions, tool_calls → tool_use, tool_result → tool message', async () => {
      openaiMock.reset();
      openaiMock.behavior = { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris","days":3}' }] };
      const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
      const params = { model: 'm', max_tokens: 50, tools, tool_choice: { type: 'tool' as const, name: 'get_weather' }, messages: [{ role: 'user' as const, content: 'Weather in Paris?' }] };
      const streamed = await client(translatedKey).messages.stream(params).finalMessage();
      const json = await client(translatedKey).messages.create(params);
      for (const m of [streamed, json]) {
        assert.deepEqual(m.content, [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris', days: 3 } }]);
        assert.equal(m.stop_reason, 'tool_use');
      }
      const first = openaiMock.requests[0].body;
      assert.deepEqual(first.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: tools[0].input_schema } }]);
      assert.deepEqual(first.tool_choice, { type: 'function', function: { name: 'get_weather' } });

      openaiMock.reset();
      const answer = await client(translatedKey).messages.create({
        model: 'm',
        max_tokens: 50,
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: json.content as any },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'Sunny, 21 °C' }, { type: 'text', text: 'Thanks!' }] },
        ],
      });
      assert.equal(answer.content[0].type, 'text');
      const sent = openaiMock.requests[0].body.messages;
      assert.deepEqual(sent[1], {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":3}' } }],
      });
      assert.deepEqual(sent[2], { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21 °C' });
      assert.deepEqual(sent[3], { role: 'user', content: 'Thanks!' });
    });

    test('Router keys go to OpenRouter translated, with its usage accounting and cost', async () => {
      openaiMock.reset();
      openaiMock.behavior = { cost: 0.0012 };
      events.length = 0;
      const routerKey = (await gw.createKey({ mode: 'router', accountId: await gw.newAccount() })).key;
      const final = await client(routerKey).messages.stream({ model: 'anthropic/claude-sonnet-4.5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      assert.equal(final.content[0].type, 'text');
      const sent = openaiMock.requests[0];
      assert.equal(sent.url, '/v1/chat/completions');
      assert.deepEqual(sent.body.usage, { include: true });
      const ev = await waitFor(() => events[0]);
      assert.equal(ev.mode, 'router');
      assert.equal(ev.upstreamCostUsd, 0.0012);
    });

    test('a client that goes away aborts the upstream request; billing sees client_aborted', async () => {
      openaiMock.reset();
      openaiMock.behavior = { content: 'one two three four', hangAfterChunks: 2 };
      events.length = 0;
      const stream = client(translatedKey).messages.stream({ model: 'm', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
      stream.on('error', () => undefined);
      const settled = stream.done().catch(() => 'aborted');
      await new Promise<void>((resolve) => stream.once('text', () => resolve()));
      stream.abort();
      assert.equal(await settled, 'aborted');
      await openaiMock.waitForAborts(1);
      const ev = await waitFor(() => events[0]);
      assert.equal(ev.status, 'client_aborted');
    });

    test('upstream 500 → 502 api_error in Anthropic shape', async () => {
      openaiMock.reset();
      openaiMock.enqueue({ fail: 500 });
      await assert.rejects(client(translatedKey).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: any) => {
        assert.equal(err.status, 502);
        assert.deepEqual(Object.keys(err.error), ['type', 'error']);
        assert.equal(err.error.error.type, 'api_error');
        return true;
      });
    });
  });

  describe('errors', () => {
    test('invalid key → 401 authentication_error', async () => {
      await assert.rejects(client('sk-occ-notarealkey000000000000000000000000000').messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: any) => {
        assert.ok(err instanceof Anthropic.AuthenticationError);
        const e = err as any;
        assert.equal(e.status, 401);
        assert.equal(e.error.type, 'error');
        assert.equal(e.error.error.type, 'authentication_error');
        return true;
      });
    });

    test('Bearer auth works too; invalid JSON and bad bodies are 400 invalid_request_error', async () => {
      openaiMock.reset();
      const ok = await fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${translatedKey}` },
        body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as any).type, 'message');
      for (const body of ['{not json', '{"model":"m","messages":[]}', '{"model":"m","messages":[{"role":"system","content":"x"}]}']) {
        const res = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': translatedKey }, body });
        assert.equal(res.status, 400, body);
        const err = (await res.json()) as any;
        assert.equal(err.type, 'error');
        assert.equal(err.error.type, 'invalid_request_error');
      }
    });

    test('402 billing_error and 429 rate_limit_error (with Retry-After) from admission', async () => {
      const params = { model: 'm', max_tokens: 5, messages: [{ role: 'user' as const, content: 'hi' }] };
      try {
        refusal = 'balance';
        await assert.rejects(client(translatedKey).messages.create(params), (err: any) => {
          assert.equal(err.status, 402);
          assert.equal(err.error.error.type, 'billing_error');
          return true;
        });
        refusal = 'rate';
        await assert.rejects(client(translatedKey).messages.create(params), (err: any) => {
          assert.ok(err instanceof Anthropic.RateLimitError);
          const e = err as any;
          assert.equal(e.error.error.type, 'rate_limit_error');
          assert.equal(e.headers.get('retry-after'), '7');
          return true;
        });
      } finally {
        refusal = null;
      }
    });

    test('no log line carries a key', async () => {
      await new Promise((r) => setTimeout(r, 50));
      const lines = gw.logs.join('\n');
      assert.ok(lines.includes('/v1/messages'), 'requests were logged');
      for (const secret of [MOCK_UPSTREAM_KEY, translatedKey, nativeKey, 'sk-ant-HEADERSECRET-0123456789']) assert.equal(lines.includes(secret), false);
    });

    test('the chat route keeps the OpenAI error shape', async () => {
      const res = await fetch(`${gw.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
      const err = (await res.json()) as any;
      assert.equal(err.type, undefined);
      assert.equal(err.error.type, 'invalid_request_error');
    });
  });
});
