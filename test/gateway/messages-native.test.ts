// POST /v1/messages end to end with the official `@anthropic-ai/sdk` against a native Anthropic
// mock: the client's text forwarded with only the compressed messages spliced in (every other
// byte, and thinking/image/system/assistant blocks, as the client sent them), SSE relayed as it
// came, usage and cache writes from the native events, tool use, 529/500 and a stream cut mid-way.
// (The translated path and the route's errors: messages.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ANTHROPIC_USAGE } from '../helpers/mock-anthropic-upstream.js';
import { MOCK_UPSTREAM_KEY } from '../helpers/gateway.js';
import { anthropicMock, BIG_TEXT, client, events, gw, IMAGE, nativeKey, REDACTED, richRequest, rows, SYSTEM, THINKING, translatedKey, useMessagesGateway, waitFor } from '../helpers/messages-gateway.js';

describe('POST /v1/messages, native Anthropic upstream', () => {
  useMessagesGateway();

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

  test('no log line carries a key', async () => {
    await new Promise((r) => setTimeout(r, 50));
    const lines = gw.logs.join('\n');
    assert.ok(lines.includes('/v1/messages'), 'requests were logged');
    for (const secret of [MOCK_UPSTREAM_KEY, translatedKey, nativeKey, 'sk-ant-HEADERSECRET-0123456789']) assert.equal(lines.includes(secret), false);
  });
});
